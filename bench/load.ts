/**
 * Benchmark `load`: how fast the harness fills a real etcd with a Kubernetes-shaped keyspace
 * (concurrent txn batches through etcd3), against etcdctl doing the same with `etcdctl txn`
 * batches in the same run. Flags: --keys N (default 100000), --value-bytes N (700).
 */
import { execFileSync } from 'node:child_process';
import { EtcdConnection } from '../src/core/etcd/connection';
import { startEtcd } from '../test/harness/etcd';
import { rawClient } from '../test/harness/rawClient';
import { DEFAULT_SHAPE, keyAt, KeyspaceShape, loadKeyspace } from './keyspace';
import { BenchArgs } from './run';

export async function run(args: BenchArgs): Promise<Record<string, number>> {
  const shape: KeyspaceShape = {
    ...DEFAULT_SHAPE,
    keys: args.number('keys', DEFAULT_SHAPE.keys),
    valueBytes: args.number('value-bytes', DEFAULT_SHAPE.valueBytes),
  };
  const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(8 * 1024 ** 3)] });
  try {
    const conn = await EtcdConnection.open({ name: 'bench', endpoints: etcd.endpoints, requestTimeoutMs: 60_000 });
    const raw = rawClient(etcd);
    let t = process.hrtime.bigint();
    await loadKeyspace(raw, shape);
    raw.close();
    const ours = Number(process.hrtime.bigint() - t) / 1e9;
    const status = await conn.status();
    conn.close();

    // etcdctl: the same keys' first batches with `etcdctl txn` (128 puts a process), extrapolated per key.
    const sample = Math.min(shape.keys, 128 * 20);
    const value = 'x'.repeat(shape.valueBytes);
    t = process.hrtime.bigint();
    for (let start = 0; start < sample; start += 128) {
      // etcdctl txn reads: compares, blank line, success ops, blank line, failure ops, blank line.
      const puts: string[] = [];
      for (let i = start; i < Math.min(sample, start + 128); i++) puts.push(`put ${keyAt(shape, i)}-ctl ${value}`);
      execFileSync('etcdctl', ['--endpoints', etcd.endpoints.join(','), 'txn'], {
        input: `\n${puts.join('\n')}\n\n\n`,
        env: { ...process.env, ETCDCTL_API: '3' },
        stdio: ['pipe', 'ignore', 'inherit'],
      });
    }
    const ctlSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const oursRate = shape.keys / ours;
    const ctlRate = sample / ctlSeconds;
    return {
      keys: shape.keys,
      value_bytes: shape.valueBytes,
      load_seconds: round(ours),
      keys_per_second: Math.round(oursRate),
      mb_per_second: round((shape.keys * (shape.valueBytes + 40)) / ours / 1e6),
      db_size_mb: round(status.dbSize / 1e6),
      etcdctl_txn_keys_per_second: Math.round(ctlRate),
      speedup_vs_etcdctl_txn: round(oursRate / ctlRate),
    };
  } finally {
    await etcd.stop();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
