/**
 * Walks one bucket's B+tree in key order. The cursor keeps a stack of (page, index) frames from the
 * root to the current leaf; branch frames point at the child being visited. Pages come from the
 * db's on-demand reader, so a scan holds only the pages on its current path.
 *
 * Damage cannot make a walk loop or repeat: the stack is capped at MAX_DEPTH (a cycle of pages
 * would descend forever), and keys must strictly increase (a page referenced twice, or pages
 * swapped, would repeat or reorder keys).
 */
import type { Bucket } from './bucket';
import { corrupt } from './corrupt';
import { BUCKET_LEAF_FLAG, Page } from './page';

/** Far deeper than any real tree (a billion keys is ~6 levels), so only a cycle reaches it. */
export const MAX_DEPTH = 32;

export interface BoltEntry {
  key: Buffer;
  /** The stored value; for a nested bucket, its bucket header (and inline page). */
  value: Buffer;
  /** True when the entry is a nested bucket, not a key. */
  isBucket: boolean;
}

interface Frame {
  page: Page;
  index: number;
}

export class Cursor {
  private stack: Frame[] = [];
  private previous: Buffer | undefined;

  constructor(private readonly bucket: Bucket) {}

  /** The first entry, or undefined for an empty bucket. */
  first(): BoltEntry | undefined {
    this.reset();
    return this.settle();
  }

  /** The first entry with key >= `key`, or undefined when there is none. */
  seek(key: Buffer): BoltEntry | undefined {
    this.reset();
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      const page = top.page;
      if (page.isLeaf) {
        top.index = this.leafLowerBound(page, key);
        return this.settle();
      }
      top.index = this.branchIndex(page, key);
      this.push(this.child(top));
    }
  }

  /** The last entry, or undefined for an empty bucket (used to read the newest revision cheaply). */
  last(): BoltEntry | undefined {
    this.reset();
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      top.index = top.page.count - 1;
      if (top.page.isLeaf) return top.index >= 0 ? this.entry(top) : undefined;
      if (top.index < 0) throw corrupt(this.bucket.file, `${top.page.where} is an empty branch page`);
      this.push(this.child(top));
    }
  }

  /** The entry after the current one, or undefined at the end. */
  next(): BoltEntry | undefined {
    if (!this.stack.length) return undefined;
    this.stack[this.stack.length - 1].index++;
    return this.settle();
  }

  private reset(): void {
    this.stack = [];
    this.previous = undefined;
    this.push(this.bucket.rootPage());
  }

  private push(page: Page): void {
    if (!page.isLeaf && !page.isBranch) {
      throw corrupt(
        this.bucket.file,
        `${page.where} in ${this.bucket.label} is a ${page.describeType()} page where a branch or leaf page belongs`,
      );
    }
    if (this.stack.length >= MAX_DEPTH) {
      throw corrupt(
        this.bucket.file,
        `${this.bucket.label} is more than ${MAX_DEPTH} levels deep at ${page.where}: its pages form a cycle`,
      );
    }
    this.stack.push({ page, index: 0 });
  }

  private child(frame: Frame): Page {
    const pgid = frame.page.branchChild(frame.index);
    return this.bucket.db.page(pgid, `element ${frame.index} of ${frame.page.where}`);
  }

  /**
   * From the current frame, moves to the next existing entry: descends into branches, climbs out of
   * exhausted pages (empty leaves included), and returns undefined past the last entry.
   */
  private settle(): BoltEntry | undefined {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (top.index < top.page.count) {
        if (top.page.isLeaf) return this.entry(top);
        this.push(this.child(top));
        continue;
      }
      this.stack.pop();
      if (!this.stack.length) return undefined;
      this.stack[this.stack.length - 1].index++;
    }
  }

  private entry(frame: Frame): BoltEntry {
    const { page, index } = frame;
    const key = page.leafKey(index);
    if (this.previous && Buffer.compare(this.previous, key) >= 0) {
      throw corrupt(
        this.bucket.file,
        `keys out of order in ${this.bucket.label} at element ${index} of ${page.where}: the tree is damaged`,
      );
    }
    this.previous = key;
    return { key, value: page.leafValue(index), isBucket: (page.leafFlags(index) & BUCKET_LEAF_FLAG) !== 0 };
  }

  /** First element index with key >= `key` (count when none). */
  private leafLowerBound(page: Page, key: Buffer): number {
    let lo = 0;
    let hi = page.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(page.leafKey(mid), key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The child whose range holds `key`: the last element with key <= `key`, or the first one. */
  private branchIndex(page: Page, key: Buffer): number {
    if (page.count === 0) throw corrupt(this.bucket.file, `${page.where} is an empty branch page`);
    let lo = 0;
    let hi = page.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(page.branchKey(mid), key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }
}
