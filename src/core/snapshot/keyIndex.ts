/**
 * The key index of a snapshot: for every live key, its newest revision, in key order.
 *
 * etcd's `key` bucket is ordered by revision, and a KeyValue's own key is inside its value, so
 * finding the latest state of a key (or listing a prefix) needs one pass over the whole bucket.
 * That pass keeps only what lookups need, in flat typed arrays instead of JS objects (a Map of 1M
 * string keys costs ~100 MB; this costs key bytes + ~25 bytes a key):
 *  - `arena`: every distinct key's bytes once, in first-seen order (keyArena.ts), with `starts`
 *    and `lengths` per slot;
 *  - `mains`/`subs`: the newest revision of each key (later entries overwrite earlier ones);
 *  - a FNV-1a hash table (built during the pass, dropped after) to find a key's slot;
 *  - `order`: the slots of keys whose newest entry is not a tombstone, sorted by key bytes.
 * Values are not kept: `get` re-reads one value from the file by its revision (a B+tree seek of a
 * few cached pages). The trade-off: opening costs one full read of the file; after that, listing
 * any prefix is a binary search, and memory is about the size of the keys, not of the values.
 */
import { Bucket, corrupt, forEachLeaf, Page } from '../bbolt';
import { EtcdStudioError } from '../errors';
import { PAGE_HEADER_SIZE } from '../bbolt/page';
import { u32le } from '../bbolt/corrupt';
import { KeyArena } from './keyArena';
import { keyRangeOf } from './keyValue';
import { parseRevisionKey, Revision, REVISION_BYTES } from './revision';
import { sortByKey } from './sortByKey';
import { ScanOptions, throwIfAborted } from './status';

