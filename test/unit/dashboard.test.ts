/**
 * The Cluster Overview's model and charts, computed in plain Node from real samples of a real etcd:
 * member cards, findings over the window, writes/s from revision deltas, DB size, latency series.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ClusterProbe, DEFAULT_THRESHOLDS, THRESHOLD_INFO, THRESHOLD_NAMES } from '../../src/core/doctor';
import { overviewModel } from '../../src/core/dashboard/model';
import { Timeline } from '../../src/core/dashboard/timeline';
import { lineChart, niceCeiling, relativeTime } from '../../src/webview/dashboard/charts';
import { repoRoot } from '../harness/tools';
import { useEtcdConnection } from '../harness/useEtcd';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Cluster Overview model from a real 3-member cluster', () => {
  const t = useEtcdConnection('overview', { members: 3, extraArgs: ['--quota-backend-bytes', String(256 * 1024 * 1024)] });

  test('cards, findings and series from samples taken while clients write', async () => {
    const probe = new ClusterProbe(t.conn);
    const timeline = new Timeline(10 * 60_000);
    try {
      timeline.add(await probe.sample());
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 40; i++) await t.raw.put(`/ov/${round}/${i}`).value('x'.repeat(500));
        await sleep(300);
        timeline.add(await probe.sample());
      }
    } finally {
      probe.close();
    }
    const model = overviewModel(timeline, DEFAULT_THRESHOLDS, 5 * 60_000)!;
    assert.equal(model.connection, 'overview');
    assert.equal(model.members.length, 3);
    assert.deepEqual(model.members.map((m) => m.name).sort(), ['m1', 'm2', 'm3']);
    const leaders = model.members.filter((m) => m.isLeader);
    assert.equal(leaders.length, 1);
    assert.equal(model.leader, leaders[0].name);
    for (const m of model.members) {
      assert.equal(m.state, 'healthy');
      assert.ok(m.healthMs !== undefined && m.healthMs >= 0);
      assert.equal(m.quota, 256 * 1024 * 1024);
      assert.ok(m.dbSize! > 0 && m.dbSizeInUse! > 0);
      assert.ok(m.raftIndex! > 0 && m.raftTerm! >= 2);
    }
    assert.equal(model.revision, 121);
    assert.equal(model.report.windowSeconds !== null && model.report.windowSeconds > 0, true);
    assert.deepEqual(model.thresholds, DEFAULT_THRESHOLDS);

    const s = model.series;
    assert.equal(s.times.length, 4);
    const writes = s.writesPerSecond[0].values;
    assert.equal(writes[0], null, 'no rate before the second sample');
    for (const w of writes.slice(1)) assert.ok(w! > 0, `${w} writes/s`);
    // 40 writes between samples: the rate times the interval gives them back.
    const dt = (s.times[1] - s.times[0]) / 1000;
    assert.ok(Math.abs(writes[1]! * dt - 40) < 0.5, `${writes[1]} writes/s over ${dt} s`);
    assert.deepEqual(
      s.dbSize.map((x) => x.name),
      ['m1', 'm2', 'm3'],
    );
    for (const line of s.dbSize) assert.ok(line.values.every((v) => v! > 0));
    for (const line of s.walFsyncP99) {
      assert.equal(line.values[0], null);
      assert.ok(
        line.values.slice(1).every((v) => v !== null && v > 0),
        `${line.name}: ${line.values}`,
      );
    }
  });
});

describe('overview charts (SVG strings)', () => {
  const times = [0, 10_000, 20_000, 30_000];

  test('a polyline per run of values, gaps where a value is missing, the latest value in the accessible name', () => {
    const svg = lineChart({
      title: 'WAL fsync p99',
      times,
      series: [
        { name: 'm1', values: [null, 2, 3, 4] },
        { name: 'm<2>', values: [1, null, 5, null] },
      ],
      format: (v) => `${v} ms`,
      threshold: { value: 10, label: '10 ms' },
    });
    assert.equal((svg.match(/<polyline class="series-0" points="[^"]+"\/>/g) ?? []).length, 1);
    assert.equal((svg.match(/<polyline class="series-0" points="([^"]+)"/) ?? [])[1].split(' ').length, 3);
    assert.equal((svg.match(/<circle class="series-1"/g) ?? []).length, 2, 'two lone points');
    assert.match(svg, /role="img" aria-label="WAL fsync p99: latest m1 4 ms, m&lt;2&gt; 5 ms"/);
    assert.match(svg, /<line class="threshold"/);
    assert.match(svg, />−30 s<\/text>/);
    assert.doesNotMatch(svg, /m<2>/, 'names are escaped');
  });

  test('round axis tops and relative times', () => {
    assert.deepEqual([0, 0.7, 3, 7, 11, 420, 1234].map(niceCeiling), [1, 1, 5, 10, 20, 500, 2000]);
    assert.deepEqual([0, 45_000, 600_000].map(relativeTime), ['now', '−45 s', '−10 min']);
    assert.match(lineChart({ title: 'x', times: [], series: [], format: String }), /aria-label="x: no data yet"/);
  });
});

describe('settings', () => {
  test('every doctor threshold is a VS Code setting with the same default and help', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties as Record<string, { default: number; description: string }>;
    for (const name of THRESHOLD_NAMES) {
      const p = props[`etcdStudio.doctor.${name}`];
      assert.ok(p, `etcdStudio.doctor.${name} is contributed`);
      assert.equal(p.default, THRESHOLD_INFO[name].default, name);
      assert.equal(p.description, `${THRESHOLD_INFO[name].help} Unit: ${THRESHOLD_INFO[name].unit}.`);
    }
    const contributed = Object.keys(props).filter((k) => k.startsWith('etcdStudio.doctor.') && k !== 'etcdStudio.doctor.windowMinutes');
    assert.equal(contributed.length, THRESHOLD_NAMES.length);
  });
});
