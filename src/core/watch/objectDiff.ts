/**
 * "What changed" between two versions of a stored value, in a line each a person can scan in an
 * event list: `spec.replicas 3 -> 5`, `metadata.labels.tier added: frontend`. Kubernetes objects are
 * decoded with the codec and compared field by field; lists of named items (containers, ports, env)
 * are matched by name so inserting one item does not report every later one as changed.
 */
import { isDeepStrictEqual } from 'node:util';
import { decodeValue, type Decoded } from '../k8s/codec';

export interface FieldChange {
  /** JSON path, e.g. `spec.template.spec.containers[web].image` or `metadata.labels["app.kubernetes.io/name"]`. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface ChangeSummary {
  /** Readable lines, at most `maxLines` plus an "…and N more" line. */
  lines: string[];
  /** Every field change found (empty for values that are not objects). */
  fields: FieldChange[];
}

/** Fields the API server rewrites on every update; listing them would bury the real change. */
const NOISE = new Set(['metadata.resourceVersion', 'metadata.managedFields']);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function child(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Lists whose items all have a distinct string `name` are compared by name. */
function namesOf(list: unknown[]): string[] | undefined {
  const names = list.map((x) => (isObject(x) && typeof x.name === 'string' ? x.name : undefined));
  if (names.some((n) => n === undefined) || new Set(names).size !== names.length) return undefined;
  return names as string[];
}

function walk(path: string, a: unknown, b: unknown, out: FieldChange[]): void {
  if (NOISE.has(path) || isDeepStrictEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) {
      if (k in b) walk(child(path, k), a[k], b[k], out);
      else if (!NOISE.has(child(path, k))) out.push({ path: child(path, k), change: 'removed', before: a[k] });
    }
    for (const k of Object.keys(b))
      if (!(k in a) && !NOISE.has(child(path, k))) out.push({ path: child(path, k), change: 'added', after: b[k] });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const na = namesOf(a);
    const nb = namesOf(b);
    if (na && nb && a.length + b.length > 0) {
      for (let i = 0; i < a.length; i++) {
        const j = nb.indexOf(na[i]);
        if (j < 0) out.push({ path: `${path}[${na[i]}]`, change: 'removed', before: a[i] });
        else walk(`${path}[${na[i]}]`, a[i], b[j], out);
      }
      for (let j = 0; j < b.length; j++) if (!na.includes(nb[j])) out.push({ path: `${path}[${nb[j]}]`, change: 'added', after: b[j] });
      return;
    }
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) walk(`${path}[${i}]`, a[i], b[i], out);
    for (let i = common; i < a.length; i++) out.push({ path: `${path}[${i}]`, change: 'removed', before: a[i] });
    for (let i = common; i < b.length; i++) out.push({ path: `${path}[${i}]`, change: 'added', after: b[i] });
    return;
  }
  out.push({ path: path || '(value)', change: 'changed', before: a, after: b });
}

/** Field-by-field differences of two decoded objects. */
export function diffObjects(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk('', before, after, out);
  return out;
}

/** A value as it reads in one line: short strings bare, long ones cut, objects and lists by size. */
export function shortValue(v: unknown, max = 60): string {
  if (Array.isArray(v)) return `[${v.length} item${v.length === 1 ? '' : 's'}]`;
  if (isObject(v)) return `{${Object.keys(v).length} field${Object.keys(v).length === 1 ? '' : 's'}}`;
  if (typeof v === 'string') {
    const cut = v.length > max ? `${v.slice(0, max - 1)}…` : v;
    // Bare when it cannot be mistaken for a number, boolean or null.
    const bare = /^[\w./:@+-]+$/.test(cut) && !/^(-?[\d.]+(e\d+)?|true|false|null)$/i.test(cut);
    return bare ? cut : JSON.stringify(cut);
  }
  return typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? String(v));
}

export function formatFieldChange(c: FieldChange): string {
  switch (c.change) {
    case 'added':
      return isObject(c.after) || Array.isArray(c.after) ? `${c.path} added` : `${c.path} added: ${shortValue(c.after)}`;
    case 'removed':
      return isObject(c.before) || Array.isArray(c.before) ? `${c.path} removed` : `${c.path} removed (was ${shortValue(c.before)})`;
    default:
      return `${c.path} ${shortValue(c.before)} -> ${shortValue(c.after)}`;
  }
}

function objectOf(d: Decoded): Record<string, unknown> | undefined {
  return 'object' in d && !d.error ? (d.object as Record<string, unknown> | undefined) : undefined;
}

function size(n: number): string {
  return `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
}

/**
 * Summarises the change from `before` to `after` (undefined = the key did not exist). Objects get one
 * line per changed field; other values say what kind of value changed and its sizes.
 */
export function summarizeChange(
  before: Uint8Array | undefined,
  after: Uint8Array | undefined,
  opts: { maxLines?: number } = {},
): ChangeSummary {
  const maxLines = opts.maxLines ?? 12;
  if (!before && !after) return { lines: [], fields: [] };
  if (!before) return { lines: ['created'], fields: [] };
  if (!after) return { lines: ['deleted'], fields: [] };
  if (Buffer.from(before).equals(Buffer.from(after))) return { lines: ['value unchanged (rewritten with the same bytes)'], fields: [] };
  const a = decodeValue(before);
  const b = decodeValue(after);
  const oa = objectOf(a);
  const ob = objectOf(b);
  if (oa && ob) {
    const fields = diffObjects(oa, ob);
    if (fields.length === 0) return { lines: ['no field changed (same object, different encoding)'], fields };
    const lines = fields.slice(0, maxLines).map(formatFieldChange);
    if (fields.length > maxLines) lines.push(`…and ${fields.length - maxLines} more`);
    return { lines, fields };
  }
  if (a.format === 'text' && b.format === 'text')
    return { lines: [`text changed (${size(before.length)} -> ${size(after.length)})`], fields: [] };
  if (a.format === 'encrypted' || b.format === 'encrypted')
    return { lines: [`encrypted value changed (${size(before.length)} -> ${size(after.length)})`], fields: [] };
  const fmt = a.format === b.format ? a.format : `${a.format} -> ${b.format}`;
  return { lines: [`${fmt} value changed (${size(before.length)} -> ${size(after.length)})`], fields: [] };
}
