/**
 * A resilient range watch: ordered events in batches, resumed after a disconnect or a leader change
 * from the revision after the last event received (nothing missed, nothing twice), compaction of the
 * resume revision reported with the compact revision instead of silently jumping ahead.
 */
import { EtcdStudioError, errorMessage } from '../errors';
import type { EtcdConnection } from '../etcd/connection';
import type { IWatchResponse, RawWatchStream } from '../etcd/etcd3Adapter';
import { toUserError } from '../etcd/grpcErrors';
import { prefixRangeEnd, prefixStart } from '../keytree/rangeEnd';
import { EventQueue } from './eventQueue';
import { toWatchEvent, WatchBatch, WatchEvent } from './watchEvent';

export interface CompactedInfo {
  /** The oldest revision etcd still has; events before it are gone. */
  compactRevision: number;
  /** The revision the watch needed to continue from. */
  requestedRevision: number;
}

export type WatchStatus =
  | { state: 'connecting'; fromRevision: number; attempt: number }
  | { state: 'watching'; fromRevision: number }
  | { state: 'reconnecting'; fromRevision: number; attempt: number; retryInMs: number; error: string }
  | ({ state: 'compacted' } & CompactedInfo)
  | { state: 'stopped' }
  | { state: 'failed'; error: EtcdStudioError };

export interface WatchRangeOptions {
  /** The key, or the prefix with `prefix: true`, or the start of [key, rangeEnd). */
  key: Uint8Array | string;
  rangeEnd?: Uint8Array | string;
  prefix?: boolean;
  /** First revision to deliver (history is replayed from it); default: the revision after now. */
  startRevision?: number;
  /** Deliver each event's previous value (default true). */
  prevKv?: boolean;
  signal?: AbortSignal;
  /** Called once at a time, in revision order; the next batch waits for a returned promise. */
  onEvents(batch: WatchBatch): void | Promise<void>;
  /** The resume revision was compacted: the watch pauses until continueFromNow() or stop(). */
  onCompacted?(info: CompactedInfo): void;
  onStatus?(status: WatchStatus): void;
  /** etcd confirmed that every event up to `revision` has been sent (after requestProgress()). */
  onProgress?(revision: number): void;
  /** Largest merged batch (default 10,000 events). */
  maxBatchEvents?: number;
  /** Events queued for the consumer before the stream is paused (default 50,000). */
  highWaterEvents?: number;
}

export interface WatchStats {
  /** Events handed to onEvents, and in how many calls. */
  events: number;
  batches: number;
  maxBatchMs: number;
  maxBatchEvents: number;
  /** Events received but not yet handed over. */
  queued: number;
  reconnects: number;
  /** Events etcd sent again after a reconnect and that were dropped (should stay 0). */
  duplicatesDropped: number;
}

