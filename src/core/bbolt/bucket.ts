/**
 * A bbolt bucket: a B+tree rooted at a page, or, for a small bucket, an inline page stored right
 * after its 16-byte header (root pgid u64 = 0, sequence u64) in the parent's leaf value.
 */
import { corrupt, readU64 } from './corrupt';
import { BoltEntry, Cursor } from './cursor';
import type { BoltDb } from './db';
import { Page } from './page';

export const BUCKET_HEADER_SIZE = 16;

export class Bucket {
  private constructor(
    readonly db: BoltDb,
    /** Path of the bucket for messages, e.g. `key` or `a/b`. */
    readonly name: string,
    readonly rootPgid: number,
    private readonly inline: Page | undefined,
  ) {}

  get file(): string {
    return this.db.file;
  }

  /** How messages name this bucket. */
  get label(): string {
    return this.name ? `bucket "${this.name}"` : 'the root bucket';
  }

  /** A bucket from its header bytes (the leaf value of a bucket entry, or the meta's root). */
  static fromHeader(db: BoltDb, name: string, header: Buffer): Bucket {
    if (header.length < BUCKET_HEADER_SIZE) throw corrupt(db.file, `the header of bucket "${name}" is cut short (${header.length} bytes)`);
    const root = readU64(header, 0, db.file, () => `the root page of bucket "${name}"`);
    const inline = root === 0 ? new Page(header.subarray(BUCKET_HEADER_SIZE), db.file, `the inline page of bucket "${name}"`) : undefined;
    return new Bucket(db, name, root, inline);
  }

  rootPage(): Page {
    return this.inline ?? this.db.page(this.rootPgid, `the root of ${this.label}`);
  }

  cursor(): Cursor {
    return new Cursor(this);
  }

  /** The entry stored exactly at `key`, if any. */
  entry(key: Buffer): BoltEntry | undefined {
    const e = this.cursor().seek(key);
    return e && e.key.equals(key) ? e : undefined;
  }

  /** The value of a plain key (undefined when absent or when it names a nested bucket). */
  get(key: Buffer): Buffer | undefined {
    const e = this.entry(key);
    return e && !e.isBucket ? e.value : undefined;
  }

  /** A nested bucket by name, if it exists. */
  bucket(name: string | Buffer): Bucket | undefined {
    const key = typeof name === 'string' ? Buffer.from(name) : name;
    const e = this.entry(key);
    if (!e?.isBucket) return undefined;
    return Bucket.fromHeader(this.db, this.name ? `${this.name}/${key.toString('latin1')}` : key.toString('latin1'), e.value);
  }

  /** Every entry in key order (nested buckets included, flagged). */
  *entries(): Generator<BoltEntry> {
    const c = this.cursor();
    for (let e = c.first(); e; e = c.next()) yield e;
  }
}
