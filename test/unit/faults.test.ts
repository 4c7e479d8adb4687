/**
 * Never hang, never lie (issue 18): requests against a frozen link, a SIGSTOPped member and a lost
 * answer to a committed write, with faults injected by the harness's TCP proxy on real etcd.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { getKey, putIfUnchanged } from '../../src/core/etcd/kv';
import { runCli } from '../harness/cli';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { failure } from '../harness/failure';
import { FaultProxy, startFaultProxy } from '../harness/faultProxy';
import { rawClient } from '../harness/rawClient';

describe('a single member behind a fault-injecting proxy', () => {
  let etcd: EtcdTestCluster;
  let proxy: FaultProxy;
  let raw: Etcd3;
  before(async () => {
    etcd = await startEtcd();
    proxy = await startFaultProxy(etcd.endpoints[0]);
    raw = rawClient(etcd);
  });
  after(async () => {
    raw?.close();
    await proxy?.close();
    await etcd?.stop();
  });

  test('a frozen link: a read fails with a timeout message at its deadline, and works again once the link passes', async () => {
    const conn = await EtcdConnection.open({ name: 'f', endpoints: [proxy.url], requestTimeoutMs: 1000 });
    try {
      await raw.put('/frozen/a').value('1');
      assert.equal((await getKey(conn, Buffer.from('/frozen/a')))?.value.toString(), '1');
      proxy.freeze();
      const started = Date.now();
      const err = await failure(getKey(conn, Buffer.from('/frozen/a')));
      assert.equal(err.code, 'Timeout', err.message);
      assert.match(err.message, /No answer from .* within the timeout/);
      assert.ok(Date.now() - started < 4000, `gave up after ${Date.now() - started} ms`);
      proxy.pass();
      assert.equal((await getKey(conn, Buffer.from('/frozen/a')))?.value.toString(), '1');
    } finally {
      proxy.pass();
      conn.close();
    }
  });

  test('the answer to a committed compare-and-swap put is lost: it is not sent again, and a re-read reports it written', async () => {
    await raw.put('/lost/k').value('before');
    const before = await raw.get('/lost/k').exec();
    const expected = Number(before.kvs[0].mod_revision);
    const conn = await EtcdConnection.open({ name: 'f', endpoints: [proxy.url], requestTimeoutMs: 3000 });
    try {
      const value = Buffer.from('after-lost-reply');
      const dropped = proxy.dropNextReply({ marker: value });
      const r = await putIfUnchanged(conn, Buffer.from('/lost/k'), value, expected);
      await dropped;
      assert.deepEqual(r.ok && { ok: r.ok, verified: r.verified }, { ok: true, verified: true });
      const now = (await raw.get('/lost/k').exec()).kvs[0];
      assert.equal(now.value.toString(), 'after-lost-reply');
      // Written exactly once: one version more, and the put's revision is the one reported.
      assert.equal(Number(now.version), Number(before.kvs[0].version) + 1);
      assert.equal(r.ok && r.revision, Number(now.mod_revision));
    } finally {
      conn.close();
    }
  });

  test('the CLI reports the lost answer of a committed put as written (exit 0), and a lost answer of a refused one as not written', async () => {
    await raw.put('/lost/cli').value('v1');
    const dropped = proxy.dropNextReply({ marker: Buffer.from('v2-from-cli') });
    const ok = await runCli(['put', '/lost/cli', '-f', '-', '--raw', '--endpoints', proxy.url, '--command-timeout', '3s'], 'v2-from-cli');
    await dropped;
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^OK \/lost\/cli mod_revision=\d+ .*the answer was lost; reading the key again shows this value/);
    assert.equal((await raw.get('/lost/cli').string()) ?? '', 'v2-from-cli');

    // --rev 1 can never match: etcd refuses the compare, the answer is lost, and the re-read says nothing changed.
    const at = Number((await raw.get('/lost/cli').exec()).kvs[0].mod_revision);
    const dropped2 = proxy.dropNextReply({ marker: Buffer.from('v3-from-cli') });
    const no = await runCli(['put', '/lost/cli', '-f', '-', '--raw', '--rev', '1', '--endpoints', proxy.url], 'v3-from-cli');
    await dropped2;
    assert.equal(no.code, 1);
    assert.equal(no.stderr, `etcd-studio: not written: /lost/cli is at revision ${at}, not 1 (the answer was lost; read again)\n`);
    assert.equal(await raw.get('/lost/cli').string(), 'v2-from-cli');
  });

  test('a lost answer to a write that cannot be checked is reported as unknown, never as a failure or sent twice', async () => {
    const conn = await EtcdConnection.open({ name: 'f', endpoints: [proxy.url], requestTimeoutMs: 3000 });
    try {
      const before = Number((await raw.maintenance.status()).header.revision);
      const dropped = proxy.dropNextReply({ marker: Buffer.from('unknown-outcome') });
      const err = await failure(
        conn.write('putting a key', { op: 'put', request: { key: Buffer.from('/lost/u'), value: Buffer.from('unknown-outcome') } }),
      );
      await dropped;
      assert.equal(err.code, 'OutcomeUnknown');
      assert.match(err.message, /The outcome of putting a key is unknown: .*may or may not have applied it\. It was not sent again/);
      // Applied exactly once.
      assert.equal(Number((await raw.maintenance.status()).header.revision), before + 1);
    } finally {
      conn.close();
    }
  });
});

describe('three members, one of them SIGSTOPped (hung, not down)', () => {
  let etcd: EtcdTestCluster;
  let raw: Etcd3;
  before(async () => {
    etcd = await startEtcd({ members: 3 });
    raw = rawClient(etcd);
    await raw.put('/hung/k').value('v');
  });
  after(async () => {
    raw?.close();
    const p = etcd?.members[2].process;
    if (p?.pid && p.exitCode === null) process.kill(p.pid, 'SIGCONT');
    await etcd?.stop();
  });

  test('every read succeeds: a member that does not answer in time is skipped for the next (0 failed reads of 20)', async () => {
    // The stopped member is the one etcd3's deterministic order would not try first; random order is what users get.
    // Deadlines of 3 s: long enough for a healthy member of a loaded test machine, far short of forever.
    process.kill(etcd.members[2].process.pid!, 'SIGSTOP');
    const conn = await EtcdConnection.open({ name: 'hung', endpoints: etcd.endpoints, requestTimeoutMs: 3000, dialTimeoutMs: 3000 });
    try {
      let failed = 0;
      const errors: string[] = [];
      for (let i = 0; i < 20; i++) {
        // A new connection each time too: every fresh client meets the hung member with probability 1/3.
        const fresh =
          i % 2 === 0
            ? await EtcdConnection.open({ name: 'hung', endpoints: etcd.endpoints, requestTimeoutMs: 3000, dialTimeoutMs: 3000 })
            : conn;
        try {
          const v = await getKey(fresh, Buffer.from('/hung/k'));
          assert.equal(v?.value.toString(), 'v');
        } catch (e) {
          failed++;
          errors.push(String(e));
        } finally {
          if (fresh !== conn) fresh.close();
        }
      }
      console.log(`reads with one of 3 members SIGSTOPped: ${20 - failed} ok, ${failed} failed`);
      assert.equal(failed, 0, errors.join('\n'));
    } finally {
      conn.close();
    }
  });
});
