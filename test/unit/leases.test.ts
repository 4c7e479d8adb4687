import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { grantLease, keepAliveOnce, leaseInfo, listLeases, putWithLease, revokeLease, revokePreview } from '../../src/core/leases';
import { useEtcdConnection } from '../harness/useEtcd';

describe('leases on a real etcd', () => {
  const t = useEtcdConnection('leases');

  test('grant, attach keys, list with TTLs and keys, keep alive once, revoke with the count first', async () => {
    const a = await grantLease(t.conn, 120);
    const b = await grantLease(t.conn, 300);
    assert.match(a.id, /^[0-9a-f]+$/);
    assert.equal(a.ttl, 120);
    await putWithLease(t.conn, '/lease/one', 'x', a.id);
    await putWithLease(t.conn, '/lease/two', 'y', a.id);
    const list = await listLeases(t.conn);
    const la = list.find((l) => l.id === a.id)!;
    assert.deepEqual(la.keyTexts.sort(), ['/lease/one', '/lease/two']);
    assert.equal(la.grantedTtl, 120);
    assert.ok(la.remainingTtl > 100 && la.remainingTtl <= 120);
    assert.deepEqual(list.find((l) => l.id === b.id)!.keys, []);
    assert.equal((await t.raw.get('/lease/one').exec()).kvs[0].lease, BigInt('0x' + a.id).toString());

    const kept = await keepAliveOnce(t.conn, a.id);
    assert.deepEqual(kept, { id: a.id, ttl: 120 });

    assert.deepEqual(await revokePreview(t.conn, a.id), { id: a.id, keys: ['/lease/one', '/lease/two'], count: 2 });
    await revokeLease(t.conn, a.id);
    assert.equal(await t.raw.get('/lease/one').exists(), false);
    assert.equal((await leaseInfo(t.conn, a.id)).remainingTtl, -1);
    await assert.rejects(revokePreview(t.conn, a.id), /does not exist/);
    await assert.rejects(keepAliveOnce(t.conn, a.id), /does not exist/);
    await assert.rejects(putWithLease(t.conn, '/x', 'y', 'zz'), /not a lease id/);
  });

  test('read-only connections refuse lease writes', async () => {
    const ro = await EtcdConnection.open({ name: 'ro', endpoints: t.etcd.endpoints, readOnly: true });
    try {
      await assert.rejects(grantLease(ro, 10), /read-only/);
      await assert.rejects(revokeLease(ro, 'abc'), /read-only/);
    } finally {
      ro.close();
    }
  });
});
