/**
 * JSON text exactly as Go's encoding/json writes it (what kube-apiserver serves and stores for custom
 * resources), and a JSON reader that keeps integers beyond 2^53 exact:
 * - strings escape `<`, `>`, `&`, U+2028 and U+2029 as \u00XX/\u20XX, control characters as \b \f \n \r \t
 *   or \u00XX; invalid UTF-16 (lone surrogates) becomes \ufffd, as Go does for invalid UTF-8;
 * - numbers use the shortest round-trip form (Go's strconv 'f'/'e' choice matches JavaScript's);
 *   integers outside ±2^53 are bigints and keep every digit;
 * - object keys stay in the order given, or Go's map order (UTF-8 bytes) with `sortKeys`.
 */

const ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;
const ESCAPE_ALL = /[\u0000-\u001f"\\<>&\u2028\u2029]|[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g;
const ESCAPE_NO_HTML = /[\u0000-\u001f"\\\u2028\u2029\ud800-\udfff]/;
const ESCAPE_ALL_NO_HTML = /[\u0000-\u001f"\\\u2028\u2029]|[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g;
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A Go JSON string literal; `escapeHTML: false` is Go's Encoder.SetEscapeHTML(false) (`<>&` as they are). */
export function goString(s: string, escapeHTML = true): string {
  if (!(escapeHTML ? ESCAPE : ESCAPE_NO_HTML).test(s)) return `"${s}"`;
  return (
    '"' +
    s.replace(escapeHTML ? ESCAPE_ALL : ESCAPE_ALL_NO_HTML, (c) => {
      if (c.length === 2) return c; // a valid surrogate pair
      const short = SHORT[c];
      if (short) return short;
      const code = c.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd';
      return `\\u${code.toString(16).padStart(4, '0')}`;
    }) +
    '"'
  );
}

/** Go's map key order: bytewise on UTF-8 (differs from UTF-16 order for characters above U+FFFF). */
export function compareGoKeys(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order unless a surrogate meets a character in U+E000..U+FFFF
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A key JavaScript orders before all others (an array index). */
const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;

export interface GoJsonOptions {
  /** Spaces per level (encoding/json's MarshalIndent with prefix ""); 0 or absent: compact. */
  indent?: number;
  /** Write object keys in Go's map order (for map[string]interface{} values such as custom resources). */
  sortKeys?: boolean;
  /** Escape `<`, `>` and `&` (default true, as encoding/json does). */
  escapeHTML?: boolean;
}

/** Go encoding/json text of a JSON-like value (numbers, bigints, strings, booleans, null, arrays, objects). */
export function stringifyGo(value: unknown, opts: GoJsonOptions = {}): string {
  const out: string[] = [];
  const step = opts.indent ? ' '.repeat(opts.indent) : '';
  const html = opts.escapeHTML ?? true;
  const write = (v: unknown, pad: string): void => {
    switch (typeof v) {
      case 'string':
        out.push(goString(v, html));
        return;
      case 'number':
        if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
        out.push(Object.is(v, -0) ? '-0' : String(v));
        return;
      case 'bigint':
        out.push(v.toString());
        return;
      case 'boolean':
        out.push(v ? 'true' : 'false');
        return;
      case 'undefined':
        out.push('null');
        return;
      case 'object': {
        if (v === null) {
          out.push('null');
          return;
        }
        const inner = pad + step;
        const nl = step ? `\n${inner}` : '';
        if (Array.isArray(v)) {
          if (v.length === 0) return void out.push('[]');
          out.push('[');
          v.forEach((x, i) => {
            if (i) out.push(',');
            out.push(nl);
            write(x, inner);
          });
          out.push(step ? `\n${pad}]` : ']');
          return;
        }
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o).filter((k) => o[k] !== undefined);
        // JavaScript lists integer-like keys first; only Go maps have such keys, and Go sorts maps
        if (opts.sortKeys || (keys.length > 1 && INDEX_KEY.test(keys[0]))) keys.sort(compareGoKeys);
        if (keys.length === 0) return void out.push('{}');
        out.push('{');
        keys.forEach((k, i) => {
          if (i) out.push(',');
          out.push(nl, goString(k, html), step ? ': ' : ':');
          write(o[k], inner);
        });
        out.push(step ? `\n${pad}}` : '}');
        return;
      }
      default:
        throw new Error(`json: unsupported type: ${typeof v}`);
    }
  };
  write(value, '');
  return out.join('');
}

/**
 * Text that JSON.parse would read differently from Go: integers a JavaScript number cannot hold exactly
 * (16 or more digits), and `-0`, which Go's Kubernetes JSON reader takes as the integer 0.
 */
const NOT_FOR_JSON_PARSE = /\d{16}|-0(?![.\deE])/;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * JSON.parse, except that integers read as Kubernetes' Go code reads them: outside ±(2^53-1) they become
 * bigints (every digit kept), and `-0` is 0. Duplicate keys: the last wins, as in JSON.parse and Go.
 */
export function parseJsonExact(text: string): unknown {
  if (!NOT_FOR_JSON_PARSE.test(text)) return JSON.parse(text) as unknown;
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(what, i);
  };
  const value = (depth: number): unknown => {
    if (depth > 10000) fail('JSON nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        Object.defineProperty(o, k, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === '}') return o;
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === ']') return a;
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    const n = Number(m[0]);
    if (m[1] || m[2]) return n;
    // an integer: Go reads it as int64 (so -0 is 0); beyond 2^53 keep every digit
    return Number.isSafeInteger(n) ? n + 0 : BigInt(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string');
      if (c === '\\') i += 2;
      else if (c === '"') break;
      else i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('unexpected text after the JSON value');
  return v;
}
