/**
 * The doctor reads the real `/metrics` page of the etcd release under test (3.4, 3.6 or 3.7) and
 * finds every figure it needs under that release's names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EtcdStudioError } from '../../src/core/errors';
import { MetricsScraper } from '../../src/core/doctor/fetchMetrics';
import { histogramDelta, histogramQuantile } from '../../src/core/doctor/histogram';
import { memberMetricsFromText } from '../../src/core/doctor/memberMetrics';
import { parsePrometheusText } from '../../src/core/doctor/prometheus';
import { parseThresholdList, resolveThresholds, DEFAULT_THRESHOLDS } from '../../src/core/doctor';
import { useEtcdConnection } from '../harness/useEtcd';
import { etcdTarget } from '../harness/tools';

describe('a member’s /metrics on the etcd release under test', () => {
  const t = useEtcdConnection('metrics', { extraArgs: ['--quota-backend-bytes', String(64 * 1024 * 1024)] });

  async function scrape() {
    const s = new MetricsScraper(t.conn.profile, t.etcd.endpoints[0]);
    try {
      return await s.scrape();
    } finally {
      s.close();
    }
  }

  test('every figure the doctor needs is found, under this release’s metric names', async () => {
    for (let i = 0; i < 20; i++) await t.raw.put(`/m/${i}`).value('v');
    const m = memberMetricsFromText((await scrape()).text);
    const target = etcdTarget();
    assert.equal(m.serverVersion, target.version);
    assert.equal(m.clusterVersion, target.minor);
    assert.equal(m.hasLeader, true);
    assert.equal(m.isLeader, true);
    assert.equal(m.quotaBytes, 64 * 1024 * 1024, 'the --quota-backend-bytes we started it with');
    assert.equal(m.currentRevision, 21);
    assert.equal(m.compactRevision, -1, 'never compacted');
    assert.ok(m.dbSize! > 0 && m.dbSizeInUse! > 0 && m.dbSizeInUse! <= m.dbSize!, `${m.dbSizeInUse} of ${m.dbSize}`);
    assert.equal(m.proposalsFailed, 0);
    assert.equal(m.proposalsPending, 0);
    assert.ok(m.leaderChanges! >= 1, 'its own first election');
    assert.ok(m.proposalsCommitted! >= 20 && m.proposalsApplied! >= 20);
    assert.ok(m.walFsync!.count >= 20, `${m.walFsync!.count} WAL fsyncs after 20 writes`);
    assert.ok(m.backendCommit!.count >= 1);
    assert.equal(m.walFsync!.buckets.at(-1)!.le, Infinity);
    // etcd 3.6 added the time of the last compaction; 3.4 does not export it.
    if (target.minor === '3.4') assert.equal(m.lastCompactionUnix, undefined);
    else assert.equal(m.lastCompactionUnix, 0);
  });

  test('WAL fsync p99 from the real histogram lies inside its bucket; the window after 5 more writes counts exactly those', async () => {
    const before = memberMetricsFromText((await scrape()).text).walFsync!;
    for (let i = 0; i < 5; i++) await t.raw.put(`/w/${i}`).value('v');
    const after = memberMetricsFromText((await scrape()).text).walFsync!;
    const win = histogramDelta(after, before);
    assert.ok(win.count >= 5, `${win.count} fsyncs for 5 writes`);
    const p99 = histogramQuantile(win, 0.99)!;
    const bucket = win.buckets.find((b) => b.count >= 0.99 * win.count)!;
    assert.ok(p99 > 0 && p99 <= bucket.le, `p99 ${p99} s within its bucket (le ${bucket.le})`);
    assert.equal(histogramQuantile({ ...win, buckets: win.buckets.map((b) => ({ ...b, count: 0 })), count: 0 }, 0.99), undefined);
  });

  test('a member that restarted (counters smaller than before) gives its new counters as the window', async () => {
    const now = memberMetricsFromText((await scrape()).text).walFsync!;
    const bigger = { ...now, count: now.count + 100, buckets: now.buckets.map((b) => ({ ...b, count: b.count + 100 })) };
    assert.deepEqual(histogramDelta(now, bigger), now);
  });

  test('labels with escaped quotes and +Inf values parse like Prometheus reads them', () => {
    const f = parsePrometheusText('# HELP x y\nx{a="q\\"uote",b="c,d"} +Inf\ny 2 1700000000\nbroken{a="x" 1\n');
    assert.deepEqual(f.get('x'), [{ labels: { a: 'q"uote', b: 'c,d' }, value: Infinity }]);
    assert.deepEqual(f.get('y'), [{ labels: {}, value: 2 }]);
    assert.equal(f.has('broken'), false);
  });

  test('an unreachable /metrics is an Unavailable error naming the URL', async () => {
    const s = new MetricsScraper({ name: 'x', endpoints: ['http://127.0.0.1:1'] }, 'http://127.0.0.1:1');
    await assert.rejects(
      s.scrape(),
      (e: unknown) => e instanceof EtcdStudioError && e.code === 'Unavailable' && /127\.0\.0\.1:1\/metrics/.test(e.message),
    );
    s.close();
  });
});

describe('doctor thresholds', () => {
  test('defaults follow etcd’s guidance; overrides come from a name=value list', () => {
    assert.equal(DEFAULT_THRESHOLDS.walFsyncWarnMs, 10);
    assert.equal(DEFAULT_THRESHOLDS.backendCommitWarnMs, 25);
    const t = resolveThresholds(parseThresholdList('walFsyncWarnMs=20, dbQuotaWarnPercent=70'));
    assert.equal(t.walFsyncWarnMs, 20);
    assert.equal(t.dbQuotaWarnPercent, 70);
    assert.equal(t.backendCommitWarnMs, 25);
  });

  test('an unknown name or a bad value is refused by name', () => {
    assert.throws(() => resolveThresholds({ walFsync: 3 }), /Unknown doctor threshold "walFsync". Known: walFsyncWarnMs/);
    assert.throws(() => resolveThresholds({ walFsyncWarnMs: 'fast' }), /walFsyncWarnMs must be a number ≥ 0 \(ms\), got "fast"/);
    assert.throws(() => parseThresholdList('walFsyncWarnMs'), /name=value pairs/);
  });
});
