/**
 * The CLI refuses what would silently go wrong (issue 18): bad revisions, unknown flags, invalid
 * UTF-8, oversized input; it writes nothing for an unchanged document, ends quietly when its reader
 * goes away, and keeps passwords out of messages. Real etcd, the built dist/cli.js.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { enableAuth } from '../harness/auth';
import { runCli } from '../harness/cli';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';
import { repoRoot } from '../harness/tools';

describe('etcd-studio refuses input that would be silently wrong', () => {
  let etcd: EtcdTestCluster;
  let raw: Etcd3;
  let dir: string;
  let ep: string[];
  before(async () => {
    etcd = await startEtcd();
    raw = rawClient(etcd);
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-input-'));
    ep = ['--endpoints', etcd.endpoints[0]];
    await raw.put('/in/k').value('v1');
    await raw.put('/in/k').value('v2');
  });
  after(async () => {
    raw?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('get --rev abc, -5 or 1.5 is refused (exit 2), not answered with the current value', async () => {
    for (const rev of ['abc', '-5', '1.5', '0']) {
      const r = await runCli(['get', '/in/k', '-o', 'raw', '--rev', rev, ...ep]);
      assert.equal(r.code, 2, `--rev ${rev}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `etcd-studio: --rev must be a revision (a whole number of at least 1), got "${rev}".\n`);
    }
    const first = Number((await raw.get('/in/k').exec()).kvs[0].create_revision);
    const ok = await runCli(['get', '/in/k', '-o', 'raw', '--rev', String(first), ...ep]);
    assert.equal(ok.stdout, 'v1');
  });

  test('an unknown flag is refused with a pointer to the usage instead of taking the next word as its value', async () => {
    const r = await runCli(['get', '--revision', '5', '/in/k', ...ep]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'etcd-studio: Unknown flag --revision. Run "etcd-studio help" for the commands and their flags.\n');
  });

  test('invalid UTF-8 in YAML is refused by put and encode, and nothing is written', async () => {
    const before = await raw.get('/in/k').exec();
    const bad = Buffer.concat([Buffer.from('a: 1\nb: "'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n')]);
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, bad);
    const f = await runCli(['put', '/in/k', '-f', file, ...ep]);
    assert.equal(f.code, 2, f.stdout);
    assert.equal(
      f.stderr,
      `etcd-studio: ${file} is not valid UTF-8 (line 2); YAML and JSON must be UTF-8. Fix the file's encoding, or write bytes as they are with --raw. Nothing was written.\n`,
    );
    const enc = await runCli(['encode', file]);
    assert.equal(enc.code, 1);
    assert.match(enc.stderr, /is not valid UTF-8 \(line 2\)/);
    assert.equal((await raw.get('/in/k').exec()).kvs[0].mod_revision, before.kvs[0].mod_revision);
  });

  test('put of an unchanged document writes nothing and says so', async () => {
    await raw.put('/in/json').value('{"a":1}\n');
    const before = (await raw.get('/in/json').exec()).kvs[0];
    const r = await runCli(['put', '/in/json', '-f', '-', '--raw', ...ep], '{"a":1}\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `unchanged: /in/json already holds this value (mod_revision=${before.mod_revision}); nothing was written\n`);
    assert.equal((await raw.get('/in/json').exec()).kvs[0].version, before.version);
  });

  test('a 50 MB input to put or encode is refused before it is read (file: by its size; stdin: at the limit)', async () => {
    const file = path.join(dir, 'huge.yaml');
    writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 'a'));
    const msg = `${file} is 52,428,800 bytes; etcd-studio reads at most 12,582,912 bytes (etcd stores at most 1,572,864 bytes per request by default). Nothing was written.`;
    const put = await runCli(['put', '/in/huge', '-f', file, ...ep]);
    assert.equal(put.code, 2);
    assert.equal(put.stderr, `etcd-studio: ${msg}\n`);
    const enc = await runCli(['encode', file]);
    assert.equal(enc.stderr, `error: ${msg}\n`);
    const stdin = await runCli(['put', '/in/huge', '-f', '-', ...ep], 'a'.repeat(13 * 1024 * 1024));
    assert.equal(stdin.code, 2);
    assert.match(stdin.stderr, /The input on stdin is more than 12,582,912 bytes/);
    assert.equal((await raw.get('/in/huge').exec()).kvs.length, 0);
  });

  test('`watch | head`: the watch ends quietly when its reader goes away (no EPIPE stack trace)', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), 'watch', '/pipe/', '--prefix', ...ep], {
      env: { PATH: process.env.PATH },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // Read the first event, then close the pipe like `head -1` does, and keep writing.
    const first = new Promise<void>((r) => child.stdout.once('data', () => r()));
    await new Promise((r) => setTimeout(r, 1000));
    await raw.put('/pipe/a').value('1');
    await first;
    child.stdout.destroy();
    for (let i = 0; i < 50; i++) await raw.put(`/pipe/${i}`).value(String(i));
    assert.equal(await closed, 0);
    assert.equal(stderr, '');
  });

  test('a password in an endpoint URL is never echoed', async () => {
    const r = await runCli(['get', '/in/k', '--endpoints', 'http://alice:s3cr3t@127.0.0.1:1']);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /s3cr3t/);
    assert.match(r.stderr, /endpoint "http:\/\/alice:\*\*\*@127\.0\.0\.1:1" carries credentials/);
    const bad = await runCli(['get', '/in/k', '--endpoints', 'http://alice:s3cr3t@[bad']);
    assert.doesNotMatch(bad.stderr, /s3cr3t/);
  });
});

describe('CLI auth errors', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd();
    enableAuth(etcd);
  });
  after(async () => {
    await etcd?.stop();
  });

  test('a wrong password says so without mentioning VS Code', async () => {
    const r = await runCli(['get', '/allowed/a', '--endpoints', etcd.endpoints[0], '--user', 'alice:wrong']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `etcd-studio: etcd at ${etcd.endpoints[0]} rejected the user name or password. Check the user name and the password.\n`,
    );
  });
});
