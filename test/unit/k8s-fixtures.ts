/** Locates the shared Kubernetes serialization fixtures for the k8s-* unit tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(start: string = __dirname): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const FIXTURES = process.env.K8S_FIXTURES ?? path.join(repoRoot(), '..', 'shared', 'k8s-fixtures', 'HEAD');

export interface Fixture {
  name: string;
  pb: Uint8Array;
  json: string;
  yaml: string;
  /** From the file name, for types whose envelope names none (WatchEvent). */
  type: { apiVersion: string; kind: string };
}

export function loadFixtures(): Fixture[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.pb'))
    .sort()
    .map((f) => {
      const base = f.slice(0, -3);
      const parts = base.split('.');
      const kind = parts.pop()!;
      const version = parts.pop()!;
      const group = parts.join('.');
      return {
        name: base,
        pb: new Uint8Array(fs.readFileSync(path.join(FIXTURES, f))),
        json: fs.readFileSync(path.join(FIXTURES, `${base}.json`), 'utf8'),
        yaml: fs.readFileSync(path.join(FIXTURES, `${base}.yaml`), 'utf8'),
        type: { apiVersion: group === 'core' ? version : `${group}/${version}`, kind },
      };
    });
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
