/**
 * Every key of a snapshot's MVCC log with the figures space analysis needs: how many revisions the
 * file holds for it and what they weigh, and its newest state (deleted or not, value size, revisions,
 * version). Entries arrive in revision order, so the last one seen for a key is its newest.
 *
 * Keys live once in a KeyArena, found through an FNV-1a open-addressing table; the figures are
 * per-key records in chunks of typed arrays (no object per key): 56 bytes a key plus the key itself.
 */
import { EtcdStudioError } from '../errors';
import { KeyArena } from '../snapshot/keyArena';
import { DirTable } from './dirTable';

/** High bit of the length field: the key's newest revision is a deletion. */
const DEAD = 0x8000_0000;

const CHUNK_BITS = 15;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
// u32 fields of a key's record.
const U_START = 0;
const U_LENGTH = 1;
const U_HASH = 2;
const U_REVISIONS = 3;
const U_VALUE = 4;
const U_NEWEST = 5;
const U_VERSION = 6;
const U_DIR = 7;
const U_FIELDS = 8;
// f64 fields.
const F_ENTRIES = 0;
const F_MOD = 1;
const F_CREATE = 2;
const F_FIELDS = 3;

export class KeyHistoryTable {
  readonly arena = new KeyArena();
  /** The directory of every key (see dirTable.ts); figures per directory after `seal`. */
  readonly dirs = new DirTable();
  /** Distinct keys. */
  count = 0;
  private table: Uint32Array;
  private readonly u32: Uint32Array[] = [];
  private readonly f64: Float64Array[] = [];

  /** `expectedKeys` sizes the lookup table up front (growing it rehashes every key). */
  constructor(expectedKeys = 32_768) {
    let size = 1 << 16;
    while (size < expectedKeys * 2 && size < 1 << 26) size *= 2;
    this.table = new Uint32Array(2 * size);
  }

  /** Bytes the table holds. */
  get bytes(): number {
    return this.arena.bytes + this.table.byteLength + this.u32.length * CHUNK * (U_FIELDS * 4 + F_FIELDS * 8);
  }

  /**
   * Records one revision of the key at src[ks, ke): `entryBytes` is what the entry takes in the file
   * (revision key + KeyValue), the rest describes the key after it (ignored for a deletion).
   */
  record(
    src: Uint8Array,
    ks: number,
    ke: number,
    entryBytes: number,
    tombstone: boolean,
    valueBytes: number,
    modRevision: number,
    createRevision: number,
    version: number,
  ): void {
    const slot = this.slot(src, ks, ke);
    const u = this.u32[slot >>> CHUNK_BITS];
    const f = this.f64[slot >>> CHUNK_BITS];
    const ui = (slot & MASK) * U_FIELDS;
    const fi = (slot & MASK) * F_FIELDS;
    u[ui + U_REVISIONS]++;
    u[ui + U_NEWEST] = entryBytes;
    f[fi + F_ENTRIES] += entryBytes;
    if (tombstone) {
      u[ui + U_LENGTH] = (u[ui + U_LENGTH] | DEAD) >>> 0;
      return;
    }
    u[ui + U_LENGTH] = (u[ui + U_LENGTH] & ~DEAD) >>> 0;
    u[ui + U_VALUE] = valueBytes;
    u[ui + U_VERSION] = version;
    f[fi + F_MOD] = modRevision;
    f[fi + F_CREATE] = createRevision;
  }

