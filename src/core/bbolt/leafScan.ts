/**
 * Visiting every leaf page of a bucket in key order, for whole-bucket work (status hashing, key
 * indexing). A cursor reads one page per call: for a 1 GB file that is ~250k reads and as many
 * fresh 4 KiB buffers, garbage the GC frees only later (it was most of the peak RSS of indexing).
 * Here the branch levels are read first (about 1% of the pages) to list the leaves in key order,
 * then the leaves are read in runs of nearby pages, one read per run, into one reused window.
 * etcd's files keep most leaves in key order on disk, so a 1 GB bucket takes a few hundred reads;
 * a scattered file degrades to one read per page (a run skips at most MAX_GAP_PAGES unneeded pages).
 * The window has two halves: while the leaves of one run are visited, the next run is read into
 * the other half on libuv's thread pool, so reading the file and the caller's work (hashing,
 * indexing) overlap on two cores.
 *
 * Damage is caught as in the cursor: a cycle of branch pages exceeds MAX_DEPTH levels (or lists
 * more pages than the file has), a page that is not a leaf where the leaf level is, or one whose
 * id is not its own, is refused, and each page's first key must follow the previous page's last
 * key (so a page listed twice, or pages swapped, cannot repeat or reorder keys).
 */
import type { Bucket } from './bucket';
import { corrupt, u32le } from './corrupt';
import { MAX_DEPTH } from './cursor';
import { Page } from './page';

export interface LeafScanOptions {
  /** Awaited every `pagesPerPause` pages: yield to the event loop, report progress, throw to stop. */
  pause?: () => Promise<void>;
  pagesPerPause?: number;
  /**
   * Where to read pages (both halves), e.g. memory a hash reads without a copy; one scan at a time.
   * By default each scan allocates its own, at most 2 x HALF_WINDOW_BYTES and no more than the file.
   */
  window?: Buffer;
}

/** Bytes read at once; large enough that a run of sequential pages costs one read per 2 MiB. */
const HALF_WINDOW_BYTES = 2 * 1024 * 1024;
/** Pages skipped inside a run rather than starting a new read (reading them costs less than a syscall). */
const MAX_GAP_PAGES = 8;

/** The pages a bucket's tree occupies in the file (overflow pages included); 0 for an inline bucket. */
export interface BucketPages {
  branchPages: number;
  leafPages: number;
}

/**
 * Calls `visit` with every leaf page of `bucket` in key order (an inline bucket's page included).
 * A page is a view into a reused buffer: valid only until `visit` returns.
 */
export async function forEachLeaf(bucket: Bucket, visit: (page: Page) => void, opts: LeafScanOptions = {}): Promise<BucketPages> {
  if (bucket.rootPgid === 0) {
    const page = bucket.rootPage();
    if (!page.isLeaf) throw corrupt(bucket.file, `the inline page of ${bucket.label} is a ${page.describeType()} page, not a leaf`);
    visit(page);
    return { branchPages: 0, leafPages: 0 };
  }
  const pages: BucketPages = { branchPages: 0, leafPages: 0 };
  const leaves = leafIds(bucket, pages);
  const scan = new LeafReader(bucket, opts.window);
  const every = opts.pagesPerPause ?? 256;
  let sincePause = 0;
  let run = scan.plan(leaves, 0, 0);
  let reading: Promise<void> | undefined = scan.read(run);
  try {
    for (;;) {
      await reading;
      const next = run.to < leaves.length ? scan.plan(leaves, run.to, run.half ^ 1) : undefined;
      reading = next && scan.read(next);
      for (let i = run.from; i < run.to; i++) {
        pages.leafPages += scan.visit(run, leaves[i], visit);
        if (++sincePause === every && opts.pause) {
          sincePause = 0;
          await opts.pause();
        }
      }
      if (!next) return pages;
      run = next;
    }
  } finally {
    // Stopped early (damage, cancellation): the window is the caller's again only once the read is done.
    await reading?.catch(() => undefined);
  }
}

/** The leaf page ids of a paged bucket in key order, read level by level from the root (branch pages counted). */
function leafIds(bucket: Bucket, pages: BucketPages): number[] {
  const db = bucket.db;
  let level = [bucket.rootPgid];
  for (let depth = 0; ; depth++) {
    // A balanced B+tree has all leaves on one level: the first page tells which level this is.
    const first = db.page(level[0], `the first page of level ${depth} of ${bucket.label}`);
    if (first.isLeaf) return level;
    if (depth >= MAX_DEPTH) throw corrupt(bucket.file, `${bucket.label} is more than ${MAX_DEPTH} levels deep: its pages form a cycle`);
    const next: number[] = [];
    for (const pgid of level) {
      const page = db.page(pgid, `level ${depth} of ${bucket.label}`);
      if (!page.isBranch) {
        throw corrupt(
          bucket.file,
          `${page.where} in ${bucket.label} is a ${page.describeType()} page where a branch page belongs (level ${depth}): the tree is damaged`,
        );
      }
      pages.branchPages += 1 + page.overflow;
      for (let i = 0; i < page.count; i++) next.push(page.branchChild(i));
      if (next.length > db.highWater)
        throw corrupt(bucket.file, `${bucket.label} lists more pages than the file holds: its pages form a cycle`);
    }
    if (!next.length) throw corrupt(bucket.file, `level ${depth} of ${bucket.label} has only empty branch pages`);
    level = next;
  }
}

