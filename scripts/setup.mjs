// Makes a fresh clone ready: npm dependencies (npm ci when package-lock.json changed) and the real
// hosts the tests, demo and benchmarks run on (scripts/hosts.mjs: etcd 3.4/3.6/3.7, the Kubernetes
// oracle, kube-apiserver, Chromium, Node 24 + code-server). Uses only Node built-ins, so it runs before node_modules exists.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostPaths, installHosts } from './hosts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function lockHash() {
  return createHash('sha256')
    .update(readFileSync(path.join(root, 'package-lock.json')))
    .digest('hex');
}

export function ensureNodeModules() {
  const stamp = path.join(root, 'node_modules', '.etcd-studio-lock-hash');
  const want = lockHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  console.error('[setup] npm ci');
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  } catch {
    console.error('[setup] FAILED at step "npm ci" (output above). Retry: npm ci');
    process.exit(1);
  }
  writeFileSync(stamp, want);
}

/**
 * components: which hosts to install (see scripts/hosts.mjs): 'etcd-3.4', 'etcd-3.6', 'etcd-3.7',
 * 'oracle', 'kube-apiserver', 'vscode'. Exits with the failed step and how to retry when an install fails.
 * Returns where everything is.
 */
export function ensureSetup({ components = [] } = {}) {
  ensureNodeModules();
  if (components.length) {
    try {
      installHosts(components);
    } catch (e) {
      console.error(`[hosts] FAILED at step "${e.step ?? 'install'}": ${e.message}`);
      console.error('[hosts] Nothing half-finished was kept. Fix the cause above, then run again (or: node scripts/hosts.mjs install).');
      process.exit(1);
    }
  }
  return hostPaths();
}
