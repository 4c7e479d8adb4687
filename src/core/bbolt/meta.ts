/**
 * bbolt's meta page (page 0 and page 1): after the 16-byte page header come magic u32, version u32,
 * page size u32, flags u32, the root bucket header (root pgid u64, sequence u64), freelist pgid u64,
 * high-water pgid u64, txid u64 and an FNV-64a checksum u64 over everything before it, all
 * little-endian. bbolt writes the two pages alternately, so a torn write leaves the other intact.
 */
import { PAGE_HEADER_SIZE } from './page';

export const BOLT_MAGIC = 0xed0cdaed;
export const BOLT_VERSION = 2;
/** Bytes of the meta fields covered by the checksum. */
const META_SUMMED = 56;
export const META_SIZE = META_SUMMED + 8;
/** bbolt's "no freelist persisted" marker (0xffffffffffffffff). */
export const NO_FREELIST = 0xffffffffffffffffn;

export interface BoltMeta {
  magic: number;
  version: number;
  pageSize: number;
  flags: number;
  /** Root pgid of the bucket that holds the top-level buckets. */
  root: bigint;
  freelist: bigint;
  /** High-water mark: pages [0, pgid) are in use; the file holds at least pgid * pageSize bytes. */
  pgid: bigint;
  txid: bigint;
  checksum: bigint;
  /** The FNV-64a over the fields, to compare with `checksum`. */
  computed: bigint;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a, 64-bit. BigInt is fine: it runs over two 56-byte metas per open. */
export function fnv64a(bytes: Uint8Array): bigint {
  let h = FNV_OFFSET;
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK64;
  return h;
}

/** Parses the meta of the page that starts at `pageStart` in `buf`; the caller checks the length. */
export function parseMeta(buf: Buffer, pageStart: number): BoltMeta {
  const m = pageStart + PAGE_HEADER_SIZE;
  return {
    magic: buf.readUInt32LE(m),
    version: buf.readUInt32LE(m + 4),
    pageSize: buf.readUInt32LE(m + 8),
    flags: buf.readUInt32LE(m + 12),
    root: buf.readBigUInt64LE(m + 16),
    freelist: buf.readBigUInt64LE(m + 32),
    pgid: buf.readBigUInt64LE(m + 40),
    txid: buf.readBigUInt64LE(m + 48),
    checksum: buf.readBigUInt64LE(m + META_SUMMED),
    computed: fnv64a(buf.subarray(m, m + META_SUMMED)),
  };
}

/** Why a meta is unusable (bbolt's Validate order: magic, version, checksum), or undefined when valid. */
export function metaProblem(meta: BoltMeta): string | undefined {
  if (meta.magic !== BOLT_MAGIC) return `wrong magic 0x${meta.magic.toString(16).padStart(8, '0')} (a bbolt file has 0xed0cdaed)`;
  if (meta.version !== BOLT_VERSION) return `unsupported bbolt format version ${meta.version} (only version ${BOLT_VERSION} exists)`;
  if (meta.checksum !== meta.computed) {
    return `checksum mismatch (stored ${meta.checksum.toString(16)}, computed ${meta.computed.toString(16)})`;
  }
  return undefined;
}
