/**
 * Byte-level range math for etcd prefixes. etcd compares keys as raw bytes, so everything here works
 * on Buffers, never on JS strings (UTF-16 order differs from byte order for non-ASCII keys).
 */

/** etcd's range_end "\0": with a non-empty key it means "every key >= key" (no upper bound). */
export const UNBOUNDED: Buffer = Buffer.from([0]);

/** True for the "\0" range end, which etcd reads as "no upper bound". */
export function isUnbounded(end: Buffer): boolean {
  return end.length === 1 && end[0] === 0;
}

/**
 * The range end that selects every key starting with `prefix` (etcd's GetPrefixRangeEnd): drop
 * trailing 0xff bytes, then increment the last byte. An empty or all-0xff prefix has no finite end,
 * so it gets "\0" (every key from the start key on).
 */
export function prefixRangeEnd(prefix: Uint8Array): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i]++;
      return end;
    }
  }
  return Buffer.from(UNBOUNDED);
}

/**
 * The first key after the whole child prefix `prefix + segment` (segment ends with '/'), i.e. where a
 * skip-scan resumes without reading anything under that child.
 */
export function skipPastChild(prefix: Uint8Array, segment: Uint8Array): Buffer {
  return prefixRangeEnd(Buffer.concat([prefix, segment]));
}

/** The smallest key greater than `key` (key + "\0"): resumes a scan right after one key. */
export function keySuccessor(key: Uint8Array): Buffer {
  return Buffer.concat([key, UNBOUNDED]);
}

/** Byte order of two keys (negative, zero, positive), as etcd orders them. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Order of two range ends where "\0" is +infinity. */
export function compareEnds(a: Buffer, b: Buffer): number {
  const ua = isUnbounded(a);
  const ub = isUnbounded(b);
  if (ua || ub) return ua === ub ? 0 : ua ? 1 : -1;
  return Buffer.compare(a, b);
}

/** Whether `key` lies before the range end `end` ("\0" = no bound). */
export function beforeEnd(key: Uint8Array, end: Buffer): boolean {
  return isUnbounded(end) || Buffer.compare(key, end) < 0;
}

/** The start key of a prefix scan: etcd rejects an empty key, and "\0" is the smallest key there is. */
export function prefixStart(prefix: Uint8Array): Buffer {
  return prefix.length === 0 ? Buffer.from(UNBOUNDED) : Buffer.from(prefix);
}
