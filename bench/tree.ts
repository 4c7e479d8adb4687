/**
 * Benchmark `tree`: listing the children of a prefix (one key-tree level, counts included) at
 * Kubernetes scale, against the etcdctl pipeline people use today
 * (`etcdctl get PREFIX --prefix --keys-only | cut -d/ -fN | sort -u`), in the same run, same etcd.
 * Times are the median of 5 runs (best also reported; the listing, its count floor and one count over the
 * prefix interleaved, so load from elsewhere hits them alike; etcdctl 3 runs), after a 5 s settle and one
 * warm-up listing. Peak RSS of the listing is measured in a child process that only connects and lists, since loading the keyspace costs memory of its own.
 * A second keyspace of the same shape under /apps/ (children app-0/ … app-39/, names no listing knows in
 * advance) measures the generic split against its count floor: `generic_vs_count_floor`, target <= 1.2;
 * `<name>_one_request_count_ms` is one count_only over the whole prefix, what a first probe pays when the
 * children share a stem it cannot split before it has seen a key.
 * Flags: --keys N (default 1000000), --generic-keys N (default --keys; 0 leaves it out), --value-bytes N (700).
 */
import { spawn, spawnSync } from 'node:child_process';
import { prefixRangeEnd } from '../src/core/keytree/rangeEnd';
import { EtcdConnection } from '../src/core/etcd/connection';
import { listChildren, ListChildrenResult } from '../src/core/keytree/listChildren';
import { startEtcd } from '../test/harness/etcd';
import { rawClient } from '../test/harness/rawClient';
import { DEFAULT_SHAPE, KeyspaceShape, loadKeyspace } from './keyspace';
import type { Figures } from './registry';
import { BenchArgs } from './run';

const GENERIC_ROOT = '/apps/';
/** Timed runs of each figure, interleaved (median reported). */
const ROUNDS = 5;