export class KeyIndex {
  constructor(
    private readonly arena: KeyArena,
    private readonly slots: Slots,
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

  /** Bytes the index holds (what opening a snapshot costs beyond the page cache). */
  get bytes(): number {
    return this.arena.bytes + this.slots.bytes + this.order.byteLength;
  }

  /** The i-th live key in key order (a view into the index, not a copy). */
  key(i: number): Buffer {
    const slot = this.order[i];
    return this.arena.view(this.slots.start.get(slot), this.slots.length(slot));
  }

  revision(i: number): Revision {
    const slot = this.order[i];
    return { main: this.slots.main(slot), sub: this.slots.sub.get(slot) };
  }

  /** Position of the first live key >= `key` (count when none). */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const slot = this.order[mid];
      if (this.arena.compareTo(this.slots.start.get(slot), this.slots.length(slot), key) < 0) lo = mid + 1;
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

const COLUMN_BITS = 14;
const COLUMN_SLOTS = 1 << COLUMN_BITS;
const COLUMN_MASK = COLUMN_SLOTS - 1;

/**
 * One u32 per slot in fixed chunks of 16k slots. Growing flat arrays would be copied at each
 * growth (old and new held at once), leave up to 50% slack, and leave the old copies as garbage
 * that V8 collects only once enough has piled up; chunks are never copied or freed.
 */
class Column {
  private readonly chunks: Uint32Array[] = [];

  get bytes(): number {
    return this.chunks.length * COLUMN_SLOTS * 4;
  }

  /** Makes room for `slot` (slots are appended in order). */
  reserve(slot: number): void {
    if (slot >>> COLUMN_BITS >= this.chunks.length) this.chunks.push(new Uint32Array(COLUMN_SLOTS));
  }

  get(slot: number): number {
    return this.chunks[slot >>> COLUMN_BITS][slot & COLUMN_MASK];
  }

  set(slot: number, value: number): void {
    this.chunks[slot >>> COLUMN_BITS][slot & COLUMN_MASK] = value;
  }
}

/** A slot's bit in `lengthAndDead` that marks its newest entry as a tombstone (keys are far below 2 GiB). */
const DEAD = 0x8000_0000;

/**
 * The per-slot fields, all u32 columns (one element type keeps every access monomorphic): where
 * the key is in the arena, its length and tombstone bit, and the newest revision (main split in
 * two halves, as revisions may pass 2^32).
 */
class Slots {
  readonly start = new Column();
  readonly lengthAndDead = new Column();
  readonly mainHigh = new Column();
  readonly mainLow = new Column();
  readonly sub = new Column();
  count = 0;

  get bytes(): number {
    return this.start.bytes + this.lengthAndDead.bytes + this.mainHigh.bytes + this.mainLow.bytes + this.sub.bytes;
  }

  append(start: number, length: number): number {
    const slot = this.count++;
    this.start.reserve(slot);
    this.lengthAndDead.reserve(slot);
    this.mainHigh.reserve(slot);
    this.mainLow.reserve(slot);
    this.sub.reserve(slot);
    this.start.set(slot, start);
    this.lengthAndDead.set(slot, length);
    return slot;
  }

  setRevision(slot: number, main: number, sub: number, tombstone: boolean): void {
    this.mainHigh.set(slot, Math.floor(main / 0x1_0000_0000));
    this.mainLow.set(slot, main >>> 0);
    this.sub.set(slot, sub);
    const length = this.lengthAndDead.get(slot) & ~DEAD;
    this.lengthAndDead.set(slot, tombstone ? (length | DEAD) >>> 0 : length);
  }

  length(slot: number): number {
    return (this.lengthAndDead.get(slot) & ~DEAD) >>> 0;
  }

  dead(slot: number): boolean {
    return (this.lengthAndDead.get(slot) & DEAD) !== 0;
  }

  main(slot: number): number {
    return this.mainHigh.get(slot) * 0x1_0000_0000 + this.mainLow.get(slot);
  }
}

/**
 * The slots (one per distinct key) built during the pass, plus the hash table that finds a key's slot.
 * Fed one leaf page of the `key` bucket at a time, in revision order; `liveCount()` is the number of
 * keys whose newest entry is not a tombstone (what etcdutl 3.6+ reports as a snapshot's total keys).
 */
export class KeyIndexBuilder implements KeyEntrySink {
  readonly arena = new KeyArena();
  readonly slots = new Slots();
  /** FNV-1a of each slot's key, for probing and rehashing; dropped with the table. */
  private hashes = new Column();
  /** Open addressing: slot + 1, 0 for empty. */
  private table = new Uint32Array(1 << 15);

  /** Entries read (every revision, tombstones included) and the newest main revision seen. */
  scanned = 0;
  lastRevision = 0;

  constructor(private readonly file: string) {}

  /** Records every entry of one leaf page of the `key` bucket (see addKeyLeaf). */
  addLeaf(page: Page): void {
    addKeyLeaf(this, page, this.file);
  }

  /** Keys whose newest entry so far is not a tombstone. */
  liveCount(): number {
    let live = 0;
    for (let s = 0; s < this.slots.count; s++) if (!this.slots.dead(s)) live++;
    return live;
  }

  /**
   * Only keys whose hash passes this are recorded (snapshot status indexes just the keys whose hash
   * it saw more than once, see liveKeyCount.ts); every key when unset.
   */
  only: ((hash: number) => boolean) | undefined;

  /** Records revision (main, sub) of the key at src[start, end): a new slot, or a newer state of a known key. */
  add(src: Buffer, start: number, end: number, main: number, sub: number, tombstone: boolean): void {
    const hash = fnv1a(src, start, end);
    if (this.only && !this.only(hash)) return;
    const slots = this.slots;
    const mask = this.table.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = this.table[i];
      if (s === 0) {
        if (end - start >= DEAD) throw new EtcdStudioError('Internal', `A key of ${end - start} bytes cannot be indexed (2 GiB at most).`);
        const slot = slots.append(this.arena.append(src, start, end), end - start);
        this.hashes.reserve(slot);
        this.hashes.set(slot, hash);
        this.table[i] = slot + 1;
        slots.setRevision(slot, main, sub, tombstone);
        if (slots.count * 2 > this.table.length) this.rehash();
        return;
      }
      const slot = s - 1;
      if (this.hashes.get(slot) === hash && this.arena.equals(slots.start.get(slot), slots.length(slot), src, start, end)) {
        slots.setRevision(slot, main, sub, tombstone);
        return;
      }
    }
  }

  private rehash(): void {
    const table = new Uint32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let slot = 0; slot < this.slots.count; slot++) {
      let i = this.hashes.get(slot) & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = slot + 1;
    }
    this.table = table;
  }

