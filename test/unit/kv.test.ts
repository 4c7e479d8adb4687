import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { keyHistory } from '../../src/core/etcd/history';
import { countPrefix, deleteIfUnchanged, deletePrefix, getKey, putIfUnchanged, renameKey } from '../../src/core/etcd/kv';
import { useEtcdConnection } from '../harness/useEtcd';

describe('safe key operations on a real etcd', () => {
  const t = useEtcdConnection('kv');
  const b = (s: string) => Buffer.from(s);

  test('compare-and-swap: a save based on a stale read writes nothing and returns the current value', async () => {
    assert.deepEqual(await putIfUnchanged(t.conn, b('/cas/a'), b('v1'), 0), {
      ok: true,
      revision: (await getKey(t.conn, b('/cas/a')))!.modRevision,
    });
    const read = (await getKey(t.conn, b('/cas/a')))!;
    await t.raw.put('/cas/a').value('someone else');
    const r = await putIfUnchanged(t.conn, b('/cas/a'), b('mine'), read.modRevision);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.current?.value.toString(), 'someone else');
    assert.equal(await t.raw.get('/cas/a').string(), 'someone else');
    const fresh = (await getKey(t.conn, b('/cas/a')))!;
    assert.equal((await putIfUnchanged(t.conn, b('/cas/a'), b('mine'), fresh.modRevision)).ok, true);
    assert.equal(await t.raw.get('/cas/a').string(), 'mine');
  });

  test('creating (expected revision 0) fails when the key exists', async () => {
    const r = await putIfUnchanged(t.conn, b('/cas/a'), b('x'), 0);
    assert.equal(r.ok, false);
  });

  test('a value over the request limit is refused before sending, with the sizes', async () => {
    await assert.rejects(
      putIfUnchanged(t.conn, b('/big'), Buffer.alloc(2 * 1024 * 1024), 0),
      /2,097,152 bytes.*exceeds etcd's request limit of 1,572,864 bytes.*Nothing was written/,
    );
    assert.equal(await t.raw.get('/big').exists(), false);
  });

  test('delete prefix removes exactly the counted keys, and refuses when a key changed after the count', async () => {
    for (let i = 0; i < 7; i++) await t.raw.put(`/del/k${i}`).value('x');
    await t.raw.put('/del-sibling').value('keep');
    const { count, revision } = await countPrefix(t.conn, b('/del/'));
    assert.equal(count, 7);
    await t.raw.put('/del/k8').value('late');
    assert.deepEqual(await deletePrefix(t.conn, b('/del/'), revision), { ok: false, deleted: 0 });
    assert.equal((await countPrefix(t.conn, b('/del/'))).count, 8, 'nothing deleted');
    const again = await countPrefix(t.conn, b('/del/'));
    assert.deepEqual(await deletePrefix(t.conn, b('/del/'), again.revision), { ok: true, deleted: 8 });
    assert.equal(await t.raw.get('/del-sibling').string(), 'keep');
  });

  test('rename moves a key in one transaction and refuses an existing target', async () => {
    await t.raw.put('/mv/src').value('payload');
    await t.raw.put('/mv/taken').value('other');
    const src = (await getKey(t.conn, b('/mv/src')))!;
    assert.deepEqual(await renameKey(t.conn, b('/mv/src'), b('/mv/taken'), src.modRevision), {
      ok: false,
      reason: 'The target key exists already; nothing was moved.',
    });
    const r = await renameKey(t.conn, b('/mv/src'), b('/mv/dst'), src.modRevision);
    assert.equal(r.ok, true);
    assert.equal(await t.raw.get('/mv/src').exists(), false);
    assert.equal(await t.raw.get('/mv/dst').string(), 'payload');
  });

  test('delete with compare-and-swap', async () => {
    await t.raw.put('/d/x').value('1');
    const x = (await getKey(t.conn, b('/d/x')))!;
    await t.raw.put('/d/x').value('2');
    assert.equal((await deleteIfUnchanged(t.conn, b('/d/x'), x.modRevision)).ok, false);
    const y = (await getKey(t.conn, b('/d/x')))!;
    assert.equal((await deleteIfUnchanged(t.conn, b('/d/x'), y.modRevision)).ok, true);
  });

  test('history lists earlier revisions newest first, and says where compaction cut it', async () => {
    for (const v of ['one', 'two', 'three', 'four']) await t.raw.put('/h/k').value(v);
    const h = await keyHistory(t.conn, b('/h/k'));
    assert.deepEqual(
      h.revisions.map((r) => r.value.toString()),
      ['four', 'three', 'two', 'one'],
    );
    assert.deepEqual(
      h.revisions.map((r) => r.version),
      [4, 3, 2, 1],
    );
    assert.equal(h.compactedBefore, undefined);
    await t.raw.kv.compact({ revision: h.revisions[1].modRevision });
    const c = await keyHistory(t.conn, b('/h/k'));
    assert.deepEqual(
      c.revisions.map((r) => r.value.toString()),
      ['four', 'three'],
    );
    assert.equal(c.compactedBefore, h.revisions[1].modRevision);
  });

  test('read-only connections refuse every write', async () => {
    const ro = await EtcdConnection.open({ name: 'ro', endpoints: t.etcd.endpoints, readOnly: true });
    try {
      await assert.rejects(putIfUnchanged(ro, b('/ro'), b('x'), 0), /read-only/);
      await assert.rejects(deletePrefix(ro, b('/cas/'), 1), /read-only/);
      assert.equal(await t.raw.get('/ro').exists(), false);
    } finally {
      ro.close();
    }
  });
});
