/**
 * Between the gRPC stream and the consumer: responses are queued as they arrive and handed over in
 * merged batches, one consumer call at a time, so a consumer that takes 5 ms per call still keeps up
 * with tens of thousands of events a second (it gets fewer, larger batches). When too much is queued
 * the stream is paused (HTTP/2 flow control then holds etcd back) instead of buffering without bound.
 */
import type { WatchBatch, WatchEvent } from './watchEvent';

export interface EventQueueOptions {
  /** Merge queued responses into batches of at most this many events (a single response may exceed it). */
  maxBatchEvents: number;
  /** Pause the source above this many queued events; resume below half of it. */
  highWaterEvents: number;
  deliver(batch: WatchBatch): void | Promise<void>;
  pause(): void;
  resume(): void;
  /** The consumer threw: the watch stops with this error. */
  onError(err: unknown): void;
}

export interface QueueStats {
  events: number;
  batches: number;
  /** Longest time one consumer call took. */
  maxBatchMs: number;
  maxBatchEvents: number;
  queued: number;
}

export class EventQueue {
  private readonly pending: WatchEvent[][] = [];
  private queued = 0;
  private running = false;
  private paused = false;
  private failed = false;
  private idleWaiters: Array<() => void> = [];
  readonly stats: QueueStats = { events: 0, batches: 0, maxBatchMs: 0, maxBatchEvents: 0, queued: 0 };

  constructor(private readonly opts: EventQueueOptions) {}

  push(events: WatchEvent[]): void {
    if (events.length === 0 || this.failed) return;
    this.pending.push(events);
    this.queued += events.length;
    this.stats.queued = this.queued;
    if (!this.paused && this.queued > this.opts.highWaterEvents) {
      this.paused = true;
      this.opts.pause();
    }
    if (!this.running) void this.pump();
  }

  /** Drops what is queued (the watch is stopping); a consumer call in progress still finishes. */
  clear(): void {
    this.pending.length = 0;
    this.queued = 0;
    this.stats.queued = 0;
  }

  /** Resolves once everything queued so far has been delivered. */
  idle(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private take(): WatchEvent[] {
    let events = this.pending.shift()!;
    while (this.pending.length && events.length + this.pending[0].length <= this.opts.maxBatchEvents) {
      events = events.concat(this.pending.shift()!);
    }
    this.queued -= events.length;
    this.stats.queued = this.queued;
    return events;
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length && !this.failed) {
        const events = this.take();
        if (this.paused && this.queued < this.opts.highWaterEvents / 2) {
          this.paused = false;
          this.opts.resume();
        }
        const started = performance.now();
        await this.opts.deliver({ events, firstRevision: events[0].modRevision, lastRevision: events[events.length - 1].modRevision });
        const ms = performance.now() - started;
        this.stats.events += events.length;
        this.stats.batches++;
        if (ms > this.stats.maxBatchMs) this.stats.maxBatchMs = ms;
        if (events.length > this.stats.maxBatchEvents) this.stats.maxBatchEvents = events.length;
      }
    } catch (e) {
      this.failed = true;
      this.pending.length = 0;
      this.opts.onError(e);
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
