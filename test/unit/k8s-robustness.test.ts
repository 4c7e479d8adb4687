/**
 * Hostile and damaged values: decoding must return a clear error (never throw, hang or crash), and
 * fields from a newer Kubernetes must survive an edit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeValue, toYaml, type Decoded } from '../../src/core/k8s/codec';
import { buildEnvelope, parseEnvelope } from '../../src/core/k8s/envelope';
import { Reader, Writer, WireError } from '../../src/core/k8s/wire';
import { loadFixtures, rng } from './k8s-vectors';

const fixtures = loadFixtures();
const pod = fixtures.find((f) => f.name === 'core.v1.Pod')!;

function k8s(raw: Uint8Array, apiVersion = 'v1', kind = 'Pod'): Uint8Array {
  return buildEnvelope(apiVersion, kind, raw);
}

function errorOf(d: Decoded): string {
  assert.ok(d.error, `expected an error, got format ${d.format} without one`);
  return d.error;
}

describe('wire reader errors', () => {
  test('truncated varint', () => {
    assert.throws(
      () => new Reader(Uint8Array.from([0x80, 0x80])).varint(),
      (e: unknown) => e instanceof WireError && /truncated varint/.test(e.message),
    );
  });
  test('varint longer than 10 bytes', () => {
    assert.throws(() => new Reader(new Uint8Array(11).fill(0xff)).varint(), /longer than 10 bytes/);
  });
  test('length past the end', () => {
    assert.throws(() => new Reader(Uint8Array.from([0x0a, 0x05, 0x61])).skip(2, 1), /length/);
    const r = new Reader(Uint8Array.from([0x05, 0x61]));
    assert.throws(() => r.bytes(), /length 5 runs past the end of the data \(1 bytes left\)/);
  });
  test('invalid wire types and field 0', () => {
    assert.throws(() => new Reader(Uint8Array.from([0x0e])).tag(), /invalid wire type 6/);
    assert.throws(() => new Reader(Uint8Array.from([0x02])).tag(), /invalid field number 0/);
  });
  test('writer varints match Go for negatives and large values', () => {
    assert.equal(Buffer.from(new Writer().varint(-1).finish()).toString('hex'), 'ffffffffffffffffff01');
    assert.equal(Buffer.from(new Writer().uvarint(300).finish()).toString('hex'), 'ac02');
    assert.equal(new Reader(new Writer().varint(-5).finish()).int64(), -5);
    assert.equal(new Reader(new Writer().uvarint(2 ** 40 + 3).finish()).varint(), 2 ** 40 + 3);
  });
});

describe('damaged values decode to a clear error', () => {
  test('truncated varint inside the object', () => {
    const d = decodeValue(k8s(Uint8Array.from([0x0a, 0x02, 0x38, 0x80])));
    assert.match(errorOf(d), /cannot decode Pod \(v1\): truncated varint/);
  });
  test('wrong wire type for a known field', () => {
    // ObjectMeta.name (field 1) sent as a varint
    const d = decodeValue(k8s(Uint8Array.from([0x0a, 0x02, 0x08, 0x01])));
    assert.match(errorOf(d), /field 1 \(name\) has wire type 0, expected 2/);
  });
  test('length past the end', () => {
    const d = decodeValue(k8s(Uint8Array.from([0x0a, 0x10, 0x0a, 0x01])));
    assert.match(errorOf(d), /length 16 runs past the end/);
  });
  test('missing envelope: bytes that are neither k8s, JSON nor CBOR show as binary or text', () => {
    const bin = decodeValue(Uint8Array.from([0x0a, 0x02, 0x00, 0xff]));
    assert.equal(bin.format, 'binary');
    const txt = decodeValue(new TextEncoder().encode('hello etcd'));
    assert.equal(txt.format, 'text');
    assert.equal((txt as { text: string }).text, 'hello etcd');
    assert.throws(() => parseEnvelope(Uint8Array.from([1, 2, 3])), /does not start with "k8s\\0"/);
  });
  test('corrupt envelope', () => {
    const d = decodeValue(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x09]));
    assert.match(errorOf(d), /corrupt Kubernetes protobuf envelope: length 9 runs past the end/);
  });
  test('unknown kind and unknown apiVersion', () => {
    assert.match(errorOf(decodeValue(k8s(new Uint8Array(0), 'v1', 'Gizmo'))), /unknown kind Gizmo in v1/);
    assert.match(errorOf(decodeValue(k8s(new Uint8Array(0), 'example.com/v9', 'Gizmo'))), /unknown apiVersion example.com\/v9/);
  });
  test('envelope without a type', () => {
    assert.match(errorOf(decodeValue(k8s(new Uint8Array(0), '', ''))), /names no apiVersion\/kind/);
  });
  test('invalid JSON and CBOR', () => {
    assert.match(errorOf(decodeValue(new TextEncoder().encode('{"a":'))), /not valid JSON/);
    assert.match(
      errorOf(decodeValue(Uint8Array.from([0xd9, 0xd9, 0xf7, 0xa1, 0x61]))),
      /CBOR prefix \(d9 d9 f7\) but cannot be decoded: CBOR map of 1 entries is longer than the data/,
    );
  });
  test('encrypted values name the provider and key', () => {
    const d = decodeValue(new TextEncoder().encode('k8s:enc:aescbc:v1:key1:\x8f\x00\x12binary'));
    assert.equal(d.format, 'encrypted');
    assert.match(errorOf(d), /aescbc provider \(key "key1"\)/);
    const kms = decodeValue(new TextEncoder().encode('k8s:enc:kms:v2:my-kms:\x01\x02'));
    assert.deepEqual((kms as { encryption: unknown }).encryption, { provider: 'kms', version: 'v2', keyName: 'my-kms', prefixLength: 22 });
  });
  test('every truncation of a Pod gives an error or a valid object, never a throw', () => {
    for (let n = 0; n < pod.pb.length; n++) {
      const d = decodeValue(pod.pb.subarray(0, n));
      assert.ok(d.error !== undefined || d.format !== 'k8s-protobuf' || d.object !== undefined, `length ${n}`);
    }
  });
  test('random byte flips (fixed seed, 3000 iterations over all fixtures) never throw or hang', () => {
    const next = rng(20240531);
    const started = Date.now();
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      const f = fixtures[i % fixtures.length];
      const b = f.pb.slice();
      const flips = 1 + Math.floor(next() * 4);
      for (let j = 0; j < flips; j++) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
      const d = decodeValue(b, { type: f.type });
      if (d.error) {
        errors++;
        assert.ok(d.error.length > 10 && !/undefined|\[object/.test(d.error), d.error);
      }
    }
    assert.ok(errors > 100, `only ${errors} of 3000 damaged values were reported as errors`);
    assert.ok(Date.now() - started < 30000, 'fuzzing took too long');
  });
  test('deeply nested groups and messages are refused, not recursed forever', () => {
    const nested = new Uint8Array(2000).fill(0x0b); // start-group of field 1, repeated
    assert.throws(() => new Reader(nested).skip(3, 1), /nested too deeply|unterminated group/);
  });
});

/** Appends `extra` to the length-delimited field `num` of `raw` (top level), fixing its length. */
function injectInto(raw: Uint8Array, num: number, extra: Uint8Array): Uint8Array {
  const r = new Reader(raw);
  const w = new Writer();
  while (!r.done) {
    const at = r.pos;
    const [f, wt] = r.tag();
    if (f === num && wt === 2) {
      const body = r.bytes();
      w.lengthDelimited(f, Uint8Array.from([...body, ...extra]));
    } else {
      r.skip(wt, f);
      w.raw(raw.subarray(at, r.pos));
    }
  }
  return w.finish();
}

