/**
 * The doctor on a real single-member etcd made to show each space and history problem: writes in the
 * window, history piling up, a DB near its small quota, NOSPACE, fragmentation after delete + compact,
 * and a raised CORRUPT alarm. Each fix the doctor offers is run and the finding goes away.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { DoctorReport, Finding, FixAction, resolveThresholds, runDoctor } from '../../src/core/doctor';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { compact, defragment, disarmAlarms } from '../../src/core/etcd/maintenance';
import { rawClient } from '../harness/rawClient';
import { useEtcdConnection } from '../harness/useEtcd';

const QUOTA = 4 * 1024 * 1024;
// Disk latency is the subject of doctor-cluster.test.ts; large writes on a shared test disk must not mix in here.
const thresholds = resolveThresholds({
  historyRevisionsWarn: 100,
  revisionRateWarn: 20,
  fragmentationMinBytes: 1_000_000,
  walFsyncWarnMs: 5000,
  walFsyncErrorMs: 5000,
  backendCommitWarnMs: 5000,
  backendCommitErrorMs: 5000,
});

const revision = async (raw: Etcd3) => Number((await raw.maintenance.status()).header.revision);
const ids = (r: DoctorReport) => r.findings.map((f) => `${f.severity}:${f.id}`).sort();
const only = (r: DoctorReport, id: string, context = ''): Finding => {
  const f = r.findings.filter((x) => x.id === id);
  assert.equal(f.length, 1, `one ${id} finding in ${JSON.stringify(ids(r))} ${context}`);
  return f[0];
};

async function applyFix(conn: EtcdConnection, fix: FixAction): Promise<void> {
  if (fix.kind === 'compact') await compact(conn, fix.revision);
  else if (fix.kind === 'defragment') await defragment(conn, fix.endpoint);
  else if (fix.kind === 'disarmAlarms') await disarmAlarms(conn);
  else assert.fail(`unexpected fix ${fix.kind}`);
}

describe('doctor: space and history on a real etcd with a 4 MiB quota', () => {
  const t = useEtcdConnection('doctor-space', { extraArgs: ['--quota-backend-bytes', String(QUOTA)] });
  const doctor = (windowMs = 0) => runDoctor(t.conn, { windowMs, thresholds });

  test('a fresh member has nothing to report; every check passes or says why it was skipped', async () => {
    const r = await doctor(1000);
    assert.deepEqual(ids(r), []);
    assert.equal(r.windowSeconds !== null && r.windowSeconds >= 1, true);
    assert.ok(
      r.passed.some(
        (p) =>
          p.id === 'wal-fsync-slow' &&
          /^p99( \(median where under 100 operations\))? at most [\d.]+ ms on 1 member \(warning above 5000 ms\)$/.test(p.detail),
      ),
      JSON.stringify(r.passed),
    );
    assert.deepEqual(
      r.skipped.map((s) => `${s.id}: ${s.reason}`),
      ['cert-expiring: the connection uses no TLS'],
    );
  });

  test('writes during the window show as the revision rate; history since the last compaction is counted', async () => {
    const writing = (async () => {
      for (let i = 0; i < 150; i++) await t.raw.put(`/churn/${i % 10}`).value(String(i));
    })();
    const r = await runDoctor(t.conn, { windowMs: 1500, thresholds });
    await writing;
    const rate = only(r, 'revision-rate');
    assert.equal(rate.severity, 'warning');
    assert.ok(rate.measured! >= 20, `${rate.measured} writes/s`);
    assert.match(rate.message, /^The keyspace takes [\d,]+ writes\/s \(revision [\d,]+ → [\d,]+ in \d s; warning at 20\/s\)\.$/);
    const history = only(r, 'history-uncompacted');
    assert.match(history.message, /revisions of history are kept \(revision [\d,]+, never compacted; warning at 100\)/);
    assert.equal(history.fixes[0].kind, 'compact');
  });

  test('compacting at the offered revision clears the history finding', async () => {
    const fix = only(await doctor(), 'history-uncompacted').fixes[0];
    await applyFix(t.conn, fix);
    const r = await doctor();
    assert.deepEqual(ids(r), []);
    assert.match(
      r.passed.find((p) => p.id === 'history-uncompacted')!.detail,
      /^0 revisions since the last compaction \(last compacted at revision [\d,]+/,
    );
  });

  test('after deleting data and compacting, free pages in a large file are fragmentation; defragmenting the member clears it', async () => {
    for (let i = 0; i < 20; i++) await t.raw.put(`/frag/${i}`).value('x'.repeat(100_000));
    await t.raw.delete().prefix('/frag/');
    await t.raw.kv.compact({ revision: await revision(t.raw) });
    // bbolt counts the freed pages at its next commits; etcd reports "in use" from them.
    let r = await doctor();
    for (let i = 0; i < 50 && !r.findings.some((f) => f.id === 'db-fragmented'); i++) {
      await t.raw.put('/frag-tick').value(String(i));
      await new Promise((res) => setTimeout(res, 120));
      r = await doctor();
    }
    const f = only(r, 'db-fragmented', JSON.stringify(await t.raw.maintenance.status()));
    assert.equal(f.severity, 'warning');
    assert.match(
      f.message,
      /^\d+ % of m1's [\d.]+ MB DB file is free pages \(only [\d.]+ kB in use; warning at 50 % for files of 1\.0 MB or more\)\.$/,
    );
    assert.deepEqual(f.fixes, [{ kind: 'defragment', label: 'Defragment m1', endpoint: t.etcd.endpoints[0] }]);
    await applyFix(t.conn, f.fixes[0]);
    assert.deepEqual(ids(await doctor()), []);
  });

  test('a DB over 80 % of its quota is a warning with the figure and the quota', async () => {
    // 2 MB at once (about half the quota), then one value at a time: the DB size etcd reports moves only when
    // the backend commits (every 100 ms), so each step waits for it.
    let i = 0;
    for (; i < 20; i++) await t.raw.put(`/fill/${i}`).value('x'.repeat(100_000));
    for (let size = 0; size < 0.84 * QUOTA; size = Number((await t.raw.maintenance.status()).dbSize)) {
      await t.raw.put(`/fill/${i++}`).value('x'.repeat(100_000));
      await new Promise((res) => setTimeout(res, 150));
    }
    const f = only(await doctor(), 'db-quota');
    assert.ok(f.measured! >= 80 && f.measured! < 95, `${f.measured} %: ${f.message}`);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /^m1's DB is [\d.]+ MB, \d+ % of its 4\.2 MB quota \(warning at 80 %\); [\d.]+ MB of it is in use\./);
    assert.deepEqual(
      f.fixes.map((x) => x.kind),
      ['compact', 'defragment'],
    );
  });

  test('filling the quota raises NOSPACE: an error with compact, defragment and disarm as the fixes', async () => {
    // A client of its own: etcd3 retries "quota exceeded" and then opens its circuit breaker for a while.
    const filler = rawClient(t.etcd);
    try {
      await assert.rejects(
        (async () => {
          for (let i = 0; i < 100; i++) await filler.put(`/fill/more-${i}`).value('x'.repeat(100_000));
        })(),
        /space|quota/i,
      );
    } finally {
      filler.close();
    }
    const r = await doctor();
    const alarm = only(r, 'alarm-nospace');
    assert.equal(alarm.severity, 'error');
    assert.equal(alarm.member, 'm1');
    assert.deepEqual(
      alarm.fixes.map((x) => x.label),
      [`Compact at revision ${await revision(t.raw)}`, 'Defragment m1', 'Disarm alarms'],
    );
    assert.equal(only(r, 'db-quota').severity, 'error');
  });

  test('after deleting the data, the offered fixes in their order (compact, defragment, disarm) leave nothing to report', async () => {
    await t.raw.delete().prefix('/fill/');
    for (const fix of only(await doctor(), 'alarm-nospace').fixes) await applyFix(t.conn, fix);
    assert.deepEqual((await t.raw.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' })).alarms, []);
    const r = await doctor();
    assert.deepEqual(ids(r), []);
    assert.match(r.passed.find((p) => p.id === 'db-quota')!.detail, /^largest DB at [\d.]+ % of its quota$/);
    await t.raw.put('/writable-again').value('yes');
  });

  test('a raised CORRUPT alarm is an error whose fix compares the members, not disarming', async () => {
    const memberID = (await t.raw.maintenance.status()).header.member_id;
    await t.raw.maintenance.alarm({ action: 'Activate', memberID, alarm: 'Corrupt' });
    try {
      const f = only(await doctor(), 'alarm-corrupt');
      assert.equal(f.severity, 'error');
      assert.match(f.message, /^CORRUPT is raised on m1: /);
      assert.match(f.advice, /^Do not disarm it\./);
      assert.deepEqual(
        f.fixes.map((x) => x.kind),
        ['hashKv'],
      );
    } finally {
      await t.raw.maintenance.alarm({ action: 'Deactivate', memberID, alarm: 'Corrupt' });
    }
    assert.deepEqual(ids(await doctor()), []);
  });
});
