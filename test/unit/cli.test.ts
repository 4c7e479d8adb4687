import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../harness/cli';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { etcdToolEnv, etcdVersionPattern } from '../harness/tools';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, '', env);

describe('etcd-studio CLI (the built dist/cli.js)', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd({ tls: true });
  });
  after(async () => {
    await etcd?.stop();
  });

  test("status, members and health over TLS with etcdctl flag names print what this release's etcdctl prints", async () => {
    const pki = etcd.pki!;
    const tls = [
      '--endpoints',
      etcd.endpoints[0],
      '--cacert',
      pki.ca,
      '--cert',
      pki.healthcheckClient.cert,
      '--key',
      pki.healthcheckClient.key,
    ];
    const etcdctl = (args: string[]) => execFileSync('etcdctl', [...tls, ...args], { encoding: 'utf8', env: etcdToolEnv() });
    for (const w of ['simple', 'json', 'table']) {
      const status = await cli(['status', ...tls, '-w', w]);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(status.stdout, etcdctl(['endpoint', 'status', '-w', w]), `status -w ${w}`);
      const members = await cli(['members', ...tls, '-w', w]);
      assert.equal(members.stdout, etcdctl(['member', 'list', '-w', w]), `members -w ${w}`);
    }
    // Health differs only in the time each check took (etcdctl 3.4 writes it to stderr, later releases to stdout).
    const took = (s: string) => s.replace(/took = [\d.]+(ms|µs|s)/, 'took = T');
    const theirs = spawnSync('etcdctl', [...tls, 'endpoint', 'health'], { encoding: 'utf8', env: etcdToolEnv() });
    const ours = await cli(['health', ...tls]);
    assert.equal(took(ours.stdout), took(theirs.stdout));
    assert.equal(
      took(ours.stderr),
      took(
        theirs.stderr
          .split('\n')
          .filter((l) => !l.includes('"level"'))
          .join('\n'),
      ),
    );
    assert.match((await cli(['status', ...tls])).stdout, new RegExp(`, ${etcdVersionPattern()}, `));
  });

  test('status -w json reads ETCDCTL_* variables like etcdctl', async () => {
    const pki = etcd.pki!;
    const r = await cli(['status', '-w', 'json'], {
      ETCDCTL_ENDPOINTS: etcd.endpoints[0],
      ETCDCTL_CACERT: pki.ca,
      ETCDCTL_CERT: pki.apiserverClient.cert,
      ETCDCTL_KEY: pki.apiserverClient.key,
    });
    assert.equal(r.code, 0, r.stderr);
    // uint64 ids do not fit a JS number: read them as text.
    const [row] = JSON.parse(r.stdout.replace(/:(\d{16,})/g, ':"$1"'));
    assert.equal(row.Endpoint, etcd.endpoints[0]);
    assert.match(row.Status.version, new RegExp(`^${etcdVersionPattern()}$`));
    assert.equal(row.Status.leader, row.Status.header.member_id);
  });

  test('a wrong CA exits 1 with the reason on stderr and nothing on stdout', async () => {
    const pki = etcd.pki!;
    const r = await cli([
      'status',
      '--endpoints',
      etcd.endpoints[0],
      '--cacert',
      pki.rogueCa,
      '--cert',
      pki.healthcheckClient.cert,
      '--key',
      pki.healthcheckClient.key,
      '--dial-timeout',
      '2s',
      '--command-timeout',
      '2s',
    ]);
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

describe('etcd-studio get / put on Kubernetes values', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd();
    const { EtcdConnection } = await import('../../src/core/etcd/connection');
    const { sampleKeyspace, writeEntries } = await import('../../src/core/demo/sampleKeyspace');
    const conn = await EtcdConnection.open({ name: 'seed', endpoints: etcd.endpoints });
    await writeEntries(conn, sampleKeyspace());
    conn.close();
  });
  after(async () => {
    await etcd?.stop();
  });

  test('get prints a stored protobuf Namespace as kubectl-style YAML; put writes an edit back as protobuf with CAS', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const e = ['--endpoints', etcd.endpoints[0]];
    const got = await cli(['get', '/registry/namespaces/shop', ...e]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /^apiVersion: v1\nkind: Namespace\nmetadata:\n/);
    const rev = Number(/mod_revision=(\d+)/.exec(got.stderr)![1]);
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-put-'));
    try {
      const edited = path.join(dir, 'ns.yaml');
      writeFileSync(
        edited,
        got.stdout.replace('kubernetes.io/metadata.name: shop', 'kubernetes.io/metadata.name: shop\n    team: payments'),
      );
      const stale = await cli(['put', '/registry/namespaces/shop', '-f', edited, '--rev', String(rev - 1), ...e]);
      assert.equal(stale.code, 1);
      assert.match(stale.stderr, /not written: \/registry\/namespaces\/shop is at revision \d+, not \d+/);
      const ok = await cli(['put', '/registry/namespaces/shop', '-f', edited, '--rev', String(rev), ...e]);
      assert.equal(ok.code, 0, ok.stderr);
      const raw = await cli(['get', '/registry/namespaces/shop', '-o', 'json', ...e]);
      assert.equal(JSON.parse(raw.stdout).metadata.labels.team, 'payments');
      const bad = path.join(dir, 'bad.yaml');
      writeFileSync(bad, got.stdout.replace('kind: Namespace', 'kind: Pod'));
      const refused = await cli(['put', '/registry/namespaces/shop', '-f', bad, ...e]);
      assert.equal(refused.code, 2, 'bad input exits 2');
      assert.match(refused.stderr, /kind/);
      const after = await cli(['get', '/registry/namespaces/shop', '-o', 'json', ...e]);
      assert.equal(JSON.parse(after.stdout).kind, 'Namespace', 'nothing was written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
