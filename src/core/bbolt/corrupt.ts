import { EtcdStudioError } from '../errors';

/**
 * The error for a file that is not a readable bbolt database. Every message names the file and what
 * is wrong with it, so a user who picked the wrong file, or holds a damaged copy, can tell which.
 */
export function corrupt(file: string, what: string): EtcdStudioError {
  return new EtcdStudioError('Corrupt', `${file}: ${what}`);
}

/**
 * Reads a little-endian u64 as a Number. Page ids and sizes beyond 2^53 cannot occur in a real
 * file, so such a value is reported as corruption instead of being rounded.
 */
export function readU64(buf: Buffer, offset: number, file: string, what: () => string): number {
  if (offset < 0 || offset + 8 > buf.length) {
    // Out of the buffer: the RangeError Buffer's own reads give.
    buf.readUInt32LE(offset);
    buf.readUInt32LE(offset + 4);
  }
  const lo = u32le(buf, offset);
  const hi = u32le(buf, offset + 4);
  if (hi >= 0x200000) throw corrupt(file, `${what()} is ${(BigInt(hi) << 32n) | BigInt(lo)}, far beyond any real file`);
  return hi * 0x1_0000_0000 + lo;
}

/**
 * buf.readUInt32LE(at) for a caller that has checked `at` (page scans call it per element, and
 * Buffer's own checks its argument on every call: measurable on a cold start).
 */
export function u32le(buf: Uint8Array, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16)) + buf[at + 3] * 0x100_0000;
}
