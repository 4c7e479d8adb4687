import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runSnapshot } from '../../src/cli/snapshotCommands';
import { parseArgs } from '../../src/cli/args';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdStudioError } from '../../src/core/errors';
import { listChildren } from '../../src/core/keytree';
import { fnv1a } from '../../src/core/snapshot/keyIndex';
import {
  formatSnapshotStatus,
  getSnapshotKey,
  listSnapshotChildren,
  openSnapshot,
  saveSnapshot,
  snapshotStatus,
} from '../../src/core/snapshot';
import type { EtcdSnapshot } from '../../src/core/snapshot';
import { enableAuth } from '../harness/auth';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { etcdTarget, releaseSnapshotStatus, runEtcdTool } from '../harness/tools';
import { rawClient } from '../harness/rawClient';

/** The release's etcdctl with an argument array (never a shell). */
const etcdctl = (args: string[]) => runEtcdTool('etcdctl', args);

/** `snapshot status -w json` by the release's own tool (etcdutl; etcdctl on 3.4). */
function toolStatus(file: string): { hash: number; revision: number; totalKey: number; totalSize: number; version?: string } {
  return JSON.parse(releaseSnapshotStatus(file));
}

/** The storage version etcd of the release under test writes into its files ('' before 3.6). */
function expectedStorageVersion(): string {
  const { minor } = etcdTarget();
  return minor === '3.4' ? '' : `${minor}.0`;
}

/** Our status as the release's tool prints it in JSON (no version field for files without one). */
async function ourStatusJson(file: string): Promise<unknown> {
  return JSON.parse(formatSnapshotStatus(await snapshotStatus(file), 'json'));
}

