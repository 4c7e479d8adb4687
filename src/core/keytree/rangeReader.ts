/**
 * The etcd requests one key-tree listing makes: keys-only probes (batched into read-only txns),
 * keys-only pages and value-size lookups, all pinned to one revision so the listing is a consistent
 * snapshot, with bounded concurrency and cancellation between requests.
 */
import type { IKeyValue, IRangeRequest, IRangeResponse } from 'etcd3';
import type { EtcdConnection } from '../etcd/connection';
import { EtcdStudioError } from '../errors';

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

/** Thrown when the pinned revision was compacted while listing; the caller may restart at the newest one. */
export class RevisionCompactedError extends EtcdStudioError {
  constructor(revision: number, detail?: string) {
    super('Conflict', `Revision ${revision} was compacted while listing; refresh to list the current keys.`, detail);
  }
}

export interface RangeReaderOptions {
  /** Revision to read at; the newest when undefined (then fixed by the first request). */
  revision?: number;
  signal?: AbortSignal;
  /** Requests in flight at most. */
  concurrency: number;
  /** Serve reads at the pinned revision from the member's own store, skipping the linearizable read (see rangeRequest). */
  serializable?: boolean;
}

const KT = process.env;

/** How a batch of probes is sent. */
export interface ProbeOptions {
  /** Ranges per txn at most (default and cap: what the cluster allows, at most 64). */
  perTxn?: number;
  /** Deal the intervals round-robin over the txns (see probe). */
  interleave?: boolean;
  /** Requests with a higher priority leave the queue first (see acquire). */
  priority?: number;
}

interface PendingProbe {
  intervals: Interval[];
  limit: number;
  /** How many keys the intervals hold at most (what the caller knows), to spread big ones over txns. */
  bound: number;
  priority: number;
  resolve: (p: Probe[]) => void;
  reject: (e: unknown) => void;
}

export class RangeReader {
  private revisionValue: number | undefined;
  private inFlight = 0;
  /** Requests waiting for a slot, highest priority first, then oldest first. */
  private readonly waiting: { priority: number; go: () => void }[] = [];
  private txnOps = MAX_TXN_OPS;
  /** Set once a member refused a serializable read at our revision: every later read is linearizable. */
  private forceLinearizable = false;
  private readonly pending: PendingProbe[] = [];
  /** Work done, for logs and benchmarks: requests, ranges in them, and keys those ranges counted server-side. */
  readonly stats = { requests: 0, ranges: 0, keysCounted: 0, keysReturned: 0 };

  constructor(private readonly conn: EtcdConnection, private readonly opts: RangeReaderOptions) {
    this.revisionValue = opts.revision;
  }

  get revision(): number {
    if (this.revisionValue === undefined) throw new Error('RangeReader: revision read before pin()');
    return this.revisionValue;
  }

  /** Fixes the snapshot revision with one point lookup (cheap: no interval to count); linearizable, so it is current. */
  async pin(anyKey: Buffer): Promise<number> {
    if (this.revisionValue === undefined) {
      const res = await this.request('pin revision', () => this.conn.client.kv.range({ key: anyKey, keys_only: true }), 0);
      this.revisionValue = Number(res.header.revision);
    }
    return this.revisionValue;
  }

  /** Keys-only range of one interval, at most `limit` keys, with the interval's total count. */
  async page(interval: Interval, limit: number, priority = 0): Promise<Probe> {
    const res = await this.linearizably(() => this.request('list keys',
      () => this.conn.client.kv.range(this.sendable(this.rangeRequest(interval, limit))), priority));
    this.tally([res]);
    return { interval, kvs: res.kvs, count: Number(res.count) };
  }

  /**
   * Probes many intervals (first `limit` keys and count of each) in read-only txns of at most
   * `perTxn` ranges: small txns run in parallel across etcd's cores, large ones save round trips.
   * Interleaved, txn j gets intervals j, j+n, j+2n…: neighbouring intervals (often one crowded stretch
   * of keys) spread over all txns, so they take about equally long.
   */
  async probe(intervals: Interval[], limit: number, o: ProbeOptions = {}): Promise<Probe[]> {
    const size = Math.max(1, Math.min(o.perTxn ?? MAX_TXN_OPS, this.txnOps));
    const n = Math.ceil(intervals.length / size);
    const txns: number[][] = Array.from({ length: n }, () => []);
    intervals.forEach((_, i) => txns[o.interleave ? i % n : Math.floor(i / size)].push(i));
    const results = await Promise.all(txns.map((ix) => this.txnRanges(ix.map((i) => this.rangeRequest(intervals[i], limit)), o.priority ?? 0)));
    const probes: Probe[] = new Array(intervals.length);
    txns.forEach((ix, j) => ix.forEach((i, k) => { probes[i] = { interval: intervals[i], kvs: results[j][k].kvs, count: Number(results[j][k].count) }; }));
    return probes;
  }

