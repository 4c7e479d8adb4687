import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { etcdctlCommand } from '../../src/core/etcd/etcdctlCommand';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { putIfUnchanged } from '../../src/core/etcd/kv';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';

describe('"Copy as etcdctl command"', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd({ tls: true });
  });
  after(async () => {
    await etcd?.stop();
  });

  test('includes endpoints and TLS flags, never a password', () => {
    const cmd = etcdctlCommand(
      {
        name: 'p',
        endpoints: ['https://10.0.0.1:2379'],
        cacert: '/etc/kubernetes/pki/etcd/ca.crt',
        cert: '/c.crt',
        key: '/c.key',
        username: 'root',
      },
      ['get', '--prefix', '--keys-only'],
      Buffer.from('/registry/pods/'),
    );
    assert.equal(
      cmd,
      'ETCDCTL_API=3 etcdctl --endpoints=https://10.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/c.crt --key=/c.key --user=root get --prefix --keys-only /registry/pods/',
    );
  });

  test('the copied command really works in bash against the cluster, also for a binary key', async () => {
    const pki = etcd.pki!;
    const profile = {
      name: 't',
      endpoints: etcd.endpoints,
      cacert: pki.ca,
      cert: pki.healthcheckClient.cert,
      key: pki.healthcheckClient.key,
    };
    const key = Buffer.from([0x2f, 0x62, 0x69, 0x6e, 0x01, 0xff, 0x27, 0x20, 0x5c]);
    const conn = await EtcdConnection.open(profile);
    await putIfUnchanged(conn, key, Buffer.from('binary-value'), 0);
    conn.close();
    // Running the user's copied text in a shell is the point of this test.
    const out = execFileSync('bash', ['-c', etcdctlCommand(profile, ['get', '--print-value-only'], key)], { encoding: 'utf8' });
    assert.equal(out.trim(), 'binary-value');
  });

  test('a key with a NUL byte is refused with the reason (no argv can carry it)', () => {
    assert.throws(
      () => etcdctlCommand({ name: 'p', endpoints: ['http://127.0.0.1:2379'] }, ['get'], Buffer.from([0x2f, 0x00])),
      /contains a NUL byte/,
    );
  });
});
