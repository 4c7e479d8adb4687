import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { after, before, describe, test } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { eventTimeline, objectUid } from '../../src/core/events';
import { encodeObject } from '../../src/core/k8s/codec';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';

const UID = 'aaaaaaaa-1111-4222-a333-444455556666';

function coreEvent(
  name: string,
  o: {
    reason: string;
    message: string;
    type?: string;
    count: number;
    first: string;
    last: string;
    objName?: string;
    kind?: string;
    uid?: string;
  },
) {
  return Buffer.from(
    encodeObject({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name, namespace: 'shop', creationTimestamp: o.first },
      involvedObject: { kind: o.kind ?? 'Pod', namespace: 'shop', name: o.objName ?? 'web', uid: o.uid ?? UID, apiVersion: 'v1' },
      reason: o.reason,
      message: o.message,
      source: { component: 'kubelet', host: 'worker-1' },
      firstTimestamp: o.first,
      lastTimestamp: o.last,
      count: o.count,
      type: o.type ?? 'Normal',
    }),
  );
}

describe('events timeline on a real etcd', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  before(async () => {
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'events', endpoints: etcd.endpoints });
    raw = rawClient(etcd);
    const put = (k: string, v: Buffer) => raw.put(k).value(v);
    await put(
      '/registry/pods/shop/web',
      Buffer.from(encodeObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web', namespace: 'shop', uid: UID } })),
    );
    await put(
      '/registry/events/shop/web.17f0000000000003',
      coreEvent('web.17f0000000000003', {
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        type: 'Warning',
        count: 7,
        first: '2026-10-01T08:03:00Z',
        last: '2026-10-01T08:09:00Z',
      }),
    );
    await put(
      '/registry/events/shop/web.17f0000000000001',
      coreEvent('web.17f0000000000001', {
        reason: 'Scheduled',
        message: 'Successfully assigned shop/web to worker-1',
        count: 1,
        first: '2026-10-01T08:00:00Z',
        last: '2026-10-01T08:00:00Z',
      }),
    );
    await put(
      '/registry/events/shop/web.17f0000000000002',
      coreEvent('web.17f0000000000002', {
        reason: 'Pulled',
        message: 'Container image "web:1" already present',
        count: 2,
        first: '2026-10-01T08:01:00Z',
        last: '2026-10-01T08:02:00Z',
        uid: 'old-uid',
      }),
    );
    // Same key prefix, another object (names may contain dots), and another kind with the same name.
    await put(
      '/registry/events/shop/web.v2.17f0000000000009',
      coreEvent('web.v2.17f0000000000009', {
        reason: 'Other',
        message: 'x',
        count: 1,
        first: '2026-10-01T08:05:00Z',
        last: '2026-10-01T08:05:00Z',
        objName: 'web.v2',
      }),
    );
    await put(
      '/registry/events/shop/web.17f000000000000a',
      coreEvent('web.17f000000000000a', {
        reason: 'ScalingReplicaSet',
        message: 'y',
        count: 1,
        first: '2026-10-01T08:05:00Z',
        last: '2026-10-01T08:05:00Z',
        kind: 'Deployment',
      }),
    );
    await put(
      '/registry/events/shop/web.17f0000000000004',
      Buffer.from(
        encodeObject({
          kind: 'Event',
          apiVersion: 'events.k8s.io/v1',
          metadata: { name: 'web.17f0000000000004', namespace: 'shop' },
          eventTime: '2026-10-01T08:04:00.123456Z',
          series: { count: 3, lastObservedTime: '2026-10-01T08:10:00.000000Z' },
          reportingController: 'kubelet',
          reportingInstance: 'worker-2',
          action: 'Probing',
          reason: 'Unhealthy',
          note: 'Readiness probe failed',
          type: 'Warning',
          regarding: { kind: 'Pod', namespace: 'shop', name: 'web', uid: UID },
        }),
      ),
    );
  });
  after(async () => {
    raw?.close();
    conn?.close();
    await etcd?.stop();
  });

  test("finds the object's events by key and involvedObject, sorted by time, with every field", async () => {
    const uid = objectUid((await raw.get('/registry/pods/shop/web').buffer())!);
    assert.equal(uid, UID);
    const t = await eventTimeline(conn, '/registry/pods/shop/web', { uid });
    assert.deepEqual(
      t.map((e) => e.reason),
      ['Scheduled', 'Pulled', 'BackOff', 'Unhealthy'],
    );
    const [scheduled, pulled, backoff, unhealthy] = t;
    assert.deepEqual(
      { ...backoff, key: undefined, modRevision: undefined },
      {
        key: undefined,
        modRevision: undefined,
        apiVersion: 'v1',
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        count: 7,
        firstTimestamp: '2026-10-01T08:03:00Z',
        lastTimestamp: '2026-10-01T08:09:00Z',
        source: { component: 'kubelet', host: 'worker-1' },
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web', uid: UID },
        time: '2026-10-01T08:09:00Z',
      },
    );
    assert.equal(scheduled.key, '/registry/events/shop/web.17f0000000000001');
    assert.equal(pulled.otherIncarnation, true, 'an event of an earlier pod with the same name is flagged');
    assert.equal(backoff.otherIncarnation, undefined);
    assert.equal(unhealthy.apiVersion, 'events.k8s.io/v1');
    assert.equal(unhealthy.message, 'Readiness probe failed');
    assert.equal(unhealthy.count, 3);
    assert.equal(unhealthy.eventTime, '2026-10-01T08:04:00.123456Z');
    assert.deepEqual(unhealthy.series, { count: 3, lastObservedTime: '2026-10-01T08:10:00.000000Z' });
    assert.deepEqual(unhealthy.source, { component: 'kubelet', host: 'worker-2' });

    const scanned = await eventTimeline(conn, '/registry/pods/shop/web', { scanNamespace: true });
    assert.equal(scanned.length, 4);
    const dep = await eventTimeline(conn, '/registry/deployments/shop/web');
    assert.deepEqual(
      dep.map((e) => e.reason),
      ['ScalingReplicaSet'],
    );
    await assert.rejects(eventTimeline(conn, '/not/k8s'), /not a Kubernetes object key/);
  });
});
