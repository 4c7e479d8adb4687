import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeObject } from '../../src/core/k8s/codec';
import { currentRevision, describeEvent, summarizeChange, watchRange, WatchEvent, WatchStatus } from '../../src/core/watch';
import { useEtcdConnection } from '../harness/useEtcd';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function deployment(replicas: number, labels: Record<string, string>) {
  return encodeObject({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'cart',
      namespace: 'shop',
      uid: '6c1a3f0e-1111-4222-a333-444455556666',
      creationTimestamp: '2026-10-01T08:00:00Z',
      labels,
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'cart' } },
      template: {
        metadata: { labels: { app: 'cart' } },
        spec: { containers: [{ name: 'cart', image: 'registry.example.com/cart:1.4.0' }] },
      },
    },
  });
}

describe('watchRange on a real etcd', () => {
  const t = useEtcdConnection('watch');

  test('delivers put and delete with previous values, described as Kubernetes objects with what changed', async () => {
    const events: WatchEvent[] = [];
    const w = await watchRange(t.conn, {
      key: '/registry/deployments/shop/',
      prefix: true,
      onEvents: (b) => {
        events.push(...b.events);
      },
    });
    const key = '/registry/deployments/shop/cart';
    await t.raw.put(key).value(Buffer.from(deployment(3, { app: 'cart' })));
    await t.raw.put(key).value(Buffer.from(deployment(5, { app: 'cart', tier: 'frontend' })));
    await t.raw.put('/registry/deployments/other/x').value('outside the prefix');
    await t.raw.delete().key(key);
    await until('3 events', () => events.length >= 3);
    await w.stop();
    assert.deepEqual(
      events.map((e) => e.type),
      ['put', 'put', 'delete'],
    );
    const [created, updated, deleted] = events;
    assert.equal(created.prevValue, undefined);
    assert.equal(created.version, 1);
    assert.ok(updated.prevValue?.equals(created.value), 'the update carries the value before it');
    assert.equal(updated.modRevision, created.modRevision + 1);
    assert.ok(deleted.prevValue?.equals(updated.value));
    assert.equal(deleted.value.length, 0);

    const d1 = describeEvent(created, { changes: true });
    assert.equal(d1.action, 'created');
    assert.equal(d1.title, 'Deployment shop/cart');
    assert.deepEqual([d1.object?.k8sKind, d1.object?.namespace, d1.object?.name], ['Deployment', 'shop', 'cart']);
    const d2 = describeEvent(updated, { changes: true });
    assert.equal(d2.action, 'updated');
    assert.deepEqual(d2.changes?.lines, ['metadata.labels.tier added: frontend', 'spec.replicas 3 -> 5']);
    assert.deepEqual(describeEvent(deleted, { changes: true }).changes?.lines, ['deleted']);
    assert.equal(describeEvent(deleted).changes, undefined, 'changes are computed only when asked');
  });

  test('change summaries: named list items matched by name, odd keys bracketed, text and binary values', () => {
    const pod = (image: string, extra: object[] = []) =>
      encodeObject({
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: 'p', namespace: 'd', labels: { 'app.kubernetes.io/name': 'x' } },
        spec: { containers: [...extra, { name: 'web', image }] },
      });
    const s = summarizeChange(pod('web:1'), pod('web:2', [{ name: 'sidecar', image: 'envoy:1' }]));
    assert.deepEqual(s.lines, ['spec.containers[web].image web:1 -> web:2', 'spec.containers[sidecar] added']);
    const labels = summarizeChange(Buffer.from('{"metadata":{"labels":{"a.b/c":"1"}}}'), Buffer.from('{"metadata":{"labels":{}}}'));
    assert.deepEqual(labels.lines, ['metadata.labels["a.b/c"] removed (was "1")']);
    assert.deepEqual(summarizeChange(Buffer.from('hello'), Buffer.from('hello world')).lines, ['text changed (5 bytes -> 11 bytes)']);
    assert.deepEqual(summarizeChange(Buffer.from([0, 1, 2]), Buffer.from([0, 1])).lines, ['binary value changed (3 bytes -> 2 bytes)']);
    const many = summarizeChange(
      Buffer.from(JSON.stringify({ a: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])) })),
      Buffer.from('{"a":{}}'),
      { maxLines: 3 },
    );
    assert.equal(many.lines.length, 4);
    assert.equal(many.lines[3], '…and 17 more');
  });

  test('a compacted start revision is reported with the compact revision, and continueFromNow goes on from the present', async () => {
    for (let i = 0; i < 5; i++) await t.raw.put('/compact/k').value(`v${i}`);
    const before = await currentRevision(t.conn);
    await t.raw.kv.compact({ revision: before, physical: true });
    const statuses: WatchStatus[] = [];
    let compacted: { compactRevision: number; requestedRevision: number } | undefined;
    const seen: string[] = [];
    const w = await watchRange(t.conn, {
      key: '/compact/',
      prefix: true,
      startRevision: before - 3,
      onCompacted: (info) => (compacted = info),
      onStatus: (s) => statuses.push(s),
      onEvents: (b) => {
        seen.push(...b.events.map((e) => e.value.toString()));
      },
    });
    await until('compaction report', () => compacted !== undefined);
    assert.deepEqual(compacted, { compactRevision: before, requestedRevision: before - 3 });
    assert.equal(w.status.state, 'compacted');
    // etcd 3.4 first confirms the watch, then cancels it with the compact revision.
    const other = await watchRange(t.conn, { key: '/x', startRevision: before - 1, onEvents: () => undefined });
    await until('the second report', () => other.status.state === 'compacted');
    await other.stop();
    const from = await w.continueFromNow();
    assert.equal(from, (await currentRevision(t.conn)) + 1);
    assert.equal(w.status.state, 'watching');
    await t.raw.put('/compact/k').value('after');
    await until('the new event', () => seen.length > 0);
    assert.deepEqual(seen, ['after']);
    await w.stop();
    assert.equal((await w.done).state, 'stopped');
  });

  test('a slow consumer gets merged batches and misses nothing; the signal stops the watch', async () => {
    const ac = new AbortController();
    const revs: number[] = [];
    let calls = 0;
    const start = (await currentRevision(t.conn)) + 1;
    const w = await watchRange(t.conn, {
      key: '/slow/',
      prefix: true,
      signal: ac.signal,
      prevKv: false,
      maxBatchEvents: 5000,
      onEvents: async (b) => {
        calls++;
        for (const e of b.events) revs.push(e.modRevision);
        await sleep(30);
      },
    });
    const total = 200 * 64;
    for (let n = 0; n < 200; n++) {
      await t.raw.kv.txn({
        success: Array.from({ length: 64 }, (_, i) => ({ request_put: { key: Buffer.from(`/slow/${n}/${i}`), value: Buffer.from('x') } })),
      });
    }
    await until('all events', () => revs.length >= total);
    assert.equal(revs.length, total);
    assert.ok(
      revs.every((r, i) => i === 0 || r >= revs[i - 1]),
      'in revision order',
    );
    assert.equal(new Set(revs).size, 200, 'every transaction revision');
    assert.equal(revs[0], start);
    assert.ok(calls < 200, `merged into fewer consumer calls than responses (${calls})`);
    ac.abort();
    assert.equal((await w.done).state, 'stopped');
  });

  test('a consumer that throws ends the watch as failed (done resolves, never rejects)', async () => {
    const w = await watchRange(t.conn, {
      key: '/throw',
      onEvents: () => {
        throw new Error('boom');
      },
    });
    await t.raw.put('/throw').value('x');
    const end = await w.done;
    assert.equal(end.state, 'failed');
    assert.match(end.state === 'failed' ? end.error.message : '', /consumer failed: boom/);
  });
});
