/**
 * Restoring a snapshot's keys into a running (development) cluster: every key of the snapshot,
 * or of one prefix of it, is written with its value as of the snapshot. This is a copy of data,
 * not etcd's disaster recovery (restoreDataDir.ts): revisions, leases and keys that exist only in
 * the cluster are not touched, so it never deletes anything. Both the plan and the restore walk
 * the snapshot's sorted keys and the cluster's (read in pages at one revision) side by side, so
 * unchanged keys are counted, and skipped, without one request per key.
 */
import type { EtcdConnection } from '../etcd/connection';
import { EtcdStudioError } from '../errors';
import { scanRange } from '../etcd/rangeScan';
import { prefixRangeEnd } from '../keytree/rangeEnd';
import type { EtcdSnapshot } from './snapshot';

export interface RestoreIntoClusterOptions {
  /** Only keys starting with these bytes (default: every key). */
  prefix?: Uint8Array;
  signal?: AbortSignal;
  /** Keys of the snapshot handled so far, of `total`. */
  onProgress?: (done: number, total: number) => void;
}

export interface RestoreIntoClusterPlan {
  /** Snapshot keys under the prefix. */
  total: number;
  /** Keys the cluster does not have: they will be created. */
  create: number;
  /** Keys whose value differs: they will be overwritten. */
  overwrite: number;
  /** Keys whose value is the same: left alone (no new revision). */
  unchanged: number;
  /** Keys under the prefix that exist only in the cluster: never deleted. */
  onlyInCluster: number;
  /** Snapshot keys attached to a lease: written without it (leases belong to the old cluster). */
  leased: number;
  snapshotRevision: number;
  /** The cluster revision the comparison read. */
  clusterRevision: number;
  /** What a person should know before going ahead, one sentence each. */
  notes: string[];
}

export interface RestoreIntoClusterResult {
  created: number;
  overwritten: number;
  unchanged: number;
  onlyInCluster: number;
  /** Transactions written (at most MAX_TXN_OPS puts each). */
  txns: number;
  /** The cluster's revision after the last write. */
  revision: number;
}

/** etcd's default --max-txn-ops: a larger txn is refused by a default-configured cluster. */
export const MAX_TXN_OPS = 128;
const PAGE = 500;
/** Read key by key when the cluster holds more than this many times the snapshot's keys (in the range). */
const BY_KEY_RATIO = 4;

type Change = 'create' | 'overwrite' | 'unchanged';

interface Compared {
  key: Buffer;
  value: Buffer;
  lease: string;
  change: Change;
}

interface Counts {
  onlyInCluster: number;
  clusterRevision: number;
}

/** What restoring would do, without writing anything. */
export async function planRestoreIntoCluster(
  conn: EtcdConnection,
  snap: EtcdSnapshot,
  opts: Pick<RestoreIntoClusterOptions, 'prefix' | 'signal'> = {},
): Promise<RestoreIntoClusterPlan> {
  const counts: Counts = { onlyInCluster: 0, clusterRevision: 0 };
  const plan = { create: 0, overwrite: 0, unchanged: 0, leased: 0 };
  for await (const c of compareWithCluster(conn, snap, opts.prefix, counts, opts.signal)) {
    plan[c.change]++;
    if (c.lease !== '0') plan.leased++;
  }
  const total = plan.create + plan.overwrite + plan.unchanged;
  const notes = [
    `Keys that exist only in the cluster (${counts.onlyInCluster}) are left as they are: restoring never deletes keys.`,
    "Written keys get new revisions in the cluster; the snapshot's revisions and history are not carried over.",
  ];
  if (plan.leased)
    notes.push(`${plan.leased} key(s) were attached to leases in the snapshot; they are written without a lease and will not expire.`);
  return {
    total,
    ...plan,
    onlyInCluster: counts.onlyInCluster,
    snapshotRevision: snap.revision,
    clusterRevision: counts.clusterRevision,
    notes,
  };
}

/** Writes the snapshot's keys (under the prefix) that the cluster lacks or holds with another value. */
export async function restoreIntoCluster(
  conn: EtcdConnection,
  snap: EtcdSnapshot,
  opts: RestoreIntoClusterOptions = {},
): Promise<RestoreIntoClusterResult> {
  conn.assertWritable('restoring a snapshot into the cluster');
  const counts: Counts = { onlyInCluster: 0, clusterRevision: 0 };
  const result: RestoreIntoClusterResult = { created: 0, overwritten: 0, unchanged: 0, onlyInCluster: 0, txns: 0, revision: 0 };
  const total = snapshotRange(snap, opts.prefix ?? Buffer.alloc(0)).count;
  let batch: Compared[] = [];
  let done = 0;
  const flush = async () => {
    if (!batch.length) return;
    const ops = batch.map((c) => ({ request_put: { key: c.key, value: c.value } }));
    const res = await conn.write('restoring a snapshot into the cluster', { op: 'txn', request: { success: ops } });
    result.revision = Number(res.header.revision);
    result.txns++;
    for (const c of batch) {
      if (c.change === 'create') result.created++;
      else result.overwritten++;
    }
    batch = [];
  };
  for await (const c of compareWithCluster(conn, snap, opts.prefix, counts, opts.signal)) {
    done++;
    if (c.change === 'unchanged') result.unchanged++;
    else batch.push(c);
    if (batch.length === MAX_TXN_OPS) {
      await flush();
      opts.onProgress?.(done, total);
    }
  }
  await flush();
  opts.onProgress?.(done, total);
  result.onlyInCluster = counts.onlyInCluster;
  result.revision ||= counts.clusterRevision;
  return result;
}

