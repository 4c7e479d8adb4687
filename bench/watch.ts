/**
 * Benchmark `watch`: several writers commit txn batches of 128 puts at full speed while watchRange
 * consumes the prefix with revision continuity checked (every committed event seen exactly once, in
 * order). By default without previous values, as the extension's Watch view streams (it fetches
 * previous values only for small batches); --prev-kv true measures etcd sending them with every event.
 * Then the same history is replayed by watchRange and by `etcdctl watch --prefix --rev` for comparison.
 * Flags: --events N (200000), --writers N (4), --keys N (20000), --value-bytes N (200).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EtcdConnection } from '../src/core/etcd/connection';
import { actionOf, currentRevision, watchRange, WatchBatch } from '../src/core/watch';
import { startEtcd } from '../test/harness/etcd';
import { BenchArgs } from './run';

const BATCH = 128;

/** Checks order and counts events per revision; what the bench's consumer does for every batch. */
class ContinuityCheck {
  readonly perRevision = new Map<number, number>();
  events = 0;
  outOfOrder = 0;
  private last = 0;
  firstAt = 0;
  lastAt = 0;
  readonly recent: string[] = [];

  consume(b: WatchBatch): void {
    if (!this.firstAt) this.firstAt = performance.now();
    for (const e of b.events) {
      if (e.modRevision < this.last) this.outOfOrder++;
      this.last = e.modRevision;
      this.perRevision.set(e.modRevision, (this.perRevision.get(e.modRevision) ?? 0) + 1);
      // A little of what a UI does per event: classify it, keep the latest rows.
      if (this.recent.length >= 1000) this.recent.shift();
      this.recent.push(actionOf(e));
    }
    this.events += b.events.length;
    this.lastAt = performance.now();
  }
}

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return cond();
}

/** `etcdctl watch --prefix --rev` over the same history: lines counted until every event arrived. */
function etcdctlReplay(endpoints: string[], rev: number, events: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('etcdctl', ['--endpoints', endpoints.join(','), 'watch', '--prefix', '/bench/', '--rev', String(rev)], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lines = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`etcdctl saw ${lines / 3} of ${events} events in 120 s`));
    }, 120_000);
    createInterface({ input: child.stdout! }).on('line', () => {
      // PUT, key, value: three lines an event.
      if (++lines === events * 3) {
        const seconds = (performance.now() - started) / 1000;
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(events / seconds);
      }
    });
    child.on('error', reject);
  });
}

export async function run(args: BenchArgs): Promise<Record<string, number>> {
  const total = args.number('events', 200_000);
  const writers = args.number('writers', 4);
  const keys = args.number('keys', 20_000);
  const value = Buffer.alloc(args.number('value-bytes', 200), 'x');
  // Previous values cost etcd one extra read per event (the UI's "what changed" needs them).
  const prevKv = args.string('prev-kv', 'false') === 'true';
  const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(8 * 1024 ** 3)] });
  const profile = { name: 'bench', endpoints: etcd.endpoints, requestTimeoutMs: 60_000 };
  const conns: EtcdConnection[] = [];
  try {
    const watchConn = await EtcdConnection.open(profile);
    conns.push(watchConn);
    const writeConns = await Promise.all(Array.from({ length: writers }, () => EtcdConnection.open(profile)));
    conns.push(...writeConns);
    const start = (await currentRevision(watchConn)) + 1;

    // Live: writers at full speed, the watcher consuming with previous values (as the UI watches).
    const live = new ContinuityCheck();
    const w = await watchRange(watchConn, { key: '/bench/', prefix: true, startRevision: start, prevKv, onEvents: (b) => live.consume(b) });
    const committed = new Map<number, number>();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      writeConns.map(async (c) => {
        while (next < total) {
          const from = next;
          next = Math.min(total, next + BATCH);
          const ops = [];
          for (let i = from; i < next; i++) ops.push({ request_put: { key: Buffer.from(`/bench/k${i % keys}`), value } });
          const res = await c.write('bench writes', { op: 'txn', request: { success: ops } });
          committed.set(Number(res.header.revision), ops.length);
        }
      }),
    );
    const writeSeconds = (performance.now() - t0) / 1000;
    await until(() => live.events >= total, 60_000);
    await w.drained();
    const liveSeconds = (live.lastAt - t0) / 1000;
    const stats = w.stats;
    await w.stop();

    let missed = 0;
    let duplicated = 0;
    for (const [rev, n] of committed) {
      const got = live.perRevision.get(rev) ?? 0;
      if (got < n) missed += n - got;
      if (got > n) duplicated += got - n;
    }
    for (const [rev, got] of live.perRevision) if (!committed.has(rev)) duplicated += got;

    // Replay of the same history: ours, then etcdctl.
    const replay = new ContinuityCheck();
    const t1 = performance.now();
    const r = await watchRange(watchConn, {
      key: '/bench/',
      prefix: true,
      startRevision: start,
      prevKv: false,
      onEvents: (b) => replay.consume(b),
    });
    await until(() => replay.events >= total, 120_000);
    const replaySeconds = (performance.now() - t1) / 1000;
    await r.stop();
    let ctlRate = 0;
    try {
      ctlRate = await etcdctlReplay(etcd.endpoints, start, total);
    } catch (e) {
      console.error(`etcdctl comparison skipped: ${(e as Error).message}`);
    }

    return {
      events: total,
      writers,
      prev_kv: prevKv ? 1 : 0,
      txn_batch: BATCH,
      write_events_per_second: Math.round(total / writeSeconds),
      watch_events_per_second: Math.round(live.events / liveSeconds),
      watch_events_received: live.events,
      missed_events: missed,
      duplicated_events: duplicated,
      out_of_order_events: live.outOfOrder,
      consumer_batches: stats.batches,
      max_batch_events: stats.maxBatchEvents,
      max_batch_processing_ms: Math.round(stats.maxBatchMs * 100) / 100,
      reconnects: stats.reconnects,
      replay_events_per_second: Math.round(replay.events / replaySeconds),
      etcdctl_replay_events_per_second: Math.round(ctlRate),
      replay_speedup_vs_etcdctl: ctlRate ? Math.round((replay.events / replaySeconds / ctlRate) * 100) / 100 : 0,
    };
  } finally {
    for (const c of conns) c.close();
    await etcd.stop();
  }
}
