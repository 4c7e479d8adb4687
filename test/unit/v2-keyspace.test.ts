/**
 * The legacy v2 keyspace, read-only: Debian's etcd 3.4 started with --enable-v2 (over TLS with client
 * certificates, like kubeadm's), flannel-like keys written with etcdctl's own v2 API (ETCDCTL_API=2), read
 * through the connection; 3.4 without the flag says it is off; 3.6+ says the v2 store is gone.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdStudioError } from '../../src/core/errors';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { hostPaths } from '../harness/tools';

const FLANNEL_CONFIG = '{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}';
const SUBNET = '{"PublicIP":"192.168.1.10","BackendType":"vxlan","BackendData":{"VtepMAC":"a2:b4:1e:33:10:01"}}';

/** Debian's etcdctl 3.4 speaking the v2 API, as flannel operators use it (argument array, no shell). */
function etcdctlV2(etcd: EtcdTestCluster, args: string[]): string {
  const pki = etcd.pki!;
  return execFileSync(
    hostPaths().etcd['3.4'].etcdctl,
    [
      '--endpoints',
      etcd.endpoints[0],
      '--ca-file',
      pki.ca,
      '--cert-file',
      pki.healthcheckClient.cert,
      '--key-file',
      pki.healthcheckClient.key,
      ...args,
    ],
    { env: { ...process.env, ETCDCTL_API: '2' }, encoding: 'utf8' },
  );
}

describe('v2 keyspace on etcd 3.4 with --enable-v2, over TLS (Debian etcd)', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  before(async () => {
    etcd = await startEtcd({ release: '3.4', tls: true, extraArgs: ['--enable-v2'] });
    etcdctlV2(etcd, ['set', '/coreos.com/network/config', FLANNEL_CONFIG]);
    etcdctlV2(etcd, ['set', '--ttl', '86400', '/coreos.com/network/subnets/10.244.1.0-24', SUBNET]);
    etcdctlV2(etcd, ['set', '/coreos.com/network/subnets/10.244.2.0-24', SUBNET]);
    etcdctlV2(etcd, ['mkdir', '/coreos.com/empty']);
    conn = await EtcdConnection.open({ name: 'v2', endpoints: etcd.endpoints, ...etcd.tls });
  });
  after(async () => {
    conn?.close();
    await etcd?.stop();
  });

  test('flannel keys: directories with sorted children, values and TTLs, as etcdctl v2 ls/get show them', async () => {
    const status = await conn.v2.status();
    assert.equal(status.state, 'enabled');
    const root = (await conn.v2.get('/'))!;
    assert.deepEqual(
      root.nodes!.map((n) => [n.key, n.dir]),
      [['/coreos.com', true]],
    );
    const network = (await conn.v2.get('/coreos.com/network'))!;
    assert.deepEqual(
      network.nodes!.map((n) => [n.key, n.dir]),
      [
        ['/coreos.com/network/config', false],
        ['/coreos.com/network/subnets', true],
      ],
    );
    assert.equal(etcdctlV2(etcd, ['ls', '--sort', '/coreos.com/network']), network.nodes!.map((n) => n.key).join('\n') + '\n');
    const config = (await conn.v2.get('/coreos.com/network/config'))!;
    assert.equal(config.value, FLANNEL_CONFIG);
    assert.equal(etcdctlV2(etcd, ['get', '/coreos.com/network/config']), `${config.value}\n`);
    const subnets = (await conn.v2.get('/coreos.com/network/subnets'))!;
    assert.deepEqual(
      subnets.nodes!.map((n) => n.key),
      ['/coreos.com/network/subnets/10.244.1.0-24', '/coreos.com/network/subnets/10.244.2.0-24'],
    );
    const leased = subnets.nodes![0];
    assert.ok(leased.ttl! > 86000 && leased.ttl! <= 86400, String(leased.ttl));
    assert.match(leased.expiration!, /^\d{4}-\d\d-\d\dT/);
    assert.equal(subnets.nodes![1].ttl, undefined);
    assert.deepEqual((await conn.v2.get('/coreos.com/empty'))!.nodes ?? [], []);
    assert.equal(await conn.v2.get('/coreos.com/nothing'), undefined);
  });

  test('v2 keys are a separate store: the v3 API does not see them', async () => {
    const v3 = await conn.range({ key: Buffer.from('/coreos.com/'), range_end: Buffer.from('/coreos.com0'), count_only: true });
    assert.equal(Number(v3.count), 0);
  });
});

describe('where there is no v2 keyspace', () => {
  test('etcd 3.4 without --enable-v2 says it is off and why', async () => {
    const etcd = await startEtcd({ release: '3.4' });
    const conn = await EtcdConnection.open({ name: 'no-v2', endpoints: etcd.endpoints });
    try {
      const s = await conn.v2.status();
      assert.deepEqual(s, {
        state: 'disabled',
        reason: 'the member runs without --enable-v2, so it has no v2 keyspace (v3 keys are unaffected)',
      });
    } finally {
      conn.close();
      await etcd.stop();
    }
  });

  test('etcd 3.6+ refuses with a clear line: the v2 store is gone', async () => {
    const etcd = await startEtcd({ release: '3.6' });
    const conn = await EtcdConnection.open({ name: 'v36', endpoints: etcd.endpoints });
    try {
      const err = await conn.v2.status().then(
        () => assert.fail('3.6 has no v2 keyspace'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof EtcdStudioError);
      assert.equal(err.code, 'Unsupported');
      assert.match(
        err.message,
        /^etcd 3\.6\.\d+ has no v2 keyspace \(v2 API, ETCDCTL_API=2\): etcd 3\.6 removed it\. Etcd 3\.6 dropped the v2 store/,
      );
    } finally {
      conn.close();
      await etcd.stop();
    }
  });
});
