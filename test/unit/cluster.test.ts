import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { getKey, putIfUnchanged } from '../../src/core/etcd/kv';
import { listMembers } from '../../src/core/etcd/members';
import { listChildren } from '../../src/core/keytree/listChildren';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';

describe('a real 3-member Raft cluster', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd({ members: 3 });
  });
  after(async () => {
    await etcd?.stop();
  });

  test('member list shows three started voting members with their URLs', async () => {
    const conn = await EtcdConnection.open({ name: 'c3', endpoints: etcd.endpoints });
    try {
      const members = await listMembers(conn);
      assert.deepEqual(members.map((m) => m.name).sort(), ['m1', 'm2', 'm3']);
      for (const m of members) {
        assert.match(m.id, /^[0-9a-f]+$/);
        assert.equal(m.status, 'started');
        assert.equal(m.isLearner, false);
        assert.ok(etcd.endpoints.includes(m.clientUrls[0]), `${m.clientUrls[0]} is one of the endpoints`);
      }
    } finally {
      conn.close();
    }
  });

  test('after the leader is killed, a connection over all endpoints still answers with a new leader', async () => {
    const conn = await EtcdConnection.open({ name: 'c3', endpoints: etcd.endpoints });
    const before = await conn.status();
    const members = await listMembers(conn);
    conn.close();
    const leaderIndex = etcd.members.findIndex((m) => m.name === members.find((x) => x.id === before.leader)?.name);
    assert.ok(leaderIndex >= 0, 'found the leader process');
    await etcd.kill(leaderIndex);

    const again = await EtcdConnection.open({ name: 'c3', endpoints: etcd.endpoints, dialTimeoutMs: 2000, requestTimeoutMs: 2000 });
    try {
      let after = await again.status().catch(() => undefined);
      for (let i = 0; i < 50 && (!after || after.leader === before.leader || after.leader === '0'); i++) {
        await new Promise((r) => setTimeout(r, 200));
        after = await again.status().catch(() => undefined);
      }
      assert.ok(after, 'status answered');
      assert.notEqual(after.leader, before.leader, 'a new leader was elected');
      assert.ok(after.raftTerm > before.raftTerm, 'the raft term moved on');
      await putIfUnchanged(again, Buffer.from('/after-failover'), Buffer.from('ok'), 0);
      assert.equal((await getKey(again, Buffer.from('/after-failover')))?.value.toString(), 'ok');
      // The tree keeps listing (same code path as the Keys node) through the surviving members.
      const listing = await listChildren(again, Buffer.from('/'), { limit: 100 });
      assert.deepEqual(
        listing.children.map((c) => c.segment),
        ['after-failover'],
      );
    } finally {
      again.close();
    }
    // Kill one more: quorum is lost, and the survivor still lists every member (from its own view).
    const survivor = etcd.members.findIndex((m, i) => i !== leaderIndex && m.process.exitCode === null && m.process.signalCode === null);
    await etcd.kill(etcd.members.findIndex((m, i) => i !== leaderIndex && i !== survivor));
    const lone = await EtcdConnection.open({ name: 'c1', endpoints: [etcd.members[survivor].clientUrl], requestTimeoutMs: 1500 });
    try {
      assert.deepEqual((await listMembers(lone)).map((m) => m.name).sort(), ['m1', 'm2', 'm3']);
    } finally {
      lone.close();
    }
  });
});
