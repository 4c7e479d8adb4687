import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { putIfUnchanged } from '../../src/core/etcd/kv';
import { EtcdStudioError } from '../../src/core/errors';
import { formatSnapshotStatus, saveSnapshot, snapshotStatus } from '../../src/core/snapshot';
import { releaseSnapshotStatus } from '../harness/tools';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { freePorts } from '../harness/etcd';

async function rejectsWith(p: Promise<unknown>, code: string, text: RegExp): Promise<EtcdStudioError> {
  const err = await p.then(
    () => assert.fail('expected the connection to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EtcdStudioError, `expected an EtcdStudioError, got ${String(err)}`);
  assert.equal(err.code, code, `code of "${err.message}" (detail: ${err.detail})`);
  assert.match(err.message, text);
  return err;
}

describe('connection to a plain etcd', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  test('status shows the header fields etcdctl -w json shows', async () => {
    const conn = await EtcdConnection.open({ name: 'plain', endpoints: etcd.endpoints });
    try {
      await conn.write('put', { op: 'put', request: { key: Buffer.from('/registry/pods/default/web'), value: Buffer.from('x') } });
      const s = await conn.status();
      assert.match(s.clusterId, /^[0-9a-f]+$/);
      assert.equal(s.memberId, s.leader, 'a single member leads itself');
      assert.ok(s.revision >= 2, `revision ${s.revision}`);
      assert.ok(s.raftTerm >= 1);
      assert.match(s.version, /^3\.\d+\.\d+/);
      assert.ok(s.dbSize > 0);
    } finally {
      conn.close();
    }
  });

  test('an endpoint without a port is refused with a hint', async () => {
    await rejectsWith(EtcdConnection.open({ name: 'x', endpoints: ['http://127.0.0.1'] }), 'InvalidArgument', /has no port/);
  });
});

describe('connection errors', () => {
  test('an unreachable endpoint fails within the dial timeout with an actionable message', async () => {
    const [port] = await freePorts(1);
    const started = Date.now();
    await rejectsWith(
      EtcdConnection.open({ name: 'down', endpoints: [`http://127.0.0.1:${port}`], dialTimeoutMs: 1000, requestTimeoutMs: 1000 }),
      'Unavailable',
      /Cannot reach etcd at http:\/\/127\.0\.0\.1:\d+/,
    );
    assert.ok(Date.now() - started < 15_000, 'did not hang');
  });
});

describe('connection to a TLS etcd with client-certificate auth (kubeadm-style)', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd({ tls: true });
  });
  after(async () => {
    await etcd?.stop();
  });

  /** kubeadm's pair: the etcd CA and kube-apiserver's client certificate. */
  const openWithApiserverCert = () =>
    EtcdConnection.open({
      name: 'tls',
      endpoints: etcd.endpoints,
      cacert: etcd.pki!.ca,
      cert: etcd.pki!.apiserverClient.cert,
      key: etcd.pki!.apiserverClient.key,
    });

  test('connects with ca.crt and apiserver-etcd-client.crt', async () => {
    const conn = await openWithApiserverCert();
    try {
      const s = await conn.status();
      assert.match(s.version, /^3\./);
    } finally {
      conn.close();
    }
  });

  test('a snapshot saves over TLS (its own channel keeps the CA and client certificate) and equals the release tool', async () => {
    const conn = await openWithApiserverCert();
    const dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-tls-snap-'));
    try {
      assert.equal((await putIfUnchanged(conn, Buffer.from('/tls/key'), Buffer.from('over tls'), 0)).ok, true);
      const file = path.join(dir, 'tls.db');
      const saved = await saveSnapshot(conn, file);
      assert.equal(saved.revision, (await conn.status()).revision);
      assert.equal(formatSnapshotStatus(await snapshotStatus(file), 'json'), releaseSnapshotStatus(file));
    } finally {
      conn.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a server certificate from an unknown CA is rejected, naming --cacert', async () => {
    const pki = etcd.pki!;
    await rejectsWith(
      EtcdConnection.open({
        name: 'tls',
        endpoints: etcd.endpoints,
        cacert: pki.rogueCa,
        cert: pki.apiserverClient.cert,
        key: pki.apiserverClient.key,
        dialTimeoutMs: 2000,
        requestTimeoutMs: 2000,
      }),
      'TlsUnknownCa',
      /not signed by the configured CA/,
    );
  });

  test('a missing CA file is named in the message', async () => {
    await rejectsWith(
      EtcdConnection.open({ name: 'tls', endpoints: etcd.endpoints, cacert: '/nonexistent/ca.crt' }),
      'InvalidArgument',
      /CA file \/nonexistent\/ca\.crt does not exist/,
    );
  });
});
