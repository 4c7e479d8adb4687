/**
 * Edits a user makes in the editor: what is refused (with path and line) and what is saved, for
 * protobuf, JSON and CBOR values.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { K8sEditError } from '../../src/core/errors';
import { decodeValue, encodeText, encodeValue, toYaml } from '../../src/core/k8s/codec';
import { decodeCbor, encodeCbor } from '../../src/core/k8s/cbor';
import { formatDuration, parseDuration, parseTime } from '../../src/core/k8s/jsonForms';
import { loadFixtures } from './k8s-vectors';

const fixtures = loadFixtures();
const podFixture = fixtures.find((f) => f.name === 'core.v1.Pod')!;
const pod = decodeValue(podFixture.pb);
const POD_KEY = '/registry/pods/namespaceValue/nameValue';

function refused(fn: () => unknown): K8sEditError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof K8sEditError, `expected K8sEditError, got ${String(e)}`);
    return e;
  }
  assert.fail('the edit was accepted');
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('edits refused with path and line', () => {
  const yaml = toYaml((pod as { object: unknown }).object);

  test('invalid YAML', () => {
    const e = refused(() => encodeValue(pod, 'kind: Pod\nmetadata:\n  name: a: b\n'));
    assert.equal(e.issues[0].line, 3);
    assert.match(e.message, /invalid YAML at line \d+, column \d+/);
  });
  test('wrong type names the path and the line', () => {
    const text = yaml.replace(/containerPort: \d+/, 'containerPort: eighty');
    const e = refused(() => encodeValue(pod, text, { key: POD_KEY }));
    assert.equal(e.issues[0].path, 'spec.containers[0].ports[0].containerPort');
    assert.match(e.issues[0].message, /expected integer, got string "eighty"/);
    assert.equal(e.issues[0].line, lineOf(text, 'containerPort: eighty'));
    assert.match(e.message, /line \d+: spec\.containers\[0\]\.ports\[0\]\.containerPort: expected integer/);
  });
  test('unknown field', () => {
    const text = yaml.replace('spec:\n', 'spec:\n  replicaz: 3\n');
    const e = refused(() => encodeValue(pod, text));
    assert.equal(e.issues[0].path, 'spec.replicaz');
    assert.match(e.issues[0].message, /unknown field "replicaz" \(not in the PodSpec schema\)/);
    assert.equal(e.issues[0].line, lineOf(text, 'replicaz'));
  });
  test('every problem is listed', () => {
    const text = yaml.replace(/containerPort: \d+/, 'containerPort: "80"').replace(/hostNetwork: \w+/, 'hostNetwork: 1');
    const e = refused(() => encodeValue(pod, text));
    assert.deepEqual(e.issues.map((i) => i.path).sort(), ['spec.containers[0].ports[0].containerPort', 'spec.hostNetwork']);
  });
  test('changed kind or apiVersion', () => {
    const e = refused(() => encodeValue(pod, yaml.replace('kind: Pod', 'kind: Service')));
    assert.match(e.issues[0].message, /kind cannot be changed \(stored as "Pod", edited to "Service"\)/);
    assert.equal(e.issues[0].line, lineOf(yaml, 'kind: Pod'));
    const e2 = refused(() => encodeValue(pod, yaml.replace('apiVersion: v1\n', 'apiVersion: v2\n')));
    assert.equal(e2.issues[0].path, 'apiVersion');
  });
  test('name and namespace must match the etcd key', () => {
    const renamed = yaml.replace('  name: nameValue\n', '  name: other\n');
    const e = refused(() => encodeValue(pod, renamed, { key: POD_KEY }));
    assert.equal(e.issues[0].path, 'metadata.name');
    assert.match(e.issues[0].message, /must be "nameValue" to match the etcd key \/registry\/pods\/namespaceValue\/nameValue/);
    const moved = yaml.replace('namespace: namespaceValue', 'namespace: kube-system');
    assert.equal(refused(() => encodeValue(pod, moved, { key: POD_KEY })).issues[0].path, 'metadata.namespace');
  });
  test('bad time, quantity and base64 values', () => {
    const t = refused(() => encodeValue(pod, yaml.replace(/creationTimestamp: "[^"]+"/, 'creationTimestamp: yesterday')));
    assert.match(t.issues[0].message, /invalid time "yesterday": expected RFC 3339/);
    const secret = decodeValue(fixtures.find((f) => f.name === 'core.v1.Secret')!.pb);
    const sy = toYaml((secret as { object: unknown }).object);
    const b = refused(() => encodeValue(secret, sy.replace(/dataKey: \S+/, 'dataKey: not*base64')));
    assert.equal(b.issues[0].path, 'data.dataKey');
    assert.match(b.issues[0].message, /expected base64 string/);
  });
  test('encrypted and binary values cannot be edited', () => {
    const enc = decodeValue(new TextEncoder().encode('k8s:enc:aesgcm:v1:k2:xxxx'));
    assert.match(refused(() => encodeValue(enc, 'a: 1')).message, /encrypted value cannot be edited.*aesgcm provider \(key "k2"\)/s);
  });
});

describe('accepted edits', () => {
  test('JSON text is accepted as well as YAML', () => {
    const obj = structuredClone((pod as unknown as { object: { spec: { hostname: string } } }).object);
    obj.spec.hostname = 'renamed-host';
    const out = encodeValue(pod, JSON.stringify(obj), { key: POD_KEY });
    assert.equal((decodeValue(out) as unknown as { object: typeof obj }).object.spec.hostname, 'renamed-host');
  });
  test('sub-second creationTimestamp precision survives an unrelated edit', () => {
    // fixture times have nanos 0; make one with nanos and check they are kept
    const obj = structuredClone((pod as { object: Record<string, unknown> }).object);
    const withNanos = encodeText(toYaml(obj).replace(/creationTimestamp: "[^"]+"/, 'creationTimestamp: "2008-01-01T01:01:01.123456789Z"'));
    const d = decodeValue(withNanos);
    const y = toYaml((d as { object: unknown }).object);
    assert.match(y, /creationTimestamp: "2008-01-01T01:01:01Z"/);
    const out = encodeValue(d, y.replace('hostname: ', 'hostname: x'));
    assert.ok(Buffer.from(out).includes(Buffer.from([0x10, 0x95, 0x9a, 0xef, 0x3a])), 'nanos 123456789 lost');
  });
  test('custom resource stored as JSON: unchanged is identical, edits are sorted compact JSON', () => {
    const stored = new TextEncoder().encode(
      '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"ns"},"spec":{"size":1}}\n',
    );
    const d = decodeValue(stored);
    assert.equal(d.format, 'json');
    const y = toYaml((d as { object: unknown }).object);
    assert.deepEqual(encodeValue(d, y, { key: '/registry/example.com/widgets/ns/w' }), stored);
    const out = new TextDecoder().decode(encodeValue(d, y.replace('size: 1', 'size: 2')));
    assert.equal(out, '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"ns"},"spec":{"size":2}}\n');
  });
  test('custom resource stored as CBOR round-trips', () => {
    const obj = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 1, ratio: 0.5, on: true, tags: ['a'] },
    };
    const stored = encodeCbor(obj);
    assert.deepEqual([...stored.subarray(0, 3)], [0xd9, 0xd9, 0xf7]);
    const d = decodeValue(stored);
    assert.equal(d.format, 'cbor');
    assert.deepEqual((d as { object: unknown }).object, obj);
    assert.deepEqual(encodeValue(d, toYaml(obj)), stored);
    const out = encodeValue(d, toYaml(obj).replace('size: 1', 'size: 300'));
    assert.equal((decodeCbor(out) as { spec: { size: number } }).spec.size, 300);
  });
  test('plain text values are saved as typed', () => {
    const d = decodeValue(new TextEncoder().encode('hello'));
    assert.equal(new TextDecoder().decode(encodeValue(d, 'bye')), 'bye');
  });
});

describe('JSON forms', () => {
  test('Go durations', () => {
    for (const [ns, s] of [
      [0, '0s'],
      [1500, '1.5µs'],
      [2e6, '2ms'],
      [90e9, '1m30s'],
      [3723e9, '1h2m3s'],
      [-1e9, '-1s'],
    ] as const) {
      assert.equal(formatDuration(ns), s);
      assert.equal(parseDuration(s), ns);
    }
    assert.equal(parseDuration('soon'), undefined);
  });
  test('RFC 3339 times with offsets and fractions', () => {
    assert.deepEqual(parseTime('2008-01-01T02:01:01.5+01:00'), { seconds: 1199149261, nanos: 500000000 });
    assert.equal(parseTime('2008-13-01T00:00:00Z'), undefined);
  });
});
