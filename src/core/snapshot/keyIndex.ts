/**
 * The key index of a snapshot: for every live key, its newest revision, in key order.
 *
 * etcd's `key` bucket is ordered by revision, and a KeyValue's own key is inside its value, so
 * finding the latest state of a key (or listing a prefix) needs one pass over the whole bucket.
 * That pass keeps only what lookups need, in flat typed arrays instead of JS objects (a Map of 1M
 * string keys costs ~100 MB; this costs key bytes + ~25 bytes a key):
 *  - `arena`: every distinct key's bytes once, in first-seen order, `offsets` marking where each
 *    ends;
 *  - `mains`/`subs`: the newest revision of each key (later entries overwrite earlier ones);
 *  - a FNV-1a hash table (built during the pass, dropped after) to find a key's slot;
 *  - `order`: the slots of keys whose newest entry is not a tombstone, sorted by key bytes.
 * Values are not kept: `get` re-reads one value from the file by its revision (a B+tree seek of a
 * few cached pages). The trade-off: opening costs one full read of the file; after that, listing
 * any prefix is a binary search, and memory is about the size of the keys, not of the values.
 */
import { EtcdStudioError } from '../errors';
import type { Bucket } from '../bbolt';
import { decodeKeyOnly } from './keyValue';
import { parseRevisionKey, Revision } from './revision';
import { SCAN_BATCH, ScanOptions, throwIfAborted } from './status';

export class KeyIndex {
  constructor(
    private readonly arena: Buffer,
    /** offsets[i]..offsets[i+1] are slot i's key bytes. */
    private readonly offsets: Uint32Array,
    private readonly mains: Float64Array,
    private readonly subs: Uint32Array,
    /** Live slots in key order. */
    private readonly order: Uint32Array,
    /** Entries read from the `key` bucket (every revision, tombstones included). */
    readonly revisionsScanned: number,
    /** The newest main revision in the bucket. */
    readonly lastRevision: number,
  ) {}

  /** Live keys. */
  get count(): number {
    return this.order.length;
  }

  /** Bytes the index holds, growth slack included (what opening a snapshot costs beyond the page cache). */
  get bytes(): number {
    return [this.arena, this.offsets, this.mains, this.subs, this.order].reduce((n, a) => n + a.buffer.byteLength, 0);
  }

  /** The i-th live key in key order (a view into the index, not a copy). */
  key(i: number): Buffer {
    const slot = this.order[i];
    return this.arena.subarray(this.offsets[slot], this.offsets[slot + 1]);
  }

  revision(i: number): Revision {
    const slot = this.order[i];
    return { main: this.mains[slot], sub: this.subs[slot] };
  }

  /** Position of the first live key >= `key` (count when none). */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const slot = this.order[mid];
      if (this.arena.compare(key, 0, key.length, this.offsets[slot], this.offsets[slot + 1]) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position of `key` when it is live, else -1. */
  find(key: Uint8Array): number {
    const i = this.lowerBound(key);
    return i < this.count && this.key(i).equals(key) ? i : -1;
  }
}

/** Growable flat storage of slots, plus the hash table that dedups keys while the pass runs. */
class Builder {
  arena: Buffer = Buffer.allocUnsafe(1 << 20);
  used = 0;
  offsets = new Uint32Array(1 << 14);
  mains = new Float64Array(1 << 14);
  subs = new Uint32Array(1 << 14);
  tombstones = new Uint8Array(1 << 14);
  hashes = new Uint32Array(1 << 14);
  slots = 0;
  /** Open addressing: slot + 1, 0 for empty. */
  table = new Uint32Array(1 << 15);

  add(key: Buffer, rev: Revision, tombstone: boolean): void {
    const hash = fnv1a(key);
    const mask = this.table.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = this.table[i];
      if (s === 0) {
        const slot = this.append(key, hash);
        this.table[i] = slot + 1;
        this.set(slot, rev, tombstone);
        if (this.slots * 2 > this.table.length) this.rehash();
        return;
      }
      if (this.hashes[s - 1] === hash && this.equals(s - 1, key)) {
        this.set(s - 1, rev, tombstone);
        return;
      }
    }
  }

