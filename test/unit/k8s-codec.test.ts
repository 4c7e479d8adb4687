/**
 * Every kind's compatibility object (apimachinery's deterministic filler, as in the upstream kubernetes/api
 * testdata, serialized at test time by the Kubernetes oracle) through the codec: what a user sees (JSON,
 * YAML) must match what Kubernetes prints, and what we write back must be the bytes kube-apiserver writes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeObject, encodeValue, toJson, toYaml, type Decoded } from '../../src/core/k8s/codec';
import { Encoder } from '../../src/core/k8s/encode';
import { buildEnvelope } from '../../src/core/k8s/envelope';
import { defaultSchema } from '../../src/core/k8s/schema';
import { findMessage } from '../../src/core/k8s/codec';
import { hexDiff, loadFixtures } from './k8s-vectors';

const fixtures = loadFixtures();

function decodeFixture(f: (typeof fixtures)[number]): Extract<Decoded, { format: 'k8s-protobuf' }> {
  const d = decodeValue(f.pb, { type: f.type });
  assert.equal(d.format, 'k8s-protobuf');
  if (d.format !== 'k8s-protobuf') throw new Error('unreachable');
  assert.equal(d.error, undefined, `decode error: ${d.error}`);
  return d;
}

test('there are fixtures to check', () => {
  assert.ok(fixtures.length >= 140, `expected every kind's compatibility object from the oracle, found ${fixtures.length}`);
});

describe('decode(.pb) equals the fixture JSON', () => {
  for (const f of fixtures) {
    test(f.name, () => {
      assert.deepEqual(decodeFixture(f).object, JSON.parse(f.json));
    });
  }
});

describe('JSON text matches kube JSON exactly (Go key order)', () => {
  for (const f of fixtures) {
    test(f.name, () => {
      assert.equal(toJson(decodeFixture(f).object), f.json);
    });
  }
});

describe('YAML matches the fixture YAML exactly', () => {
  for (const f of fixtures) {
    test(f.name, () => {
      assert.equal(toYaml(decodeFixture(f).object), f.yaml);
    });
  }
});

describe('encode(decode(.pb)) is byte-identical', () => {
  const schema = defaultSchema();
  for (const f of fixtures) {
    test(f.name, () => {
      const d = decodeFixture(f);
      // the real encoder, not the "unchanged -> original bytes" shortcut
      const msg = findMessage(schema, f.type.apiVersion, f.type.kind)!;
      const enc = new Encoder(schema, d.preserved);
      const raw = enc.message(msg, d.object);
      assert.deepEqual(enc.issues, []);
      const bytes = buildEnvelope(d.envelope!.apiVersion, d.envelope!.kind, raw, d.envelope);
      assert.ok(Buffer.compare(bytes, f.pb) === 0, hexDiff(bytes, f.pb));
    });
  }
});

describe('encode(fixture .json) is byte-identical', () => {
  for (const f of fixtures) {
    test(f.name, () => {
      const bytes = encodeObject(JSON.parse(f.json), { type: f.type });
      assert.ok(Buffer.compare(bytes, f.pb) === 0, hexDiff(bytes, f.pb));
    });
  }
});

describe('saving the unchanged YAML returns the stored bytes', () => {
  for (const f of fixtures) {
    test(f.name, () => {
      const d = decodeFixture(f);
      const out = encodeValue(d, toYaml(d.object));
      assert.ok(Buffer.compare(out, f.pb) === 0, hexDiff(out, f.pb));
    });
  }
});

describe('editing one label changes only that label', () => {
  const withLabels = fixtures.filter((f) => {
    const o = JSON.parse(f.json) as { metadata?: { labels?: Record<string, string> } };
    return o.metadata?.labels && Object.keys(o.metadata.labels).length > 0;
  });
  test('fixtures with labels exist', () => assert.ok(withLabels.length > 50));
  for (const f of withLabels) {
    test(f.name, () => {
      const d = decodeFixture(f);
      const edited = structuredClone(d.object!) as { metadata: { labels: Record<string, string> } };
      const key = Object.keys(edited.metadata.labels)[0];
      const before = edited.metadata.labels[key];
      // same length, so no length prefix moves: only the value's own bytes may differ
      const after = 'x'.repeat(before.length);
      edited.metadata.labels[key] = after;
      const out = encodeValue(d, toYaml(edited));
      const again = decodeValue(out, { type: f.type });
      assert.deepEqual((again as { object?: unknown }).object, edited);
      assert.equal(out.length, f.pb.length);
      const diff: number[] = [];
      for (let i = 0; i < out.length; i++) if (out[i] !== f.pb[i]) diff.push(i);
      assert.ok(diff.length > 0 && diff.length <= before.length);
      const start = Buffer.from(f.pb).indexOf(
        Buffer.concat([Buffer.from([before.length]), Buffer.from(before)]),
        Buffer.from(f.pb).indexOf(Buffer.from(key)),
      );
      assert.ok(
        diff[0] > start && diff[diff.length - 1] <= start + before.length,
        `bytes changed outside the label value: ${diff.join(',')}`,
      );
    });
  }
  test('a longer label value round-trips and only grows the enclosing lengths', () => {
    const f = withLabels[0];
    const d = decodeFixture(f);
    const edited = structuredClone(d.object!) as { metadata: { labels: Record<string, string> } };
    edited.metadata.labels.added = 'a-new-label';
    const out = encodeValue(d, toYaml(edited));
    assert.deepEqual((decodeValue(out) as { object?: unknown }).object, edited);
    // one map entry (tag, length, key field, value field) plus at most a byte per enclosing length prefix
    const grown = out.length - f.pb.length;
    const entry = 2 + 2 + 'added'.length + 2 + 'a-new-label'.length;
    assert.ok(grown >= entry && grown <= entry + 3, `grew by ${grown}, entry is ${entry}`);
  });
});