  /**
   * Like probe, but joins the probes that callers ask for in the same turn of the event loop into
   * shared txns: the skip-scan asks for a few ranges per child, for many children at once, and one
   * request per child would cost a round trip (and a linearizable read) each. `bound` is how many keys
   * the intervals can hold at most, so the ones that may hold many go to different txns.
   */
  probeBatched(intervals: Interval[], limit: number, bound = Infinity, priority = 0): Promise<Probe[]> {
    return new Promise<Probe[]>((resolve, reject) => {
      this.pending.push({ intervals, limit, bound, priority, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    const mode = KT.KT_PACK ?? 'bins';
    const byLimit = new Map<number, PendingProbe[]>();
    for (const b of batch) byLimit.set(b.limit, [...(byLimit.get(b.limit) ?? []), b]);
    for (const [limit, group] of byLimit) {
      const priority = Math.max(...group.map((g) => g.priority));
      if (mode === 'old') {
        const all = group.flatMap((g) => g.intervals);
        const perTxn = Math.min(MAX_TXN_OPS, Math.max(8, Math.ceil(all.length / 2)));
        this.settle(group, this.probe(all, limit, { perTxn, priority }));
      } else if (mode === 'solo') {
        const soloMin = Number(KT.KT_SOLO ?? 4096);
        const shared: PendingProbe[] = [];
        for (const g of group) {
          if (g.bound >= soloMin) this.settle([g], this.probe(g.intervals, limit, { priority }));
          else shared.push(g);
        }
        if (shared.length) this.settle(shared, this.probe(shared.flatMap((g) => g.intervals), limit, { priority }));
      } else {
        // Longest-processing-time first: each call goes to the bin with the least keys so far.
        const bins = Array.from({ length: Math.min(group.length, Number(KT.KT_BINS ?? 4)) }, () => ({ load: 0, calls: [] as PendingProbe[] }));
        for (const g of [...group].sort((x, y) => y.bound - x.bound)) {
          const bin = bins.reduce((m, b) => (b.load < m.load ? b : m));
          bin.load += Math.min(g.bound, 1e12);
          bin.calls.push(g);
        }
        for (const bin of bins) if (bin.calls.length) this.settle(bin.calls, this.probe(bin.calls.flatMap((g) => g.intervals), limit, { priority }));
      }
    }
  }

  /** Hands each caller of a shared probe its own slice of the results. */
  private settle(group: PendingProbe[], done: Promise<Probe[]>): void {
    done.then((probes) => {
      let i = 0;
      for (const g of group) {
        g.resolve(probes.slice(i, i + g.intervals.length));
        i += g.intervals.length;
      }
    }, (e: unknown) => group.forEach((g) => g.reject(e)));
  }

  /** Value sizes (bytes) of single keys, by key in latin1 (a lossless byte string). */
  async valueSizes(keys: Buffer[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    // Small batches: values can be up to 1.5 MiB each, and one response holds a whole batch.
    const batch = 32;
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < keys.length; i += batch) {
      const slice = keys.slice(i, i + batch);
      jobs.push(this.txnRanges(slice.map((key) => ({ key, revision: this.revisionValue })), 0).then((rs) => {
        rs.forEach((r) => { for (const kv of r.kvs) sizes.set(kv.key.toString('latin1'), kv.value.length); });
      }));
    }
    await Promise.all(jobs);
    return sizes;
  }

  private tally(rs: IRangeResponse[]): void {
    for (const r of rs) {
      this.stats.ranges++;
      this.stats.keysCounted += Number(r.count);
      this.stats.keysReturned += r.kvs.length;
    }
  }

  private rangeRequest(iv: Interval, limit: number): IRangeRequest {
    return { key: iv.start, range_end: iv.end, limit, keys_only: true, revision: this.revisionValue };
  }

  /**
   * Reads at the pinned revision may be serializable: the revision was read linearizably (pin), and what
   * a member holds at a revision it has applied is the same on every member, so a linearizable read (a
   * raft read-index round per request) adds nothing. A member that has not applied that revision yet
   * refuses ("future revision"); then the listing continues linearizably (see linearizably).
   */
  private sendable(r: IRangeRequest): IRangeRequest {
    return { ...r, serializable: !!this.opts.serializable && r.revision !== undefined && !this.forceLinearizable };
  }

  /** Runs a read; when a lagging member refused a serializable read at the pinned revision, repeats it linearizably. */
  private async linearizably<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      if (this.forceLinearizable || !(e instanceof EtcdStudioError && /required revision is a future revision/.test(e.detail ?? ''))) throw e;
      this.forceLinearizable = true;
      return read();
    }
  }

  private async txnRanges(ranges: IRangeRequest[], priority: number): Promise<IRangeResponse[]> {
    try {
      const res = await this.linearizably(() => this.request(`txn of ${ranges.length} ranges`,
        () => this.conn.client.kv.txn({ success: ranges.map((r) => ({ request_range: this.sendable(r) })) }), priority));
      const out = res.responses.map((r) => r.response_range);
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
  private async request<T extends { header: { revision: string } }>(what: string, fn: () => Promise<T>, priority: number): Promise<T> {
    await this.acquire(priority);
    try {
      if (this.opts.signal?.aborted) throw new EtcdStudioError('Cancelled', 'Listing cancelled.');
      this.stats.requests++;
      return await this.conn.call(what, fn);
    } catch (e) {
      if (e instanceof EtcdStudioError && /required revision has been compacted/.test(e.detail ?? '') && this.revisionValue !== undefined) {
        throw new RevisionCompactedError(this.revisionValue, e.detail);
      }
      throw e;
    } finally {
      this.release();
    }
  }

  /**
   * Waits for a request slot. A waiting request with a higher priority goes first: the listing gives
   * follow-up requests (which later rounds depend on) priority over the rest of an earlier round.
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