/** Prefixes listed: the Kubernetes keyspace, and (with --generic-keys > 0) one whose children nobody knows in advance. */
function prefixesFor(genericKeys: number): [name: string, prefix: string][] {
  return [
    ['registry', '/registry/'],
    ['pods', '/registry/pods/'],
    ['ns7', '/registry/pods/ns-7/'],
    ...(genericKeys > 0
      ? ([
          ['generic', GENERIC_ROOT],
          ['generic_app7', `${GENERIC_ROOT}app-7/`],
        ] as [string, string][])
      : []),
  ];
}

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** `etcdctl get P --prefix --keys-only | cut -d/ -fN | sort -u`, as three processes with argument arrays. */
function etcdctlPipeline(endpoint: string, prefix: string): Promise<{ ms: number; children: number }> {
  const field = String(prefix.split('/').length);
  const started = process.hrtime.bigint();
  const env = { ...process.env, ETCDCTL_API: '3' };
  const ctl = spawn('etcdctl', ['--endpoints', endpoint, '--command-timeout', '120s', 'get', prefix, '--prefix', '--keys-only'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const cut = spawn('cut', ['-d/', `-f${field}`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const sort = spawn('sort', ['-u'], { env: { ...process.env, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'inherit'] });
  ctl.stdout.pipe(cut.stdin);
  cut.stdout.pipe(sort.stdin);
  let out = '';
  sort.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) => {
    ctl.on('error', reject);
    sort.on('error', reject);
    sort.on('close', (code) => {
      if (code !== 0 || ctl.exitCode) reject(new Error(`etcdctl pipeline for ${prefix} failed (etcdctl ${ctl.exitCode}, sort ${code})`));
      // etcdctl --keys-only prints a blank line after each key: drop the empty "child".
      else resolve({ ms: ms(started), children: out.split('\n').filter((l) => l !== '').length });
    });
  });
}

/** Child-process mode: connect, list each prefix once, report own peak RSS (the runner adds peak_rss_mb). */
async function listOnly(endpoint: string, genericKeys: number): Promise<Record<string, number>> {
  const conn = await EtcdConnection.open({ name: 'bench', endpoints: [endpoint], requestTimeoutMs: 60_000 });
  const figures: Record<string, number> = {};
  try {
    for (const [name, prefix] of prefixesFor(genericKeys)) {
      const r = await listChildren(conn, Buffer.from(prefix));
      figures[`${name}_children`] = r.children.length;
    }
  } finally {
    conn.close();
  }
  return figures;
}

export async function run(args: BenchArgs): Promise<Figures> {
  const childEndpoint = args.string('list-only', '');
  const genericKeys = args.number('generic-keys', args.number('keys', 1_000_000));
  if (childEndpoint) return listOnly(childEndpoint, genericKeys);
  const PREFIXES = prefixesFor(genericKeys);

  const shape: KeyspaceShape = {
    ...DEFAULT_SHAPE,
    keys: args.number('keys', 1_000_000),
    valueBytes: args.number('value-bytes', DEFAULT_SHAPE.valueBytes),
  };
  const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(8 * 1024 ** 3)] });
  try {
    const endpoint = etcd.endpoints[0];
    const conn = await EtcdConnection.open({ name: 'bench', endpoints: etcd.endpoints, requestTimeoutMs: 120_000 });
    const figures: Record<string, number> = { keys: shape.keys, generic_keys: genericKeys };
    try {
      let t = process.hrtime.bigint();
      const raw = rawClient(etcd);
      await loadKeyspace(raw, shape);
      if (genericKeys > 0) await loadKeyspace(raw, { ...shape, keys: genericKeys, root: GENERIC_ROOT });
      raw.close();
      figures.load_seconds = round(ms(t) / 1000);
      // Let etcd finish what the bulk load left behind (raft snapshot, Go GC of the load's garbage) and warm
      // both paths once, so neither side's timings include it.
      await new Promise((r) => setTimeout(r, 5000));
      for (const [, prefix] of PREFIXES) await listChildren(conn, Buffer.from(prefix));
      await etcdctlPipeline(endpoint, '/registry/pods/');

      for (const [name, prefix] of PREFIXES) {
        const key = Buffer.from(prefix);
        // The floor for any exact-count listing: etcd must visit every key under the prefix at least once
        // (a Range counts its whole interval). Time parallel count_only requests over exactly the children's
        // ranges, which visit each key once and transfer nothing.
        const countFloor = (r: ListChildrenResult) =>
          Promise.all(
            r.children
              .filter((c) => c.kind === 'prefix')
              .map((c) => conn.range({ key: c.key, range_end: prefixRangeEnd(c.key), count_only: true }, 'count floor')),
          );
        // What any listing pays when it cannot cut the prefix before its first answer (children that share a stem
        // nobody knows in advance fall in one piece however the first round splits): one count over it all, one core.
        const oneCount = () => conn.range({ key, range_end: prefixRangeEnd(key), count_only: true }, 'one count');
        // Interleaved (listing, floor, one count) so that load from elsewhere on the machine hits all three alike.
        const times: number[] = [];
        const floor: number[] = [];
        const whole: number[] = [];
        let last: ListChildrenResult | undefined;
        for (let i = 0; i < ROUNDS; i++) {
          t = process.hrtime.bigint();
          last = await listChildren(conn, key);
          times.push(ms(t));
          t = process.hrtime.bigint();
          await countFloor(last);
          floor.push(ms(t));
          t = process.hrtime.bigint();
          await oneCount();
          whole.push(ms(t));
        }
        const r = last!;
        const ctl: { ms: number; children: number }[] = [];
        for (let i = 0; i < 3; i++) ctl.push(await etcdctlPipeline(endpoint, prefix));
        const ours = median(times);
        const theirs = median(ctl.map((c) => c.ms));
        Object.assign(figures, {
          [`${name}_ms`]: round(ours),
          [`${name}_best_ms`]: round(Math.min(...times)),
          [`${name}_children`]: r.children.length,
          [`${name}_keys_counted`]: r.stats.keysCounted,
          [`${name}_requests`]: r.stats.requests,
          [`${name}_ranges`]: r.stats.ranges,
          [`${name}_rounds`]: r.stats.rounds,
          [`etcdctl_${name}_ms`]: round(theirs),
          [`etcdctl_${name}_children`]: ctl[0].children,
          [`speedup_${name}`]: round(theirs / ours),
        });
        figures[`${name}_count_floor_ms`] = round(median(floor));
        figures[`${name}_one_request_count_ms`] = round(median(whole));
        if (median(floor) >= 1) figures[`${name}_one_request_vs_count_floor`] = round(median(whole) / median(floor));
        // Only prefix children have a floor to compare with (a prefix of plain keys has none).
        if (median(floor) >= 1) figures[`${name}_vs_count_floor`] = round(ours / median(floor));
        figures[`${name}_keys_counted_per_key`] =
          Math.round((r.stats.keysCounted / r.children.reduce((n, c) => n + (c.kind === 'prefix' ? (c.count ?? 0) : 1), 0)) * 100) / 100;
      }
    } finally {
      conn.close();
    }

    // Peak RSS of a process that only lists (this one also loaded a million keys).
    const child = spawnSync(process.execPath, [process.argv[1], 'tree', '--list-only', endpoint, '--generic-keys', String(genericKeys)], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`listing child failed (${child.status}): ${child.stderr}`);
    figures.list_process_peak_rss_mb = (JSON.parse(line) as { peak_rss_mb: number }).peak_rss_mb;
    return figures;
  } finally {
    await etcd.stop();
  }
}
