/**
 * Reading every key and value under a prefix once, at one revision, as fast as etcd can serve them,
 * with memory bounded by a few responses. Used by space analysis and search.
 *
 * Why not page through the prefix with `limit`: etcd counts every key of a Range's interval even with
 * a limit (~0.5 us a key), so paging N keys in pages of P costs N²/2P counted keys — at 1M keys in
 * pages of 10k that was 30 s of etcd CPU for 8 s of actual reading. Instead:
 *  - the prefix is split along its children, whose exact key counts the key-tree listing gets
 *    cheaply (listChildren); children too big for one request are split along their own children;
 *  - adjacent small pieces are joined into one request, and a request whose key count is known to fit
 *    needs no limit (so nothing is counted twice); only a piece too big to split (many keys directly
 *    under one prefix) is paged, and then only its own interval is counted;
 *  - requests run in parallel (etcd serves them on all its cores) and responses are decoded in place
 *    (rangeWire.ts), not into objects;
 *  - the number of keys a request asks for follows the value sizes seen so far, so a response stays
 *    near TARGET_RESPONSE_BYTES whatever the values weigh.
 * Batches reach the consumer in key order; each request reads at the revision pinned at the start.
 */
import { isCompacted } from '../etcd/compaction';
import type { EtcdConnection } from '../etcd/connection';
import type { RawKvs } from '../etcd/rangeWire';
import { EtcdStudioError } from '../errors';
import { listChildren } from '../keytree/listChildren';
import { keySuccessor, prefixRangeEnd, prefixStart } from '../keytree/rangeEnd';
import { RevisionCompactedError } from '../keytree/rangeReader';

export interface PrefixScanOptions {
  /** Read at this revision (default: the newest, pinned when the scan starts). */
  revision?: number;
  signal?: AbortSignal;
  /** Keys delivered so far and the total expected (exact unless a piece had to be paged blind). */
  onProgress?: (keys: number, total: number) => void;
  /** Requests in flight at most (default 3). */
  concurrency?: number;
  /** Keys one request asks for at most (default 10,000). */
  maxKeysPerRequest?: number;
}

export interface PrefixScanResult {
  revision: number;
  keys: number;
  /** Key + value bytes read. */
  bytes: number;
  requests: number;
}

/** A key interval [start, end) and how many keys it holds (undefined: not known). */
interface Piece {
  start: Buffer;
  end: Buffer;
  count: number | undefined;
}

const DEFAULT_CONCURRENCY = 3;
const DEFAULT_MAX_KEYS = 10_000;
/** A response near this size keeps memory low and still amortises the request. */
const TARGET_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Before any value is seen: assume this many bytes a key (Kubernetes objects average 0.5–5 KB). */
const INITIAL_BYTES_PER_KEY = 2048;
/** Children listed per split: enough for every Kubernetes resource or namespace level. */
const SPLIT_LISTING_LIMIT = 1000;
const MIN_KEYS_PER_REQUEST = 16;

class Scan {
  private keysSeen = 0;
  private bytesSeen = 0;
  requests = 0;
  total = 0;

  constructor(
    private readonly conn: EtcdConnection,
    readonly revision: number,
    private readonly opts: PrefixScanOptions,
  ) {}

  get maxKeys(): number {
    return this.opts.maxKeysPerRequest ?? DEFAULT_MAX_KEYS;
  }

  /** Keys a request may ask for, given the value sizes seen so far. */
  keysPerRequest(bytesPerKey = this.keysSeen ? this.bytesSeen / this.keysSeen : INITIAL_BYTES_PER_KEY): number {
    const byBytes = Math.floor(TARGET_RESPONSE_BYTES / Math.max(1, bytesPerKey));
    return Math.max(MIN_KEYS_PER_REQUEST, Math.min(this.maxKeys, byBytes));
  }

  /** Splits [start, end) along the children of `prefix` into pieces with known counts. */
  async split(prefix: Buffer, from: Buffer, end: Buffer): Promise<Piece[]> {
    const listing = await listChildren(this.conn, prefix, {
      revision: this.revision,
      signal: this.opts.signal,
      limit: SPLIT_LISTING_LIMIT,
      after: from,
    });
    const parts: (Piece[] | Promise<Piece[]>)[] = [];
    let run: Piece | undefined;
    for (const c of listing.children) {
      if (c.kind === 'prefix') {
        run = undefined;
        const piece = { start: c.key, end: prefixRangeEnd(c.key), count: c.count ?? undefined };
        const big = piece.count !== undefined && piece.count > 4 * this.maxKeys;
        parts.push(big ? this.split(c.key, c.key, piece.end) : [piece]);
      } else if (run) {
        run.end = keySuccessor(c.key);
        run.count!++;
      } else {
        // Keys directly under the prefix (including one equal to the prefix itself).
        run = { start: c.key, end: keySuccessor(c.key), count: 1 };
        parts.push([run]);
      }
    }
    // More children than one listing page: the rest is read by paging.
    if (listing.next) parts.push([{ start: listing.next, end, count: undefined }]);
    return (await Promise.all(parts)).flat();
  }

