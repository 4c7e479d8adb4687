/**
 * The live keys of a `key` bucket (what etcdutl 3.6+ prints as a snapshot's total keys) without
 * indexing every key. The key index (keyIndex.ts) copies each distinct key to tell keys apart; a
 * status needs only the count, and in most files most keys have a single entry. So:
 *  1. one pass keeps a 32-bit hash per distinct hash value, whether its last entry was a
 *     tombstone, and whether more than one entry had that hash (with the pages they are on);
 *  2. a hash seen once is one entry of one key (any other entry of that key would have the same
 *     hash): live unless it is a tombstone, counted without looking at the key;
 *  3. hashes seen more than once (the same key rewritten or deleted, or two keys that collide) are
 *     settled exactly: their pages are read again, in bucket order, into a key index restricted to
 *     those hashes, which compares the key bytes.
 * A file where no hash repeats (a fresh or compacted keyspace) is read once and no key is copied.
 */
import { Bucket, forEachLeaf, LeafScanOptions, Page } from '../bbolt';
import { addKeyLeaf, fnv1a, KeyEntrySink, KeyIndexBuilder } from './keyIndex';

const USED = 1;
/** The last entry with this hash was a tombstone. */
const DEAD = 2;
/** More than one entry had this hash. */
const SEVERAL = 4;

export class LiveKeyCounter implements KeyEntrySink {
  scanned = 0;
  lastRevision = 0;
  /** Open addressing by hash: the hash, its flags (0 for an empty cell), the page of its first entry. */
  private hashes = new Uint32Array(1 << 16);
  private flags = new Uint8Array(1 << 16);
  private firstPage = new Float64Array(1 << 16);
  private used = 0;
  /** Hashes seen once, from a put: live keys (kept up to date, so counting needs no pass over the table). */
  private liveOnce = 0;
  private page = 0;
  /** Pages holding entries whose hash repeats: what pass 3 reads again. */
  private readonly recheck = new Set<number>();

  constructor(private readonly file: string) {}

  /** Pass 1, one leaf page of the `key` bucket at a time, in order. */
  addLeaf(page: Page): void {
    this.page = page.id;
    addKeyLeaf(this, page, this.file);
  }

  add(src: Buffer, start: number, end: number, _main: number, _sub: number, tombstone: boolean): void {
    const hash = fnv1a(src, start, end);
    const mask = this.hashes.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const f = this.flags[i];
      if (f === 0) {
        this.hashes[i] = hash;
        this.flags[i] = tombstone ? USED | DEAD : USED;
        this.firstPage[i] = this.page;
        if (!tombstone) this.liveOnce++;
        if (++this.used * 2 > this.hashes.length) this.grow();
        return;
      }
      if (this.hashes[i] === hash) {
        if ((f & SEVERAL) === 0) {
          this.recheck.add(this.firstPage[i]);
          if ((f & DEAD) === 0) this.liveOnce--;
        }
        this.recheck.add(this.page);
        this.flags[i] = tombstone ? USED | DEAD | SEVERAL : USED | SEVERAL;
        return;
      }
    }
  }

  /** Passes 2 and 3: the live keys, reading the pages with repeated hashes again (see the file comment). */
  async count(keyBucket: Bucket, opts: LeafScanOptions = {}): Promise<number> {
    const live = this.liveOnce;
    if (this.recheck.size === 0) return live;
    const repeated = new KeyIndexBuilder(this.file);
    repeated.only = (hash) => (this.flagsOf(hash) & SEVERAL) !== 0;
    await forEachLeaf(
      keyBucket,
      (page) => {
        if (this.recheck.has(page.id)) repeated.addLeaf(page);
      },
      opts,
    );
    return live + repeated.liveCount();
  }

  private flagsOf(hash: number): number {
    const mask = this.hashes.length - 1;
    for (let i = hash & mask; this.flags[i] !== 0; i = (i + 1) & mask) if (this.hashes[i] === hash) return this.flags[i];
    return 0;
  }

  private grow(): void {
    const { hashes, flags, firstPage } = this;
    const size = hashes.length * 2;
    this.hashes = new Uint32Array(size);
    this.flags = new Uint8Array(size);
    this.firstPage = new Float64Array(size);
    const mask = size - 1;
    for (let j = 0; j < flags.length; j++) {
      if (flags[j] === 0) continue;
      let i = hashes[j] & mask;
      while (this.flags[i] !== 0) i = (i + 1) & mask;
      this.hashes[i] = hashes[j];
      this.flags[i] = flags[j];
      this.firstPage[i] = firstPage[j];
    }
  }
}
