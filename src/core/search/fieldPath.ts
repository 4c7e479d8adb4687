/**
 * Field matches over decoded objects: `spec.containers[*].image=~nginx`, `metadata.labels.app=web`,
 * `metadata.labels["app.kubernetes.io/name"]!=api`, `metadata.ownerReferences` (exists).
 *
 * A path is dot-separated JSON keys; `[*]` (or `*`) is every element of a list or value of a map,
 * `[N]` one element, `["key"]`/`['key']` a key with dots or brackets in it (`\.` escapes a dot too).
 * Values compare with their YAML text: `replicas=3`, `hostNetwork=true`, `deletionTimestamp=null`.
 */
import { EtcdStudioError } from '../errors';

export type PathSegment = { key: string } | { index: number } | { any: true };

export type FieldOp = '=' | '!=' | '=~' | '!~' | 'exists';

export interface FieldMatch {
  /** As the user wrote it. */
  source: string;
  path: PathSegment[];
  op: FieldOp;
  /** For = and != */
  value?: string;
  /** For =~ and !~ */
  regex?: RegExp;
}

/** One value a path reached, and where (concrete indices and keys). */
export interface FieldHit {
  path: (string | number)[];
  value: unknown;
}

function bad(source: string, why: string): never {
  throw new EtcdStudioError(
    'InvalidArgument',
    `Field match "${source}": ${why}. Write PATH=VALUE, PATH!=VALUE, PATH=~REGEX, PATH!~REGEX or PATH alone (it exists), e.g. spec.containers[*].image=~nginx or metadata.labels["app.kubernetes.io/name"]=web.`,
  );
}

/** Parses the path part (`spec.containers[*].image`). */
export function parsePath(text: string, source = text): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  let key = '';
  let keyStarted = false;
  const flush = () => {
    if (keyStarted) {
      if (!key) bad(source, 'an empty name in the path');
      out.push(key === '*' ? { any: true } : { key });
    }
    key = '';
    keyStarted = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      key += text[i + 1];
      keyStarted = true;
      i += 2;
    } else if (c === '.') {
      if (!keyStarted && (i === 0 || text[i - 1] !== ']')) bad(source, 'an empty name in the path');
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const close = text.indexOf(']', i);
      const quote = text[i + 1];
      if (quote === '"' || quote === "'") {
        const end = text.indexOf(quote, i + 2);
        if (end < 0 || text[end + 1] !== ']') bad(source, `an unclosed ${quote} in brackets`);
        out.push({ key: text.slice(i + 2, end) });
        i = end + 2;
      } else {
        if (close < 0) bad(source, 'an unclosed [');
        const inner = text.slice(i + 1, close).trim();
        if (inner === '*' || inner === '') out.push({ any: true });
        else if (/^\d+$/.test(inner)) out.push({ index: Number(inner) });
        else bad(source, `[${inner}] is neither [*], [N] nor ["key"]`);
        i = close + 1;
      }
    } else {
      key += c;
      keyStarted = true;
      i++;
    }
  }
  flush();
  if (!out.length) bad(source, 'no path');
  return out;
}

/** Parses `PATH OP VALUE` (see the file comment). Regexes are case-sensitive unless `ignoreCase`. */
export function parseFieldMatch(source: string, ignoreCase = false): FieldMatch {
  // The operator is the first =, != or ~ outside brackets.
  let depth = 0;
  let quote = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (depth > 0 && (c === '"' || c === "'")) quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (depth === 0 && (c === '=' || (c === '!' && (source[i + 1] === '=' || source[i + 1] === '~')))) {
      const two = source.slice(i, i + 2);
      const op: FieldOp = two === '=~' || two === '!~' || two === '!=' ? two : two === '==' ? '=' : '=';
      const width = two === '=~' || two === '!~' || two === '!=' || two === '==' ? 2 : 1;
      const path = parsePath(source.slice(0, i).trim(), source);
      const rhs = source.slice(i + width);
      if (op === '=~' || op === '!~') {
        let regex: RegExp;
        try {
          regex = new RegExp(rhs, ignoreCase ? 'i' : '');
        } catch (e) {
          return bad(source, `the regular expression is invalid (${(e as Error).message})`);
        }
        return { source, path, op, regex };
      }
      return { source, path, op, value: rhs };
    }
  }
  return { source, path: parsePath(source.trim(), source), op: 'exists' };
}

/** Every value the path reaches in `obj`, with its concrete path. */
export function resolvePath(obj: unknown, path: PathSegment[]): FieldHit[] {
  let hits: FieldHit[] = [{ path: [], value: obj }];
  for (const seg of path) {
    const next: FieldHit[] = [];
    for (const h of hits) {
      const v = h.value;
      if ('key' in seg) {
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, seg.key)) {
          next.push({ path: [...h.path, seg.key], value: (v as Record<string, unknown>)[seg.key] });
        }
      } else if ('index' in seg) {
        if (Array.isArray(v) && seg.index < v.length) next.push({ path: [...h.path, seg.index], value: v[seg.index] });
      } else if (Array.isArray(v)) {
        v.forEach((x, i) => next.push({ path: [...h.path, i], value: x }));
      } else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) next.push({ path: [...h.path, k], value: x });
      }
    }
    hits = next;
    if (!hits.length) break;
  }
  return hits;
}

/** A scalar's text as YAML shows it; undefined for objects and lists (they never equal a value). */
export function scalarText(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/**
 * Whether `obj` satisfies the match, and the hits that made it so (none for a negation or a plain
 * "exists" on an absent path).
 */
export function evaluateField(obj: unknown, m: FieldMatch): { ok: boolean; hits: FieldHit[] } {
  const hits = resolvePath(obj, m.path);
  const test = (h: FieldHit): boolean => {
    const text = scalarText(h.value);
    if (text === undefined) return false;
    if (m.op === '=' || m.op === '!=') return text === m.value;
    m.regex!.lastIndex = 0;
    return m.regex!.test(text);
  };
  switch (m.op) {
    case 'exists':
      return { ok: hits.length > 0, hits };
    case '=':
    case '=~': {
      const matched = hits.filter(test);
      return { ok: matched.length > 0, hits: matched };
    }
    default:
      // Like a label selector's != : true when no value matches, the field being absent included.
      return { ok: !hits.some(test), hits: [] };
  }
}

/** `spec.containers[0].image` for a concrete path. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}
