import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { getKey } from '../../src/core/etcd/kv';
import { endpointHealth } from '../../src/core/etcd/endpoints';
import { enableAuth } from '../harness/auth';
import { runCli } from '../harness/cli';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { failure } from '../harness/failure';
import { reissueServerCert } from '../harness/pki';

const quick = { dialTimeoutMs: 2000, requestTimeoutMs: 2000 };

describe('TLS failures users hit (real etcd with --client-cert-auth)', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd({ tls: true });
  });
  after(async () => {
    await etcd?.stop();
  });

  test('a client certificate from another CA is rejected, and the message says which file to use', async () => {
    const pki = etcd.pki!;
    const started = Date.now();
    const err = await failure(
      EtcdConnection.open({
        name: 't',
        endpoints: etcd.endpoints,
        cacert: pki.ca,
        cert: pki.rogueClient.cert,
        key: pki.rogueClient.key,
        ...quick,
      }),
    );
    assert.equal(err.code, 'TlsClientCert', `${err.message} / ${err.detail}`);
    assert.match(err.message, /rejected the client certificate.*signed by the etcd CA/);
    assert.ok(Date.now() - started < 10_000, 'did not hang');
  });

  test('no client certificate at all against --client-cert-auth: told to configure one', async () => {
    const err = await failure(EtcdConnection.open({ name: 't', endpoints: etcd.endpoints, cacert: etcd.pki!.ca, ...quick }));
    assert.equal(err.code, 'TlsClientCert', `${err.message} / ${err.detail}`);
  });

  test('an http:// endpoint against a TLS server fails fast instead of hanging', async () => {
    const started = Date.now();
    const err = await failure(
      EtcdConnection.open({ name: 't', endpoints: etcd.endpoints.map((e) => e.replace('https:', 'http:')), ...quick }),
    );
    assert.ok(['Unavailable', 'Timeout'].includes(err.code), `${err.code}: ${err.message}`);
    assert.ok(Date.now() - started < 10_000);
  });

  test('serverName verifies the certificate against another name (and a wrong one is refused)', async () => {
    const pki = etcd.pki!;
    const ok = await EtcdConnection.open({
      name: 't',
      endpoints: etcd.endpoints,
      cacert: pki.ca,
      cert: pki.healthcheckClient.cert,
      key: pki.healthcheckClient.key,
      serverName: 'localhost',
    });
    ok.close();
    const err = await failure(
      EtcdConnection.open({
        name: 't',
        endpoints: etcd.endpoints,
        cacert: pki.ca,
        cert: pki.healthcheckClient.cert,
        key: pki.healthcheckClient.key,
        serverName: 'etcd.example.com',
        ...quick,
      }),
    );
    assert.equal(err.code, 'TlsServerCert', `${err.message} / ${err.detail}`);
    assert.match(err.message, /is not issued for the name connected to \(it names IP Address:127\.0\.0\.1, DNS:localhost\)\. .*serverName/);
  });

  test('insecureSkipVerify connects without the CA (etcdctl --insecure-skip-tls-verify)', async () => {
    const pki = etcd.pki!;
    const conn = await EtcdConnection.open({
      name: 't',
      endpoints: etcd.endpoints,
      cert: pki.healthcheckClient.cert,
      key: pki.healthcheckClient.key,
      insecureSkipVerify: true,
    });
    try {
      assert.match((await conn.status()).version, /^3\./);
    } finally {
      conn.close();
    }
  });
});

describe('a server certificate that has expired (real etcd, its certificate re-signed while it runs)', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd({ tls: true });
    // etcd reads its certificate files at each handshake: the next connection gets one that expired yesterday.
    reissueServerCert(etcd.pki!, -1);
  });
  after(async () => {
    await etcd?.stop();
  });

  test('connecting says the certificate has expired and how to renew it, and does not hang', async () => {
    const started = Date.now();
    const err = await failure(EtcdConnection.open({ name: 't', endpoints: etcd.endpoints, ...etcd.tls!, ...quick }));
    assert.equal(err.code, 'TlsServerCert', `${err.message} / ${err.detail}`);
    assert.match(
      err.message,
      /^The server certificate of https:\/\/127\.0\.0\.1:\d+ has expired\. Renew it \(on kubeadm: kubeadm certs renew etcd-server\)/,
    );
    assert.ok(Date.now() - started < 10_000, 'did not hang');
  });

  test('the CLI prints the same message and exits 1', async () => {
    const tls = etcd.tls!;
    const r = await runCli([
      'get',
      '/any',
      '--endpoints',
      etcd.endpoints[0],
      '--cacert',
      tls.cacert,
      '--cert',
      tls.cert,
      '--key',
      tls.key,
      '--dial-timeout',
      '2s',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /The server certificate of https:\/\/127\.0\.0\.1:\d+ has expired\. Renew it/);
  });
});

describe('user/password auth and RBAC (real etcd with auth enabled)', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd();
    enableAuth(etcd);
  });
  after(async () => {
    await etcd?.stop();
  });

  test('the right password connects and reads', async () => {
    const conn = await EtcdConnection.open({ name: 'a', endpoints: etcd.endpoints, username: 'alice' }, { password: 'alicepw' });
    try {
      assert.equal((await getKey(conn, Buffer.from('/allowed/a')))?.value.toString(), '1');
    } finally {
      conn.close();
    }
  });

  test('a wrong password is reported as such, at connect time', async () => {
    const err = await failure(
      EtcdConnection.open({ name: 'a', endpoints: etcd.endpoints, username: 'alice', ...quick }, { password: 'nope' }),
    );
    assert.equal(err.code, 'AuthFailed', `${err.message} / ${err.detail}`);
    assert.match(err.message, /rejected the user name or password/);
  });

  test('a missing password is asked for by name', async () => {
    const err = await failure(EtcdConnection.open({ name: 'a', endpoints: etcd.endpoints, username: 'alice' }));
    assert.equal(err.code, 'AuthFailed');
    assert.match(err.message, /needs the password of user "alice"/);
  });

  test('reading outside the granted range says permission denied (RBAC)', async () => {
    const conn = await EtcdConnection.open({ name: 'a', endpoints: etcd.endpoints, username: 'alice' }, { password: 'alicepw' });
    try {
      const err = await failure(getKey(conn, Buffer.from('/secret/b')));
      assert.equal(err.code, 'PermissionDenied');
      assert.match(err.message, /denied this operation for the connected user \(RBAC\)/);
    } finally {
      conn.close();
    }
  });

  test('endpoint health counts "permission denied" as healthy, like etcdctl', async () => {
    const h = await endpointHealth({ name: 'a', endpoints: etcd.endpoints, username: 'alice' }, etcd.endpoints[0], { password: 'alicepw' });
    assert.equal(h.health, true, h.error);
    assert.ok(h.tookMs >= 0);
  });
});

describe('read-only connections', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  test('refuse writes with a message naming the connection; reads work', async () => {
    const conn = await EtcdConnection.open({ name: 'ro', endpoints: etcd.endpoints, readOnly: true });
    try {
      assert.throws(() => conn.assertWritable('put'), /"ro" is read-only: put is not allowed/);
      assert.equal(await getKey(conn, Buffer.from('/nothing')), undefined);
    } finally {
      conn.close();
    }
  });
});
