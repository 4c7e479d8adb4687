/**
 * Visiting every leaf page of a bucket in key order, for whole-bucket work (status hashing, key
 * indexing). A cursor reads one page per call: for a 1 GB file that is ~250k reads and as many
 * fresh 4 KiB buffers, garbage the GC frees only later (it was most of the peak RSS of indexing).
 * Here the branch levels are read first (about 1% of the pages) to list the leaves in key order,
 * then the leaves are read in runs of nearby pages, one read per run, into one reused window.
 * etcd's files keep most leaves in key order on disk, so a 1 GB bucket takes a few hundred reads;
 * a scattered file degrades to one read per page (a run skips at most MAX_GAP_PAGES unneeded pages).
 *
 * Damage is caught as in the cursor: a cycle of branch pages exceeds MAX_DEPTH levels (or lists
 * more pages than the file has), a page that is not a leaf where the leaf level is, or one whose
 * id is not its own, is refused, and each page's first key must follow the previous page's last
 * key (so a page listed twice, or pages swapped, cannot repeat or reorder keys).
 */
import type { Bucket } from './bucket';
import { corrupt } from './corrupt';
import { MAX_DEPTH } from './cursor';
import { Page } from './page';

export interface LeafScanOptions {
  /** Awaited every `pagesPerPause` pages: yield to the event loop, report progress, throw to stop. */
  pause?: () => Promise<void>;
  pagesPerPause?: number;
}

/** Bytes read at once; large enough that a run of sequential pages costs one read per 4 MiB. */
const WINDOW_BYTES = 4 * 1024 * 1024;
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
  const scan = new LeafReader(bucket);
  const every = opts.pagesPerPause ?? 256;
  let sincePause = 0;
  for (let i = 0; i < leaves.length;) {
    const runEnd = scan.readRun(leaves, i);
    for (; i < runEnd; i++) {
      pages.leafPages += scan.visit(leaves[i], visit);
      if (++sincePause === every && opts.pause) {
        sincePause = 0;
        await opts.pause();
      }
    }
  }
  return pages;
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

/** The window buffer, the run it holds, and the last key seen (copied: the window is reused). */
class LeafReader {
  private readonly window: Buffer;
  private readonly windowPages: number;
  private runFirst = 0;
  private runPages = 0;
  private lastKey = Buffer.allocUnsafe(256);
  private lastKeyLength = -1;

  constructor(private readonly bucket: Bucket) {
    this.windowPages = Math.max(1, Math.floor(WINDOW_BYTES / bucket.db.pageSize));
    this.window = Buffer.allocUnsafe(this.windowPages * bucket.db.pageSize);
  }

  /** Reads the pages of leaves[i…] that fit one window with small gaps; returns the index after the run. */
  readRun(leaves: number[], i: number): number {
    const first = leaves[i];
    let end = first + 1;
    let j = i + 1;
    for (; j < leaves.length; j++) {
      const p = leaves[j];
      if (p < first || p >= first + this.windowPages || p > end + MAX_GAP_PAGES) break;
      if (p >= end) end = p + 1;
    }
    // Never read past the pages in use (the last leaf of a run may be the last page).
    end = Math.min(end, this.bucket.db.highWater);
    if (end <= first) end = first + 1;
    this.bucket.db.readPagesInto(this.window, 0, first, end - first, `a leaf of ${this.bucket.label}`);
    this.runFirst = first;
    this.runPages = end - first;
    return j;
  }

  /** Visits one leaf of the current run; returns the pages it spans. */
  visit(pgid: number, visit: (page: Page) => void): number {
    const db = this.bucket.db;
    const size = db.pageSize;
    const at = (pgid - this.runFirst) * size;
    const overflow = this.window.readUInt32LE(at + 12);
    let buf: Buffer;
    if (pgid - this.runFirst + 1 + overflow <= this.runPages) {
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

  /** The page's first key must sort after the previous page's last key. */
  private checkOrder(page: Page): void {
    const firstKey = page.leafKey(0);
    if (this.lastKeyLength >= 0 && Buffer.compare(this.lastKey.subarray(0, this.lastKeyLength), firstKey) >= 0) {
      throw corrupt(this.bucket.file, `keys out of order in ${this.bucket.label} at ${page.where}: the tree is damaged`);
    }
    const lastKey = page.leafKey(page.count - 1);
    if (lastKey.length > this.lastKey.length) this.lastKey = Buffer.allocUnsafe(lastKey.length * 2);
    lastKey.copy(this.lastKey);
    this.lastKeyLength = lastKey.length;
  }
}
