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
  0x2d,
  0x2e,
  0x2f,
  ...Array.from({ length: 10 }, (_, i) => 0x30 + i),
  0x3a,
  0x41,
  0x5b,
  0x5f,
  0x60,
  ...Array.from({ length: 26 }, (_, i) => 0x61 + i),
  0x7b,
];

/**
 * Splits [iv.start, iv.end) at `prefix + byte` for every byte of `bytes` (ascending; SPLIT_BYTES) above `after`, e.g. one piece
 * per first character of a child segment: their probes run in parallel on the server and each counts
 * only its own keys.
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
 * Splits contiguous pieces further at the given keys (any order; keys outside the pieces or on their
 * bounds are ignored), e.g. at the exact ranges of children known in advance.
 */
export function splitAtKeys(pieces: Interval[], keys: Buffer[]): Interval[] {
  const sorted = [...keys].sort(Buffer.compare);
  const out: Interval[] = [];
  let k = 0;
  for (const piece of pieces) {
    let start = piece.start;
    while (k < sorted.length && Buffer.compare(sorted[k], start) <= 0) k++;
    for (; k < sorted.length && beforeEnd(sorted[k], piece.end); k++) {
      if (Buffer.compare(sorted[k], start) <= 0) continue; // a duplicate
      out.push({ start, end: sorted[k] });
      start = sorted[k];
    }
    out.push({ start, end: piece.end });
  }
  return out;
}

const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Runs of bytes that numbered or lettered names vary in: digits, lowercase, uppercase (inclusive bounds). */
const KINDS: readonly [number, number][] = [
  [0x30, 0x39],
  [0x61, 0x7a],
  [0x41, 0x5a],
];

function kindOf(byte: number): [number, number] | undefined {
  return KINDS.find(([lo, hi]) => byte >= lo && byte <= hi);
}

/**
 * Where names that share a stem with a name ending in `byte` most likely differ next: the separators
 * that end or extend a name ('-', '.', '/'), the bytes of the same kind (digits after a digit, as in
 * app-1, app-10 … app-19; letters after a letter), with one piece below and one above them.
 * Undefined for other bytes.
 */
export function stemBytes(byte: number): readonly number[] | undefined {
  const kind = kindOf(byte);
  if (!kind) return undefined;
  return [0x2d, 0x2e, 0x2f, ...(kind[0] > 0x30 ? [0x30] : []), ...run(kind[0], kind[1] + 1)];
}

/**
 * Splits again, one byte deeper (at `bytes`, see stemBytes), the pieces that are exactly one value of
 * the byte at `depth` of the same kind as `byte` (piece start `depth + 1` bytes long): after a byte split
 * at app-1, app-2 …, the piece app-1 is cut at app-1/, app-10, app-11 …, so each sibling of a numbered
 * family gets a piece of its own.
 */
export function splitDeeper(pieces: Interval[], depth: number, byte: number): Interval[] {
  const bytes = stemBytes(byte);
  const kind = kindOf(byte);
  if (!bytes || !kind) return pieces;
  return pieces.flatMap((p) =>
    p.start.length === depth + 1 && kindOf(p.start[depth]) === kind ? splitAtByte(p, p.start, -1, bytes) : [p],
  );
}
