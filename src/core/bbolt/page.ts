/**
 * One bbolt page as stored: a 16-byte header (id u64, flags u16, count u16, overflow u32) and
 * `count` fixed-size elements, followed by their keys and values. A page with overflow N spans
 * N + 1 consecutive pages on disk. Element `pos` fields are relative to the element itself.
 * Every access is bounds-checked, so a damaged page is reported instead of read past.
 */
import { corrupt, readU64, u32le } from './corrupt';

export const PAGE_HEADER_SIZE = 16;
/** Branch elements: pos u32, ksize u32, pgid u64. Leaf elements: flags u32, pos u32, ksize u32, vsize u32. */
const ELEMENT_SIZE = 16;

export const BRANCH_PAGE = 0x01;
export const LEAF_PAGE = 0x02;
export const META_PAGE = 0x04;
export const FREELIST_PAGE = 0x10;
/** Leaf element flag: the value is a nested bucket's header, not user data. */
export const BUCKET_LEAF_FLAG = 0x01;

export class Page {
  readonly flags: number;
  readonly count: number;
  readonly overflow: number;

  /**
   * @param buf the page bytes (all of its overflow pages too), or an inline bucket's page
   * @param where names the page in error messages, e.g. "page 12" or "the inline page of bucket key"
   */
  constructor(
    readonly buf: Buffer,
    readonly file: string,
    readonly where: string,
  ) {
    if (buf.length < PAGE_HEADER_SIZE)
      throw corrupt(file, `${where} is cut short (${buf.length} bytes, a page header needs ${PAGE_HEADER_SIZE})`);
    this.flags = buf[8] | (buf[9] << 8);
    this.count = buf[10] | (buf[11] << 8);
    this.overflow = u32le(buf, 12);
    if (PAGE_HEADER_SIZE + this.count * ELEMENT_SIZE > buf.length) {
      throw corrupt(file, `${where} claims ${this.count} elements, more than the page holds`);
    }
  }

  get id(): number {
    const high = u32le(this.buf, 4);
    // Page ids past 2^53 cannot occur in a real file: readU64 words the error.
    return high < 0x200000 ? high * 0x1_0000_0000 + u32le(this.buf, 0) : readU64(this.buf, 0, this.file, () => `the id of ${this.where}`);
  }

  get isLeaf(): boolean {
    return this.flags === LEAF_PAGE;
  }

  get isBranch(): boolean {
    return this.flags === BRANCH_PAGE;
  }

  /** Bytes [elem + pos, elem + pos + size) of the page, checked to lie inside it. */
  private slice(elem: number, pos: number, size: number, what: string): Buffer {
    const start = elem + pos;
    const end = start + size;
    if (end > this.buf.length)
      throw corrupt(this.file, `${what} in ${this.where} runs past the end of the page (byte ${end} of ${this.buf.length})`);
    return this.buf.subarray(start, end);
  }

  private element(i: number): number {
    return PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
  }

  leafFlags(i: number): number {
    return this.buf.readUInt32LE(this.element(i));
  }

  leafKey(i: number): Buffer {
    const e = this.element(i);
    return this.slice(e, this.buf.readUInt32LE(e + 4), this.buf.readUInt32LE(e + 8), `the key of element ${i}`);
  }

  /** Where leafKey(i) lies in `buf`, as [start, end), checked like leafKey but without a view. */
  leafKeyRange(i: number): [number, number] {
    const e = this.element(i);
    const start = e + u32le(this.buf, e + 4);
    const end = start + u32le(this.buf, e + 8);
    if (end > this.buf.length)
      throw corrupt(
        this.file,
        `the key of element ${i} in ${this.where} runs past the end of the page (byte ${end} of ${this.buf.length})`,
      );
    return [start, end];
  }

  leafValue(i: number): Buffer {
    const e = this.element(i);
    const pos = this.buf.readUInt32LE(e + 4) + this.buf.readUInt32LE(e + 8);
    return this.slice(e, pos, this.buf.readUInt32LE(e + 12), `the value of element ${i}`);
  }

  branchKey(i: number): Buffer {
    const e = this.element(i);
    return this.slice(e, this.buf.readUInt32LE(e), this.buf.readUInt32LE(e + 4), `the key of element ${i}`);
  }

  branchChild(i: number): number {
    const at = this.element(i) + 8;
    const high = u32le(this.buf, at + 4);
    return high < 0x200000
      ? high * 0x1_0000_0000 + u32le(this.buf, at)
      : readU64(this.buf, at, this.file, () => `the child of element ${i} in ${this.where}`);
  }

  /**
   * [start, end) of the bytes of every key and value of this leaf when they lie back to back in
   * element order with no nested bucket among them (how bbolt writes a leaf), else undefined.
   * Whole-bucket hashes (etcdctl's status) can then take the page in one piece.
   */
  leafDataRange(): [number, number] | undefined {
    const buf = this.buf;
    const n = this.count;
    if (n === 0) return undefined;
    const start = PAGE_HEADER_SIZE + u32le(buf, PAGE_HEADER_SIZE + 4);
    let expect = start;
    for (let i = 0, e = PAGE_HEADER_SIZE; i < n; i++, e += ELEMENT_SIZE) {
      if ((buf[e] & BUCKET_LEAF_FLAG) !== 0 || e + u32le(buf, e + 4) !== expect) return undefined;
      expect += u32le(buf, e + 8) + u32le(buf, e + 12);
    }
    return expect <= buf.length ? [start, expect] : undefined;
  }

  describeType(): string {
    switch (this.flags) {
      case BRANCH_PAGE:
        return 'branch';
      case LEAF_PAGE:
        return 'leaf';
      case META_PAGE:
        return 'meta';
      case FREELIST_PAGE:
        return 'freelist';
      default:
        return `unknown (flags 0x${this.flags.toString(16)})`;
    }
  }
}
