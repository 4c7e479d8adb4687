import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { repoRoot } from '../harness/tools';

const run = promisify(execFile);
const CLI = path.join(repoRoot(), 'dist', 'cli.js');

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('etcd-studio CLI (the built dist/cli.js)', () => {
  let etcd: EtcdTestCluster;
  before(async () => { etcd = await startEtcd({ tls: true }); });
  after(async () => { await etcd?.stop(); });

  test('status -w table over TLS with etcdctl flag names', async () => {
    const pki = etcd.pki!;
    const r = await cli(['status', '--endpoints', etcd.endpoints[0], '--cacert', pki.ca, '--cert', pki.healthcheckClient.cert, '--key', pki.healthcheckClient.key, '-w', 'table']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[1], /\|\s+ENDPOINT\s+\|\s+ID\s+\|\s+VERSION\s+\|\s+DB SIZE\s+\|/);
    assert.match(lines[3], new RegExp(`\\| ${etcd.endpoints[0].replace(/[.:/]/g, '\\$&')} \\| [0-9a-f]+ \\| 3\\.4\\.\\d+ +\\| [\\d.]+ kB \\|.*\\| true +\\| false +\\|`));
  });

  test('status -w json reads ETCDCTL_* variables like etcdctl', async () => {
    const pki = etcd.pki!;
    const r = await cli(['status', '-w', 'json'], { ETCDCTL_ENDPOINTS: etcd.endpoints[0], ETCDCTL_CACERT: pki.ca, ETCDCTL_CERT: pki.apiserverClient.cert, ETCDCTL_KEY: pki.apiserverClient.key });
    assert.equal(r.code, 0, r.stderr);
    const [row] = JSON.parse(r.stdout);
    assert.equal(row.endpoint, etcd.endpoints[0]);
    assert.match(row.version, /^3\.4\./);
    assert.equal(row.leader, row.memberId);
  });

  test('a wrong CA exits 1 with the reason on stderr and nothing on stdout', async () => {
    const pki = etcd.pki!;
    const r = await cli(['status', '--endpoints', etcd.endpoints[0], '--cacert', pki.rogueCa, '--cert', pki.healthcheckClient.cert, '--key', pki.healthcheckClient.key, '--dial-timeout', '2s', '--command-timeout', '2s']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /not signed by the configured CA/);
  });

  test('an unknown command exits 2 and points to help', async () => {
    const r = await cli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"\. Run "etcd-studio help"/);
  });
});
