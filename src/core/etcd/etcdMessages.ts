/**
 * etcd API messages decoded by hand, for the calls where etcd3's bundled rpc.proto falls short: it
 * predates etcd 3.6 (StatusResponse has no storageVersion, dbSizeQuota or downgradeInfo; HashKVResponse
 * no hash_revision), and the snapshot stream is sliced here instead of copied. Field numbers are
 * etcd's api/etcdserverpb/rpc.proto. Integers that may exceed 2^53 (ids, revisions) are decimal
 * strings, as etcd3 gives them, so ids print exactly.
 */
import { Reader, WIRE_BYTES, WIRE_VARINT } from '../k8s/wire';

/** etcd's ResponseHeader (decimal strings, like etcd3's IResponseHeader). */
export interface ResponseHeader {
  cluster_id: string;
  member_id: string;
  revision: string;
  raft_term: string;
}

/** Maintenance.Status as etcd 3.4–3.7 send it; the 3.6 fields are absent when the member did not send them. */
export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  dbSize: string;
  leader: string;
  raftIndex: string;
  raftTerm: string;
  raftAppliedIndex: string;
  errors: string[];
  dbSizeInUse: string;
  isLearner: boolean;
  storageVersion?: string;
  dbSizeQuota?: string;
  /** Present (possibly with zero fields) when the member sent it: etcd 3.6+. */
  downgradeInfo?: { enabled: boolean; targetVersion: string };
}

export interface HashKvResponse {
  header: ResponseHeader;
  hash: number;
  compact_revision: string;
  /** etcd 3.6+: the revision the hash covers. */
  hash_revision?: string;
}

const uint = (r: Reader) => r.varintBig().toString();
const int64 = (r: Reader) => BigInt.asIntN(64, r.varintBig()).toString();

/** Calls `field(number, wireType)` for each field; a field it does not take is skipped. */
function fields(buf: Uint8Array, field: (r: Reader, n: number, wt: number) => boolean): void {
  const r = new Reader(buf);
  while (!r.done) {
    const [n, wt] = r.tag();
    if (!field(r, n, wt)) r.skip(wt, n);
  }
}

function decodeHeader(buf: Uint8Array): ResponseHeader {
  const h: ResponseHeader = { cluster_id: '0', member_id: '0', revision: '0', raft_term: '0' };
  fields(buf, (r, n, wt) => {
    if (wt !== WIRE_VARINT) return false;
    if (n === 1) h.cluster_id = uint(r);
    else if (n === 2) h.member_id = uint(r);
    else if (n === 3) h.revision = int64(r);
    else if (n === 4) h.raft_term = uint(r);
    else return false;
    return true;
  });
  return h;
}

export function decodeStatusResponse(buf: Uint8Array): StatusResponse {
  const s: StatusResponse = {
    header: decodeHeader(new Uint8Array(0)),
    version: '',
    dbSize: '0',
    leader: '0',
    raftIndex: '0',
    raftTerm: '0',
    raftAppliedIndex: '0',
    errors: [],
    dbSizeInUse: '0',
    isLearner: false,
  };
  fields(buf, (r, n, wt) => {
    if (wt === WIRE_BYTES) {
      if (n === 1) s.header = decodeHeader(r.bytes());
      else if (n === 2) s.version = r.string();
      else if (n === 8) s.errors.push(r.string());
      else if (n === 11) s.storageVersion = r.string();
      else if (n === 13) s.downgradeInfo = decodeDowngradeInfo(r.bytes());
      else return false;
      return true;
    }
    if (wt !== WIRE_VARINT) return false;
    if (n === 3) s.dbSize = int64(r);
    else if (n === 4) s.leader = uint(r);
    else if (n === 5) s.raftIndex = uint(r);
    else if (n === 6) s.raftTerm = uint(r);
    else if (n === 7) s.raftAppliedIndex = uint(r);
    else if (n === 9) s.dbSizeInUse = int64(r);
    else if (n === 10) s.isLearner = r.varint() !== 0;
    else if (n === 12) s.dbSizeQuota = int64(r);
    else return false;
    return true;
  });
  return s;
}

function decodeDowngradeInfo(buf: Uint8Array): { enabled: boolean; targetVersion: string } {
  const d = { enabled: false, targetVersion: '' };
  fields(buf, (r, n, wt) => {
    if (n === 1 && wt === WIRE_VARINT) d.enabled = r.varint() !== 0;
    else if (n === 2 && wt === WIRE_BYTES) d.targetVersion = r.string();
    else return false;
    return true;
  });
  return d;
}

export function decodeHashKvResponse(buf: Uint8Array): HashKvResponse {
  const h: HashKvResponse = { header: decodeHeader(new Uint8Array(0)), hash: 0, compact_revision: '0' };
  fields(buf, (r, n, wt) => {
    if (n === 1 && wt === WIRE_BYTES) h.header = decodeHeader(r.bytes());
    else if (n === 2 && wt === WIRE_VARINT) h.hash = r.varint();
    else if (n === 3 && wt === WIRE_VARINT) h.compact_revision = int64(r);
    else if (n === 4 && wt === WIRE_VARINT) h.hash_revision = int64(r);
    else return false;
    return true;
  });
  return h;
}

/** HashKVRequest { int64 revision = 1 }. */
export function encodeHashKvRequest(revision: number): Buffer {
  if (!revision) return Buffer.alloc(0);
  const bytes = [0x08];
  let v = BigInt.asUintN(64, BigInt(revision));
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Buffer.from(bytes);
}

/** One message of the Maintenance.Snapshot stream. */
export interface SnapshotChunk {
  /** Bytes etcd still has to send after this chunk (etcd's trailing SHA-256 not included). */
  remaining: number;
  blob: Buffer;
}

const EMPTY = Buffer.alloc(0);

function varint(buf: Buffer, at: { pos: number }): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (at.pos >= buf.length) break;
    const b = buf[at.pos++];
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 128;
  }
  throw new Error('malformed SnapshotResponse: a varint runs past the end of the message');
}

/**
 * SnapshotResponse: header = 1 (skipped), remaining_bytes = 2 (uint64), blob = 3 (bytes). A 1 GB
 * snapshot arrives as ~32k messages of 32 KiB; the blob is a view into the received frame, not a copy.
 */
export function decodeSnapshotResponse(buf: Buffer): SnapshotChunk {
  const at = { pos: 0 };
  let remaining = 0;
  let blob: Buffer = EMPTY;
  while (at.pos < buf.length) {
    const tag = varint(buf, at);
    const wire = tag & 7;
    if (tag === 0x10) remaining = varint(buf, at);
    else if (wire === 0) varint(buf, at);
    else if (wire === 2) {
      const len = varint(buf, at);
      const end = at.pos + len;
      if (end > buf.length) throw new Error(`malformed SnapshotResponse: a field of ${len} bytes runs past the end of the message`);
      if (tag === 0x1a) blob = buf.subarray(at.pos, end);
      at.pos = end;
    } else if (wire === 1) at.pos += 8;
    else if (wire === 5) at.pos += 4;
    else throw new Error(`malformed SnapshotResponse: unknown wire type ${wire}`);
  }
  return { remaining, blob };
}
