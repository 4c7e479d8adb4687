/**
 * Reading a key range in pages at one revision: the first page fixes the revision and every later
 * page reads at it, so a large range is one consistent view without one giant response (etcd's 4 MiB
 * default message limit, and a Range's cost grows with the keys it returns). Used by the key tree
 * (keytree/rangeReader), the events timeline and restore-into-cluster. If that revision is compacted
 * while reading, the read fails with RevisionCompactedError, which callers may answer by starting over.
 */
import { EtcdStudioError } from '../errors';
import { keySuccessor } from '../keytree/rangeEnd';
import type { EtcdConnection } from './connection';
import type { IKeyValue, IRangeRequest } from './etcd3Adapter';

/** The revision a paged read is pinned to was compacted meanwhile; reading again at the newest one works. */
export class RevisionCompactedError extends EtcdStudioError {
  constructor(revision: number, detail?: string) {
    super('Conflict', `Revision ${revision} was compacted while reading; refresh to read the current keys.`, detail);
  }
}

/** A compaction error from etcd for a read pinned to `revision` becomes RevisionCompactedError; others pass. */
export function compactedAt(e: unknown, revision: number | undefined): unknown {
  if (revision !== undefined && e instanceof EtcdStudioError && /required revision has been compacted/.test(e.detail ?? '')) {
    return new RevisionCompactedError(revision, e.detail);
  }
  return e;
}

export interface PageRequest {
  /** First key of the page (inclusive). */
  key: Buffer;
  /** End of the range (exclusive); "\0" means no upper bound. */
  rangeEnd: Buffer;
  limit: number;
  /** Read at this revision; the newest when undefined. */
  revision?: number;
  keysOnly?: boolean;
}

export interface RangePage {
  kvs: IKeyValue[];
  /** Keys in [key, rangeEnd) at this revision, this page's and the ones after it. */
  count: number;
  /** The revision this page read at (the given one; else the store's revision when it answered). */
  revision: number;
  /** Where the next page starts, when keys remain after this page. */
  next?: Buffer;
}

/** One page: at most `limit` keys of [key, rangeEnd), and where the next page starts. */
export async function readPage(conn: EtcdConnection, req: PageRequest, what = 'read keys'): Promise<RangePage> {
  const request: IRangeRequest = {
    key: req.key,
    range_end: req.rangeEnd,
    limit: req.limit,
    ...(req.keysOnly ? { keys_only: true } : {}),
    ...(req.revision !== undefined ? { revision: req.revision } : {}),
  };
  let res;
  try {
    res = await conn.range(request, what);
  } catch (e) {
    throw compactedAt(e, req.revision);
  }
  const last = res.kvs[res.kvs.length - 1];
  return {
    kvs: res.kvs,
    count: Number(res.count),
    revision: req.revision ?? Number(res.header.revision),
    ...(res.more && last ? { next: keySuccessor(last.key) } : {}),
  };
}

export interface ScanOptions {
  key: Buffer;
  rangeEnd: Buffer;
  /** Keys per request. */
  pageSize: number;
  revision?: number;
  keysOnly?: boolean;
  signal?: AbortSignal;
  /** What the log and errors call these reads. */
  what?: string;
  /** The error thrown when `signal` aborts (default: "Reading keys was cancelled."). */
  cancelled?: () => Error;
}

/** Every page of [key, rangeEnd) in key order, all at the revision of the first (or the given one). */
export async function* scanRange(conn: EtcdConnection, opts: ScanOptions): AsyncGenerator<RangePage> {
  let from: Buffer | undefined = opts.key;
  let revision = opts.revision;
  while (from) {
    if (opts.signal?.aborted) throw opts.cancelled?.() ?? new EtcdStudioError('Cancelled', 'Reading keys was cancelled.');
    const page: RangePage = await readPage(
      conn,
      { key: from, rangeEnd: opts.rangeEnd, limit: opts.pageSize, revision, keysOnly: opts.keysOnly },
      opts.what,
    );
    revision ??= page.revision;
    yield page;
    from = page.next;
  }
}