export interface RangeWatch {
  /** The first revision this watch delivers (after continueFromNow(), the new one). */
  readonly startRevision: number;
  /** Revision of the last event received: every event up to it is delivered or queued. */
  readonly lastRevision: number;
  readonly status: WatchStatus;
  readonly stats: WatchStats;
  /** Settles when the watch ends: state 'stopped' or 'failed' (never rejects). */
  readonly done: Promise<WatchStatus>;
  /** After compaction: continue from the current revision + 1 (events in between are lost). Returns that revision. */
  continueFromNow(): Promise<number>;
  /** Asks etcd to confirm how far the watch has been sent (answered through onProgress once caught up). */
  requestProgress(): void;
  /** Resolves when every event received so far has been handed to onEvents. */
  drained(): Promise<void>;
  /** Ends the watch; queued events are dropped, a consumer call in progress is awaited. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 3000;
/** Errors that retrying cannot fix. */
const PERMANENT = new Set(['PermissionDenied', 'AuthFailed', 'TlsUnknownCa', 'TlsServerCert', 'TlsClientCert', 'InvalidArgument']);

function bytes(k: Uint8Array | string): Buffer {
  return typeof k === 'string' ? Buffer.from(k) : Buffer.from(k);
}

/** The [key, rangeEnd) a watch (or a range read) covers. */
export function watchBounds(opts: { key: Uint8Array | string; rangeEnd?: Uint8Array | string; prefix?: boolean }): {
  key: Buffer;
  rangeEnd?: Buffer;
} {
  const key = bytes(opts.key);
  if (opts.prefix) return { key: prefixStart(key), rangeEnd: prefixRangeEnd(key) };
  if (opts.rangeEnd !== undefined) return { key, rangeEnd: bytes(opts.rangeEnd) };
  return { key };
}

/** The store revision now (a count-only read of one key: cheap whatever the keyspace size). */
export async function currentRevision(conn: EtcdConnection, key: Buffer = Buffer.from([0])): Promise<number> {
  const res = await conn.range({ key, count_only: true }, 'read revision');
  return Number(res.header.revision);
}

class RangeWatcher implements RangeWatch {
  startRevision: number;
  lastRevision: number;
  status: WatchStatus = { state: 'connecting', fromRevision: 0, attempt: 0 };
  readonly done: Promise<WatchStatus>;
  private resolveDone!: (s: WatchStatus) => void;
  private stream?: RawWatchStream;
  private readonly queue: EventQueue;
  private attempt = 0;
  private reconnects = 0;
  private duplicates = 0;
  private ended = false;
  private timer?: NodeJS.Timeout;
  private readonly bounds: { key: Buffer; rangeEnd?: Buffer };
  private readyWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(
    private readonly conn: EtcdConnection,
    private readonly opts: WatchRangeOptions,
    fromRevision: number,
  ) {
    this.bounds = watchBounds(opts);
    this.startRevision = fromRevision;
    this.lastRevision = fromRevision - 1;
    this.done = new Promise((r) => (this.resolveDone = r));
    this.queue = new EventQueue({
      maxBatchEvents: opts.maxBatchEvents ?? 10_000,
      highWaterEvents: opts.highWaterEvents ?? 50_000,
      deliver: (b) => opts.onEvents(b),
      pause: () => this.stream?.pause(),
      resume: () => this.stream?.resume(),
      onError: (e) => this.fail(new EtcdStudioError('Internal', `The watch consumer failed: ${errorMessage(e)}`)),
    });
  }

  get stats(): WatchStats {
    const q = this.queue.stats;
    return {
      events: q.events,
      batches: q.batches,
      maxBatchMs: q.maxBatchMs,
      maxBatchEvents: q.maxBatchEvents,
      queued: q.queued,
      reconnects: this.reconnects,
      duplicatesDropped: this.duplicates,
    };
  }

