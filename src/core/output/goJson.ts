/**
 * JSON exactly as etcdctl's Go `json.Marshal` prints it: fields in struct order, `omitempty` fields
 * dropped when zero, uint64 ids as full-precision numbers (JSON.stringify would round them), bytes
 * as base64, and Go's HTML-safe string escapes.
 */

/** A number written verbatim from its decimal text (int64/uint64 from etcd arrive as strings). */
export class GoNumber {
  constructor(readonly text: string) {}
  get isZero(): boolean {
    return /^-?0+$/.test(this.text);
  }
}

export type GoValue = string | boolean | null | GoNumber | Buffer | GoValue[] | GoObject;

/** An ordered object; an entry whose value is `undefined` is left out. */
export class GoObject {
  readonly entries: [string, GoValue][] = [];

  /** Always written, zero or not (fields without omitempty). */
  set(name: string, value: GoValue): this {
    this.entries.push([name, value]);
    return this;
  }

  /** Written only when not zero/empty (omitempty). */
  opt(name: string, value: GoValue | undefined): this {
    if (value === undefined || value === null || value === false || value === '') return this;
    if (value instanceof GoNumber && value.isZero) return this;
    if ((Array.isArray(value) || Buffer.isBuffer(value)) && value.length === 0) return this;
    return this.set(name, value);
  }
}

export function num(v: string | number | bigint | undefined): GoNumber {
  return new GoNumber(String(v ?? 0));
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function goString(s: string): string {
  return (
    '"' +
    s.replace(/["\\\n\r\t<>&\u2028\u2029\u0000-\u001f]/g, (c) => ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) +
    '"'
  );
}

export function goJson(v: GoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof GoNumber) return v.text;
  if (Buffer.isBuffer(v)) return `"${v.toString('base64')}"`;
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  return `{${v.entries.map(([k, x]) => `${goString(k)}:${goJson(x)}`).join(',')}}`;
}
