/**
 * YAML as `kubectl get -o yaml` prints it (sigs.k8s.io/yaml: keys sorted, sequences not indented under
 * their key, strings quoted when YAML 1.1 would read them as something else), and parsing back with line
 * numbers so validation can point at the offending line.
 */
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import { stringifyGo } from './goJson';
import type { PathSeg } from './jsonForms';
import { emitYaml, KUBE_YAML_OPTIONS } from './yamlEmit';

/** Deep copy with object keys sorted (Go's map ordering in sigs.k8s.io/yaml output). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export function toYaml(obj: unknown): string {
  // the hand-written emitter is several times faster; it declines anything it cannot match exactly
  return emitYaml(obj) ?? stringify(obj, KUBE_YAML_OPTIONS);
}

/**
 * kube JSON text as Go's encoding/json writes it: Go struct order as decoded, Go's string escapes, every
 * digit of 64-bit integers (kubectl -o json uses indent 4; the upstream fixtures 2; 0 is compact).
 */
export function toJson(obj: unknown, indent = 2): string {
  return stringifyGo(obj, { indent });
}

export interface ParsedText {
  value: unknown;
  /** 1-based line of the node at `path` (nearest existing ancestor), if known. */
  lineOf(path: readonly PathSeg[]): number | undefined;
}

export class TextParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'TextParseError';
  }
}

/** Parses YAML (and therefore JSON) text; throws TextParseError with the line on syntax errors. */
export function parseText(text: string): ParsedText {
  const lc = new LineCounter();
  // YAML 1.2 core schema: `on`/`yes` stay strings, like sigs.k8s.io/yaml's JSON conversion of quoted values
  // integers are read as bigints first so that 64-bit values keep every digit (see exactIntegers)
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true, intAsBigInt: true });
  const err = doc.errors[0];
  if (err) {
    const pos = lc.linePos(err.pos[0]);
    throw new TextParseError(`invalid YAML at line ${pos.line}, column ${pos.col}: ${firstLine(err.message)}`, pos.line, pos.col);
  }
  if (doc.contents === null) throw new TextParseError('the document is empty: expected a Kubernetes object', 1);
  const value = exactIntegers(doc.toJS({ maxAliasCount: 100 }) as unknown);
  return {
    value,
    lineOf(path) {
      let node: unknown = doc.contents;
      let best: number | undefined;
      for (let i = 0; ; i++) {
        const n = node as Node | undefined;
        if (n?.range) best = lc.linePos(n.range[0]).line;
        if (i >= path.length || !n) break;
        const seg = path[i];
        if (isMap(n)) {
          const pair = n.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
          if (!pair) break;
          const key = pair.key as Node | null;
          if (key?.range) best = lc.linePos(key.range[0]).line;
          node = pair.value;
        } else if (isSeq(n) && typeof seg === 'number') node = n.items[seg];
        else break;
      }
      return best;
    },
  };
}

/** Integers as numbers where that is exact, bigints beyond ±(2^53-1) (in place; aliases are shared). */
function exactIntegers(v: unknown): unknown {
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = exactIntegers(v[i]);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = exactIntegers(o[k]);
  }
  return v;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
