/**
 * Custom resources as kube-apiserver stores them (apiextensions-apiserver's unstructured serializers,
 * through the oracle's etcd3 store): JSON, and CBOR as with the CBORServingAndStorage feature. Seeded
 * random objects stress what JSON and CBOR make hard — 64-bit integers, whole-number floats, -0, escapes,
 * unicode keys, nulls, deep nesting. Every stored value decodes to what the API server reads, re-encodes
 * byte-identically, and an edit of one field keeps every other field (and its encoding) as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getKey, putIfUnchanged } from '../../src/core/etcd/kv';
import { decodeValue, encodeText, encodeValue, toJson, toYaml } from '../../src/core/k8s/codec';
import { parseJsonExact, stringifyGo } from '../../src/core/k8s/goJson';
import { Oracle, type Target } from '../harness/oracle';
import { useEtcdConnection } from '../harness/useEtcd';
import { hexDiff, rng } from './k8s-vectors';

const OBJECTS = 40;

const STRINGS = [
  '',
  'plain',
  'a<b>&c',
  'line\nbreak\ttab',
  'quote " backslash \\',
  '\u2028\u2029',
  'ünïcødé',
  '😀 emoji',
  '\u0001\u001f',
  '1.0',
  'null',
  'true',
  ' spaced ',
];
const KEYS = ['a', 'b', 'zz', 'x.y/z', 'ünï', '😀', '<&>', '10', '9', '', 'apiVersion2', 'spec-like', 'CAPS'];
const NUMBERS = [
  '0',
  '-1',
  '42',
  '9007199254740993',
  '-9223372036854775808',
  '9223372036854775807',
  '0.5',
  '2.0',
  '-0.0',
  '1e-7',
  '1.5e300',
  '3.14159',
  '100.25',
];

/** JSON text of a random value (numbers written as given, so 2.0 stays a float in Go). */
function randomJson(r: () => number, depth: number): string {
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const x = r();
  if (depth <= 0 || x < 0.45) {
    const y = r();
    if (y < 0.4) return JSON.stringify(pick(STRINGS));
    if (y < 0.75) return pick(NUMBERS);
    if (y < 0.9) return r() < 0.5 ? 'true' : 'false';
    return 'null';
  }
  if (x < 0.7) return `[${Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth - 1)).join(',')}]`;
  const keys = [...new Set(Array.from({ length: Math.floor(r() * 5) }, () => pick(KEYS)))];
  return `{${keys.map((k) => `${JSON.stringify(k)}:${randomJson(r, depth - 1)}`).join(',')}}`;
}

function customResource(i: number): { target: Target; text: string } {
  const r = rng(1000 + i);
  const name = `w-${i}`;
  const text =
    `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"${name}","namespace":"default","uid":"uid-${i}",` +
    `"creationTimestamp":"2026-11-01T10:00:00Z","labels":{"app":"w"}},"spec":${randomJson(r, 4)},"status":{"observed":${randomJson(r, 2)}}}`;
  return {
    target: {
      kind: { group: 'example.com', version: 'v1', kind: 'Widget' },
      key: `/registry/example.com/widgets/default/${name}`,
      resource: 'widgets.example.com',
    },
    text,
  };
}

for (const format of ['json', 'cbor'] as const) {
  describe(`custom resources stored as ${format} by Kubernetes' own code`, () => {
    const t = useEtcdConnection(`oracle-custom-${format}`);
    let oracle: Oracle;
    const objects = Array.from({ length: OBJECTS }, (_, i) => customResource(i)).map((o) => ({
      ...o,
      target: { ...o.target, key: `${o.target.key}-${format}`, format },
      text: o.text.replace(/"name":"(w-\d+)"/, `"name":"$1-${format}"`),
    }));

    before(async () => {
      oracle = Oracle.start();
      await oracle.connect(t.etcd.endpoints);
      for (const o of objects) await oracle.create(o.target, o.text);
    });
    after(async () => {
      await oracle?.stop();
    });

    /** What the API server serves, and our object as Go would write it with that resourceVersion. */
    const served = async (target: Target): Promise<{ text: string; rv: string }> => {
      const g = await oracle.get(target);
      return { text: g.json, rv: g.resourceVersion };
    };
    const asServed = (object: unknown, rv: string): string => {
      const o = structuredClone(object) as { metadata: Record<string, unknown> };
      o.metadata.resourceVersion = rv;
      return stringifyGo(o, { sortKeys: true });
    };

    test('every object decodes to exactly what the API server serves (Go JSON text, key order included)', async () => {
      for (const o of objects) {
        const stored = (await getKey(t.conn, Buffer.from(o.target.key)))!.value;
        const d = decodeValue(stored, { key: o.target.key });
        assert.equal(d.format, format, o.target.key);
        const object = (d as { object: unknown }).object;
        const s = await served(o.target);
        assert.equal(asServed(object, s.rv), s.text, o.target.key);
        assert.equal(toJson(object, 0), stringifyGo(object, { sortKeys: true }), `${o.target.key}: keys already in Go's order`);
      }
    });

    test("re-encoding the served JSON gives the stored bytes (or exactly what Kubernetes' encoder writes for it)", async (tc) => {
      let exact = 0;
      const goOwn: string[] = [];
      for (const o of objects) {
        const stored = (await getKey(t.conn, Buffer.from(o.target.key)))!.value;
        const view = parseJsonExact((await oracle.get(o.target)).json) as { metadata: Record<string, unknown> };
        delete view.metadata.resourceVersion;
        const json = toJson(view, 0);
        const ours = encodeText(json, { to: format });
        if (Buffer.compare(Buffer.from(ours), stored) === 0) {
          exact++;
          continue;
        }
        // CBOR keeps float-ness (2.0, -0.0) that the served JSON ("2", "-0"→0 in Go's reading) cannot show
        const go = await oracle.encode(o.target.kind, json, format, true);
        assert.ok(
          Buffer.compare(Buffer.from(ours), go) === 0,
          `${o.target.key}: ours vs Go's encoding of the same JSON: ${hexDiff(ours, go)}`,
        );
        goOwn.push(o.target.key);
      }
      tc.diagnostic(
        `${exact} of ${objects.length} byte-identical; ${goOwn.length} as Kubernetes' own encoder writes the served JSON: ${goOwn.join(', ')}`,
      );
      assert.ok(exact >= objects.length / 2);
    });

    test('saving unchanged YAML writes the stored bytes; editing one field keeps every other field and its encoding', async () => {
      for (const o of objects) {
        const before = (await getKey(t.conn, Buffer.from(o.target.key)))!;
        const d = decodeValue(before.value, { key: o.target.key });
        const object = (d as unknown as { object: { metadata: { labels: Record<string, string> } } }).object;
        assert.ok(Buffer.from(encodeValue(d, toYaml(object), { key: o.target.key })).equals(before.value), `${o.target.key} unchanged`);

        const edited = structuredClone(object);
        edited.metadata.labels.edited = 'yes';
        const bytes = encodeValue(d, toYaml(edited), { key: o.target.key });
        // back to the original: the same bytes again (whole-number floats, -0 and key order kept)
        assert.ok(Buffer.from(encodeValue(d, toYaml(object), { key: o.target.key })).equals(before.value));
        const r = await putIfUnchanged(t.conn, Buffer.from(o.target.key), bytes, before.modRevision);
        assert.ok(r.ok);
        const s = await served(o.target);
        assert.equal(s.rv, String(r.revision));
        assert.equal(s.text, asServed(edited, s.rv), `${o.target.key}: the API server reads every field as it was, plus the edit`);
      }
    });
  });
}