  private set(slot: number, rev: Revision, tombstone: boolean): void {
    this.mains[slot] = rev.main;
    this.subs[slot] = rev.sub;
    this.tombstones[slot] = tombstone ? 1 : 0;
  }

  private equals(slot: number, key: Buffer): boolean {
    const start = this.offsets[slot];
    const end = this.offsets[slot + 1];
    return end - start === key.length && this.arena.compare(key, 0, key.length, start, end) === 0;
  }

  private append(key: Buffer, hash: number): number {
    if (this.used + key.length > 0xffffffff) throw new EtcdStudioError('Internal', 'The snapshot has more than 4 GiB of distinct keys; its key index cannot be built.');
    while (this.used + key.length > this.arena.length) this.arena = grow(this.arena, Math.ceil(this.arena.length * GROWTH));
    if (this.slots + 2 > this.offsets.length) {
      const n = Math.ceil(this.offsets.length * GROWTH);
      this.offsets = growTyped(this.offsets, n);
      this.mains = growTyped(this.mains, n);
      this.subs = growTyped(this.subs, n);
      this.tombstones = growTyped(this.tombstones, n);
      this.hashes = growTyped(this.hashes, n);
    }
    key.copy(this.arena, this.used);
    const slot = this.slots++;
    this.offsets[slot] = this.used;
    this.used += key.length;
    this.offsets[slot + 1] = this.used;
    this.hashes[slot] = hash;
    return slot;
  }

  private rehash(): void {
    const table = new Uint32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let slot = 0; slot < this.slots; slot++) {
      let i = this.hashes[slot] & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = slot + 1;
    }
    this.table = table;
  }

  /**
   * Sorts the live slots by key; the hash table becomes garbage. The arrays are kept as views,
   * slack included: copying them to exact size would briefly hold both (a higher peak).
   */
  finish(revisionsScanned: number, lastRevision: number): KeyIndex {
    const n = this.slots;
    this.table = new Uint32Array(0);
    const arena = this.arena.subarray(0, this.used);
    const offsets = this.offsets.subarray(0, n + 1);
    let live = 0;
    for (let s = 0; s < n; s++) if (!this.tombstones[s]) live++;
    const order = new Uint32Array(live);
    for (let s = 0, j = 0; s < n; s++) if (!this.tombstones[s]) order[j++] = s;
    order.sort((a, b) => arena.compare(arena, offsets[b], offsets[b + 1], offsets[a], offsets[a + 1]));
    return new KeyIndex(arena, offsets, this.mains.subarray(0, n), this.subs.subarray(0, n), order, revisionsScanned, lastRevision);
  }
}

/** Growth factor of the builder's arrays: 1.5 wastes less than doubling at the price of a few more copies. */
const GROWTH = 1.5;

function fnv1a(key: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193);
  return h >>> 0;
}

function grow(buf: Buffer, size: number): Buffer {
  const next = Buffer.allocUnsafe(size);
  buf.copy(next, 0, 0, Math.min(buf.length, size));
  return next;
}

function growTyped<T extends Uint32Array | Float64Array | Uint8Array>(a: T, size: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a.subarray(0, Math.min(a.length, size)) as any);
  return next;
}

/** One pass over the `key` bucket (see the file comment). */
export async function buildKeyIndex(keyBucket: Bucket, opts: ScanOptions & { fileSize?: number; bytesRead?: () => number } = {}): Promise<KeyIndex> {
  const file = keyBucket.file;
  const b = new Builder();
  let scanned = 0;
  let lastRevision = 0;
  const c = keyBucket.cursor();
  for (let e = c.first(); e; e = c.next()) {
    const rev = parseRevisionKey(e.key, file);
    const key = decodeKeyOnly(e.value, () => `${file} (revision ${rev.main}_${rev.sub})`);
    b.add(key, rev, rev.tombstone);
    lastRevision = rev.main;
    if (++scanned % SCAN_BATCH === 0) {
      await new Promise((r) => setImmediate(r));
      throwIfAborted(opts.signal, `Indexing ${file}`);
      if (opts.bytesRead) opts.onProgress?.(opts.bytesRead(), opts.fileSize ?? 0);
    }
  }
  return b.finish(scanned, lastRevision);
}
