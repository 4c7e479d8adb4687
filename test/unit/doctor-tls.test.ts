/**
 * The doctor over TLS like kubeadm's etcd (client-certificate auth): `/metrics` is read with the
 * connection's CA and client certificate, and the short-lived test certificates (2 days) are reported
 * as expiring, each once, with its file or member. The CLI prints the same findings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DoctorReport, parseThresholdList, resolveThresholds, runDoctor } from '../../src/core/doctor';
import { runCli as cli } from '../harness/cli';
import { EtcdTestCluster } from '../harness/etcd';
import { useEtcdConnection } from '../harness/useEtcd';

// Disk latency on the shared test machine is not the subject here.
const RELAXED_DISK = 'walFsyncWarnMs=5000,walFsyncErrorMs=5000,backendCommitWarnMs=5000,backendCommitErrorMs=5000';

const tlsFlags = (etcd: EtcdTestCluster) => [
  '--endpoints',
  etcd.endpoints[0],
  '--cacert',
  etcd.tls!.cacert,
  '--cert',
  etcd.tls!.cert,
  '--key',
  etcd.tls!.key,
];

describe('doctor over TLS with client certificates', () => {
  const t = useEtcdConnection('doctor-tls', { tls: true });

  const certFindings = (r: DoctorReport) => r.findings.filter((f) => f.id === 'cert-expiring');

  test('metrics are read over TLS; the CA file, the client certificate and the server certificate expire in 2 days: errors, each once', async () => {
    const r = await runDoctor(t.conn, { windowMs: 0, thresholds: resolveThresholds(parseThresholdList(RELAXED_DISK)) });
    assert.ok(!r.findings.some((f) => f.id === 'metrics-unavailable'), JSON.stringify(r.findings));
    assert.ok(r.passed.some((p) => p.id === 'wal-fsync-slow' || p.id === 'db-quota'));
    const certs = certFindings(r);
    assert.deepEqual(
      certs
        .map((f) => `${f.severity} ${f.member ?? 'connection'}: ${f.message.replace(/ \(.*?\) /, ' ').replace(/, on \d{4}-\d\d-\d\d/, '')}`)
        .sort(),
      [
        `error connection: The CA file ${t.etcd.tls!.cacert} expires in 1 day (error within 7 days).`,
        `error connection: The client certificate ${t.etcd.tls!.cert} expires in 1 day (error within 7 days).`,
        'error m1: The server certificate of m1 expires in 1 day (error within 7 days).',
      ].sort(),
    );
    assert.match(certs[0].advice, /kubeadm certs renew/);
  });

  test('with the error limit at 1 day they are warnings; the remaining days are the measured figure', async () => {
    const r = await runDoctor(t.conn, { windowMs: 0, thresholds: resolveThresholds({ certExpiryErrorDays: 1 }) });
    const certs = certFindings(r);
    assert.equal(certs.length, 3);
    for (const f of certs) {
      assert.equal(f.severity, 'warning');
      assert.ok(f.measured! > 1 && f.measured! <= 2, `${f.measured} days`);
      assert.equal(f.unit, 'days');
      assert.equal(f.threshold, 30);
    }
  });

  test('etcd-studio doctor -w json over TLS: an array of findings with id, severity, member and message; exit 1 for the errors', async () => {
    const r = await cli(['doctor', ...tlsFlags(t.etcd), '--window', '0', '-w', 'json', '--thresholds', RELAXED_DISK]);
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as { id: string; severity: string; member: string | null; message: string }[];
    assert.ok(Array.isArray(findings));
    assert.deepEqual(findings.map((f) => `${f.severity}:${f.id}:${f.member}`).sort(), [
      'error:cert-expiring:m1',
      'error:cert-expiring:null',
      'error:cert-expiring:null',
    ]);
    for (const f of findings) assert.match(f.message, /expires in/);
  });

  test('etcd-studio doctor -w table and the default text; with thresholds that accept the certificates it exits 0', async () => {
    const table = await cli(['doctor', ...tlsFlags(t.etcd), '--window', '0', '-w', 'table', '--thresholds', RELAXED_DISK]);
    assert.equal(table.code, 1);
    const lines = table.stdout.split('\n');
    assert.match(lines[0], /^etcd doctor: connection "cli", single sample, \d{4}-/);
    assert.match(lines[2], /^\| SEVERITY \|\s+CHECK\s+\|\s+MEMBER\s+\|\s+MEASURED\s+\|\s+THRESHOLD\s+\|\s+MESSAGE\s+\|$/);
    assert.match(table.stdout, /\| error\s+\| cert-expiring \| m1\s+\| 1\.\d+ days\s+\| 7 days\s+\| The server certificate of m1/);
    assert.ok(
      lines.every((l) => l.length <= 160),
      'messages wrap inside the table',
    );
    // A single sample cannot measure rates: the table says how many checks were skipped.
    assert.match(table.stdout, /^[1-9]\d* errors?, \d+ warnings?, \d+ notes?; \d+ checks passed, [3-9] skipped\.$/m);
    const ok = await cli([
      'doctor',
      ...tlsFlags(t.etcd),
      '--window',
      '1s',
      '--thresholds',
      `certExpiryWarnDays=0,certExpiryErrorDays=0,${RELAXED_DISK}`,
    ]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^ok {6}cert-expiring: 3 certificates, the first expires in 1 day$/m);
    assert.match(ok.stdout, /^0 errors, 0 warnings, 0 notes; \d+ checks passed, 0 skipped\.$/m);
  });

  test('bad flags are refused with the reason and exit 2, before connecting', async () => {
    const bad = await cli(['doctor', '--endpoints', 'http://127.0.0.1:1', '--thresholds', 'fsync=3']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown doctor threshold "fsync"/);
    const format = await cli(['doctor', '--endpoints', 'http://127.0.0.1:1', '-w', 'yaml']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /-w must be simple, json or table, got "yaml"/);
  });
});