  /** Joins adjacent pieces into requests of at most `keysPerRequest()` keys (they partition the range). */
  plan(pieces: Piece[]): Piece[] {
    const limit = this.keysPerRequest();
    const out: Piece[] = [];
    let cur: Piece | undefined;
    for (const p of pieces) {
      if (p.count === 0) continue;
      if (cur && cur.count !== undefined && p.count !== undefined && cur.count + p.count <= limit) {
        cur.end = p.end;
        cur.count += p.count;
      } else {
        cur = { ...p };
        out.push(cur);
      }
    }
    return out;
  }

  /** Reads one planned request (paging inside it when it may hold more than one response's worth). */
  async *read(piece: Piece): AsyncGenerator<RawKvs> {
    let start = piece.start;
    let bytesPerKey: number | undefined;
    for (;;) {
      const limit = this.keysPerRequest(bytesPerKey);
      const paged = piece.count === undefined || piece.count > limit;
      this.requests++;
      const kvs = await this.conn.rangeRaw(
        { key: start, rangeEnd: piece.end, revision: this.revision, limit: paged ? limit : undefined },
        'read keys',
        this.opts.signal,
      );
      let bytes = 0;
      for (let i = 0; i < kvs.length; i++) {
        const o = i * 4;
        bytes += kvs.offsets[o + 1] - kvs.offsets[o] + kvs.offsets[o + 3] - kvs.offsets[o + 2];
      }
      this.keysSeen += kvs.length;
      this.bytesSeen += bytes;
      if (kvs.length) bytesPerKey = bytes / kvs.length;
      yield kvs;
      if (!paged || !kvs.more || !kvs.length) return;
      const last = kvs.offsets[(kvs.length - 1) * 4];
      start = keySuccessor(kvs.buf.subarray(last, kvs.offsets[(kvs.length - 1) * 4 + 1]));
    }
  }

  get keys(): number {
    return this.keysSeen;
  }

  get bytes(): number {
    return this.bytesSeen;
  }
}

/**
 * Calls `onBatch` with every key-value under `prefix` ('' for the whole keyspace), in key order, one
 * Range response at a time; a batch's buffers are only valid until `onBatch` returns (or its promise
 * settles). See the file comment for how the reads are planned.
 */
export async function scanPrefix(
  conn: EtcdConnection,
  prefix: Buffer,
  onBatch: (kvs: RawKvs) => void | Promise<void>,
  opts: PrefixScanOptions = {},
): Promise<PrefixScanResult> {
  const start = prefixStart(prefix);
  const end = prefixRangeEnd(prefix);
  let revision = opts.revision;
  if (revision === undefined) {
    // A point lookup pins the revision (cheap: no interval to count).
    const head = await conn.rangeRaw({ key: start, keysOnly: true }, 'pin revision', opts.signal);
    revision = head.revision;
  }
  const scan = new Scan(conn, revision, opts);
  try {
    const pieces = await scan.split(prefix, start, end);
    const requests = scan.plan(pieces);
    scan.total = requests.reduce((n, r) => n + (r.count ?? 0), 0);
    await runInOrder(
      requests,
      (p) => scan.read(p),
      opts.concurrency ?? DEFAULT_CONCURRENCY,
      async (kvs) => {
        await onBatch(kvs);
        opts.onProgress?.(scan.keys, Math.max(scan.total, scan.keys));
        if (opts.signal?.aborted) throw new EtcdStudioError('Cancelled', 'Reading the keys was cancelled.');
      },
    );
  } catch (e) {
    if (isCompacted(e)) throw new RevisionCompactedError(revision, (e as EtcdStudioError).detail);
    throw e;
  }
  return { revision, keys: scan.keys, bytes: scan.bytes, requests: scan.requests };
}

/**
 * Runs the readers of `jobs` with at most `concurrency` unfinished or undelivered at once, and hands
 * their results to `deliver` strictly in job order. A reader holds at most two results it could not
 * deliver yet before it waits, so memory stays bounded by about 2 x concurrency responses.
 */
async function runInOrder<J, R>(
  jobs: J[],
  reader: (job: J) => AsyncGenerator<R>,
  concurrency: number,
  deliver: (r: R) => Promise<void>,
): Promise<void> {
  interface Slot {
    queue: R[];
    done: boolean;
    /** Resolves a reader waiting for its queue to drain. */
    resume?: () => void;
  }
  const slots: Slot[] = [];
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const start = (i: number) => {
    const slot: Slot = { queue: [], done: false };
    slots[i] = slot;
    void (async () => {
      try {
        for await (const r of reader(jobs[i])) {
          if (failure) return;
          slot.queue.push(r);
          notify();
          if (slot.queue.length >= 2) await new Promise<void>((go) => (slot.resume = go));
        }
      } catch (e) {
        failure ??= { error: e };
      }
      slot.done = true;
      notify();
    })();
  };

  let next = 0;
  try {
    for (let i = 0; i < jobs.length;) {
      while (next < jobs.length && next - i < concurrency) start(next++);
      if (failure) throw failure.error;
      const slot = slots[i];
      if (slot.queue.length) {
        const r = slot.queue.shift()!;
        const go = slot.resume;
        slot.resume = undefined;
        go?.();
        await deliver(r);
      } else if (slot.done) {
        i++;
      } else {
        await new Promise<void>((r) => (wake = r));
      }
    }
  } catch (e) {
    failure ??= { error: e };
    // Let waiting readers see the failure and stop.
    for (const s of slots) s?.resume?.();
    throw e;
  }
}
