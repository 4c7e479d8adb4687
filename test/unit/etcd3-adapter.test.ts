/**
 * The etcd3 library at the version src/core/etcd/etcd3Adapter.ts was written for: its version, the
 * internals the adapter reaches, and the upstream behaviours it works around (each still present, so
 * each workaround is still needed). An upgrade of etcd3 fails here first, with what to re-check.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { ConnectionPool } from 'etcd3/lib/connection-pool';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { PINNED_ETCD3_VERSION, poolOf } from '../../src/core/etcd/etcd3Adapter';
import { enableAuth } from '../harness/auth';
import { startFaultProxy } from '../harness/faultProxy';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { putRevisions } from '../harness/rawClient';
import { repoRoot } from '../harness/tools';

const RECHECK =
  'etcd3 changed: re-check every workaround listed at the top of src/core/etcd/etcd3Adapter.ts (and README "The etcd3 adapter")';

function packageJson(dir: string): { version: string } {
  return JSON.parse(readFileSync(path.join(repoRoot(), 'node_modules', dir, 'package.json'), 'utf8'));
}

describe('etcd3 shapes at the pinned version', () => {
  test(`etcd3 is ${PINNED_ETCD3_VERSION}, pinned exactly in package.json, and shares our @grpc/grpc-js`, () => {
    assert.equal(packageJson('etcd3').version, PINNED_ETCD3_VERSION, RECHECK);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies.etcd3, PINNED_ETCD3_VERSION, 'package.json must pin etcd3 exactly (no ^ or ~)');
    // Credentials built by the adapter's grpc must be the class etcd3's channels accept: one copy of grpc.
    const nested = path.join(repoRoot(), 'node_modules', 'etcd3', 'node_modules', '@grpc', 'grpc-js');
    assert.equal(existsSync(nested), false, 'etcd3 must use the same @grpc/grpc-js as etcd Studio (npm dedupe)');
  });

  test('the connection pool has the hosts, authenticator and hooks the adapter uses', () => {
    const client = new Etcd3({ hosts: ['https://127.0.0.1:1', 'https://127.0.0.1:2'] });
    try {
      const pool = poolOf(client) as any;
      assert.equal(typeof pool.withConnection, 'function', RECHECK);
      assert.equal(typeof pool.markFailed, 'function', RECHECK);
      assert.equal(pool.hosts.length, 2, RECHECK);
      for (const h of pool.hosts) {
        assert.equal(typeof h.host, 'string', RECHECK);
        assert.ok(h.channelCredentials instanceof grpc.ChannelCredentials, RECHECK);
        assert.deepEqual(Object.keys(h.cachedServices), [], 'service clients are made lazily (the adapter swaps credentials before)');
      }
      assert.ok(pool.authenticator.credentials instanceof grpc.ChannelCredentials, RECHECK);
      assert.equal(typeof pool.authenticator.invalidateMetadata, 'function', RECHECK);
      assert.equal(typeof (ConnectionPool as any).deterministicOrder, 'boolean', RECHECK);
      // (2) a retry goes to the next host of one order: exec keeps a shuffledHosts() generator per call.
      const order = pool.shuffledHosts();
      const seen = [order.next().value, order.next().value];
      assert.ok(seen.every((h) => pool.hosts.includes(h)) && seen[0] !== seen[1], RECHECK);
      assert.match(
        String(pool.exec),
        /shuffledHosts\(\)[\s\S]*globalPolicy\.execute\([\s\S]*withConnection\(serviceName, [\s\S]*shuffleGen\)/,
        RECHECK,
      );
    } finally {
      client.close();
    }
  });

  test("etcd3's bundled rpc.proto still lacks etcd 3.6's Status and HashKV fields (decoded by hand instead)", () => {
    const proto = readFileSync(path.join(repoRoot(), 'node_modules', 'etcd3', 'proto', 'rpc.proto'), 'utf8');
    const message = (name: string) => new RegExp(`message ${name} \\{[^}]*\\}`).exec(proto)?.[0] ?? '';
    assert.ok(message('StatusResponse').includes('isLearner'), RECHECK);
    assert.ok(!/storageVersion|dbSizeQuota|downgradeInfo/.test(message('StatusResponse')), RECHECK);
    assert.ok(!/hash_revision/.test(message('HashKVResponse')), RECHECK);
  });
});

describe('etcd3 behaviours the adapter works around (real etcd)', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  test('etcd3 sends a put again when its answer is lost (applied twice); ours never re-sends a write', async () => {
    const proxy = await startFaultProxy(etcd.endpoints[0]);
    const theirs = new Etcd3({ hosts: [proxy.url] });
    const conn = await EtcdConnection.open({ name: 'lost', endpoints: [proxy.url] });
    try {
      const revision = async () => Number((await theirs.maintenance.status()).header.revision);
      let before = await revision();
      const dropped = proxy.dropNextReply({ marker: Buffer.from('theirs-lost') });
      await theirs.put('/lost/theirs').value('theirs-lost');
      await dropped;
      assert.equal((await revision()) - before, 2, RECHECK);
      before = await revision();
      const dropped2 = proxy.dropNextReply({ marker: Buffer.from('ours-lost') });
      await conn
        .write('put', { op: 'put', request: { key: Buffer.from('/lost/ours'), value: Buffer.from('ours-lost') } })
        .catch(() => undefined);
      await dropped2;
      assert.equal((await revision()) - before, 1);
    } finally {
      theirs.close();
      conn.close();
      await proxy.close();
    }
  });

  test("etcd3's hashKV() calls a method the Maintenance service does not have; ours answers", async () => {
    const client = new Etcd3({ hosts: etcd.endpoints });
    const conn = await EtcdConnection.open({ name: 'hash', endpoints: etcd.endpoints });
    try {
      await assert.rejects(client.maintenance.hashKV({ revision: 0 }), RECHECK);
      const ours = await conn.hashKv();
      assert.ok(ours.hash > 0);
      assert.match(ours.header.member_id, /^\d+$/);
    } finally {
      client.close();
      conn.close();
    }
  });

  test("etcd3's status() drops what etcd 3.6+ adds; ours keeps it", async () => {
    const client = new Etcd3({ hosts: etcd.endpoints });
    const conn = await EtcdConnection.open({ name: 'status', endpoints: etcd.endpoints });
    try {
      const theirs = (await client.maintenance.status()) as unknown as Record<string, unknown>;
      const ours = await conn.status();
      assert.equal(theirs.storageVersion, undefined, RECHECK);
      if (!ours.version.startsWith('3.4.')) {
        assert.match(ours.storageVersion ?? '', /^3\.\d+\.\d+$/);
        assert.ok((ours.dbSizeQuota ?? 0) > 0);
        assert.ok(ours.downgrade, 'downgradeInfo is sent by 3.6+');
      }
    } finally {
      client.close();
      conn.close();
    }
  });

  test('TLS verify options reach grpc without patching grpc.credentials', async () => {
    const createSsl = grpc.credentials.createSsl;
    // The adapter builds credentials per client; grpc's global factory stays untouched.
    const conn = await EtcdConnection.open({ name: 'plain', endpoints: etcd.endpoints });
    conn.close();
    assert.equal(grpc.credentials.createSsl, createSsl);
  });

  test("etcd3's own watcher skips the rest of a catch-up after a reconnect (why watches own their stream)", async () => {
    const client = new Etcd3({ hosts: etcd.endpoints });
    try {
      const first = await putRevisions(client, '/exp/', 3000);
      const seen = new Set<number>();
      const w = await client.watch().prefix('/exp/').startRevision(String(first)).create();
      let dropped = false;
      let reconnected!: () => void;
      const connectedAgain = new Promise<void>((r) => (reconnected = r));
      w.on('data', (res) => {
        for (const ev of res.events) seen.add(Number(ev.kv.mod_revision));
        if (!dropped) {
          dropped = true;
          // A network drop: cancel the watch manager's current gRPC stream.
          (client as any).watchManager.stream.cancel();
        }
      });
      w.on('connected', () => dropped && reconnected());
      await connectedAgain;
      await new Promise((r) => setTimeout(r, 500));
      await w.cancel();
      assert.equal(seen.size, 1000, `only the first response arrived; the 2000 later revisions were skipped. ${RECHECK}`);
    } finally {
      client.close();
    }
  });
});

describe('etcd3 snapshot() with auth (real etcd with auth enabled)', () => {
  let etcd: EtcdTestCluster;
  let root: string;
  before(async () => {
    etcd = await startEtcd();
    root = enableAuth(etcd).root;
  });
  after(async () => {
    await etcd?.stop();
  });

  test("etcd3's snapshot() sends no auth token; ours streams", async () => {
    const client = new Etcd3({ hosts: etcd.endpoints, auth: { username: 'root', password: root } });
    const conn = await EtcdConnection.open({ name: 'auth', endpoints: etcd.endpoints, username: 'root' }, { password: root });
    try {
      const theirs = await client.maintenance.snapshot();
      const failed = await new Promise<boolean>((resolve) => {
        theirs.on('error', () => resolve(true));
        theirs.on('data', () => resolve(false));
        theirs.on('end', () => resolve(false));
      });
      (theirs as any).cancel?.();
      assert.equal(failed, true, RECHECK);
      const ours = await conn.openSnapshotStream();
      const chunk = await new Promise<number>((resolve, reject) => {
        ours.on('data', (c) => resolve(c.blob.length));
        ours.on('error', reject);
      });
      ours.cancel();
      assert.ok(chunk > 0);
    } finally {
      client.close();
      conn.close();
    }
  });
});
