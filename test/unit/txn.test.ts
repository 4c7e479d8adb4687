import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { del, formatTxnResult, get, put, runTxn, txn } from '../../src/core/txn';
import { useEtcdConnection } from '../harness/useEtcd';

describe('transactions on a real etcd', () => {
  const t = useEtcdConnection('txn');

  test('compare succeeds: then-ops run, each result readable and printed like etcdctl txn', async () => {
    await t.raw.put('/t/a').value('1');
    await t.raw.put('/t/b').value('2');
    const mod = Number((await t.raw.get('/t/a').exec()).kvs[0].mod_revision);
    const r = await txn()
      .when('/t/a', 'mod', '=', mod)
      .when('/t/a', 'value', '=', '1')
      .when('/t/zz', 'version', '=', 0)
      .then(put('/t/a', 'one', { prevKv: true }), get('/t/', { prefix: true }), del('/t/b', { prevKv: true }))
      .else(get('/t/a'))
      .run(t.conn);
    assert.equal(r.succeeded, true);
    assert.deepEqual(
      r.results.map((x) => x.op),
      ['put', 'get', 'delete'],
    );
    const [p, g, d] = r.results;
    assert.equal(p.op === 'put' && p.prevKv?.value.toString(), '1');
    assert.deepEqual(
      g.op === 'get' && g.kvs.map((kv) => `${kv.keyText}=${kv.value}`),
      ['/t/a=one', '/t/b=2'],
      'ops see the earlier ops of the same transaction',
    );
    assert.equal(d.op === 'delete' && d.deleted, 1);
    assert.equal(formatTxnResult(r), 'SUCCESS\n\nOK\n/t/a\n1\n\n/t/a\none\n/t/b\n2\n\n1\n/t/b\n2\n');
  });

  test('compare fails: else-ops run', async () => {
    await t.raw.put('/t/c').value('5');
    const r = await runTxn(t.conn, {
      compare: [
        { key: '/t/c', target: 'version', op: '>', value: 10 },
        { key: '/t/', prefix: true, target: 'create', op: '<', value: 1000000 },
      ],
      success: [del('/t/', { prefix: true })],
      failure: [get('/t/c'), get('/t/', { prefix: true, countOnly: true })],
    });
    assert.equal(r.succeeded, false);
    assert.deepEqual(
      r.results.map((x) => (x.op === 'get' ? [x.count, x.kvs.map((kv) => kv.value.toString())] : x)),
      [
        [1, ['5']],
        [2, []],
      ],
    );
    assert.equal(formatTxnResult(r), 'FAILURE\n\n/t/c\n5\n\n');
    assert.equal(await t.raw.get('/t/c').string(), '5', 'nothing deleted');
  });

  test('read-only connections may run read-only transactions only', async () => {
    const ro = await EtcdConnection.open({ name: 'ro', endpoints: t.etcd.endpoints, readOnly: true });
    try {
      assert.equal((await txn().then(get('/t/c')).run(ro)).succeeded, true);
      await assert.rejects(txn().then(put('/t/c', 'x')).run(ro), /read-only/);
    } finally {
      ro.close();
    }
  });
});
