/**
 * The etcd requests one key-tree listing makes: keys-only probes (batched into read-only txns),
 * keys-only pages (core/etcd/rangeScan) and value-size lookups, all pinned to one revision so the
 * listing is a consistent snapshot, with bounded concurrency and cancellation between requests.
 */
import type { EtcdConnection } from '../etcd/connection';
import type { IKeyValue, IRangeRequest, IRangeResponse } from '../etcd/etcd3Adapter';
import { compactedAt, readPage, RevisionCompactedError } from '../etcd/rangeScan';
import { EtcdStudioError } from '../errors';

export { RevisionCompactedError };

/** A key interval [start, end); `end` "\0" means no upper bound. */
export interface Interval {
  start: Buffer;
  end: Buffer;
}

/** The first keys of an interval (keys only, in byte order) and how many keys the whole interval holds. */
export interface Probe {
  interval: Interval;
  kvs: IKeyValue[];
  count: number;
}

/** etcd's default --max-txn-ops is 128; stay well under it and halve on refusal (clusters may set less). */
const MAX_TXN_OPS = 64;

export interface RangeReaderOptions {
  /** Revision to read at; the newest when undefined (then fixed by the first request). */
  revision?: number;
  signal?: AbortSignal;
  /** Requests in flight at most. */
  concurrency: number;
}

interface PendingProbe {
  intervals: Interval[];
  limit: number;
  priority: number;
  resolve: (p: Probe[]) => void;
  reject: (e: unknown) => void;
}

export class RangeReader {
  private revisionValue: number | undefined;
  private inFlight = 0;
  /** Requests waiting for a slot: highest priority first, oldest first within one priority. */
  private readonly waiting: { priority: number; go: () => void }[] = [];
  private txnOps = MAX_TXN_OPS;
  private readonly pending: PendingProbe[] = [];
  /** Work done, for logs and benchmarks: requests, ranges in them, and keys those ranges counted server-side. */
  readonly stats = { requests: 0, ranges: 0, keysCounted: 0, keysReturned: 0 };

  constructor(
    private readonly conn: EtcdConnection,
    private readonly opts: RangeReaderOptions,
  ) {
    this.revisionValue = opts.revision;
  }

  get revision(): number {
    if (this.revisionValue === undefined) throw new Error('RangeReader: revision read before pin()');
    return this.revisionValue;
  }

  /** Fixes the snapshot revision with one point lookup (cheap: no interval to count). */
  async pin(anyKey: Buffer): Promise<number> {
    if (this.revisionValue === undefined) {
      const res = await this.request(() => this.conn.range({ key: anyKey, keys_only: true }, 'pin revision'));
      this.revisionValue = Number(res.header.revision);
    }
    return this.revisionValue;
  }

  /** Keys-only range of one interval, at most `limit` keys, with the interval's total count. */
  async page(interval: Interval, limit: number, priority = 0): Promise<Probe> {
    const page = await this.request(
      () =>
        readPage(
          this.conn,
          { key: interval.start, rangeEnd: interval.end, limit, keysOnly: true, revision: this.revisionValue },
          'list keys',
        ),
      priority,
    );
    this.tally([{ count: page.count, kvs: page.kvs }]);
    return { interval, kvs: page.kvs, count: page.count };
  }

  /**
   * Probes many intervals (first `limit` keys and count of each) in read-only txns of at most
   * `perTxn` ranges: small txns run in parallel across etcd's cores, large ones save round trips.
   * Requests with a higher `priority` leave the queue first (see acquire).
   */
  async probe(intervals: Interval[], limit: number, perTxn = MAX_TXN_OPS, priority = 0): Promise<Probe[]> {
    const size = Math.max(1, Math.min(perTxn, this.txnOps));
    // Dealt round-robin: neighbouring intervals (often the crowded ones, e.g. the siblings of one numbered
    // family) land in different txns, which etcd counts on different cores.
    const chunks: number[][] = Array.from({ length: Math.ceil(intervals.length / size) }, () => []);
    intervals.forEach((_, i) => chunks[i % chunks.length].push(i));
    const results = await Promise.all(
      chunks.map((c) =>
        this.txnRanges(
          c.map((i) => this.rangeRequest(intervals[i], limit)),
          priority,
        ),
      ),
    );
    const out: Probe[] = [];
    chunks.forEach((c, j) =>
      c.forEach((i, k) => (out[i] = { interval: intervals[i], kvs: results[j][k].kvs, count: Number(results[j][k].count) })),
    );
    return out;
  }

