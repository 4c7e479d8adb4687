/** A search hit as `grep -n` prints it (key in place of the file name) and as one JSON line. */
import { keyToText } from '../keytree/keyText';
import type { GrepHit } from './grep';

/** `KEY:LINE:TEXT` per matched line, `KEY: PATH=VALUE` per matched field, or just the key (`-l`). */
export function hitLines(h: GrepHit, keysOnly: boolean): string[] {
  const key = keyToText(h.key);
  if (keysOnly) return [key];
  if (h.lines.length) {
    const out = h.lines.map((l) => `${key}:${l.line}:${l.text}`);
    if (h.moreLines) out.push(`${key}: …and ${h.moreLines} more matching lines`);
    return out;
  }
  return h.fields.map((f) => `${key}: ${f.path}=${f.value}`);
}

/** One hit as plain JSON data (the key as escaped text, see keyText.ts). */
export function hitJson(hit: GrepHit): Record<string, unknown> {
  return {
    key: keyToText(hit.key),
    modRevision: hit.modRevision,
    createRevision: hit.createRevision,
    version: hit.version,
    summary: hit.summary,
    lines: hit.lines,
    ...(hit.moreLines ? { moreLines: hit.moreLines } : {}),
    fields: hit.fields.map((f) => ({ path: f.path, value: f.value })),
  };
}