  /** Resolves once the first watch is created (or the watch is retrying / compacted); rejects if it failed. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private settleReady(err?: unknown): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters)
      if (err) w.reject(err);
      else w.resolve();
  }

  private setStatus(s: WatchStatus): void {
    this.status = s;
    try {
      this.opts.onStatus?.(s);
    } catch {
      /* a status listener must not break the watch */
    }
  }

  /** Ended, or paused on a compacted revision: no stream should run. */
  private idle(): boolean {
    return this.ended || this.status.state === 'compacted';
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.idle()) return;
    const from = this.lastRevision + 1;
    this.setStatus({ state: 'connecting', fromRevision: from, attempt: this.attempt });
    let stream: RawWatchStream;
    try {
      if (this.attempt > 0) {
        // A unary call first: it finds a member that answers and lets etcd3 renew an expired auth token.
        await this.conn.range({ key: this.bounds.key, count_only: true }, 'watch reconnect');
      }
      stream = await this.conn.openWatchStream();
    } catch (e) {
      this.onStreamEnd(undefined, e);
      return;
    }
    if (this.idle()) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    stream.on('data', (res: IWatchResponse) => this.onResponse(stream, res));
    stream.on('error', (err: Error) => this.onStreamEnd(stream, err));
    stream.on('end', () => this.onStreamEnd(stream, new Error('the watch stream ended')));
    stream.write({
      create_request: {
        key: this.bounds.key,
        ...(this.bounds.rangeEnd ? { range_end: this.bounds.rangeEnd } : {}),
        start_revision: from,
        prev_kv: this.opts.prevKv ?? true,
        progress_notify: true,
      },
    });
  }

  private onResponse(stream: RawWatchStream, res: IWatchResponse): void {
    if (stream !== this.stream || this.ended) return;
    const compact = Number(res.compact_revision ?? 0);
    if (compact > 0) {
      this.compacted(compact);
      return;
    }
    if (res.canceled) {
      this.fail(toUserError(new Error(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`), this.conn.profile.endpoints));
      return;
    }
    if (res.created) {
      this.attempt = 0;
      this.setStatus({ state: 'watching', fromRevision: this.lastRevision + 1 });
      this.settleReady();
      return;
    }
    if (!res.events || res.events.length === 0) {
      // A progress notification: etcd has sent everything up to the header revision.
      this.opts.onProgress?.(Number(res.header.revision));
      return;
    }
    // A response holds whole revisions (no fragmenting requested), so the last one is complete.
    const floor = this.lastRevision;
    const events: WatchEvent[] = [];
    for (const ev of res.events) {
      const e = toWatchEvent(ev);
      if (e.modRevision <= floor) this.duplicates++;
      else events.push(e);
    }
    if (events.length === 0) return;
    this.lastRevision = events[events.length - 1].modRevision;
    this.queue.push(events);
  }

  private onStreamEnd(stream: RawWatchStream | undefined, err: unknown): void {
    if (stream && stream !== this.stream) return;
    this.stream = undefined;
    if (this.idle()) return;
    const userErr = toUserError(err, this.conn.profile.endpoints);
    if (PERMANENT.has(userErr.code)) {
      this.fail(userErr);
      return;
    }
    this.attempt++;
    this.reconnects++;
    const base = Math.min(MAX_BACKOFF_MS, 100 * 2 ** (this.attempt - 1));
    const retryInMs = Math.round(base / 2 + (Math.random() * base) / 2);
    this.setStatus({
      state: 'reconnecting',
      fromRevision: this.lastRevision + 1,
      attempt: this.attempt,
      retryInMs,
      error: userErr.detail ?? userErr.message,
    });
    this.settleReady();
    this.timer = setTimeout(() => void this.connect(), retryInMs);
  }

  private dropStream(): void {
    const s = this.stream;
    this.stream = undefined;
    if (s) {
      s.on('error', () => undefined);
      s.cancel();
    }
    clearTimeout(this.timer);
  }

  private compacted(compactRevision: number): void {
    this.dropStream();
    const info: CompactedInfo = { compactRevision, requestedRevision: this.lastRevision + 1 };
    this.setStatus({ state: 'compacted', ...info });
    this.settleReady();
    try {
      this.opts.onCompacted?.(info);
    } catch {
      /* the listener's problem */
    }
  }

  private fail(error: EtcdStudioError): void {
    if (this.ended) return;
    this.ended = true;
    this.dropStream();
    const s: WatchStatus = { state: 'failed', error };
    this.setStatus(s);
    this.settleReady(error);
    this.resolveDone(s);
  }

  async continueFromNow(): Promise<number> {
    if (this.status.state !== 'compacted') {
      throw new EtcdStudioError(
        'InvalidArgument',
        'continueFromNow() is for a watch whose resume revision was compacted; this watch is not.',
      );
    }
    const now = await currentRevision(this.conn, this.bounds.key);
    this.lastRevision = now;
    this.startRevision = now + 1;
    this.attempt = 0;
    this.setStatus({ state: 'connecting', fromRevision: now + 1, attempt: 0 });
    await new Promise<void>((resolve, reject) => {
      this.readyWaiters.push({ resolve, reject });
      void this.connect();
    });
    return now + 1;
  }

  requestProgress(): void {
    this.stream?.write({ progress_request: {} });
  }

  drained(): Promise<void> {
    return this.queue.idle();
  }

  async stop(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.dropStream();
    this.queue.clear();
    await this.queue.idle();
    const s: WatchStatus = { state: 'stopped' };
    this.setStatus(s);
    this.settleReady();
    this.resolveDone(s);
  }
}

/**
 * Starts watching `[key, rangeEnd)` (or a prefix, or one key). Resolves once etcd accepted the watch
 * (or it is retrying, or its start revision turned out compacted); rejects when it cannot start at all.
 */
export async function watchRange(conn: EtcdConnection, opts: WatchRangeOptions): Promise<RangeWatch> {
  opts.signal?.throwIfAborted();
  const bounds = watchBounds(opts);
  // An explicit start revision even for "from now": the created response's revision can be ahead of
  // what the new watch will send, so resuming from it could skip events.
  const from = opts.startRevision ?? (await currentRevision(conn, bounds.key)) + 1;
  const w = new RangeWatcher(conn, opts, from);
  const ready = w.ready();
  w.start();
  const onAbort = () => void w.stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  void w.done.then(() => opts.signal?.removeEventListener('abort', onAbort));
  await ready;
  return w;
}
