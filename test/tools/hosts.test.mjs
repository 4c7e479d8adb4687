// scripts/hosts.mjs as a user meets it on a new machine: a missing prerequisite names the failed step and
// how to retry, an install killed half-way leaves nothing that looks finished, and the next run redoes it.
// Runs once per `npm test` (layer "tools"), in a throw-away tools folder; Go's build cache is reused, so a
// rebuild is mostly linking.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const hostsScript = path.join(root, 'scripts', 'hosts.mjs');
const tools = mkdtempSync(path.join(tmpdir(), 'etcd-studio-hosts-test-'));
after(() => rmSync(tools, { recursive: true, force: true }));

const env = (extra = {}) => ({ ...process.env, ETCD_STUDIO_TOOLS: tools, ...extra });
const hosts = (args, extra) => spawnSync(process.execPath, [hostsScript, ...args], { env: env(extra), encoding: 'utf8' });
const paths = () => JSON.parse(hosts(['paths']).stdout);

describe('scripts/hosts.mjs installs the test hosts from nothing', () => {
  test('without Go it names the failed step, says how to retry, and leaves no tool folder', () => {
    const noGo = (process.env.PATH ?? '')
      .split(':')
      .filter((d) => d && !existsSync(path.join(d, 'go')))
      .join(':');
    const r = hosts(['install', 'etcd-3.7'], { PATH: noGo });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /FAILED at step "go": .*Go 1\.26 is needed to build etcd 3\.6\/3\.7.*`go` is not on PATH/);
    assert.match(r.stderr, /Nothing half-finished was kept\. .*run again: node scripts\/hosts\.mjs install/);
    assert.equal(existsSync(path.join(tools, 'go')), false);
  });

  test('an unknown component is refused with the list of known ones', () => {
    const r = hosts(['install', 'etcd-3.5']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown component\(s\) etcd-3\.5; known: etcd-3\.4, etcd-3\.6, etcd-3\.7, oracle, kube-apiserver, vscode/);
  });

  test('an install killed half-way leaves only a .partial folder, which the next run removes before building', async () => {
    const final = path.dirname(paths().etcd['3.7'].bin);
    // Its own process group, killed as a whole like Ctrl-C in a terminal kills go build with it.
    const child = spawn(process.execPath, [hostsScript, 'install', 'etcd-3.7'], {
      env: env(),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    await new Promise((resolve) => {
      child.stderr.on('data', (d) => String(d).includes('go build') && resolve());
    });
    const gone = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGKILL');
    await gone;
    await new Promise((r) => setTimeout(r, 300)); // the group's go build is gone too
    const left = readdirSync(path.dirname(final));
    assert.equal(existsSync(final), false, 'a killed install must not leave the final folder');
    assert.ok(
      left.some((n) => n.startsWith(`${path.basename(final)}.partial-`)),
      `expected a .partial folder, found ${left.join(', ')}`,
    );

    // Also a stale partial of an older run, with junk in it.
    const stale = `${final}.partial-999999999`;
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'junk'), 'x');

    const r = hosts(['install', 'etcd-3.7']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /removing half-finished .*\.partial-/);
    assert.deepEqual(readdirSync(path.dirname(final)), [path.basename(final)]);
    const version = spawnSync(path.join(final, 'bin', 'etcd'), ['--version'], { encoding: 'utf8' }).stdout;
    assert.match(version, /^etcd Version: 3\.7\.\d+$/m);
    for (const tool of ['etcdctl', 'etcdutl']) assert.ok(existsSync(path.join(final, 'bin', tool)), `${tool} is built`);
  });

  test('a second install finds everything in place and builds nothing', () => {
    const r = hosts(['install', 'etcd-3.7']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /go build|npm install|apt-get/);
  });

  test('builds of older Go sources are removed once unused for 14 days; recent ones (other clones) stay', () => {
    const goDir = path.join(tools, 'go');
    const old = path.join(goDir, 'etcd-3.7-000000000000');
    const recent = path.join(goDir, 'etcd-3.7-111111111111');
    for (const d of [old, recent]) mkdirSync(path.join(d, 'bin'), { recursive: true });
    const monthAgo = new Date(Date.now() - 30 * 86400_000);
    utimesSync(old, monthAgo, monthAgo);
    const r = hosts(['install', 'etcd-3.7']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /removing .*etcd-3\.7-000000000000 \(a build of older sources, unused for 14 days\)/);
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(recent), true);
    assert.equal(existsSync(path.dirname(paths().etcd['3.7'].bin)), true);
  });

  test('paths names each release with its own etcd, etcdctl and etcdutl (3.4: etcdctl only)', () => {
    const p = paths();
    assert.equal(p.tools, tools);
    assert.equal(p.etcd['3.4'].etcdutl, null);
    assert.match(p.etcd['3.6'].version, /^3\.6\.\d+$/);
    assert.match(p.etcd['3.7'].version, /^3\.7\.\d+$/);
    for (const m of ['3.6', '3.7']) assert.ok(p.etcd[m].etcdutl.startsWith(path.join(tools, 'go', `etcd-${m}-`)));
  });
});