describe('fields unknown to the schema survive decode -> edit -> encode', () => {
  const future = new Writer().string(999, 'from-a-newer-cluster').finish();
  const futureTop = new Writer().tag(1000, 0).uvarint(42).finish();
  const env = parseEnvelope(pod.pb);
  const raw = Uint8Array.from([...injectInto(env.raw, 1, future), ...futureTop]);
  const stored = buildEnvelope(env.apiVersion, env.kind, raw);

  test('decode reports where unknown fields are kept', () => {
    const d = decodeValue(stored);
    assert.equal(d.error, undefined);
    assert.deepEqual((d as { unknownFieldPaths?: string[] }).unknownFieldPaths?.sort(), ['(root)', 'metadata']);
    assert.deepEqual((d as { object?: unknown }).object, JSON.parse(pod.json));
  });
  test('editing a label keeps them, in field-number order', () => {
    const d = decodeValue(stored);
    const obj = structuredClone((d as unknown as { object: { metadata: { labels: Record<string, string> } } }).object);
    obj.metadata.labels.team = 'storage';
    const out = encodeValue(d, toYaml(obj));
    assert.ok(Buffer.from(out).includes(Buffer.from(future)), 'unknown metadata field lost');
    assert.ok(
      Buffer.from(parseEnvelope(out).raw).subarray(-futureTop.length).equals(Buffer.from(futureTop)),
      'unknown top-level field lost or moved',
    );
    const again = decodeValue(out);
    assert.deepEqual((again as { unknownFieldPaths?: string[] }).unknownFieldPaths?.sort(), ['(root)', 'metadata']);
    assert.equal((again as unknown as { object: typeof obj }).object.metadata.labels.team, 'storage');
  });
  test('unchanged save is byte-identical even with unknown fields', () => {
    const d = decodeValue(stored);
    assert.ok(Buffer.from(encodeValue(d, toYaml((d as { object: unknown }).object))).equals(Buffer.from(stored)));
  });
});
