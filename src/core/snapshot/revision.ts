/**
 * Keys of etcd's `key` bucket: a revision, 8-byte big-endian main revision, '_', 8-byte big-endian
 * sub revision (the op's index within its txn), and a trailing 't' when the entry is a tombstone
 * (a delete). Byte order of these keys is revision order, so the bucket is a log, not a key index.
 */
import { corrupt } from '../bbolt';

export const REVISION_BYTES = 17;

export interface Revision {
  main: number;
  sub: number;
}

export interface RevisionKey extends Revision {
  tombstone: boolean;
}

function u64be(buf: Buffer, offset: number): number {
  return buf.readUInt32BE(offset) * 0x1_0000_0000 + buf.readUInt32BE(offset + 4);
}

/** Parses a `key` bucket key; `file` names the snapshot in the error for a malformed one. */
export function parseRevisionKey(key: Buffer, file: string): RevisionKey {
  const marked = key.length === REVISION_BYTES + 1 && key[REVISION_BYTES] === 0x74;
  if ((key.length !== REVISION_BYTES && !marked) || key[8] !== 0x5f) {
    throw corrupt(
      file,
      `the "key" bucket holds ${key.length}-byte key ${key.toString('hex')}, not an etcd revision (17 bytes: main revision, '_', sub revision)`,
    );
  }
  return { main: u64be(key, 0), sub: u64be(key, 9), tombstone: marked };
}

/**
 * The revision key at buf[start, end), parsed in place (the key index reads a million of them and
 * allocates nothing per key); malformed keys get parseRevisionKey's error.
 */
export function parseRevisionAt(buf: Buffer, start: number, end: number, file: string): RevisionKey {
  const len = end - start;
  const marked = len === REVISION_BYTES + 1 && buf[start + REVISION_BYTES] === 0x74;
  if ((len !== REVISION_BYTES && !marked) || buf[start + 8] !== 0x5f) return parseRevisionKey(buf.subarray(start, end), file);
  return { main: u64be(buf, start), sub: u64be(buf, start + 9), tombstone: marked };
}

/** The main revision of a 17-byte revision value (as etcd stores compaction revisions in `meta`). */
export function mainRevision(bytes: Buffer): number {
  return bytes.length >= 8 ? u64be(bytes, 0) : 0;
}

/** The 17-byte key of a revision (without the tombstone mark), for seeking the `key` bucket. */
export function revisionKey(rev: Revision): Buffer {
  const b = Buffer.alloc(REVISION_BYTES);
  b.writeUInt32BE(Math.floor(rev.main / 0x1_0000_0000), 0);
  b.writeUInt32BE(rev.main >>> 0, 4);
  b[8] = 0x5f;
  b.writeUInt32BE(Math.floor(rev.sub / 0x1_0000_0000), 9);
  b.writeUInt32BE(rev.sub >>> 0, 13);
  return b;
}
