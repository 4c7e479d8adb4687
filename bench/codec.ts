/**
 * Kubernetes codec benchmark: decode throughput over the shared fixtures repeated to >= 50 MB, compared
 * with plain protobufjs decoding the same inner bytes against a Root built from our schema (no JSON
 * mapping, so it is the floor), and the time to render a ~100 KB Pod as YAML.
 * Targets: ratio (ours / protobufjs time) <= 3, podYamlMs < 20.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { decodeValue, toYaml } from '../src/core/k8s/codec';
import { parseEnvelope } from '../src/core/k8s/envelope';
import { defaultSchema, type Schema } from '../src/core/k8s/schema';
import { findMessage } from '../src/core/k8s/codec';

interface Args {
  number(name: string, fallback: number): number;
}

function fixturesDir(): string {
  if (process.env.K8S_FIXTURES) return process.env.K8S_FIXTURES;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the benchmark');
    dir = parent;
  }
  return path.join(dir, '..', 'shared', 'k8s-fixtures', 'HEAD');
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

export async function run(args?: Args): Promise<Record<string, number>> {
  const targetMb = args?.number('mb', 50) ?? 50;
  const schema = defaultSchema();
  const dir = fixturesDir();
  const values = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.pb'))
    .map((f) => new Uint8Array(fs.readFileSync(path.join(dir, f))));
  // only values whose envelope names their type (WatchEvent's does not)
  const items = values
    .map((pb) => ({ pb, env: parseEnvelope(pb) }))
    .filter((x) => x.env.kind && findMessage(schema, x.env.apiVersion, x.env.kind));
  const setBytes = items.reduce((n, x) => n + x.pb.length, 0);
  const rounds = Math.ceil((targetMb * 1e6) / setBytes);

  const root = protobufjsRoot(schema, schema.packages());
  const pbTypes = items.map((x) => root.lookupType(findMessage(schema, x.env.apiVersion, x.env.kind)!.fullName));

  // warm up both paths (JIT, lazy schema loading)
  for (let i = 0; i < 3; i++)
    items.forEach((x, j) => {
      decodeValue(x.pb);
      pbTypes[j].decode(x.env.raw);
    });

  let t = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (let j = 0; j < items.length; j++) pbTypes[j].decode(items[j].env.raw);
  const pbjsSec = Number(process.hrtime.bigint() - t) / 1e9;

  t = process.hrtime.bigint();
  let failures = 0;
  for (let r = 0; r < rounds; r++) for (const x of items) if (decodeValue(x.pb).error) failures++;
  const oursSec = Number(process.hrtime.bigint() - t) / 1e9;

  const totalMb = (setBytes * rounds) / 1e6;
  const objects = items.length * rounds;

  // a ~100 KB Pod: the fixture Pod with its containers repeated
  const podPb = values.find((_, i) => items[i]?.env.kind === 'Pod') ?? items.find((x) => x.env.kind === 'Pod')!.pb;
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
    decodedMB: Math.round(totalMb * 10) / 10,
    decodeMBps: Math.round((totalMb / oursSec) * 10) / 10,
    decodeObjectsPerSec: Math.round(objects / oursSec),
    protobufjsMBps: Math.round((totalMb / pbjsSec) * 10) / 10,
    ratioToProtobufjs: Math.round((oursSec / pbjsSec) * 100) / 100,
    decodeFailures: failures,
    podJsonKB: Math.round(JSON.stringify(pod).length / 1024),
    podYamlMs: Math.round(yamlRuns[Math.floor(yamlRuns.length / 2)] * 100) / 100,
  };
}
