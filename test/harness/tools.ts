import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root: the folder above this file that holds package.json. */
export function repoRoot(): string {
  let d = __dirname;
  while (!existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error(`no package.json above ${__dirname}`);
    d = up;
  }
  return d;
}

export interface EtcdHost {
  /** e.g. 3.6.16 */
  version: string;
  bin: string;
  etcd: string;
  etcdctl: string;
  /** null on 3.4, whose etcdctl still has `snapshot status|restore`. */
  etcdutl: string | null;
}

/** What scripts/hosts.mjs installs, and where (one source of truth for the harness, demo and benchmarks). */
export interface HostPaths {
  tools: string;
  node24: string;
  npmNodedir: string;
  codeServer: string;
  chromium: string;
  etcd: Record<EtcdMinor, EtcdHost>;
  oracle: string | null;
  /** kube-apiserver built from k8s.io/kubernetes (test/hosts/kube-apiserver). */
  kubeApiserver: string;
}

export type EtcdMinor = '3.4' | '3.6' | '3.7';
export const ETCD_MINORS: EtcdMinor[] = ['3.4', '3.6', '3.7'];

let cached: HostPaths | undefined;
export function hostPaths(): HostPaths {
  cached ??= JSON.parse(
    execFileSync(process.execPath, [path.join(repoRoot(), 'scripts', 'hosts.mjs'), 'paths'], { encoding: 'utf8' }),
  ) as HostPaths;
  return cached;
}

/**
 * The etcd release the tests run against, chosen by ETCD_STUDIO_ETCD (3.4, 3.6 or 3.7; npm test
 * runs the unit suite once per release). Default 3.6, what Kubernetes ships today.
 */
export function etcdTarget(): EtcdHost & { minor: EtcdMinor } {
  const minor = (process.env.ETCD_STUDIO_ETCD ?? '3.6') as EtcdMinor;
  if (!ETCD_MINORS.includes(minor)) throw new Error(`ETCD_STUDIO_ETCD=${minor}: expected one of ${ETCD_MINORS.join(', ')}`);
  const host = hostPaths().etcd[minor];
  if (!existsSync(host.etcd))
    throw new Error(
      `etcd ${minor} is not installed at ${host.etcd}: run "node scripts/hosts.mjs install etcd-${minor}" (npm test does it for you).`,
    );
  return { minor, ...host };
}

/** Environment for child processes that run etcd's own tools of the target release by name. */
export function etcdToolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const t = etcdTarget();
  // etcdctl 3.4 needs ETCDCTL_API=3; 3.5+ speak only v3 and warn about the variable.
  const api = t.minor === '3.4' ? { ETCDCTL_API: '3' } : {};
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${t.bin}:${process.env.PATH}`, ...api, ...extra };
  if (t.minor !== '3.4' && !('ETCDCTL_API' in extra)) delete env.ETCDCTL_API;
  return env;
}

/** Runs the target release's etcdctl or etcdutl with an argument array (never a shell); returns stdout. */
export function runEtcdTool(tool: 'etcdctl' | 'etcdutl', args: string[]): string {
  const t = etcdTarget();
  const bin = t[tool];
  if (!bin) throw new Error(`etcd ${t.version} has no ${tool}`);
  return execFileSync(bin, args, { env: etcdToolEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
}

/**
 * `snapshot status FILE -w FORMAT` by the target release's own tool: etcdutl (3.5 moved it there),
 * etcdctl on 3.4. What etcd-studio's status must equal for files that release wrote.
 */
export function releaseSnapshotStatus(file: string, format = 'json'): string {
  return runEtcdTool(etcdTarget().etcdutl ? 'etcdutl' : 'etcdctl', ['snapshot', 'status', file, '-w', format]);
}

export function requireVscodeTools(): HostPaths {
  const p = hostPaths();
  for (const f of [p.node24, p.codeServer, p.chromium]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run "node scripts/hosts.mjs install vscode" (npm test does it for you).`);
  }
  return p;
}

/** The release under test as a pattern for version strings ("3.6" -> /3\.6\.\d+/), without asking hosts.mjs. */
export function etcdVersionPattern(): string {
  return `${(process.env.ETCD_STUDIO_ETCD ?? '3.6').replace('.', '\\.')}\\.\\d+`;
}
