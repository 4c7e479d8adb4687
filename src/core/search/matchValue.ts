/**
 * Whether one stored value matches a search: decoded as the editor shows it (Kubernetes objects as
 * kubectl YAML, text as text, values encrypted at rest decrypted when a decryptor is given), field
 * matches first (no YAML needed), then the pattern line by line.
 */
import { decodeValue, toYaml } from '../k8s/codec';
import type { JsonObject } from '../k8s/decode';
import { detectFormat } from '../k8s/envelope';
import { evaluateField, FieldHit, formatPath, scalarText } from './fieldPath';
import type { SearchQuery } from './query';

/** Lines reported per key at most (the rest are counted). */
export const MAX_LINES_PER_KEY = 20;

export interface LineMatch {
  /** 1-based line of the decoded text. */
  line: number;
  text: string;
}

export interface FieldMatchHit {
  /** Concrete path, e.g. `spec.containers[0].image`. */
  path: string;
  segments: (string | number)[];
  value: string;
}

export interface ValueMatch {
  /** "v1 Pod", "JSON · example.com/v1 Widget", "text". */
  summary: string;
  lines: LineMatch[];
  /** Matching lines beyond MAX_LINES_PER_KEY. */
  moreLines: number;
  fields: FieldMatchHit[];
}

export type SkipReason = 'encrypted' | 'binary' | 'undecodable';

export interface MatchOptions {
  /** Plaintext of a value encrypted at rest (`k8s:enc:…`), or throws. */
  decrypt?: (bytes: Uint8Array, key: string) => Uint8Array;
}

function summaryOf(format: string, obj: JsonObject | undefined): string {
  const type = obj && typeof obj.kind === 'string' ? `${String(obj.apiVersion ?? '')} ${obj.kind}`.trim() : '';
  if (format === 'k8s-protobuf') return type || 'Kubernetes protobuf';
  return type ? `${format.toUpperCase()} · ${type}` : format;
}

function matchLines(text: string, pattern: RegExp): { lines: LineMatch[]; more: number } {
  const lines: LineMatch[] = [];
  let more = 0;
  let n = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    n++;
    const line = text.slice(start, end);
    if (pattern.test(line)) {
      if (lines.length < MAX_LINES_PER_KEY) lines.push({ line: n, text: line });
      else more++;
    }
    if (end === text.length) break;
    start = end + 1;
  }
  return { lines, more };
}

/** A value decoded for searching: an object (YAML made on first need) or text. */
export interface Searchable {
  summary: string;
  object?: JsonObject;
  /** The decoded text: YAML of the object (made once, on first call), or the text value. */
  text(): string;
}

/** Decodes `value` (stored under `key`) as the editor shows it, or says why it cannot be searched. */
export function prepareValue(key: string, value: Uint8Array, opts: MatchOptions = {}): Searchable | SkipReason {
  let bytes = value;
  let format = detectFormat(bytes);
  let via = '';
  if (format === 'encrypted') {
    if (!opts.decrypt) return 'encrypted';
    try {
      bytes = opts.decrypt(bytes, key);
    } catch {
      return 'encrypted';
    }
    format = detectFormat(bytes);
    via = 'decrypted · ';
  }
  if (format === 'binary') return 'binary';
  if (format === 'text') {
    const text = new TextDecoder().decode(bytes);
    return { summary: `${via}text`, text: () => text };
  }
  let object: JsonObject;
  try {
    const d = decodeValue(bytes, { key });
    if (d.error || !('object' in d) || !d.object) return 'undecodable';
    object = d.object;
  } catch {
    return 'undecodable';
  }
  let yaml: string | undefined;
  return { summary: via + summaryOf(format, object), object, text: () => (yaml ??= toYaml(object)) };
}

/** The match of a prepared value against `q`, or undefined. Field matches are tried before any YAML is made. */
export function matchPrepared(v: Searchable, q: SearchQuery): ValueMatch | undefined {
  const fields: FieldMatchHit[] = [];
  if (q.fields.length) {
    if (!v.object) return undefined;
    for (const f of q.fields) {
      const r = evaluateField(v.object, f);
      if (!r.ok) return undefined;
      fields.push(
        ...r.hits.map((h: FieldHit) => ({
          path: formatPath(h.path),
          segments: h.path,
          value: scalarText(h.value) ?? JSON.stringify(h.value),
        })),
      );
    }
  }
  let lines: LineMatch[] = [];
  let more = 0;
  if (q.pattern) {
    ({ lines, more } = matchLines(v.text(), q.pattern));
    if (!lines.length) return undefined;
  }
  return { summary: v.summary, lines, moreLines: more, fields };
}

/**
 * The match of `value` (stored under `key`) against `q`, undefined when it does not match, or why it
 * could not be searched.
 */
export function matchValue(key: string, value: Uint8Array, q: SearchQuery, opts: MatchOptions = {}): ValueMatch | SkipReason | undefined {
  const v = prepareValue(key, value, opts);
  return typeof v === 'string' ? v : matchPrepared(v, q);
}