  /** Drops the hash table and sorts the live slots by key. */
  finish(): KeyIndex {
    this.table = new Uint32Array(0);
    this.hashes = new Column();
    const { arena, slots } = this;
    const n = slots.count;
    const order = new Uint32Array(this.liveCount());
    for (let s = 0, j = 0; s < n; s++) if (!slots.dead(s)) order[j++] = s;
    sortByKey(order, (slot, depth) => arena.byteAt(slots.start.get(slot), slots.length(slot), depth));
    return new KeyIndex(arena, slots, order, this.scanned, this.lastRevision);
  }
}

/** What a pass over the `key` bucket feeds each entry to (the key index, the live key counter). */
export interface KeyEntrySink {
  /** Entries read (every revision, tombstones included) and the newest main revision seen. */
  scanned: number;
  lastRevision: number;
  /** Entry revision (main, sub) of the key at src[start, end), a delete when `tombstone`. */
  add(src: Buffer, start: number, end: number, main: number, sub: number, tombstone: boolean): void;
}

/**
 * Feeds every entry of one leaf page of the `key` bucket to `sink`, without a copy or an object per
 * entry: the revision and the KeyValue's key (field 1, first as etcd writes it) are read in place,
 * and anything unusual goes through the general parsers (which also word the errors).
 */
export function addKeyLeaf(sink: KeyEntrySink, page: Page, file: string): void {
  const buf = page.buf;
  const n = page.count;
  for (let i = 0, e = PAGE_HEADER_SIZE; i < n; i++, e += 16) {
    const kStart = e + u32le(buf, e + 4);
    const kLength = u32le(buf, e + 8);
    const kEnd = kStart + kLength;
    const vEnd = kEnd + u32le(buf, e + 12);
    if (vEnd > buf.length) throw corrupt(file, `element ${i} of ${page.where} in the "key" bucket runs past the end of the page`);
    const tombstone = kLength === REVISION_BYTES + 1 && buf[kStart + REVISION_BYTES] === 0x74;
    if ((kLength !== REVISION_BYTES && !tombstone) || buf[kStart + 8] !== 0x5f) parseRevisionKey(buf.subarray(kStart, kEnd), file);
    const main = u32be(buf, kStart) * 0x1_0000_0000 + u32be(buf, kStart + 4);
    const sub = u32be(buf, kStart + 9) * 0x1_0000_0000 + u32be(buf, kStart + 13);
    // A key shorter than 128 bytes right at the start of the value: the usual case.
    const keyLength = buf[kEnd + 1];
    if (buf[kEnd] === 0x0a && keyLength < 0x80 && kEnd + 2 + keyLength <= vEnd) {
      sink.add(buf, kEnd + 2, kEnd + 2 + keyLength, main, sub, tombstone);
    } else {
      const [from, to] = keyRangeOf(buf, kEnd, vEnd, () => `${file} (revision ${main}_${sub})`);
      sink.add(buf, from, to, main, sub, tombstone);
    }
    sink.lastRevision = main;
  }
  sink.scanned += n;
}

const u32be = (b: Buffer, at: number) => b[at] * 0x100_0000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);

/** The 32-bit FNV-1a hash of src[start, end) (the key index's and the live key counter's). */
export function fnv1a(src: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ src[i], 0x01000193);
  return h >>> 0;
}

/** One pass over the `key` bucket (see the file comment), page by page without a copy per entry. */
export async function buildKeyIndex(
  keyBucket: Bucket,
  opts: ScanOptions & { fileSize?: number; bytesRead?: () => number } = {},
): Promise<KeyIndex> {
  const file = keyBucket.file;
  const b = new KeyIndexBuilder(file);
  await forEachLeaf(keyBucket, (page) => b.addLeaf(page), {
    pagesPerPause: 1024,
    pause: async () => {
      await new Promise((r) => setImmediate(r));
      throwIfAborted(opts.signal, `Indexing ${file}`);
      if (opts.bytesRead) opts.onProgress?.(opts.bytesRead(), opts.fileSize ?? 0);
    },
  });
  return b.finish();
}
