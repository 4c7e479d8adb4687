/**
 * Key bytes stored back to back in chunks, addressed by one u32: chunk index * 4 MiB + offset. A
 * single growing buffer would be copied on every growth and, at the last one, hold the old and the
 * new copy at once (for 1M keys: 40 MB + 60 MB for a moment, plus 50% slack after); chunks are
 * never copied and waste at most the unused tail of the last one. Chunks start at 64 KiB and
 * double up to 4 MiB, so a small snapshot's index stays small. A key longer than a chunk gets a
 * chunk of its own, at offset 0.
 */
import { EtcdStudioError } from '../errors';

const CHUNK_BITS = 22;
/** The address space of one chunk, and the size chunks grow to. */
const CHUNK_BYTES = 1 << CHUNK_BITS;
const FIRST_CHUNK_BYTES = 64 * 1024;
/** u32 addresses: 1024 chunks. */
const MAX_CHUNKS = 1 << (32 - CHUNK_BITS);

export class KeyArena {
  private readonly chunks: Buffer[] = [];
  private current: Buffer | undefined;
  private used = 0;

  /** Bytes allocated for keys (the last chunk's unused tail included). */
  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }

  /** Copies src[start, end) in and returns its address. */
  append(src: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (!this.current || this.used + length > this.current.length) this.newChunk(length);
    const chunk = this.current!;
    if (length <= 64) {
      // Most keys are short: a byte loop beats allocating a subarray view to copy from.
      for (let i = 0, at = this.used; i < length; i++) chunk[at + i] = src[start + i];
    } else {
      chunk.set(src.subarray(start, end), this.used);
    }
    const address = (this.chunks.length - 1) * CHUNK_BYTES + this.used;
    this.used += length;
    return address;
  }

  /** The stored bytes at `address` (a view, not a copy). */
  view(address: number, length: number): Buffer {
    const offset = address % CHUNK_BYTES;
    return this.chunks[Math.floor(address / CHUNK_BYTES)].subarray(offset, offset + length);
  }

  /** The chunk holding `address` and the offset in it: for reading many keys without a view each. */
  chunkOf(address: number): Buffer {
    return this.chunks[Math.floor(address / CHUNK_BYTES)];
  }

  offsetOf(address: number): number {
    return address % CHUNK_BYTES;
  }

  /** Sign of (stored key) - (key), in byte order, like Buffer.compare. */
  compareTo(address: number, length: number, key: Uint8Array): number {
    const offset = address % CHUNK_BYTES;
    return this.chunks[Math.floor(address / CHUNK_BYTES)].compare(key, 0, key.length, offset, offset + length);
  }

  /** Whether the stored key equals src[start, end). */
  equals(address: number, length: number, src: Buffer, start: number, end: number): boolean {
    if (end - start !== length) return false;
    const offset = address % CHUNK_BYTES;
    return src.compare(this.chunks[Math.floor(address / CHUNK_BYTES)], offset, offset + length, start, end) === 0;
  }

  /** Byte `depth` of the key at `address`, or -1 past its end (for sorting, see sortByKey.ts). */
  byteAt(address: number, length: number, depth: number): number {
    return depth < length ? this.chunks[Math.floor(address / CHUNK_BYTES)][(address % CHUNK_BYTES) + depth] : -1;
  }

  private newChunk(length: number): void {
    if (this.chunks.length >= MAX_CHUNKS) {
      throw new EtcdStudioError('Internal', 'The snapshot has more than 4 GiB of distinct keys; its key index cannot be built.');
    }
    const size = Math.min(CHUNK_BYTES, FIRST_CHUNK_BYTES * 2 ** this.chunks.length);
    this.current = Buffer.allocUnsafe(Math.max(size, length));
    this.chunks.push(this.current);
    this.used = 0;
  }
}
