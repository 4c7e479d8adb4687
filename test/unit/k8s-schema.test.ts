/** The generated schema is complete: every group/version loads and every message reference resolves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSchema } from '../../src/core/k8s/schema';

test('every served group/version since 1.27 is in the schema', () => {
  const gvs = defaultSchema().groupVersions();
  for (const gv of [
    'v1',
    'apps/v1',
    'autoscaling/v2beta2',
    'flowcontrol.apiserver.k8s.io/v1beta2',
    'flowcontrol.apiserver.k8s.io/v1beta3',
    'policy/v1beta1',
    'batch/v1beta1',
    'storage.k8s.io/v1beta1',
    'resource.k8s.io/v1alpha2',
    'apiextensions.k8s.io/v1',
    'apiregistration.k8s.io/v1',
  ]) {
    assert.ok(gvs.includes(gv), `${gv} missing`);
  }
});

test('every message reference in every package resolves', () => {
  const schema = defaultSchema();
  const broken: string[] = [];
  for (const pkg of schema.packages()) {
    for (const name of schema.packageMessages(pkg)) {
      for (const f of schema.message(`${pkg}.${name}`).fields) {
        if (!f.messageName) continue;
        try {
          schema.fieldMessage(f);
        } catch (e) {
          broken.push(`${pkg}.${name}.${f.json}: ${(e as Error).message}`);
        }
      }
    }
  }
  assert.deepEqual(broken, []);
});

test('types removed since 1.27 still decode (HorizontalPodAutoscaler autoscaling/v2beta2)', () => {
  const m = defaultSchema().messageForKind('autoscaling/v2beta2', 'HorizontalPodAutoscaler');
  assert.ok(m);
  assert.equal(defaultSchema().fieldMessage(m.byJson.get('metadata')!).name, 'ObjectMeta');
});