/** leaves[from, to) read as pages [first, first + count) into one half of the window. */
interface Run {
  from: number;
  to: number;
  first: number;
  count: number;
  half: number;
}

/** The window buffer (two halves, see the file comment) and the last key seen (copied: the window is reused). */
class LeafReader {
  private readonly window: Buffer;
  private readonly halfPages: number;
  private lastKey = Buffer.allocUnsafe(256);
  private lastKeyLength = -1;

  constructor(
    private readonly bucket: Bucket,
    window: Buffer | undefined,
  ) {
    const size = bucket.db.pageSize;
    const half = window ? window.length >> 1 : Math.min(HALF_WINDOW_BYTES, bucket.db.highWater * size);
    this.halfPages = Math.max(1, Math.floor(half / size));
    this.window = window && window.length >= 2 * this.halfPages * size ? window : Buffer.allocUnsafe(2 * this.halfPages * size);
  }

  /** The pages of leaves[i…] that fit one half of the window with small gaps. */
  plan(leaves: number[], i: number, half: number): Run {
    const first = leaves[i];
    let end = first + 1;
    let j = i + 1;
    for (; j < leaves.length; j++) {
      const p = leaves[j];
      if (p < first || p >= first + this.halfPages || p > end + MAX_GAP_PAGES) break;
      if (p >= end) end = p + 1;
    }
    // Never read past the pages in use (the last leaf of a run may be the last page).
    end = Math.min(end, this.bucket.db.highWater);
    if (end <= first) end = first + 1;
    return { from: i, to: j, first, count: end - first, half };
  }

  read(run: Run): Promise<void> {
    const at = run.half * this.halfPages * this.bucket.db.pageSize;
    return this.bucket.db.readPagesIntoAsync(this.window, at, run.first, run.count, `a leaf of ${this.bucket.label}`);
  }

  /** Visits one leaf of `run` (read already); returns the pages it spans. */
  visit(run: Run, pgid: number, visit: (page: Page) => void): number {
    const db = this.bucket.db;
    const size = db.pageSize;
    const at = (run.half * this.halfPages + pgid - run.first) * size;
    const overflow = u32le(this.window, at + 12);
    let buf: Buffer;
    if (pgid - run.first + 1 + overflow <= run.count) {
      buf = this.window.subarray(at, at + (overflow + 1) * size);
    } else {
      // A value spanning overflow pages past the run (rare, large values): read it on its own.
      if (pgid + overflow >= db.highWater) {
        throw corrupt(
          this.bucket.file,
          `page ${pgid} claims ${overflow} overflow pages, past the ${db.highWater} pages in use: the file is damaged`,
        );
      }
      buf = Buffer.allocUnsafe((overflow + 1) * size);
      db.readPagesInto(buf, 0, pgid, overflow + 1, `page ${pgid} and its overflow pages`);
    }
    const page = new Page(buf, this.bucket.file, `page ${pgid}`);
    if (page.id !== pgid)
      throw corrupt(
        this.bucket.file,
        `page ${pgid} (a leaf of ${this.bucket.label}) identifies itself as page ${page.id}: the file is damaged`,
      );
    if (!page.isLeaf) {
      throw corrupt(
        this.bucket.file,
        `page ${pgid} in ${this.bucket.label} is a ${page.describeType()} page where a leaf page belongs: the tree is damaged`,
      );
    }
    if (page.count > 0) this.checkOrder(page);
    visit(page);
    return 1 + overflow;
  }

  /** The page's first key must sort after the previous page's last key (compared and kept without a view per page). */
  private checkOrder(page: Page): void {
    const buf = page.buf;
    const [first, firstEnd] = page.leafKeyRange(0);
    if (this.lastKeyLength >= 0 && compareBytes(this.lastKey, this.lastKeyLength, buf, first, firstEnd) >= 0) {
      throw corrupt(this.bucket.file, `keys out of order in ${this.bucket.label} at ${page.where}: the tree is damaged`);
    }
    const [last, lastEnd] = page.leafKeyRange(page.count - 1);
    const length = lastEnd - last;
    if (length > this.lastKey.length) this.lastKey = Buffer.allocUnsafe(length * 2);
    const kept = this.lastKey;
    for (let i = 0; i < length; i++) kept[i] = buf[last + i];
    this.lastKeyLength = length;
  }
}

/** Sign of a[0, aLength) - b[from, to) in byte order, like Buffer.compare. */
function compareBytes(a: Buffer, aLength: number, b: Buffer, from: number, to: number): number {
  const n = Math.min(aLength, to - from);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[from + i];
    if (d !== 0) return d;
  }
  return aLength - (to - from);
}
