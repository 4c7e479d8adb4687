/**
 * The generated schema is complete: every group/version since 1.27 loads, every message reference resolves,
 * every kind of the pinned release is there, and kinds a newer release dropped still decode.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeText, findMessage } from '../../src/core/k8s/codec';
import { defaultSchema } from '../../src/core/k8s/schema';
import { apiVersionOf, oracleOnce, type KindInfo } from '../harness/oracle';
import { firstDifference } from './k8s-vectors';

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

test("every kind of client-go's scheme at the oracle's pinned release is in the schema", () => {
  const schema = defaultSchema();
  const kinds = oracleOnce<{ kinds: KindInfo[] }>('kinds').kinds;
  const missing = kinds.filter((k) => !findMessage(schema, apiVersionOf(k), k.kind)).map((k) => `${apiVersionOf(k)} ${k.kind}`);
  assert.deepEqual(missing, []);
  assert.ok(kinds.length > 700);
});

describe('the schema is the union of releases 1.27 to the newest', () => {
  // resource.k8s.io/v1alpha3 as 1.33 served it: newer releases keep only DeviceTaintRule in v1alpha3
  const v1alpha3 = [
    { kind: 'DeviceClass', spec: { selectors: [{ cel: { expression: 'device.driver == "gpu.example.com"' } }] } },
    { kind: 'ResourceClaim', spec: { devices: { requests: [{ name: 'gpu', deviceClassName: 'gpu.example.com', count: 2 }] } } },
    { kind: 'ResourceClaimTemplate', spec: { spec: { devices: { requests: [{ name: 'gpu', deviceClassName: 'gpu.example.com' }] } } } },
    {
      kind: 'ResourceSlice',
      spec: { driver: 'gpu.example.com', pool: { name: 'p', generation: 1, resourceSliceCount: 1 }, nodeName: 'n1' },
    },
    // 1.31 only
    { kind: 'PodSchedulingContext', spec: { selectedNode: 'n1', potentialNodes: ['n1', 'n2'] } },
  ];
  for (const { kind, spec } of v1alpha3) {
    test(`resource.k8s.io/v1alpha3 ${kind} encodes and decodes`, () => {
      const obj = {
        kind,
        apiVersion: 'resource.k8s.io/v1alpha3',
        metadata: { name: 'x', namespace: 'ns', uid: 'u1', creationTimestamp: null },
        spec,
      };
      const bytes = encodeText(JSON.stringify(obj));
      const d = decodeValue(bytes);
      assert.equal(d.format, 'k8s-protobuf');
      assert.equal(d.error, undefined);
      const back = (d as unknown as { object: { spec: unknown; metadata: { name: string } } }).object;
      assert.equal(back.metadata.name, 'x');
      assert.equal(firstDifference(pick(back.spec, spec), spec), undefined);
      assert.equal(d.unknownFieldPaths, undefined, 'every stored field is known');
    });
  }

  test('a field a newer release dropped is shown when stored and never invented (PodResourceClaim.source, 1.27-1.30)', () => {
    const pod = (claim: Record<string, unknown>): Uint8Array =>
      encodeText(
        JSON.stringify({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' }, spec: { containers: [], resourceClaims: [claim] } }),
      );
    const withSource = decodeValue(pod({ name: 'c', source: { resourceClaimName: 'old' } })) as unknown as {
      object: { spec: { resourceClaims: unknown[] } };
    };
    assert.deepEqual(withSource.object.spec.resourceClaims, [{ name: 'c', source: { resourceClaimName: 'old' } }]);
    const without = decodeValue(pod({ name: 'c', resourceClaimName: 'new' })) as unknown as {
      object: { spec: { resourceClaims: unknown[] } };
    };
    assert.deepEqual(without.object.spec.resourceClaims, [{ name: 'c', resourceClaimName: 'new' }]);
  });
});

/** The keys of `a` that `like` has (recursively), so defaults added by decoding do not matter. */
function pick(a: unknown, like: unknown): unknown {
  if (Array.isArray(like) && Array.isArray(a)) return like.map((l, i) => pick(a[i], l));
  if (like && typeof like === 'object' && a && typeof a === 'object') {
    return Object.fromEntries(
      Object.keys(like).map((k) => [k, pick((a as Record<string, unknown>)[k], (like as Record<string, unknown>)[k])]),
    );
  }
  return a;
}
