/**
 * Benchmark `snapshot`: saving, status and browsing of etcd snapshots with our TypeScript code vs
 * etcdctl, on a loaded Kubernetes-shaped keyspace. Status and browse also run in a child process
 * of their own, whose peak RSS is the memory figure (target: < 200 MB for a 1 GB file).
 * Flags: --keys N (default 200000), --value-bytes N (700).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EtcdConnection } from '../src/core/etcd/connection';
import { listSnapshotChildren, openSnapshot, saveSnapshot, snapshotStatus } from '../src/core/snapshot';
import { startEtcd } from '../test/harness/etcd';
import { DEFAULT_SHAPE, keyAt, KeyspaceShape, loadKeyspace } from './keyspace';
import { BenchArgs } from './run';

const CHILD_FLAG = '--snapshot-bench-child';

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function etcdctl(args: string[]): string {
  return execFileSync('etcdctl', args, { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
}

/** Runs status or browse in a fresh Node process (this file's bundle) and returns its figures. */
function inChild(mode: 'status' | 'browse', file: string, key: string): { seconds: number; maxRssMb: number; indexMb?: number } {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'snapshot.js'), CHILD_FLAG, mode, file, key], { encoding: 'utf8' });
  return JSON.parse(out);
}

async function child(mode: string, file: string, key: string): Promise<void> {
  const t = process.hrtime.bigint();
  let indexMb: number | undefined;
  if (mode === 'status') {
    await snapshotStatus(file);
  } else {
    const snap = await openSnapshot(file);
    listSnapshotChildren(snap, Buffer.from('/registry/'));
    listSnapshotChildren(snap, Buffer.from('/registry/pods/'));
    if (!snap.get(Buffer.from(key))) throw new Error(`${key} missing from the snapshot`);
    indexMb = snap.indexBytes / 1e6;
    snap.close();
  }
  process.stdout.write(JSON.stringify({ seconds: seconds(t), maxRssMb: process.resourceUsage().maxRSS / 1024, indexMb }));
}

export async function run(args: BenchArgs): Promise<Record<string, number>> {
  const shape: KeyspaceShape = { ...DEFAULT_SHAPE, keys: args.number('keys', 200_000), valueBytes: args.number('value-bytes', DEFAULT_SHAPE.valueBytes) };
  const dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-bench-snap-'));
  const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(8 * 1024 ** 3)] });
  try {
    const conn = await EtcdConnection.open({ name: 'bench', endpoints: etcd.endpoints, requestTimeoutMs: 60_000 });
    await loadKeyspace(conn.client, shape);
    const ours = path.join(dir, 'ours.db');
    const theirs = path.join(dir, 'etcdctl.db');
    let t = process.hrtime.bigint();
    await saveSnapshot(conn, ours);
    const saveOurs = seconds(t);
    conn.close();
    t = process.hrtime.bigint();
    etcdctl(['--endpoints', etcd.endpoints[0], 'snapshot', 'save', theirs]);
    const saveCtl = seconds(t);

    t = process.hrtime.bigint();
    const status = await snapshotStatus(theirs);
    const statusOurs = seconds(t);
    t = process.hrtime.bigint();
    const ctl = JSON.parse(etcdctl(['snapshot', 'status', theirs, '-w', 'json']));
    const statusCtl = seconds(t);
    const matches = ctl.hash === status.hash && ctl.revision === status.revision && ctl.totalKey === status.totalKey && ctl.totalSize === status.totalSize;

    t = process.hrtime.bigint();
    const snap = await openSnapshot(theirs);
    const openSeconds = seconds(t);
    t = process.hrtime.bigint();
    const listed = listSnapshotChildren(snap, Buffer.from('/registry/'));
    const listMs = seconds(t) * 1000;
    snap.close();

    const key = keyAt(shape, shape.keys - 1);
    const statusChild = inChild('status', theirs, key);
    const browseChild = inChild('browse', theirs, key);
    return {
      keys: shape.keys,
      value_bytes: shape.valueBytes,
      file_mb: round(statSync(theirs).size / 1e6),
      save_seconds: round(saveOurs),
      etcdctl_save_seconds: round(saveCtl),
      save_speed_vs_etcdctl: round(saveCtl / saveOurs),
      status_seconds: round(statusOurs),
      etcdctl_status_seconds: round(statusCtl),
      status_speed_vs_etcdctl: round(statusCtl / statusOurs),
      status_matches_etcdctl: matches ? 1 : 0,
      open_index_seconds: round(openSeconds),
      list_registry_ms: round(listMs),
      registry_children: listed.children.length,
      status_child_peak_rss_mb: round(statusChild.maxRssMb),
      browse_child_peak_rss_mb: round(browseChild.maxRssMb),
      browse_child_seconds: round(browseChild.seconds),
      key_index_mb: round(browseChild.indexMb ?? 0),
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
