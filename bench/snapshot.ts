/**
 * Benchmark `snapshot`: saving, status and browsing of etcd snapshots with our TypeScript code vs
 * etcd's own tools of the release under test (`--etcd`), on a loaded Kubernetes-shaped keyspace,
 * with the targets of issue 6:
 *  - save throughput >= 0.9x etcdctl's (same cluster, same run; rounds alternate who goes first);
 *  - status within 1.5x of the release's `snapshot status` (etcdutl; etcdctl on 3.4), both as whole
 *    processes (our child vs the tool), with identical figures;
 *  - browse (openSnapshot + list /registry/ children) peak RSS < 200 MB for a ~1 GB file, measured
 *    in a child process of its own.
 * Timings are medians of --rounds runs (default 3); the machine is shared, so only ratios within
 * one run mean anything. Flags: --keys N (default 200000), --value-bytes N (700), --rounds N (3).
 *
 * The child imports only the offline snapshot code (the etcd client is loaded lazily by the
 * parent), so its RSS is what browsing costs plus Node itself; `*_child_start_rss_mb` says how much
 * of it is Node before any work.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listSnapshotChildren, openSnapshot, snapshotStatus } from '../src/core/snapshot';
import { formatSnapshotStatus } from '../src/core/snapshot/statusReport';
import type { Figures } from './registry';
import type { BenchArgs } from './run';

const CHILD_FLAG = '--snapshot-bench-child';

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function timed<T>(fn: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = fn();
  return [r, seconds(t)];
}

/** etcd's own tool of the release under test, found on PATH (scripts/bench.mjs puts that release first). */
function etcdTool(tool: string, args: string[]): string {
  return execFileSync(tool, args, {
    env: { ...process.env, ...(tool === 'etcdctl' ? { ETCDCTL_API: '3' } : {}) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 26,
  });
}

interface ChildFigures {
  seconds: number;
  maxRssMb: number;
  startRssMb: number;
  indexMb?: number;
  registryChildren?: number;
}

/** Runs status or browse in a fresh Node process (this file's bundle); wall time includes Node's start. */
function inChild(mode: 'status' | 'browse', file: string, key: string): ChildFigures & { wallSeconds: number } {
  const [out, wallSeconds] = timed(() =>
    execFileSync(process.execPath, [path.join(__dirname, 'snapshot.js'), CHILD_FLAG, mode, file, key], { encoding: 'utf8' }),
  );
  return { ...JSON.parse(out), wallSeconds };
}

async function child(mode: string, file: string, key: string): Promise<void> {
  const startRssMb = process.memoryUsage().rss / 1024 / 1024;
  const t = process.hrtime.bigint();
  let indexMb: number | undefined;
  let registryChildren: number | undefined;
  if (mode === 'status') {
    await snapshotStatus(file);
  } else {
    const snap = await openSnapshot(file);
    registryChildren = listSnapshotChildren(snap, Buffer.from('/registry/')).children.length;
    listSnapshotChildren(snap, Buffer.from('/registry/pods/'));
    if (!snap.get(Buffer.from(key))) throw new Error(`${key} missing from the snapshot`);
    indexMb = snap.indexBytes / 1e6;
    snap.close();
  }
  const figures: ChildFigures = {
    seconds: seconds(t),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb,
    indexMb,
    registryChildren,
  };
  process.stdout.write(JSON.stringify(figures));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function run(args: BenchArgs): Promise<Figures> {
  // Loaded here, not at the top: the child below shares this bundle and must not pay for grpc.
  const { EtcdConnection } = await import('../src/core/etcd/connection');
  const { saveSnapshot } = await import('../src/core/snapshot/save');
  const { startEtcd } = await import('../test/harness/etcd');
  const { etcdTarget } = await import('../test/harness/tools');
  const release = etcdTarget();
  // etcd 3.5 moved `snapshot status` to etcdutl (3.6 removed it from etcdctl).
  const statusTool = release.etcdutl ? 'etcdutl' : 'etcdctl';
  const toolStatus = (file: string) => etcdTool(statusTool, ['snapshot', 'status', file, '-w', 'json']);
  const { rawClient } = await import('../test/harness/rawClient');
  const { DEFAULT_SHAPE, keyAt, loadKeyspace } = await import('./keyspace');
  const shape = { ...DEFAULT_SHAPE, keys: args.number('keys', 200_000), valueBytes: args.number('value-bytes', DEFAULT_SHAPE.valueBytes) };
  const rounds = Math.max(1, args.number('rounds', 3));
  const dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-bench-snap-'));
  const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(8 * 1024 ** 3)] });
  try {
    const conn = await EtcdConnection.open({ name: 'bench', endpoints: etcd.endpoints, requestTimeoutMs: 60_000 });
    const raw = rawClient(etcd);
    await loadKeyspace(raw, shape);
    raw.close();
    const ours = path.join(dir, 'ours.db');
    const theirs = path.join(dir, 'etcdctl.db');

    // Save: each round writes new files; the order alternates so neither side always gets a warm cache.
    const saveOurs: number[] = [];
    const saveCtl: number[] = [];
    for (let r = 0; r < rounds; r++) {
      rmSync(ours, { force: true });
      rmSync(theirs, { force: true });
      const runOurs = async () => {
        const t = process.hrtime.bigint();
        await saveSnapshot(conn, ours);
        saveOurs.push(seconds(t));
      };
      const runCtl = () =>
        saveCtl.push(timed(() => etcdTool('etcdctl', ['--endpoints', etcd.endpoints[0], 'snapshot', 'save', theirs]))[1]);
      if (r % 2) {
        runCtl();
        await runOurs();
      } else {
        await runOurs();
        runCtl();
      }
    }
    conn.close();
    const fileBytes = statSync(theirs).size;

    // Status: our code in a child process vs the release's tool, both whole processes.
    const [statusInProcess, statusInProcessSeconds] = await (async () => {
      const t = process.hrtime.bigint();
      const s = await snapshotStatus(theirs);
      return [s, seconds(t)] as const;
    })();
    const matches = formatSnapshotStatus(statusInProcess, 'json') === toolStatus(theirs);
    const key = keyAt(shape, shape.keys - 1);
    const statusOurs: ChildFigures[] = [];
    const statusOursWall: number[] = [];
    const statusCtl: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const c = inChild('status', theirs, key);
      statusOurs.push(c);
      statusOursWall.push(c.wallSeconds);
      statusCtl.push(timed(() => toolStatus(theirs))[1]);
    }

    // Browse: in-process timings, then peak RSS in children.
    const [snap, openSeconds] = await (async () => {
      const t = process.hrtime.bigint();
      const s = await openSnapshot(theirs);
      return [s, seconds(t)] as const;
    })();
    const [listed, listSeconds] = timed(() => listSnapshotChildren(snap, Buffer.from('/registry/')));
    snap.close();
    const browse: (ChildFigures & { wallSeconds: number })[] = [];
    for (let r = 0; r < rounds; r++) browse.push(inChild('browse', theirs, key));

    const saveRatio = median(saveCtl) / median(saveOurs);
    const statusRatio = median(statusOursWall) / median(statusCtl);
    const browsePeak = Math.max(...browse.map((b) => b.maxRssMb));
    return {
      keys: shape.keys,
      value_bytes: shape.valueBytes,
      rounds,
      file_mb: round(fileBytes / 1e6),
      save_seconds_median: round(median(saveOurs)),
      etcdctl_save_seconds_median: round(median(saveCtl)),
      save_mb_per_s: round(fileBytes / 1e6 / median(saveOurs)),
      etcdctl_save_mb_per_s: round(fileBytes / 1e6 / median(saveCtl)),
      save_throughput_vs_etcdctl: round(saveRatio),
      save_target_min_ratio: 0.9,
      save_meets_target: saveRatio >= 0.9 ? 1 : 0,
      status_tool: statusTool,
      status_matches_tool: matches ? 1 : 0,
      status_in_process_seconds: round(statusInProcessSeconds),
      status_child_seconds_median: round(median(statusOurs.map((s) => s.seconds))),
      status_child_wall_seconds_median: round(median(statusOursWall)),
      tool_status_seconds_median: round(median(statusCtl)),
      status_time_vs_tool: round(statusRatio),
      status_target_max_ratio: 1.5,
      status_meets_target: statusRatio <= 1.5 ? 1 : 0,
      status_child_peak_rss_mb: round(Math.max(...statusOurs.map((s) => s.maxRssMb))),
      open_index_seconds: round(openSeconds),
      list_registry_ms: round(listSeconds * 1000),
      registry_children: listed.children.length,
      browse_child_seconds_median: round(median(browse.map((b) => b.seconds))),
      browse_child_start_rss_mb: round(median(browse.map((b) => b.startRssMb))),
      browse_child_peak_rss_mb_median: round(median(browse.map((b) => b.maxRssMb))),
      browse_child_peak_rss_mb_max: round(browsePeak),
      browse_target_max_rss_mb: 200,
      browse_meets_target: browsePeak < 200 ? 1 : 0,
      key_index_mb: round(browse[0].indexMb ?? 0),
    };
  } finally {
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// The child mode, when this bundle is run directly by inChild().
if (require.main === module && process.argv[2] === CHILD_FLAG) {
  child(process.argv[3], process.argv[4], process.argv[5]).catch((e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
