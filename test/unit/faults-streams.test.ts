/**
 * Never hang (issue 18): watch and snapshot streams over a link that freezes (gRPC keepalive finds it),
 * SIGTERM during a snapshot save, and an https endpoint that accepts but never answers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { saveSnapshot } from '../../src/core/snapshot';
import { watchRange, WatchStatus } from '../../src/core/watch';
import { runCli } from '../harness/cli';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { failure } from '../harness/failure';
import { FaultProxy, startFaultProxy } from '../harness/faultProxy';
import { rawClient } from '../harness/rawClient';
import { repoRoot } from '../harness/tools';

/** Resolves when `check` is true (polled), fails the test after `ms`. */
async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// etcd lets a client ping every second here; the clients below ping every 2 s and give up after 1 s of silence.
const fastKeepalive = { keepaliveTimeMs: 2000, keepaliveTimeoutMs: 1000 };

describe('streams over a link that freezes', () => {
  let etcd: EtcdTestCluster;
  let proxy: FaultProxy;
  let raw: Etcd3;
  let dir: string;
  before(async () => {
    etcd = await startEtcd({ extraArgs: ['--grpc-keepalive-min-time', '1s'] });
    raw = rawClient(etcd);
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-faults-'));
  });
  after(async () => {
    raw?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('watch: a frozen connection is noticed by keepalive, said, and resumed from the last revision with no event lost', async () => {
    proxy = await startFaultProxy(etcd.endpoints[0]);
    const conn = await EtcdConnection.open({ name: 'w', endpoints: [proxy.url], requestTimeoutMs: 1000, ...fastKeepalive });
    const got: string[] = [];
    const statuses: WatchStatus[] = [];
    const w = await watchRange(conn, {
      key: '/wf/',
      prefix: true,
      onEvents: (b) => void got.push(...b.events.map((e) => e.value.toString())),
      onStatus: (s) => void statuses.push(s),
    });
    try {
      for (const v of ['1', '2', '3']) await raw.put(`/wf/${v}`).value(v);
      await until('the first three events', () => got.length === 3);
      proxy.freeze();
      for (const v of ['4', '5', '6']) await raw.put(`/wf/${v}`).value(v);
      await until('the watch to notice the frozen link', () => statuses.some((s) => s.state === 'reconnecting'));
      const said = statuses.find((s) => s.state === 'reconnecting') as Extract<WatchStatus, { state: 'reconnecting' }>;
      assert.match(said.error, /Connection dropped|keepalive/i);
      proxy.pass();
      await until('the events written while frozen', () => got.length === 6);
      assert.deepEqual(got, ['1', '2', '3', '4', '5', '6']);
    } finally {
      await w.stop();
      conn.close();
      await proxy.close();
    }
  });

  test('snapshot save: a member that stops answering mid-stream fails with a clear message, and no file is left', async () => {
    // 24 MB of values: more than the socket buffers hold, so the stream is still running when the link freezes.
    const mb = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 24; i++) await raw.put(`/big/${i}`).value(mb);
    proxy = await startFaultProxy(etcd.endpoints[0]);
    const conn = await EtcdConnection.open({ name: 's', endpoints: [proxy.url], ...fastKeepalive });
    const file = path.join(dir, 'mid.db');
    const started = Date.now();
    try {
      const err = await failure(saveSnapshot(conn, file, { onProgress: () => proxy.freeze() }));
      assert.match(
        err.message,
        /^http:\/\/127\.0\.0\.1:\d+ stopped answering during the snapshot after [\d,]+ bytes \(.*\); no file was left behind\./,
      );
      assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      conn.close();
      await proxy.close();
      await raw.delete().prefix('/big/');
    }
  });

  test('snapshot save: a member that accepts the connection but never answers fails at the dial timeout (CLI)', async () => {
    proxy = await startFaultProxy(etcd.endpoints[0]);
    // Connection 1 answers the status check; the snapshot's own channel (connection 2) is frozen.
    proxy.freezeFrom(2);
    const file = path.join(dir, 'frozen.db');
    const started = Date.now();
    const r = await runCli(['snapshot', 'save', file, '--endpoints', proxy.url, '--dial-timeout', '1s']);
    const ms = Date.now() - started;
    await proxy.close();
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^etcd-studio: No answer from http:\/\/127\.0\.0\.1:\d+ within the timeout/);
    assert.ok(ms < 8000, `took ${ms} ms`);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('snapshot save: SIGTERM (or Ctrl-C) while the stream runs removes FILE.part', async () => {
    proxy = await startFaultProxy(etcd.endpoints[0]);
    proxy.freezeFrom(2);
    const file = path.join(dir, 'term.db');
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), 'snapshot', 'save', file, '--endpoints', proxy.url], {
      env: { PATH: process.env.PATH },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await until('FILE.part', () => existsSync(`${file}.part`));
    child.kill('SIGTERM');
    const code = await exited;
    await proxy.close();
    assert.notEqual(code, 0);
    assert.match(stderr, /cancelled; no file was left behind/);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('an https endpoint that accepts but never answers: the error comes at the dial timeout and the process exits', async () => {
    proxy = await startFaultProxy(etcd.endpoints[0].replace('http:', 'https:'));
    proxy.freeze();
    for (const cmd of [['get', '/k'], ['health']]) {
      const started = Date.now();
      const r = await runCli([...cmd, '--endpoints', proxy.url, '--dial-timeout', '1s', '--command-timeout', '1s']);
      const ms = Date.now() - started;
      assert.equal(r.code, 1, `${cmd[0]}: ${r.stdout}`);
      assert.match(r.stderr + r.stdout, /No answer from https:\/\/127\.0\.0\.1:\d+ within the timeout/);
      assert.ok(ms < 8000, `${cmd[0]} exited after ${ms} ms`);
    }
    await proxy.close();
  });
});
