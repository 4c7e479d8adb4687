/**
 * Opening a bbolt file read-only: find a valid meta page (bbolt's rules: page 0 gives the page
 * size; of the two metas, the valid one with the higher txid wins), check the file is as long as
 * the meta says, then hand out pages on demand. Nothing is written, locked or mapped, so a
 * snapshot can be read while etcd or another reader has it open.
 */
import { Bucket } from './bucket';
import { corrupt } from './corrupt';
import { DEFAULT_CACHE_BYTES, FileReader } from './fileReader';
import { BOLT_MAGIC, BoltMeta, META_SIZE, metaProblem, NO_FREELIST, parseMeta } from './meta';
import { Page, PAGE_HEADER_SIZE } from './page';

export interface BoltOpenOptions {
  /** Bytes of pages kept in memory (default 32 MiB). */
  cacheBytes?: number;
}

const NOT_BOLT_HINT = 'it is not a bbolt database (an etcd snapshot from `etcdctl snapshot save`, or member/snap/db of an etcd data dir)';
/** Page sizes bbolt may have been created with: 1 KiB to 64 KiB, where meta page 1 is looked for when page 0 is bad. */
const CANDIDATE_PAGE_SIZES = [1024, 2048, 4096, 8192, 16384, 32768, 65536];
const MAX_PAGE_SIZE = 1 << 20;

export class BoltDb {
  /** Pages in use: [0, highWater). */
  readonly highWater: number;
  readonly pageSize: number;
  /** The bucket whose entries are the top-level buckets. */
  readonly root: Bucket;

  private constructor(
    private readonly reader: FileReader,
    readonly meta: BoltMeta,
  ) {
    this.pageSize = meta.pageSize;
    this.highWater = Number(meta.pgid);
    const header = Buffer.alloc(16);
    header.writeBigUInt64LE(meta.root, 0);
    this.root = Bucket.fromHeader(this, '', header);
  }

  static open(file: string, opts: BoltOpenOptions = {}): BoltDb {
    const reader = FileReader.open(file, opts.cacheBytes ?? DEFAULT_CACHE_BYTES);
    try {
      return new BoltDb(reader, readMeta(reader));
    } catch (e) {
      reader.close();
      throw e;
    }
  }

  get file(): string {
    return this.reader.file;
  }

  get fileSize(): number {
    return this.reader.size;
  }

  /** What bbolt's `tx.Size()` reports (and etcdctl calls total size): pages in use times page size. */
  get size(): number {
    return this.highWater * this.pageSize;
  }

  /** Bytes read from disk so far (cache misses). */
  get bytesRead(): number {
    return this.reader.bytesRead;
  }

  /** Page `pgid` with its overflow pages, checked to be in use and to carry its own id. */
  page(pgid: number, where: string): Page {
    if (pgid < 2 || pgid >= this.highWater) {
      throw corrupt(this.file, `${where} points to page ${pgid}, outside the ${this.highWater} pages in use: the file is damaged`);
    }
    let buf = this.reader.cached(pgid);
    if (!buf) {
      const offset = pgid * this.pageSize;
      buf = this.reader.read(offset, this.pageSize, `page ${pgid}`);
      const overflow = buf.readUInt32LE(12);
      if (overflow > 0) {
        if (pgid + overflow >= this.highWater) {
          throw corrupt(
            this.file,
            `page ${pgid} claims ${overflow} overflow pages, past the ${this.highWater} pages in use: the file is damaged`,
          );
        }
        buf = this.reader.read(offset, (overflow + 1) * this.pageSize, `page ${pgid} and its ${overflow} overflow pages`);
      }
      this.reader.remember(pgid, buf);
    }
    const page = new Page(buf, this.file, `page ${pgid}`);
    if (page.id !== pgid)
      throw corrupt(this.file, `page ${pgid} (reached from ${where}) identifies itself as page ${page.id}: the file is damaged`);
    return page;
  }

  /**
   * The raw bytes of pages [pgid, pgid + count) into `target` at `at`, checked only to be in use;
   * the caller checks each page's header (see leafScan.ts).
   */
  readPagesInto(target: Uint8Array, at: number, pgid: number, count: number, where: string): void {
    this.checkPagesInUse(pgid, count, where);
    this.reader.readInto(target, at, pgid * this.pageSize, count * this.pageSize, `pages ${pgid}-${pgid + count - 1}`);
  }