  private slot(src: Uint8Array, ks: number, ke: number): number {
    // FNV-1a of the key, keeping its state after the last '/': the hash of the key's directory.
    let h = 0x811c9dc5;
    let dirHash = h;
    let dirEnd = ks;
    for (let i = ks; i < ke; i++) {
      const b = src[i];
      h = Math.imul(h ^ b, 0x01000193);
      if (b === 0x2f) {
        dirHash = h;
        dirEnd = i + 1;
      }
    }
    // FNV-1a's low bits cluster for keys that differ only at the end (obj-1, obj-2…); linear probing
    // on them ran 20x slower. Murmur3's finalizer spreads every bit into the low ones.
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
    // Entries are (slot + 1, hash) pairs: a probe compares hashes without touching the key records.
    const table = this.table;
    const mask = (table.length >>> 1) - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = table[2 * i];
      if (s === 0) return this.add(src, ks, ke, h, i, this.dirs.id(src, ks, dirEnd, dirHash >>> 0));
      if (table[2 * i + 1] !== h) continue;
      const slot = s - 1;
      const u = this.u32[slot >>> CHUNK_BITS];
      const ui = (slot & MASK) * U_FIELDS;
      if (this.equals(u[ui + U_START], (u[ui + U_LENGTH] & ~DEAD) >>> 0, src, ks, ke)) return slot;
    }
  }

  private equals(address: number, len: number, src: Uint8Array, ks: number, ke: number): boolean {
    if (len !== ke - ks) return false;
    const chunk = this.arena.chunkOf(address);
    const off = this.arena.offsetOf(address);
    for (let j = 0; j < len; j++) if (chunk[off + j] !== src[ks + j]) return false;
    return true;
  }

  private add(src: Uint8Array, ks: number, ke: number, hash: number, at: number, dir: number): number {
    if (ke - ks >= DEAD) throw new EtcdStudioError('Internal', `A key of ${ke - ks} bytes cannot be analysed (2 GiB at most).`);
    const slot = this.count++;
    if ((slot & MASK) === 0) {
      this.u32.push(new Uint32Array(CHUNK * U_FIELDS));
      this.f64.push(new Float64Array(CHUNK * F_FIELDS));
    }
    const u = this.u32[slot >>> CHUNK_BITS];
    const ui = (slot & MASK) * U_FIELDS;
    u[ui + U_START] = this.arena.append(src, ks, ke);
    u[ui + U_LENGTH] = ke - ks;
    u[ui + U_HASH] = hash;
    u[ui + U_DIR] = dir;
    this.table[2 * at] = slot + 1;
    this.table[2 * at + 1] = hash;
    if (this.count * 4 > this.table.length) this.rehash();
    return slot;
  }

  private rehash(): void {
    const table = new Uint32Array(this.table.length * 2);
    const mask = (table.length >>> 1) - 1;
    for (let slot = 0; slot < this.count; slot++) {
      const h = this.u(slot, U_HASH);
      let i = h & mask;
      while (table[2 * i] !== 0) i = (i + 1) & mask;
      table[2 * i] = slot + 1;
      table[2 * i + 1] = h;
    }
    this.table = table;
  }

  private u(slot: number, field: number): number {
    return this.u32[slot >>> CHUNK_BITS][(slot & MASK) * U_FIELDS + field];
  }

  private f(slot: number, field: number): number {
    return this.f64[slot >>> CHUNK_BITS][(slot & MASK) * F_FIELDS + field];
  }

  /**
   * Once every entry is recorded: frees the lookup table (only the per-key figures are read after)
   * and sums the figures of each directory's keys.
   */
  seal(): void {
    this.table = new Uint32Array(0);
    const figures = this.dirs.figures;
    for (let slot = 0; slot < this.count; slot++) {
      const f = figures[this.u(slot, U_DIR)];
      f.revisions += this.u(slot, U_REVISIONS);
      f.historyBytes += this.historyBytes(slot);
      if (this.live(slot)) {
        f.keys++;
        f.bytes += this.keyLength(slot) + this.u(slot, U_VALUE);
      } else {
        f.deletedKeys++;
      }
    }
  }

  /** The directory id of key `slot`. */
  dirOf(slot: number): number {
    return this.u(slot, U_DIR);
  }

  /** Where key `slot` lies: its arena chunk, the offset in it, and its length. */
  keyChunk(slot: number): Buffer {
    return this.arena.chunkOf(this.u(slot, U_START));
  }
  keyOffset(slot: number): number {
    return this.arena.offsetOf(this.u(slot, U_START));
  }
  keyLength(slot: number): number {
    return (this.u(slot, U_LENGTH) & ~DEAD) >>> 0;
  }

  live(slot: number): boolean {
    return (this.u(slot, U_LENGTH) & DEAD) === 0;
  }
  revisions(slot: number): number {
    return this.u(slot, U_REVISIONS);
  }
  /** Bytes of the entries that are not the live newest revision (all of them for a deleted key). */
  historyBytes(slot: number): number {
    return this.f(slot, F_ENTRIES) - (this.live(slot) ? this.u(slot, U_NEWEST) : 0);
  }
  valueBytes(slot: number): number {
    return this.u(slot, U_VALUE);
  }
  modRevision(slot: number): number {
    return this.f(slot, F_MOD);
  }
  createRevision(slot: number): number {
    return this.f(slot, F_CREATE);
  }
  version(slot: number): number {
    return this.u(slot, U_VERSION);
  }
}
