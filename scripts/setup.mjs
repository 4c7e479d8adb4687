// Makes a fresh clone ready: npm dependencies (npm ci when package-lock.json changed) and the
// real test hosts (scripts/install-hosts.sh: etcd, etcdctl, Chromium, Node 24 + code-server).
// Uses only Node built-ins, so it runs before node_modules exists.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function lockHash() {
  return createHash('sha256').update(readFileSync(path.join(root, 'package-lock.json'))).digest('hex');
}

export function ensureNodeModules() {
  const stamp = path.join(root, 'node_modules', '.etcd-studio-lock-hash');
  const want = lockHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  console.error('[setup] npm ci');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, want);
}

/** hosts: 'all' (etcd + Chromium + code-server), 'etcd' (what unit tests and benchmarks need), 'none'. */
export function ensureSetup({ hosts = 'all' } = {}) {
  ensureNodeModules();
  if (hosts === 'none') return;
  const env = { ...process.env, ETCD_STUDIO_HOSTS: hosts };
  execFileSync('bash', [path.join(root, 'scripts', 'install-hosts.sh')], { cwd: root, stdio: 'inherit', env });
}
