/**
 * Benchmark `du`: space analysis at Kubernetes scale against its floors, in the same run:
 *  - live: `du /registry/` (depth 2) vs one full keys+values Range of the same keys (the least any
 *    analysis that counts value bytes must read); target <= 2x;
 *  - offline: `du --snapshot` of a snapshot of the same cluster (history included) vs our
 *    `snapshot status` on it; target <= 1.5x.
 * Every timed step runs in a fresh child process (both sides pay Node's start and the connection),
 * rounds alternate who goes first, and the medians are compared; the peak RSS of each child is
 * reported too. Flags: --keys N (1000000), --update-every N (4), --delete-every N (100), --rounds N (3).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchArgs } from './run';
import { alternate, asStep, median, readAllOnce, reportStep, round, runStep, StepResult } from './steps';

const MARKER = '--du-bench-step';
const step = (mode: string, ...args: string[]): StepResult => runStep(path.join(__dirname, 'du.js'), MARKER, mode, ...args);

/** Child mode: one step, then its figures and peak RSS. */
async function child(mode: string, [target]: string[]): Promise<void> {
  const figures: Record<string, number> = {};
  if (mode === 'status') {
    const { snapshotStatus } = await import('../src/core/snapshot/status');
    figures.total_key = (await snapshotStatus(target)).totalKey;
  } else if (mode === 'offline') {
    const { readSnapshotSpace } = await import('../src/core/space/snapshotSpace');
    const space = await readSnapshotSpace(target);
    const r = space.report(Buffer.from('/registry/'), { depth: 2 });
    figures.keys = r.root.keys;
    figures.revisions = r.history!.revisions;
    figures.history_mb = r.history!.historyBytes / 1e6;
    figures.deleted_keys = r.history!.deletedKeys;
    figures.in_use_mb = r.storage[0].dbSizeInUse! / 1e6;
    figures.memory_mb = space.memoryBytes / 1e6;
  } else if (mode === 'floor') {
    Object.assign(figures, await readAllOnce(target));
  } else {
    const { EtcdConnection } = await import('../src/core/etcd/connection');
    const { analyzeLiveSpace } = await import('../src/core/space/liveSpace');
    const conn = await EtcdConnection.open({ name: 'bench', endpoints: [target], requestTimeoutMs: 600_000 });
    try {
      const r = await analyzeLiveSpace(conn, Buffer.from('/registry/'), { depth: 2 });
      figures.keys = r.root.keys;
      figures.mb = r.root.bytes / 1e6;
      figures.requests = r.stats.requests ?? 0;
    } finally {
      conn.close();
    }
  }
  reportStep(figures);
}

export async function run(args: BenchArgs): Promise<Record<string, number>> {
  const { EtcdConnection } = await import('../src/core/etcd/connection');
  const { saveSnapshot } = await import('../src/core/snapshot/save');
  const { startEtcd } = await import('../test/harness/etcd');
  const { loadK8sKeyspace } = await import('./k8sKeyspace');
  const shape = {
    keys: args.number('keys', 1_000_000),
    updateEvery: args.number('update-every', 4),
    deleteEvery: args.number('delete-every', 100),
  };
  const rounds = Math.max(1, args.number('rounds', 3));
  const dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-bench-du-'));
  const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(16 * 1024 ** 3)] });
  try {
    const conn = await EtcdConnection.open({ name: 'bench', endpoints: etcd.endpoints, requestTimeoutMs: 600_000 });
    const t = Date.now();
    const { rawClient } = await import('../test/harness/rawClient');
    const raw = rawClient(etcd);
    const writes = await loadK8sKeyspace(raw, shape);
    raw.close();
    const loadSeconds = (Date.now() - t) / 1000;
    const file = path.join(dir, 'bench.db');
    await saveSnapshot(conn, file);
    const status = await conn.status();
    conn.close();
    // Let etcd settle after the bulk load (raft snapshot, Go GC), then warm both paths once.
    await new Promise((r) => setTimeout(r, 5000));
    const endpoint = etcd.endpoints[0];
    step('floor', endpoint);
    step('live', endpoint);
    const [live, floor] = alternate(
      rounds,
      () => step('live', endpoint),
      () => step('floor', endpoint),
    );
    await etcd.stop();

    // Offline: the snapshot of the same cluster, status vs du, read from the page cache alike.
    step('status', file);
    const [offline, statusRuns] = alternate(
      rounds,
      () => step('offline', file),
      () => step('status', file),
    );

    const liveRatio = median(live.map((x) => x.ms)) / median(floor.map((x) => x.ms));
    const offlineRatio = median(offline.map((x) => x.ms)) / median(statusRuns.map((x) => x.ms));
    const o = offline[0].figures;
    return {
      keys: shape.keys,
      writes,
      load_seconds: round(loadSeconds, 1),
      db_mb: round(status.dbSize / 1e6, 1),
      live_keys: live[0].figures.keys,
      live_mb: round(live[0].figures.mb, 1),
      rounds,
      live_du_ms: Math.round(median(live.map((x) => x.ms))),
      live_du_requests: live[0].figures.requests,
      floor_one_range_ms: Math.round(median(floor.map((x) => x.ms))),
      live_ratio: round(liveRatio),
      live_target_max_ratio: 2,
      live_meets_target: liveRatio <= 2 ? 1 : 0,
      live_du_peak_rss_mb: Math.round(Math.max(...live.map((x) => x.peakRssMb))),
      floor_peak_rss_mb: Math.round(Math.max(...floor.map((x) => x.peakRssMb))),
      snapshot_mb: round(statSync(file).size / 1e6, 1),
      snapshot_revisions: o.revisions,
      snapshot_history_mb: round(o.history_mb, 1),
      snapshot_deleted_keys: o.deleted_keys,
      snapshot_in_use_mb: round(o.in_use_mb, 1),
      offline_du_ms: Math.round(median(offline.map((x) => x.ms))),
      status_ms: Math.round(median(statusRuns.map((x) => x.ms))),
      offline_ratio: round(offlineRatio),
      offline_target_max_ratio: 1.5,
      offline_meets_target: offlineRatio <= 1.5 ? 1 : 0,
      offline_du_peak_rss_mb: Math.round(Math.max(...offline.map((x) => x.peakRssMb))),
      offline_du_memory_mb: round(o.memory_mb, 1),
      status_peak_rss_mb: Math.round(Math.max(...statusRuns.map((x) => x.peakRssMb))),
    };
  } finally {
    await etcd.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) asStep(MARKER, child);