  /**
   * Like probe, but joins the probes that callers ask for in the same turn of the event loop into
   * shared txns: the skip-scan asks for a few ranges per child, for many children at once, and one
   * request per child would cost a round trip (and a linearizable read) each.
   */
  probeBatched(intervals: Interval[], limit: number, priority = 0): Promise<Probe[]> {
    return new Promise<Probe[]>((resolve, reject) => {
      this.pending.push({ intervals, limit, priority, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    const byLimit = new Map<number, PendingProbe[]>();
    for (const b of batch) byLimit.set(b.limit, [...(byLimit.get(b.limit) ?? []), b]);
    for (const [limit, group] of byLimit) {
      const all = group.flatMap((g) => g.intervals);
      // At least two txns when there is enough work, so both of etcd's cores count keys.
      const perTxn = Math.min(MAX_TXN_OPS, Math.max(8, Math.ceil(all.length / 2)));
      this.probe(all, limit, perTxn, Math.max(...group.map((g) => g.priority))).then(
        (probes) => {
          let i = 0;
          for (const g of group) {
            g.resolve(probes.slice(i, i + g.intervals.length));
            i += g.intervals.length;
          }
        },
        (e: unknown) => group.forEach((g) => g.reject(e)),
      );
    }
  }

  /** Value sizes (bytes) of single keys, by key in latin1 (a lossless byte string). */
  async valueSizes(keys: Buffer[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    // Small batches: values can be up to 1.5 MiB each, and one response holds a whole batch.
    const batch = 32;
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < keys.length; i += batch) {
      const slice = keys.slice(i, i + batch);
      jobs.push(
        this.txnRanges(
          slice.map((key) => ({ key, revision: this.revisionValue })),
          0,
        ).then((rs) => {
          rs.forEach((r) => {
            for (const kv of r.kvs) sizes.set(kv.key.toString('latin1'), kv.value.length);
          });
        }),
      );
    }
    await Promise.all(jobs);
    return sizes;
  }

  private tally(rs: { count: string | number; kvs: IKeyValue[] }[]): void {
    for (const r of rs) {
      this.stats.ranges++;
      this.stats.keysCounted += Number(r.count);
      this.stats.keysReturned += r.kvs.length;
    }
  }

  private rangeRequest(iv: Interval, limit: number): IRangeRequest {
    return { key: iv.start, range_end: iv.end, limit, keys_only: true, revision: this.revisionValue };
  }

  private async txnRanges(ranges: IRangeRequest[], priority: number): Promise<IRangeResponse[]> {
    try {
      const out = await this.request(() => this.conn.rangeTxn(ranges, `txn of ${ranges.length} ranges`), priority);
      this.tally(out);
      return out;
    } catch (e) {
      if (e instanceof EtcdStudioError && /too many operations in txn/.test(e.detail ?? '') && ranges.length > 1) {
        this.txnOps = Math.max(1, Math.floor(ranges.length / 2));
        const half = Math.ceil(ranges.length / 2);
        const [a, b] = await Promise.all([this.txnRanges(ranges.slice(0, half), priority), this.txnRanges(ranges.slice(half), priority)]);
        return [...a, ...b];
      }
      throw e;
    }
  }

  /** One request: waits for a free slot, checks cancellation, maps compaction to a clear error. */
  private async request<T>(fn: () => Promise<T>, priority = 0): Promise<T> {
    await this.acquire(priority);
    try {
      if (this.opts.signal?.aborted) throw new EtcdStudioError('Cancelled', 'Listing cancelled.');
      this.stats.requests++;
      return await fn();
    } catch (e) {
      throw compactedAt(e, this.revisionValue);
    } finally {
      this.release();
    }
  }

  /**
   * Waits for a request slot. Higher priorities leave the queue first: the listing gives follow-ups
   * (the requests later rounds wait for) priority over the first round's txns still queued.
   */
  private async acquire(priority: number): Promise<void> {
    if (this.inFlight < this.opts.concurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((go) => {
      let i = this.waiting.length;
      while (i > 0 && this.waiting[i - 1].priority < priority) i--;
      this.waiting.splice(i, 0, { priority, go });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.go();
    else this.inFlight--;
  }
}
