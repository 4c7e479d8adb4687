/**
 * Kubernetes codec benchmark on every kind's compatibility object (made by the Kubernetes oracle, as in
 * kubernetes/api testdata), the set repeated to >= 50 MB:
 * - decode (stored bytes -> JSON object) and encode (object -> stored bytes) throughput, side by side with
 *   apimachinery's own protobuf serializer in Go on the same bytes and the same number of rounds (the
 *   oracle), and our time as a ratio to Go's;
 * - plain protobufjs decoding the same inner bytes against a Root built from our schema (no JSON mapping,
 *   the JavaScript floor);
 * - the time to render a ~100 KB Pod as YAML.
 */
import * as protobuf from 'protobufjs';
import { decodeValue, encodeObject, findMessage, toYaml, type Decoded } from '../src/core/k8s/codec';
import { parseEnvelope } from '../src/core/k8s/envelope';
import { defaultSchema, type Schema } from '../src/core/k8s/schema';
import { Oracle, oracleOnce, type CompatVector } from '../test/harness/oracle';

interface Args {
  number(name: string, fallback: number): number;
}

/** protobufjs Root with every message of every package in our schema (same facts, same wire). */
function protobufjsRoot(schema: Schema, packages: string[]): protobuf.Root {
  const root = new protobuf.Root();
  for (const pkg of packages) {
    const ns = root.define(pkg);
    for (const name of schema.packageMessages(pkg)) {
      const msg = schema.message(`${pkg}.${name}`);
      const type = new protobuf.Type(name);
      for (const f of msg.fields) {
        const t = f.scalar ?? `.${f.messageName}`;
        if (f.map) type.add(new protobuf.MapField(f.protoName, f.number, f.keyScalar!, t));
        else type.add(new protobuf.Field(f.protoName, f.number, t, f.repeated ? 'repeated' : 'optional'));
      }
      ns.add(type);
    }
  }
  root.resolveAll();
  return root;
}

const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;
const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

export async function run(args?: Args): Promise<Record<string, number>> {
  const targetMb = args?.number('mb', 50) ?? 50;
  const schema = defaultSchema();
  const values = oracleOnce<{ vectors: CompatVector[] }>('compat').vectors.map((v) => new Uint8Array(Buffer.from(v.pb, 'base64')));
  // only values whose envelope names their type (WatchEvent's does not)
  const items = values
    .map((pb) => ({ pb, env: parseEnvelope(pb) }))
    .filter((x) => x.env.kind && findMessage(schema, x.env.apiVersion, x.env.kind));
  const setBytes = items.reduce((n, x) => n + x.pb.length, 0);
  const rounds = Math.ceil((targetMb * 1e6) / setBytes);

  const root = protobufjsRoot(schema, schema.packages());
  const pbTypes = items.map((x) => root.lookupType(findMessage(schema, x.env.apiVersion, x.env.kind)!.fullName));

  // warm up both paths (JIT, lazy schema loading)
  let decoded: Decoded[] = [];
  for (let i = 0; i < 3; i++) {
    decoded = items.map((x, j) => {
      pbTypes[j].decode(x.env.raw);
      return decodeValue(x.pb);
    });
  }
  const objects = decoded.map((d) => (d as { object: Record<string, unknown> }).object);
  for (let i = 0; i < 3; i++) objects.forEach((o) => encodeObject(o));

  let t = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (let j = 0; j < items.length; j++) pbTypes[j].decode(items[j].env.raw);
  const pbjsSec = seconds(t);

  t = process.hrtime.bigint();
  let failures = 0;
  for (let r = 0; r < rounds; r++) for (const x of items) if (decodeValue(x.pb).error) failures++;
  const oursSec = seconds(t);

  t = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const o of objects) encodeObject(o);
  const oursEncodeSec = seconds(t);

  // the same bytes and rounds through apimachinery's protobuf serializer, in Go
  const oracle = Oracle.start();
  let go;
  try {
    go = await oracle.bench(
      items.map((x) => x.pb),
      rounds,
    );
  } finally {
    await oracle.stop();
  }
  const goDecodeSec = go.decodeNs / 1e9;
  const goEncodeSec = go.encodeNs / 1e9;
  const goDecodeJsonSec = go.decodeJsonNs / 1e9;

  const totalMb = (setBytes * rounds) / 1e6;
  const count = items.length * rounds;

  // a ~100 KB Pod: the compatibility Pod with its containers repeated
  const podPb = items.find((x) => x.env.kind === 'Pod' && x.env.apiVersion === 'v1')!.pb;
  const pod = (decodeValue(podPb) as unknown as { object: { spec: { containers: unknown[] } } }).object;
  const base = [...pod.spec.containers];
  while (JSON.stringify(pod).length < 100_000) pod.spec.containers.push(...base.map((c) => structuredClone(c)));
  const yamlRuns: number[] = [];
  for (let i = 0; i < 15; i++) {
    const s = process.hrtime.bigint();
    toYaml(pod);
    yamlRuns.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  yamlRuns.sort((a, b) => a - b);

  return {
    kinds: items.length,
    decodedMB: round(totalMb),
    decodeMBps: round(totalMb / oursSec),
    decodeObjectsPerSec: Math.round(count / oursSec),
    encodeMBps: round(totalMb / oursEncodeSec),
    goDecodeMBps: round(totalMb / goDecodeSec),
    goDecodeToJsonMBps: round(totalMb / goDecodeJsonSec),
    goEncodeMBps: round(totalMb / goEncodeSec),
    ratioToGoDecode: round(oursSec / goDecodeSec, 2),
    ratioToGoDecodeToJson: round(oursSec / goDecodeJsonSec, 2),
    ratioToGoEncode: round(oursEncodeSec / goEncodeSec, 2),
    protobufjsMBps: round(totalMb / pbjsSec),
    ratioToProtobufjs: round(oursSec / pbjsSec, 2),
    decodeFailures: failures,
    podJsonKB: Math.round(JSON.stringify(pod).length / 1024),
    podYamlMs: round(yamlRuns[Math.floor(yamlRuns.length / 2)], 2),
  };
}