  /** readPagesInto on the thread pool (see FileReader.readIntoAsync); `target` is off limits until it settles. */
  readPagesIntoAsync(target: Uint8Array, at: number, pgid: number, count: number, where: string): Promise<void> {
    this.checkPagesInUse(pgid, count, where);
    return this.reader.readIntoAsync(target, at, pgid * this.pageSize, count * this.pageSize, `pages ${pgid}-${pgid + count - 1}`);
  }

  private checkPagesInUse(pgid: number, count: number, where: string): void {
    if (pgid < 2 || pgid + count > this.highWater) {
      throw corrupt(
        this.file,
        `${where} spans pages ${pgid}-${pgid + count - 1}, outside the ${this.highWater} pages in use: the file is damaged`,
      );
    }
  }

  /** A top-level bucket by name, if it exists. */
  bucket(name: string | Buffer): Bucket | undefined {
    return this.root.bucket(name);
  }

  close(): void {
    this.reader.close();
  }
}

/** The meta bbolt would use, or a Corrupt error that says why there is none. */
function readMeta(reader: FileReader): BoltMeta {
  const file = reader.file;
  if (reader.size === 0) throw corrupt(file, `the file is empty; ${NOT_BOLT_HINT}`);
  const minimum = PAGE_HEADER_SIZE + META_SIZE;
  if (reader.size < minimum)
    throw corrupt(file, `the file has only ${reader.size} bytes, too few for a bbolt meta page; ${NOT_BOLT_HINT}, or it is truncated`);
  const meta0 = parseMeta(reader.read(0, minimum, 'meta page 0'), 0);
  const problem0 = metaProblem(meta0);

  // Page 0 gives the page size; when it is bad, look for a valid meta page 1 at each possible size.
  const sizes = problem0 ? CANDIDATE_PAGE_SIZES : [meta0.pageSize];
  if (problem0 && meta0.magic === BOLT_MAGIC && !sizes.includes(meta0.pageSize)) sizes.unshift(meta0.pageSize);
  let meta1: BoltMeta | undefined;
  for (const size of sizes) {
    if (size < minimum || size > MAX_PAGE_SIZE || size + minimum > reader.size) continue;
    const m = parseMeta(reader.read(size, minimum, 'meta page 1'), 0);
    if (!metaProblem(m) && m.pageSize === size) {
      meta1 = m;
      break;
    }
    if (!problem0 || (meta0.magic === BOLT_MAGIC && size === meta0.pageSize)) meta1 ??= m;
  }
  const problem1 = meta1 && metaProblem(meta1);

  let meta: BoltMeta;
  if (!problem0 && meta1 && !problem1) meta = meta1.txid > meta0.txid ? meta1 : meta0;
  else if (!problem0) meta = meta0;
  else if (meta1 && !problem1) meta = meta1;
  else if (meta0.magic !== BOLT_MAGIC) throw corrupt(file, `${NOT_BOLT_HINT}: meta page 0 has the ${problem0}`);
  else
    throw corrupt(
      file,
      `both meta pages are damaged (page 0: ${problem0}; page 1: ${problem1 ?? 'missing, the file is too short'}); the file cannot be read`,
    );
  checkMeta(reader, meta);
  return meta;
}

function checkMeta(reader: FileReader, meta: BoltMeta): void {
  const file = reader.file;
  if (meta.pageSize < PAGE_HEADER_SIZE + META_SIZE || meta.pageSize > MAX_PAGE_SIZE)
    throw corrupt(file, `the meta page gives an impossible page size of ${meta.pageSize} bytes`);
  if (meta.pgid < 4n) throw corrupt(file, `the meta page says only ${meta.pgid} pages are in use; a bbolt file has at least 4`);
  const expected = meta.pgid * BigInt(meta.pageSize);
  if (BigInt(reader.size) < expected) {
    throw corrupt(
      file,
      `the file is truncated: its meta page says ${meta.pgid} pages of ${meta.pageSize} bytes (${expected} bytes) are in use, but the file has only ${reader.size} bytes`,
    );
  }
  if (meta.root < 2n || meta.root >= meta.pgid)
    throw corrupt(file, `the root bucket is at page ${meta.root}, outside the ${meta.pgid} pages in use`);
  if (meta.freelist !== NO_FREELIST && (meta.freelist < 2n || meta.freelist >= meta.pgid)) {
    throw corrupt(file, `the freelist is at page ${meta.freelist}, outside the ${meta.pgid} pages in use`);
  }
}
