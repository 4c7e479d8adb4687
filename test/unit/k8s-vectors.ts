/**
 * Kubernetes serialization vectors for the k8s-* unit tests, made at test time by Kubernetes' own code
 * (k8s-oracle): apimachinery's compatibility objects for every kind of client-go's scheme, i.e. the same
 * JSON, YAML and protobuf as the upstream kubernetes/api testdata/HEAD fixtures.
 */
import { isDeepStrictEqual } from 'node:util';
import { apiVersionOf, oracleOnce, type CompatVector } from '../harness/oracle';

export interface Fixture {
  /** group.version.Kind, `core` for the legacy group (as the upstream fixture files are named). */
  name: string;
  pb: Uint8Array;
  json: string;
  yaml: string;
  /** For types whose envelope names none (WatchEvent). */
  type: { apiVersion: string; kind: string };
}

let cached: Fixture[] | undefined;

/** The compatibility vectors of every kind, sorted by name (one short-lived oracle call per test process). */
export function loadFixtures(): Fixture[] {
  cached ??= oracleOnce<{ vectors: CompatVector[] }>('compat')
    .vectors.map((v) => {
      if (v.error) throw new Error(`k8s-oracle could not serialize ${apiVersionOf(v)} ${v.kind}: ${v.error}`);
      return {
        name: `${v.group || 'core'}.${v.version}.${v.kind}`,
        pb: new Uint8Array(Buffer.from(v.pb, 'base64')),
        json: v.json,
        yaml: v.yaml,
        type: { apiVersion: apiVersionOf(v), kind: v.kind },
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return cached;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hexDiff(got: Uint8Array, want: Uint8Array): string {
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  const hex = (b: Uint8Array): string => Buffer.from(b.subarray(Math.max(0, i - 8), i + 16)).toString('hex');
  return `first difference at byte ${i} of ${want.length} (got ${got.length} bytes): got …${hex(got)} want …${hex(want)}`;
}

const show = (v: unknown): string => {
  const s = typeof v === 'bigint' ? `${v}n` : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  return s === undefined ? 'undefined' : s.length > 120 ? s.slice(0, 120) + '…' : s;
};

/**
 * Where two JSON-like values first differ (path, both values), including key order; undefined if they are
 * equal. Integers compare by value whether they are numbers or bigints.
 */
export function firstDifference(got: unknown, want: unknown, path = ''): string | undefined {
  if (typeof got === 'bigint' || typeof want === 'bigint') {
    return typeof got !== 'object' && typeof want !== 'object' && BigInt(got as number) === BigInt(want as number)
      ? undefined
      : `${path || '(root)'}: got ${show(got)}, want ${show(want)}`;
  }
  if (Array.isArray(got) && Array.isArray(want)) {
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      const d = firstDifference(got[i], want[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (got && want && typeof got === 'object' && typeof want === 'object' && !Array.isArray(got) && !Array.isArray(want)) {
    const gk = Object.keys(got);
    const wk = Object.keys(want);
    for (const k of wk) {
      if (!(k in got)) return `${path}.${k}: missing (want ${show((want as Record<string, unknown>)[k])})`;
    }
    for (const k of gk) {
      if (!(k in want)) return `${path}.${k}: unexpected ${show((got as Record<string, unknown>)[k])}`;
    }
    for (const k of wk) {
      const d = firstDifference((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    if (gk.join('\0') !== wk.join('\0')) return `${path || '(root)'}: key order ${gk.join(',')} vs ${wk.join(',')}`;
    return undefined;
  }
  return isDeepStrictEqual(got, want) ? undefined : `${path || '(root)'}: got ${show(got)}, want ${show(want)}`;
}
