/**
 * What `etcd-studio` loads per command, run from the packaged .vsix as users install it: `--help`,
 * `decode` and the offline `snapshot status|ls|get` never load the etcd client or gRPC (which would
 * show as Node's http2 module), only the command's own file. A command that talks to a cluster does,
 * which shows the check sees gRPC when it is there.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sampleKeyspace } from '../../src/core/demo/sampleKeyspace';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';
import { etcdToolEnv } from '../harness/tools';
import { packagedVsix, unpackVsix } from '../harness/vsix';

/** Preloaded into the CLI's process: on exit, writes the files it required and Node's built-in modules it loaded. */
const HOOK = `process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify({
  files: Object.keys(require.cache), builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)) })));`;

interface Loaded {
  code: number;
  stdout: string;
  stderr: string;
  /** Files of the packaged dist/ the command required, e.g. ['cli.js', 'lazy-cli-snapshotCommands.js']. */
  dist: string[];
  builtins: string[];
}

describe('etcd-studio loads only what a command needs (packaged .vsix)', () => {
  let dir: string;
  let dist: string;
  let etcd: EtcdTestCluster;
  let snapshot: string;
  let podFile: string;
  const pod = sampleKeyspace().find((e) => e.key.startsWith('/registry/pods/'))!;

  function run(args: string[]): Loaded {
    const out = path.join(dir, 'loaded.json');
    rmSync(out, { force: true });
    const r = spawnSync(process.execPath, ['-r', path.join(dir, 'hook.js'), path.join(dist, 'cli.js'), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, LOADED_OUT: out },
    });
    const loaded = JSON.parse(readFileSync(out, 'utf8')) as { files: string[]; builtins: string[] };
    const ours = loaded.files.filter((f) => path.dirname(f) === dist).map((f) => path.basename(f));
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, dist: ours.sort(), builtins: loaded.builtins };
  }

  before(async () => {
    const vsix = packagedVsix();
    assert.ok(existsSync(vsix), `${vsix} exists (npm test packages it first; or run "npm run package")`);
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-cli-startup-'));
    unpackVsix(vsix, path.join(dir, 'vsix'));
    dist = path.join(dir, 'vsix', 'extension', 'dist');
    writeFileSync(path.join(dir, 'hook.js'), HOOK);
    podFile = path.join(dir, 'pod.pb');
    writeFileSync(podFile, pod.value);
    etcd = await startEtcd();
    const raw = rawClient(etcd);
    await raw.put(pod.key).value(Buffer.from(pod.value));
    raw.close();
    snapshot = path.join(dir, 'snap.db');
    execFileSync('etcdctl', ['--endpoints', etcd.endpoints[0], 'snapshot', 'save', snapshot], { env: etcdToolEnv(), stdio: 'ignore' });
  });

  after(async () => {
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('--help prints the commands from dist/cli.js alone: no etcd client, no gRPC', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: etcd-studio <command>/);
    assert.match(r.stdout, /snapshot +snapshot save\|status\|ls\|get\|restore/);
    assert.deepEqual(r.dist, ['cli.js']);
    assert.ok(!r.builtins.includes('http2'), 'gRPC (http2) not loaded');
    assert.equal(
      run(['version']).stdout,
      `etcd-studio ${JSON.parse(readFileSync(path.join(dist, '..', 'package.json'), 'utf8')).version}\n`,
    );
  });

  test('decode of a stored Pod prints its YAML with the codec and the YAML library only', () => {
    const r = run(['decode', podFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^apiVersion: v1\nkind: Pod\n/);
    assert.deepEqual(r.dist, ['cli.js', 'lazy-codecCommands.js', 'lazy-yaml.js']);
    assert.ok(!r.builtins.includes('http2'), 'gRPC (http2) not loaded');
  });

  test('snapshot status, ls and get read the file without the etcd client; get adds the codec and YAML', () => {
    const status = run(['snapshot', 'status', snapshot, '-w', 'json']);
    assert.equal(status.code, 0, status.stderr);
    assert.ok(JSON.parse(status.stdout).revision > 1, status.stdout);
    assert.deepEqual(status.dist, ['cli.js', 'lazy-cli-snapshotCommands.js']);
    const ls = run(['snapshot', 'ls', snapshot, '/registry/']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /pods\//);
    assert.deepEqual(ls.dist, ['cli.js', 'lazy-cli-snapshotCommands.js']);
    const get = run(['snapshot', 'get', snapshot, pod.key]);
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /kind: Pod/);
    assert.deepEqual(get.dist, ['cli.js', 'lazy-cli-snapshotCommands.js', 'lazy-codecCommands.js', 'lazy-yaml.js']);
    for (const r of [status, ls, get]) assert.ok(!r.builtins.includes('http2'), 'gRPC (http2) not loaded');
    // Restore's code (which spawns etcdutl and checks SHA-256 trailers) loads only for restore.
    for (const m of ['child_process', 'crypto']) assert.ok(!status.builtins.includes(m), `status does not load ${m}`);
  });

  test('a command that talks to the cluster loads the etcd client and gRPC (so the checks above can see them)', () => {
    const r = run(['get', pod.key, '--endpoints', etcd.endpoints[0], '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).kind, 'Pod');
    assert.ok(r.dist.includes('lazy-etcdCommands.js'), r.dist.join(' '));
    assert.ok(r.builtins.includes('http2'), 'gRPC (http2) loaded');
  });

  test('a wrong flag from a command file still exits 2 with the usage message', () => {
    const r = run(['snapshot', 'status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /snapshot status needs a FILE/);
  });
});
