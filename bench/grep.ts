/**
 * Benchmark `grep`: searching the decoded values of a Kubernetes keyspace (real objects as
 * kube-apiserver stores them) against reading every key once — one Range over all keys and values,
 * the least any search must read — in the same run. Target: a search takes at most 2x the read.
 * Queries: an image by text, the same by field regex, a label by field value; and, for the record,
 * a word that is a field name in every object (`image`), which no prefilter can rule out (every
 * object is decoded and printed as YAML). Every step runs in a fresh child process, rounds alternate
 * who goes first, medians are compared. Flags: --keys N (1000000), --rounds N (3).
 */
import path from 'node:path';
import type { BenchArgs } from './run';
import { alternate, asStep, median, readAllOnce, reportStep, round, runStep, StepResult } from './steps';

const MARKER = '--grep-bench-step';
const step = (mode: string, ...args: string[]): StepResult => runStep(path.join(__dirname, 'grep.js'), MARKER, mode, ...args);

const QUERIES: Record<string, { pattern?: string; fixed?: boolean; fields?: string[] }> = {
  image_text: { pattern: 'nginx:1.26', fixed: true },
  image_field: { fields: ['spec.containers[*].image=~^nginx:'] },
  label_field: { fields: ['metadata.labels.app=search'] },
  field_name_everywhere: { pattern: 'image' },
};
const TARGETED = ['image_text', 'image_field', 'label_field'];

async function child(mode: string, [endpoint]: string[]): Promise<void> {
  if (mode === 'floor') return reportStep(await readAllOnce(endpoint));
  const { EtcdConnection } = await import('../src/core/etcd/connection');
  const { compileQuery, grepPrefix } = await import('../src/core/search');
  const conn = await EtcdConnection.open({ name: 'bench', endpoints: [endpoint], requestTimeoutMs: 600_000 });
  try {
    const s = await grepPrefix(conn, Buffer.from('/registry/'), compileQuery(QUERIES[mode]), () => undefined);
    reportStep({ scanned: s.scanned, decoded: s.decoded, matched: s.matched });
  } finally {
    conn.close();
  }
}

export async function run(args: BenchArgs): Promise<Record<string, number>> {
  const { EtcdConnection } = await import('../src/core/etcd/connection');
  const { startEtcd } = await import('../test/harness/etcd');
  const { loadK8sKeyspace } = await import('./k8sKeyspace');
  const keys = args.number('keys', 1_000_000);
  const rounds = Math.max(1, args.number('rounds', 3));
  const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(16 * 1024 ** 3)] });
  try {
    const conn = await EtcdConnection.open({ name: 'bench', endpoints: etcd.endpoints, requestTimeoutMs: 600_000 });
    const t = Date.now();
    const { rawClient } = await import('../test/harness/rawClient');
    const raw = rawClient(etcd);
    await loadK8sKeyspace(raw, { keys, updateEvery: 0, deleteEvery: 0 });
    raw.close();
    const loadSeconds = (Date.now() - t) / 1000;
    const status = await conn.status();
    conn.close();
    await new Promise((r) => setTimeout(r, 5000));
    const endpoint = etcd.endpoints[0];
    step('floor', endpoint);
    const figures: Record<string, number> = { keys, load_seconds: round(loadSeconds, 1), db_mb: round(status.dbSize / 1e6, 1), rounds };
    const floors: StepResult[] = [];
    let worst = 0;
    for (const name of Object.keys(QUERIES)) {
      const [ours, floor] = alternate(
        name === 'field_name_everywhere' ? 1 : rounds,
        () => step(name, endpoint),
        () => step('floor', endpoint),
      );
      floors.push(...floor);
      const ratio = median(ours.map((x) => x.ms)) / median(floor.map((x) => x.ms));
      if (TARGETED.includes(name)) worst = Math.max(worst, ratio);
      Object.assign(figures, {
        [`${name}_ms`]: Math.round(median(ours.map((x) => x.ms))),
        [`${name}_matched`]: ours[0].figures.matched,
        [`${name}_decoded`]: ours[0].figures.decoded,
        [`${name}_ratio`]: round(ratio),
        [`${name}_peak_rss_mb`]: Math.round(Math.max(...ours.map((x) => x.peakRssMb))),
      });
    }
    Object.assign(figures, {
      floor_one_range_ms: Math.round(median(floors.map((x) => x.ms))),
      floor_peak_rss_mb: Math.round(Math.max(...floors.map((x) => x.peakRssMb))),
      worst_targeted_ratio: round(worst),
      target_max_ratio: 2,
      meets_target: worst <= 2 ? 1 : 0,
    });
    return figures;
  } finally {
    await etcd.stop();
  }
}

if (require.main === module) asStep(MARKER, child);