async function rejectsWith(p: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  const err = await p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EtcdStudioError, `expected an EtcdStudioError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.match(err.message, text);
}

const put = (raw: Etcd3, key: string | Buffer, value: string | Buffer, lease?: string) =>
  raw.kv.put({ key: Buffer.from(key), value: Buffer.from(value), ...(lease ? { lease } : {}) });

/**
 * A Kubernetes-shaped keyspace with history: several revisions per key, a multi-op txn, deletes
 * before and after a compaction, a lease, a value spanning overflow pages, a non-UTF-8 key.
 */
async function writeKeyspace(raw: Etcd3): Promise<void> {
  const lease = await raw.leaseClient.leaseGrant({ TTL: 3600 });
  for (let ns = 0; ns < 4; ns++) {
    await put(raw, `/registry/namespaces/ns-${ns}`, `{"kind":"Namespace","metadata":{"name":"ns-${ns}"}}`);
    const ops = [];
    for (let i = 0; i < 15; i++)
      ops.push({ request_put: { key: Buffer.from(`/registry/pods/ns-${ns}/pod-${i}`), value: Buffer.from(`pod ${i} v1 `.repeat(20)) } });
    await raw.kv.txn({ success: ops });
    for (let i = 0; i < 5; i++) await put(raw, `/registry/configmaps/ns-${ns}/cm-${i}`, `cm ${i}`);
  }
  for (let v = 2; v <= 4; v++) for (let i = 0; i < 6; i++) await put(raw, `/registry/pods/ns-1/pod-${i}`, `pod ${i} v${v}`);
  await put(raw, '/registry/leases/kube-node-lease/node-1', 'renewed', lease.ID);
  await put(raw, '/registry/secrets/ns-0/big', Buffer.alloc(20_000, 'b'));
  await put(raw, Buffer.from([0x2f, 0x62, 0x69, 0x6e, 0x2f, 0xff, 0x00, 0x01]), 'binary key');
  await put(raw, '/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com', 'crd');
  await raw.kv.deleteRange({
    key: Buffer.from('/registry/configmaps/ns-2/'),
    range_end: Buffer.from('/registry/configmaps/ns-20'),
  });
  await raw.kv.deleteRange({ key: Buffer.from('/registry/pods/ns-3/pod-1') });
  const s = await raw.maintenance.status();
  await raw.kv.compact({ revision: s.header.revision, physical: true });
  await put(raw, '/registry/pods/ns-3/pod-1', 'recreated after compaction');
  await raw.kv.deleteRange({ key: Buffer.from('/registry/pods/ns-0/pod-14') });
  await put(raw, '/registry/pods/ns-0/pod-0', 'pod 0 after compaction');
  await put(raw, '/plain/key', 'not kubernetes');
  // Two keys with the same 32-bit FNV-1a hash (the live key counter's): one rewritten, one deleted.
  for (const key of COLLIDING_KEYS) await put(raw, key, 'first');
  await put(raw, COLLIDING_KEYS[0], 'second');
  await raw.kv.deleteRange({ key: Buffer.from(COLLIDING_KEYS[1]) });
}

/** Found by trying /registry/collisions/key-N until two hashes met (see liveKeyCount.ts). */
const COLLIDING_KEYS = ['/registry/collisions/key-139599', '/registry/collisions/key-322382'];

interface LiveKv {
  key: Buffer;
  value: Buffer;
  version: number;
  modRevision: number;
  createRevision: number;
  lease: string;
}

async function liveKeyspace(raw: Etcd3, revision: number): Promise<LiveKv[]> {
  const r = await raw.kv.range({ key: Buffer.from([0]), range_end: Buffer.from([0]), revision: String(revision) });
  return r.kvs.map((kv) => ({
    key: kv.key,
    value: kv.value,
    version: Number(kv.version),
    modRevision: Number(kv.mod_revision),
    createRevision: Number(kv.create_revision),
    lease: BigInt(kv.lease || '0').toString(16),
  }));
}

function capture(): { io: Parameters<typeof runSnapshot>[1]; out: () => Buffer; err: () => string } {
  const out: Buffer[] = [];
  let err = '';
  return {
    io: {
      stdin: process.stdin,
      env: {},
      stdout: { write: (c: string | Uint8Array) => out.push(Buffer.from(c)) },
      stderr: {
        write: (c: string) => {
          err += c;
        },
      },
    },
    out: () => Buffer.concat(out),
    err: () => err,
  };
}

describe('etcd snapshots: save, status, browse', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  let dir: string;
  let ours: string;
  let theirs: string;
  let revision: number;
  let live: LiveKv[];
  let snap: EtcdSnapshot;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-snap-'));
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'snap', endpoints: etcd.endpoints });
    raw = rawClient(etcd);
    await writeKeyspace(raw);
    revision = (await conn.status()).revision;
    live = await liveKeyspace(raw, revision);
    ours = path.join(dir, 'ours.db');
    theirs = path.join(dir, 'etcdctl.db');
    await saveSnapshot(conn, ours);
    etcdctl(['--endpoints', etcd.endpoints[0], 'snapshot', 'save', theirs]);
    // Writes after the snapshot must not show in it.
    await put(raw, '/registry/pods/ns-0/pod-after', 'later');
    await raw.kv.deleteRange({ key: Buffer.from('/registry/pods/ns-2/pod-2') });
    snap = await openSnapshot(ours);
  });
  after(async () => {
    snap?.close();
    raw?.close();
    conn?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("status equals the release's `snapshot status -w json` (etcdutl; etcdctl on 3.4) for our save and for etcdctl's", async () => {
    const [a, b] = COLLIDING_KEYS.map((k) => Buffer.from(k));
    assert.equal(fnv1a(a, 0, a.length), fnv1a(b, 0, b.length), 'the colliding keys collide');
    for (const file of [ours, theirs]) {
      const expected = toolStatus(file);
      assert.deepEqual(await ourStatusJson(file), expected, file);
      const got = await snapshotStatus(file);
      assert.equal(got.revision, revision);
      assert.equal(got.version, expectedStorageVersion(), 'the storage version the release writes');
      // etcdutl 3.6+ counts live keys; etcdctl 3.4 counts every entry of every bucket.
      if (got.version) assert.equal(got.totalKey, live.length);
      else assert.ok(got.totalKey > live.length);
      // An opened snapshot's index gives the same live count without a second pass (what the tree uses).
      const opened = await openSnapshot(file);
      try {
        assert.deepEqual(await snapshotStatus(file, { liveKeyCount: opened.keyCount }), got);
      } finally {
        opened.close();
      }
    }
  });

  test("our saved file carries etcd's SHA-256 trailer and the release's tool accepts it", () => {
    const bytes = readFileSync(ours);
    assert.equal(bytes.length % 512, 32);
    assert.deepEqual(createHash('sha256').update(bytes.subarray(0, -32)).digest(), bytes.subarray(-32));
    assert.ok(!existsSync(`${ours}.part`));
    // The release's own reader (bbolt, with its integrity check) opens it.
    assert.equal(toolStatus(ours).revision, revision);
  });

  test('the snapshot keyspace equals the live keyspace at the snapshot revision', () => {
    assert.equal(snap.revision, revision);
    assert.deepEqual(
      [...snap.keys()],
      live.map((kv) => kv.key),
    );
    for (const kv of live) {
      assert.deepEqual(
        getSnapshotKey(snap, kv.key),
        { value: kv.value, version: kv.version, modRevision: kv.modRevision, createRevision: kv.createRevision, lease: kv.lease },
        kv.key.toString(),
      );
    }
    assert.ok(
      live.some((kv) => kv.lease !== '0'),
      'the keyspace has a leased key',
    );
    assert.equal(getSnapshotKey(snap, Buffer.from('/registry/pods/ns-0/pod-14')), undefined, 'deleted before the snapshot');
    assert.equal(getSnapshotKey(snap, Buffer.from('/registry/pods/ns-0/pod-after')), undefined, 'written after the snapshot');
    assert.equal(getSnapshotKey(snap, Buffer.from('/registry/pods/ns-3/pod-1'))?.value.toString(), 'recreated after compaction');
    // First chunks (64 KiB of key bytes, 16k slots per column) for a small snapshot.
    assert.ok(snap.indexBytes > 0 && snap.indexBytes < 2 * 1024 * 1024, `index ${snap.indexBytes} bytes`);
  });

  test('children and counts equal the live listing at the snapshot revision', async () => {
    for (const prefix of [
      '',
      '/',
      '/registry/',
      '/registry/pods/',
      '/registry/pods/ns-1/',
      '/registry/configmaps/',
      '/bin/',
      '/nothing/',
    ]) {
      const expected = await listChildren(conn, Buffer.from(prefix), { revision });
      const got = listSnapshotChildren(snap, Buffer.from(prefix));
      assert.deepEqual(got.children, expected.children, `children of "${prefix}"`);
      assert.equal(got.next, undefined);
      assert.equal(got.revision, revision);
    }
  });

  test('paging walks every child once', () => {
    const prefix = Buffer.from('/registry/pods/ns-1/');
    const all = listSnapshotChildren(snap, prefix).children;
    const paged = [];
    let afterKey: Buffer | undefined;
    do {
      const page = listSnapshotChildren(snap, prefix, { limit: 4, after: afterKey });
      assert.ok(page.children.length <= 4);
      paged.push(...page.children);
      afterKey = page.next;
    } while (afterKey);
    assert.deepEqual(paged, all);
    assert.deepEqual([...snap.keys({ prefix: Buffer.from('/registry/pods/ns-1/'), limit: 3 })].map(String), [
      '/registry/pods/ns-1/pod-0',
      '/registry/pods/ns-1/pod-1',
      '/registry/pods/ns-1/pod-10',
    ]);
  });

  test("CLI: status in the release tool's four formats, save's report, ls and get", async () => {
    const run = async (argv: string[]) => {
      const c = capture();
      const code = await runSnapshot(parseArgs(argv), c.io);
      return { code, out: c.out(), err: c.err() };
    };
    for (const format of ['json', 'simple', 'table', 'fields']) {
      assert.equal((await run(['status', theirs, '-w', format])).out.toString(), releaseSnapshotStatus(theirs, format), format);
    }
    assert.equal((await run(['status', theirs])).out.toString(), releaseSnapshotStatus(theirs, 'simple'));
    // etcdctl's save report: 3.6+ adds the storage version etcd sent with the stream.
    const again = path.join(dir, 'cli-save.db');
    const saved = await run(['save', again, '--endpoints', etcd.endpoints[0]]);
    assert.equal(saved.code, 0);
    assert.equal(
      saved.out.toString(),
      etcdctl(['--endpoints', etcd.endpoints[0], 'snapshot', 'save', path.join(dir, 'ctl-save.db')]).replaceAll(
        'ctl-save.db',
        'cli-save.db',
      ),
    );
    const ls = await run(['ls', ours, '/registry/']);
    assert.match(ls.out.toString(), /^pods\/\s+59$/m);
    const get = await run(['get', ours, '/registry/secrets/ns-0/big']);
    assert.deepEqual(get.out, Buffer.alloc(20_000, 'b'));
    await rejectsWith(run(['get', ours, '/registry/pods/ns-0/pod-14']), 'NotFound', /not in .*ours\.db/);
  });

  test('a truncated snapshot is refused, naming the file', async () => {
    const cut = path.join(dir, 'cut.db');
    copyFileSync(ours, cut);
    truncateSync(cut, Math.floor(statSync(ours).size / 2));
    await rejectsWith(snapshotStatus(cut), 'Corrupt', /cut\.db: the file is truncated: its meta page says \d+ pages of 4096 bytes/);
    await rejectsWith(openSnapshot(cut), 'Corrupt', /truncated/);
  });

  test("the raw db file of a stopped member opens and matches the release's tool", async () => {
    const member = etcd.members[0];
    await new Promise<void>((resolve) => {
      member.process.once('exit', () => resolve());
      member.process.kill('SIGTERM');
    });
    const db = path.join(dir, 'member.db');
    copyFileSync(path.join(member.dataDir, 'member', 'snap', 'db'), db);
    assert.deepEqual(await ourStatusJson(db), toolStatus(db));
    assert.equal((await snapshotStatus(db)).version, expectedStorageVersion());
    const memberDb = await openSnapshot(db);
    try {
      assert.equal(memberDb.revision, revision + 2);
      assert.equal(memberDb.get(Buffer.from('/registry/pods/ns-0/pod-after'))?.value.toString(), 'later');
      assert.equal(memberDb.get(Buffer.from('/registry/pods/ns-2/pod-2')), undefined);
      assert.equal(memberDb.keyCount, live.length);
    } finally {
      memberDb.close();
    }
  });
});

describe('saving snapshots: cancel and auth', () => {
  let etcd: EtcdTestCluster;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-snap-'));
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('cancelling mid-save leaves no file and no .part', async () => {
    const conn = await EtcdConnection.open({ name: 'cancel', endpoints: etcd.endpoints });
    const raw = rawClient(etcd);
    try {
      const value = Buffer.alloc(4000, 'v');
      for (let b = 0; b < 20; b++) {
        const ops = Array.from({ length: 100 }, (_, i) => ({
          request_put: { key: Buffer.from(`/registry/configmaps/bulk/cm-${b}-${i}`), value },
        }));
        await raw.kv.txn({ success: ops });
      }
      const file = path.join(dir, 'cancelled.db');
      const abort = new AbortController();
      let progressed = 0;
      await rejectsWith(
        saveSnapshot(conn, file, {
          signal: abort.signal,
          onProgress: (bytes, total) => {
            progressed = bytes;
            assert.ok(total !== undefined && total > bytes, 'part of the stream only');
            abort.abort();
          },
        }),
        'Cancelled',
        /cancelled; no file was left behind/,
      );
      assert.ok(progressed > 0);
      assert.ok(!existsSync(file), 'no snapshot file');
      assert.ok(!existsSync(`${file}.part`), 'no partial file');

      const already = new AbortController();
      already.abort();
      await rejectsWith(saveSnapshot(conn, file, { signal: already.signal }), 'Cancelled', /cancelled/);
      assert.ok(!existsSync(file) && !existsSync(`${file}.part`));
    } finally {
      raw.close();
      conn.close();
    }
  });

  test('saving works with auth enabled (the token reaches the snapshot stream)', async () => {
    const { root } = enableAuth(etcd);
    const conn = await EtcdConnection.open({ name: 'auth', endpoints: etcd.endpoints, username: 'root' }, { password: root });
    try {
      const file = path.join(dir, 'auth.db');
      const r = await saveSnapshot(conn, file);
      assert.equal(r.bytes, statSync(file).size);
      assert.deepEqual(await ourStatusJson(file), toolStatus(file));
    } finally {
      conn.close();
    }
  });
});
