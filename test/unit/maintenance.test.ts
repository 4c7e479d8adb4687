import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { after, before, describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import {
  addMember,
  compact,
  defragment,
  disarmAlarms,
  hashKv,
  listAlarms,
  moveLeader,
  promoteMember,
  removeMember,
} from '../../src/core/etcd/maintenance';
import { listMembers } from '../../src/core/etcd/members';
import { getKey, putIfUnchanged } from '../../src/core/etcd/kv';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { etcdTarget } from '../harness/tools';
import { rawClient } from '../harness/rawClient';

describe('maintenance on a real 3-member cluster', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  before(async () => {
    etcd = await startEtcd({ members: 3 });
    conn = await EtcdConnection.open({ name: 'm', endpoints: etcd.endpoints });
    raw = rawClient(etcd);
    for (let i = 0; i < 50; i++) await raw.put(`/m/k${i % 5}`).value('x'.repeat(1000));
  });
  after(async () => {
    raw?.close();
    conn?.close();
    await etcd?.stop();
  });

  test('no alarms on a healthy cluster', async () => {
    assert.deepEqual(await listAlarms(conn), []);
  });

  test('compaction makes older revisions unreadable, and refuses a future revision', async () => {
    const rev = (await conn.status()).revision;
    await compact(conn, rev - 10);
    await assert.rejects(getKey(conn, Buffer.from('/m/k0'), rev - 20), /compacted/);
    await assert.rejects(compact(conn, rev + 1000), /is in the future/);
  });

  test('defragment reports the DB size before and after, per member', async () => {
    const r = await defragment(conn, etcd.endpoints[1]);
    assert.equal(r.endpoint, etcd.endpoints[1]);
    assert.ok(r.before > 0 && r.after > 0 && r.after <= r.before, `${r.before} -> ${r.after}`);
  });

  test('hashkv is equal on every member at the same revision', async () => {
    const rev = (await conn.status()).revision;
    const hashes = await Promise.all(etcd.endpoints.map((e) => hashKv(conn, e, rev)));
    assert.equal(new Set(hashes.map((h) => h.hash)).size, 1, JSON.stringify(hashes));
  });

  test('move leader hands leadership to the chosen member', async () => {
    const leader = (await conn.status()).leader;
    const target = (await listMembers(conn)).find((m) => m.id !== leader)!;
    await moveLeader(conn, target.id);
    let now = (await conn.status()).leader;
    for (let i = 0; i < 30 && now !== target.id; i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = (await conn.status()).leader;
    }
    assert.equal(now, target.id);
  });

  test('a learner: added unstarted, started and caught up, promoted to a voting member that serves, then removed', async () => {
    const plan = await etcd.planMember();
    // Member lists are linearizable from 3.5, so they show each change at once; 3.4 answers from the asked
    // member's own state, which may apply a change a moment later, so there the test waits for it.
    const members = (done: (ms: Awaited<ReturnType<typeof listMembers>>) => boolean, what: string) =>
      until(
        () => listMembers(conn),
        (ms) => done(ms) || etcdTarget().minor !== '3.4',
        what,
      );
    // etcd refuses reconfiguration for a few seconds after a leader change ("unhealthy cluster").
    const added = await retrying(() => addMember(conn, [plan.peerUrl], true), /not healthy enough/);
    const find = (ms: Awaited<ReturnType<typeof listMembers>>) => ms.find((m) => m.id === added.id);
    let listed = find(await members((ms) => find(ms) !== undefined, 'the added member is listed'));
    assert.deepEqual([listed?.status, listed?.isLearner], ['unstarted', true]);

    const member = etcd.join(plan);
    listed = find(
      await until(
        () => listMembers(conn),
        (ms) => find(ms)?.status === 'started',
        `${plan.name} started as a learner:\n${member.output.join('\n')}`,
      ),
    );
    assert.deepEqual([listed?.name, listed?.isLearner], [plan.name, true]);
    // etcd promotes only a learner that has caught up with the leader; until then it says so.
    await retrying(() => promoteMember(conn, added.id), /has not caught up/);
    listed = find(await members((ms) => find(ms)?.isLearner === false, 'the promotion is listed'));
    assert.equal(listed?.isLearner, false, 'promoted to a voting member');
    const voter = await EtcdConnection.open({ name: 'm4', endpoints: [plan.clientUrl] });
    try {
      // The leader lists the promotion once committed; the member itself reports it once it has applied it.
      await until(
        () => voter.status(),
        (st) => st.isLearner === false,
        `${plan.name} reports itself a voting member`,
      );
      assert.equal((await getKey(voter, Buffer.from('/m/k0')))?.value.toString(), 'x'.repeat(1000), 'it serves the keyspace');
    } finally {
      voter.close();
    }
    await retrying(() => removeMember(conn, added.id), /not healthy enough/);
    const left = await members((ms) => find(ms) === undefined, 'the removal is listed');
    assert.deepEqual(left.map((m) => m.name).sort(), ['m1', 'm2', 'm3']);
    await until(
      async () => member.process.exitCode ?? member.process.signalCode,
      (code) => code !== null,
      'a removed member shuts itself down',
    );
    await assert.rejects(removeMember(conn, 'zz'), /"zz" is not a member id/);
  });
});

/** Runs `fn` until it stops failing with `transient` (at most ~10 s); other errors fail at once. */
async function retrying<T>(fn: () => Promise<T>, transient: RegExp): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= 40 || !transient.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Polls `get` until `done` holds (at most ~15 s). */
async function until<T>(get: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 75; i++) {
    const v = await get();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting: ${what}`);
}

describe('NOSPACE alarm on a real etcd with a tiny quota', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(1024 * 1024)] });
  });
  after(async () => {
    await etcd?.stop();
  });

  test('filling the quota raises NOSPACE; it is listed and can be disarmed', async () => {
    const conn = await EtcdConnection.open({ name: 'q', endpoints: etcd.endpoints });
    try {
      await assert.rejects(
        (async () => {
          for (let i = 0; i < 200; i++) await putIfUnchanged(conn, Buffer.from(`/fill/${i}`), Buffer.from('x'.repeat(100_000)), 0);
        })(),
        /space|quota/i,
      );
      const alarms = await listAlarms(conn);
      assert.deepEqual(
        alarms.map((a) => a.alarm),
        ['NOSPACE'],
      );
      assert.deepEqual(
        (await disarmAlarms(conn)).map((a) => a.alarm),
        ['NOSPACE'],
      );
    } finally {
      conn.close();
    }
  });
});
