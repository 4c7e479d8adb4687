/**
 * The end of the chain: a real kube-apiserver (built from k8s.io/kubernetes v1.37.2) on the test etcd serves
 * what etcd Studio wrote. Objects are created through the API, edited in etcd (through `etcd-studio put` and
 * through the editor's save path), then `GET /api/...` returns the edit, and the API's own optimistic
 * concurrency takes our mod_revision as the resourceVersion.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getKey, putIfUnchanged } from '../../src/core/etcd/kv';
import { toYaml } from '../../src/core/k8s/codec';
import { parseText } from '../../src/core/k8s/yaml';
import { encodeEdit, renderValue } from '../../src/core/values/render';
import { runCli } from '../harness/cli';
import { startKubeApiserver, type KubeApiserver } from '../harness/kubeApiserver';
import { useEtcdConnection } from '../harness/useEtcd';

type Obj = {
  metadata: { name: string; resourceVersion?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
} & Record<string, unknown>;

describe('a real kube-apiserver serves what etcd Studio wrote', () => {
  const t = useEtcdConnection('kube-apiserver');
  let api: KubeApiserver;

  before(async () => {
    api = await startKubeApiserver(t.etcd.endpoints);
    // there is no controller manager to make it (Pods need their service account)
    const sa = await api.request('POST', '/api/v1/namespaces/default/serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default' },
    });
    assert.equal(sa.status, 201, JSON.stringify(sa.json));
  });
  after(async () => {
    await api?.stop();
  });

  test('a Pod edited with etcd-studio put is served by GET /api/v1/namespaces/default/pods/web-0', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'registry.example.com/web:1.0' }] },
    };
    const created = await api.request('POST', '/api/v1/namespaces/default/pods', pod);
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const key = '/registry/pods/default/web-0';
    const got = await runCli(['get', key, '-o', 'yaml', '--endpoints', t.etcd.endpoints[0]]);
    assert.equal(got.code, 0, got.stderr);
    const obj = parseText(got.stdout).value as Obj & { spec: { containers: { image: string }[] } };
    obj.metadata.labels = { ...obj.metadata.labels, 'edited-by': 'etcd-studio' };
    obj.spec.containers[0].image = 'registry.example.com/web:2.0';
    const put = await runCli(['put', key, '-f', '-', '--endpoints', t.etcd.endpoints[0]], toYaml(obj));
    assert.equal(put.code, 0, put.stderr);
    const revision = /mod_revision=(\d+)/.exec(put.stdout)![1];

    const served = await api.request('GET', '/api/v1/namespaces/default/pods/web-0');
    assert.equal(served.status, 200);
    const s = served.json as Obj & { spec: { containers: { image: string }[] } };
    assert.equal(s.metadata.resourceVersion, revision, "the API server's resourceVersion is our mod_revision");
    assert.deepEqual(s.metadata.labels, { app: 'web', 'edited-by': 'etcd-studio' });
    assert.equal(s.spec.containers[0].image, 'registry.example.com/web:2.0');

    // its optimistic concurrency: a stale resourceVersion conflicts, ours updates
    const stale = await api.request('PUT', '/api/v1/namespaces/default/pods/web-0', {
      ...s,
      metadata: { ...s.metadata, resourceVersion: (created.json as Obj).metadata.resourceVersion, labels: { app: 'web' } },
    });
    assert.equal(stale.status, 409, JSON.stringify(stale.json));
    const update = await api.request('PUT', '/api/v1/namespaces/default/pods/web-0', {
      ...s,
      metadata: { ...s.metadata, labels: { ...s.metadata.labels, 'updated-by': 'kube-apiserver' } },
    });
    assert.equal(update.status, 200, JSON.stringify(update.json));
  });

  test('a ConfigMap and a Deployment saved through the editor path are served as edited', async () => {
    const objects = [
      {
        path: '/api/v1/namespaces/default/configmaps',
        key: '/registry/configmaps/default/settings',
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'a' } },
        edit: (o: Obj) => ((o.data as Record<string, string>).mode = 'b'),
        check: (o: Obj) => assert.deepEqual(o.data, { mode: 'b' }),
      },
      {
        path: '/apis/apps/v1/namespaces/default/deployments',
        key: '/registry/deployments/default/web',
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } },
          },
        },
        edit: (o: Obj) => (o.spec!.replicas = 5),
        check: (o: Obj) => assert.equal(o.spec!.replicas, 5),
      },
    ];
    for (const o of objects) {
      const created = await api.request('POST', o.path, o.body);
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const stored = (await getKey(t.conn, Buffer.from(o.key)))!;
      const rendered = renderValue(stored.value, o.key);
      assert.equal(rendered.readOnlyReason, undefined);
      const edited = parseText(rendered.text).value as Obj;
      o.edit(edited);
      const r = await putIfUnchanged(t.conn, Buffer.from(o.key), encodeEdit(rendered, toYaml(edited), o.key), stored.modRevision);
      assert.ok(r.ok);
      const served = await api.request('GET', `${o.path}/${o.body.metadata.name}`);
      assert.equal(served.status, 200);
      assert.equal((served.json as Obj).metadata.resourceVersion, String(r.revision));
      o.check(served.json as Obj);
    }
  });
});
