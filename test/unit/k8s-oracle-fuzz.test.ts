/**
 * Every kind and version in client-go's scheme, filled by apimachinery's fuzzer with fixed seeds and
 * written into a real etcd by Kubernetes' own storage code (k8s-oracle: the storage codec and
 * k8s.io/apiserver's etcd3 store) — as protobuf (how kube-apiserver stores built-in kinds) and through
 * apimachinery's CBOR serializer. For every stored value: our decode equals the JSON the oracle reads back
 * (as a value and as Go's exact text), and our encode of that JSON is byte-identical to what the oracle
 * stored, except where Kubernetes' own encoder writes exactly our bytes for that JSON (the JSON cannot
 * express what was stored; listed with the byte difference).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeValue, encodeText, toJson } from '../../src/core/k8s/codec';
import { parseJsonExact } from '../../src/core/k8s/goJson';
import { prefixRangeEnd } from '../../src/core/keytree/rangeEnd';
import { apiVersionOf, oracleOnce, Oracle, type FuzzVector, type KindInfo } from '../harness/oracle';
import { useEtcdConnection } from '../harness/useEtcd';
import { firstDifference, hexDiff } from './k8s-vectors';

const kinds = oracleOnce<{ kinds: KindInfo[] }>('kinds').kinds;
const groupVersions = [...new Set(kinds.map(apiVersionOf))];

fuzzSuite('protobuf', [1, 2, 3, 4]);
fuzzSuite('cbor', [1, 2]);

function fuzzSuite(format: 'protobuf' | 'cbor', SEEDS: number[]): void {
  const PREFIX = `/registry/oracle-fuzz-${format}`;
  const wantFormat = format === 'protobuf' ? 'k8s-protobuf' : 'cbor';
  describe(`every kind in client-go's scheme, fuzzed and stored in etcd by Kubernetes' own code as ${format}`, () => {
    const t = useEtcdConnection(`oracle-fuzz-${format}`);
    let oracle: Oracle;
    let vectors: FuzzVector[] = [];
    const stored = new Map<string, Buffer>();
    const exceptions: string[] = [];

    before(async () => {
      oracle = Oracle.start();
      await oracle.connect(t.etcd.endpoints);
      vectors = await oracle.fuzz({ seeds: SEEDS, prefix: PREFIX, format });
      const res = await t.conn.range({ key: Buffer.from(PREFIX + '/'), range_end: prefixRangeEnd(Buffer.from(PREFIX + '/')) });
      for (const kv of res.kvs) stored.set(kv.key.toString(), kv.value);
    });
    after(async () => {
      await oracle?.stop();
    });

    test('the oracle stored every kind and seed', (t) => {
      const failed = vectors.filter((v) => v.error);
      assert.deepEqual(
        failed.map((v) => `${apiVersionOf(v)} ${v.kind} seed ${v.seed}: ${v.error}`),
        [],
      );
      const skipped = vectors.filter((v) => v.skipped);
      assert.equal(vectors.length, kinds.length * SEEDS.length);
      assert.equal(stored.size, vectors.length - skipped.length);
      t.diagnostic(
        `${kinds.length} kinds in ${groupVersions.length} group/versions (${kinds.filter((k) => k.object).length} with ObjectMeta, ` +
          `${kinds.filter((k) => k.list).length} lists, ${kinds.filter((k) => k.meta).length} meta types), ${SEEDS.length} seeds: ` +
          `${vectors.length - skipped.length} objects written by the oracle; ${skipped.length} skipped (no protobuf form)`,
      );
    });

    for (const gv of groupVersions) {
      test(gv, async () => {
        const problems: string[] = [];
        for (const v of vectors.filter((x) => apiVersionOf(x) === gv && !x.skipped && !x.error)) {
          const name = `${v.kind} seed ${v.seed}`;
          const bytes = stored.get(v.key);
          if (!bytes) {
            problems.push(`${name}: not in etcd at ${v.key}`);
            continue;
          }
          const type = { apiVersion: gv, kind: v.kind };
          const d = decodeValue(bytes, { type });
          if (d.format !== wantFormat || d.error || !('object' in d) || !d.object) {
            problems.push(`${name}: decode failed: ${d.error ?? d.format}`);
            continue;
          }
          const want = parseJsonExact(v.json!);
          const diff = firstDifference(d.object, want);
          if (diff) problems.push(`${name}: decode differs from the oracle's JSON at ${diff}`);
          else if (toJson(d.object, 0) !== v.json)
            problems.push(`${name}: JSON text differs from Go's:\n  ours ${toJson(d.object, 0)}\n  Go   ${v.json}`);
          let encoded: Uint8Array;
          try {
            encoded = encodeText(v.json!, { type, to: format === 'cbor' ? 'cbor' : undefined });
          } catch (e) {
            problems.push(`${name}: encoding the oracle's JSON failed: ${(e as Error).message}`);
            continue;
          }
          if (Buffer.compare(Buffer.from(encoded), bytes) === 0) continue;
          // An exception only when Kubernetes' own encoder writes exactly our bytes for the same JSON: then the
          // JSON the API serves cannot express what was stored (Go's JSON round trip is not byte-stable here).
          const go = await oracle.encode(v, v.json!, format);
          if (Buffer.compare(Buffer.from(encoded), go) === 0) {
            exceptions.push(`${gv} ${name}: ${hexDiff(encoded, bytes)}`);
          } else {
            problems.push(
              `${name}: encode of the oracle's JSON is not byte-identical: ${hexDiff(encoded, bytes)}; Go's own: ${hexDiff(encoded, go)}`,
            );
          }
        }
        assert.deepEqual(problems, []);
      });
    }

    test("the only re-encoding differences are Kubernetes' own (its encoder writes our bytes for the served JSON)", (t) => {
      for (const e of exceptions) t.diagnostic(e);
      t.diagnostic(`${exceptions.length} of ${stored.size} objects: stored bytes that the served JSON cannot reproduce in Go either`);
      // a few per run at most: empty-but-non-nil []byte fields with omitempty, nil map<string,[]byte> values
      assert.ok(exceptions.length <= stored.size / 100, `${exceptions.length} exceptions`);
    });
  });
}
