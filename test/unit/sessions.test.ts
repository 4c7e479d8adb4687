/**
 * Open connections follow their profiles: a profile changed by any means (settings.json, a command,
 * settings sync) is used from the next request on, and the connection opened with the old one is closed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getKey, putIfUnchanged } from '../../src/core/etcd/kv';
import { ConnectionProfile } from '../../src/core/etcd/profile';
import { CloseReason, Sessions } from '../../src/core/etcd/sessions';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';

describe('sessions follow profile changes (real etcd)', () => {
  let etcd: EtcdTestCluster;
  const profiles = new Map<string, ConnectionProfile>();
  let sessions: Sessions;
  const closed: [string, CloseReason][] = [];
  before(async () => {
    etcd = await startEtcd();
    sessions = new Sessions(
      (n) => profiles.get(n),
      async () => undefined,
    );
    sessions.onDidClose((name, reason) => closed.push([name, reason]));
  });
  after(async () => {
    sessions?.disposeAll();
    await etcd?.stop();
  });

  test('a profile turned read-only refuses the next write; the old connection is closed', async () => {
    profiles.set('dev', { name: 'dev', endpoints: etcd.endpoints });
    const first = await sessions.get('dev');
    assert.equal(await sessions.get('dev'), first, 'unchanged profile: the same connection');
    assert.equal((await putIfUnchanged(first, Buffer.from('/s/k'), Buffer.from('1'), 0)).ok, true);

    // The user adds "readOnly": true in settings.json; the same fields in another order change nothing else.
    profiles.set('dev', { readOnly: true, endpoints: etcd.endpoints, name: 'dev' });
    const second = await sessions.get('dev');
    assert.notEqual(second, first, 'a new connection for the new settings');
    assert.deepEqual(closed, [['dev', 'changed']]);
    await assert.rejects(putIfUnchanged(second, Buffer.from('/s/k'), Buffer.from('2'), 0), /"dev" is read-only/);
    await assert.rejects(getKey(first, Buffer.from('/s/k')), 'the old connection is closed');
    assert.equal((await getKey(second, Buffer.from('/s/k')))?.value.toString(), '1', 'nothing was written');
    // Field order alone is no change.
    profiles.set('dev', { name: 'dev', endpoints: etcd.endpoints, readOnly: true });
    assert.equal(await sessions.get('dev'), second);
  });

  test('sync closes connections whose profile changed or was removed, and leaves the others', async () => {
    closed.length = 0;
    profiles.set('a', { name: 'a', endpoints: etcd.endpoints });
    profiles.set('b', { name: 'b', endpoints: etcd.endpoints });
    const a = await sessions.get('a');
    await sessions.get('b');
    profiles.set('a', { name: 'a', endpoints: etcd.endpoints, requestTimeoutMs: 9000 });
    profiles.delete('b');
    sessions.sync();
    assert.deepEqual(closed.sort(), [
      ['a', 'changed'],
      ['b', 'removed'],
    ]);
    assert.equal(sessions.isConnected('a'), false);
    assert.equal(sessions.isConnected('dev'), true, 'unchanged profiles keep their connection');
    await assert.rejects(getKey(a, Buffer.from('/s/k')));
    assert.notEqual(await sessions.get('a'), a);
    await assert.rejects(sessions.get('b'), /There is no connection named "b"/);
  });
});
