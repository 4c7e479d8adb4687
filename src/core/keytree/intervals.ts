/**
 * Splitting key intervals into smaller ones for the skip-scan. etcd counts every key of a Range's
 * interval even with `limit` (about 0.5 us a key), so a probe is cheap only when its interval is
 * small; these splits keep the intervals next to known children small and aligned to prefixes.
 */
import type { Interval } from './rangeReader';
import { beforeEnd, compareEnds, prefixRangeEnd } from './rangeEnd';

/** More pieces than this for one skip are merged at the deep end (long or binary segments). */
const MAX_PIECES = 24;

/**
 * Decomposes [from, end) into intervals aligned to the prefixes of `from`, deepest first:
 * [from, end(from[:n-1])), [end(from[:n-1]), end(from[:n-2])), … , [last, end). Right after a child,
 * the deep pieces are usually empty and cost nothing, and the piece holding the next sibling holds
 * only the siblings sharing its prefix, not the whole rest of the listing. No piece goes shallower
 * than `minDepth` bytes (the listed prefix): its end bounds everything anyway.
 */
export function levelGaps(from: Buffer, end: Buffer, minDepth: number): Interval[] {
  const bounds: Buffer[] = [];
  for (let depth = from.length - 1; depth > minDepth; depth--) {
    const b = prefixRangeEnd(from.subarray(0, depth));
    if (compareEnds(b, end) >= 0) break;
    const last = bounds.length ? bounds[bounds.length - 1] : from;
    if (Buffer.compare(b, last) > 0) bounds.push(b);
  }
  // Merge the deepest pieces when there are too many (they are nearly always empty).
  const kept = bounds.slice(Math.max(0, bounds.length - (MAX_PIECES - 1)));
  const pieces: Interval[] = [];
  let start = from;
  for (const b of kept) {
    pieces.push({ start, end: b });
    start = b;
  }
  pieces.push({ start, end });
  return pieces;
}

/**
 * Where pieces start when an interval is split at one byte position: one piece per character that
 * Kubernetes names, API groups and paths use ('-', '.', '/', digits, lowercase letters), one for each run
 * of other bytes in between, one below and one above. Splitting is only a cost heuristic: any split is
 * correct, because every piece is probed and recursed into.
 */
export const SPLIT_BYTES: readonly number[] = [
  0x2d, 0x2e, 0x2f, ...Array.from({ length: 10 }, (_, i) => 0x30 + i), 0x3a, 0x41, 0x5b, 0x5f, 0x60,
  ...Array.from({ length: 26 }, (_, i) => 0x61 + i), 0x7b,
];

/** Lowercase letters: where a second split byte goes (names mostly start with two letters). */
export const LETTERS: readonly number[] = Array.from({ length: 26 }, (_, i) => 0x61 + i);

/**
 * Splits [iv.start, iv.end) at `prefix + byte` for every byte of `bytes` (SPLIT_BYTES) above `after`, e.g.
 * one piece per first character of a child segment: their probes run in parallel on the server and each
 * counts only its own keys.
 */
export function splitAtByte(iv: Interval, prefix: Buffer, after = -1, bytes: readonly number[] = SPLIT_BYTES): Interval[] {
  const pieces: Interval[] = [];
  let start = iv.start;
  for (const byte of bytes) {
    if (byte <= after) continue;
    const b = Buffer.concat([prefix, Buffer.from([byte])]);
    if (Buffer.compare(b, start) <= 0) continue;
    if (!beforeEnd(b, iv.end)) break;
    pieces.push({ start, end: b });
    start = b;
  }
  pieces.push({ start, end: iv.end });
  return pieces;
}

/**
 * The first round's pieces: [iv.start, iv.end) split at the first byte after `prefix` (SPLIT_BYTES), and
 * each piece within one lowercase letter split again at the second byte (per letter). Children that share
 * their first letter (configmaps, cronjobs, certificates…) then mostly land in different pieces, so each is
 * counted once here instead of again by every skip-scan that has to separate it from its earlier siblings.
 */
export function splitFirstRound(iv: Interval, prefix: Buffer): Interval[] {
  const out: Interval[] = [];
  for (const piece of splitAtByte(iv, prefix)) {
    const first = piece.start.length > prefix.length ? piece.start[prefix.length] : -1;
    const letterPrefix = piece.start.subarray(0, prefix.length + 1);
    const inOneLetter = first >= 0x61 && first <= 0x7a && compareEnds(piece.end, prefixRangeEnd(letterPrefix)) <= 0;
    if (inOneLetter) out.push(...splitAtByte(piece, Buffer.from(letterPrefix), -1, LETTERS));
    else out.push(piece);
  }
  return out;
}
