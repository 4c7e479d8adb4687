/**
 * Why the watcher owns its gRPC stream: etcd3's own Watcher resumes from the response header's
 * revision + 1, and during a catch-up etcd stamps every response (at most 1000 revisions) with the
 * current revision, so a reconnect mid catch-up skips events (test/unit/etcd3-adapter.test.ts shows
 * it). Ours resumes from the last event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { watchRange } from '../../src/core/watch';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { putRevisions, rawClient } from '../harness/rawClient';

/** Simulates a network drop: cancels the watch's current gRPC stream. */
function dropStream(holder: unknown): void {
  (holder as { stream: { cancel(): void } }).stream.cancel();
}

describe('resuming a watch after its stream drops during a history catch-up', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let first: number;
  const N = 3000;
  before(async () => {
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'w', endpoints: etcd.endpoints });
    const raw = rawClient(etcd);
    first = await putRevisions(raw, '/exp/', N);
    raw.close();
  });
  after(async () => {
    conn?.close();
    await etcd?.stop();
  });

  test('watchRange resumes from the last event received: every revision exactly once, in order', async () => {
    const revs: number[] = [];
    let dropped = false;
    const statuses: string[] = [];
    const w = await watchRange(conn, {
      key: '/exp/',
      prefix: true,
      startRevision: first,
      onStatus: (s) => statuses.push(s.state),
      onEvents: (b) => {
        for (const e of b.events) revs.push(e.modRevision);
        if (!dropped) {
          dropped = true;
          dropStream(w);
        }
      },
    });
    const deadline = Date.now() + 10_000;
    while (revs.length < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    await w.stop();
    assert.equal(revs.length, N);
    assert.deepEqual(
      revs,
      Array.from({ length: N }, (_, i) => first + i),
    );
    assert.ok(statuses.includes('reconnecting'), `it reconnected (${statuses.join(' ')})`);
    assert.equal(w.stats.reconnects, 1);
    assert.equal(w.stats.duplicatesDropped, 0);
    assert.equal(w.lastRevision, first + N - 1);
  });
});