/**
 * The snapshot's keys in `[from, to)` classified by reading each of them from the cluster (MAX_TXN_OPS
 * ranges per read-only txn, all at `revision`): the cost follows the snapshot's keys, not the cluster's.
 */
async function* compareByKey(
  conn: EtcdConnection,
  snap: EtcdSnapshot,
  at: { from: number; to: number; revision: number; clusterCount: number },
  counts: Counts,
  signal: AbortSignal | undefined,
  cancelled: () => EtcdStudioError,
): AsyncGenerator<Compared> {
  counts.clusterRevision = at.revision;
  let found = 0;
  for (let first = at.from; first < at.to; first += MAX_TXN_OPS) {
    if (signal?.aborted) throw cancelled();
    const last = Math.min(at.to, first + MAX_TXN_OPS);
    const keys = Array.from({ length: last - first }, (_, i) => snap.index.key(first + i));
    const theirs = await conn.rangeTxn(
      keys.map((key) => ({ key, revision: at.revision })),
      'read keys to compare',
    );
    for (let i = first; i < last; i++) {
      const kv = snap.readAt(i);
      const cluster = theirs[i - first]?.kvs?.[0];
      if (cluster) found++;
      const change: Change = !cluster ? 'create' : cluster.value.equals(kv.value) ? 'unchanged' : 'overwrite';
      yield { key: kv.key, value: kv.value, lease: kv.lease, change };
    }
  }
  counts.onlyInCluster = at.clusterCount - found;
}

/** Index positions [from, to) of the snapshot's live keys under `prefix`. */
function snapshotRange(snap: EtcdSnapshot, prefix: Uint8Array): { from: number; to: number; count: number } {
  const index = snap.index;
  const from = index.lowerBound(prefix);
  const to = prefix.length && prefix.some((b) => b !== 0xff) ? index.lowerBound(prefixRangeEnd(prefix)) : index.count;
  return { from, to, count: Math.max(0, to - from) };
}

/**
 * The snapshot's keys under `prefix` in key order, each classified against the cluster, which is
 * read in pages of PAGE keys at the revision of its first page (one consistent view).
 */
async function* compareWithCluster(
  conn: EtcdConnection,
  snap: EtcdSnapshot,
  prefix: Uint8Array | undefined,
  counts: Counts,
  signal?: AbortSignal,
): AsyncGenerator<Compared> {
  const p = Buffer.from(prefix ?? []);
  const { from, to, count } = snapshotRange(snap, p);
  const cancelled = () =>
    new EtcdStudioError('Cancelled', 'Restoring into the cluster was cancelled; the keys written so far stay written.');
  const start = p.length ? p : Buffer.from([0]);
  // A few keys into a large cluster: read just those keys (in txns, at one revision) instead of the whole range.
  const inCluster = await conn.range({ key: start, range_end: prefixRangeEnd(p), count_only: true }, 'count keys to compare');
  const clusterCount = Number(inCluster.count);
  if (count * BY_KEY_RATIO < clusterCount) {
    yield* compareByKey(conn, snap, { from, to, revision: Number(inCluster.header.revision), clusterCount }, counts, signal, cancelled);
    return;
  }
  const pages = scanRange(conn, {
    key: start,
    rangeEnd: prefixRangeEnd(p),
    pageSize: PAGE,
    signal,
    what: 'read keys to compare',
    cancelled,
  });
  let page: { key: Buffer; value: Buffer }[] = [];
  let at = 0;
  let done = false;
  const current = async (): Promise<{ key: Buffer; value: Buffer } | undefined> => {
    while (at >= page.length && !done) {
      const next = await pages.next();
      if (next.done) {
        done = true;
        break;
      }
      counts.clusterRevision = next.value.revision;
      page = next.value.kvs.map((kv) => ({ key: kv.key, value: kv.value }));
      at = 0;
    }
    return page[at];
  };
  await current();
  for (let i = from; i < to; i++) {
    if (signal?.aborted) throw cancelled();
    const key = snap.index.key(i);
    let theirs = await current();
    while (theirs && Buffer.compare(theirs.key, key) < 0) {
      counts.onlyInCluster++;
      at++;
      theirs = await current();
    }
    const kv = snap.readAt(i);
    let change: Change = 'create';
    if (theirs && theirs.key.equals(key)) {
      change = theirs.value.equals(kv.value) ? 'unchanged' : 'overwrite';
      at++;
    }
    yield { key: kv.key, value: kv.value, lease: kv.lease, change };
  }
  for (let theirs = await current(); theirs; at++, theirs = await current()) counts.onlyInCluster++;
}
