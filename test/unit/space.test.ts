import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from '../../src/cli/args';
import { runDu } from '../../src/cli/duCommand';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdStudioError } from '../../src/core/errors';
import { keyToText, prefixRangeEnd, prefixStart } from '../../src/core/keytree';
import { scanPrefix } from '../../src/core/scan/prefixScan';
import { saveSnapshot } from '../../src/core/snapshot';
import { analyzeLiveSpace, crumbsOf, findNode, flattenNodes, readSnapshotSpace, toSpaceView } from '../../src/core/space';
import type { SpaceNode } from '../../src/core/space';
import { captureIo } from '../harness/captureIo';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';

const b = (s: string) => Buffer.from(s, 'latin1');

/** Keys and bytes per prefix computed the obvious way: every key, with its value, grouped by '/'. */
async function bruteForce(raw: Etcd3, prefix: Buffer, depth: number, revision?: number) {
  const r = await raw.kv.range({
    key: prefixStart(prefix),
    range_end: prefixRangeEnd(prefix),
    revision: revision ? String(revision) : undefined,
  });
  const byPrefix = new Map<string, { keys: number; bytes: number }>();
  const sizes: { key: string; bytes: number }[] = [];
  for (const kv of r.kvs) {
    const bytes = kv.key.length + kv.value.length;
    sizes.push({ key: keyToText(kv.key), bytes });
    // Every enclosing prefix within the depth gets the key.
    let pos = prefix.length;
    const at = [prefix.toString('latin1')];
    for (let d = 0; d < depth; d++) {
      const slash = kv.key.indexOf(0x2f, pos);
      if (slash < 0) break;
      at.push(kv.key.subarray(0, slash + 1).toString('latin1'));
      pos = slash + 1;
    }
    for (const p of at) {
      const e = byPrefix.get(p) ?? { keys: 0, bytes: 0 };
      e.keys++;
      e.bytes += bytes;
      byPrefix.set(p, e);
    }
  }
  return { byPrefix, sizes: sizes.sort((x, y) => y.bytes - x.bytes) };
}

/** What the report shows per prefix, keyed the same way as bruteForce. */
function shown(root: SpaceNode): Map<string, { keys: number; bytes: number }> {
  return new Map(flattenNodes(root).map(({ node }) => [node.prefix.toString('latin1'), { keys: node.keys, bytes: node.bytes }]));
}

async function putAll(raw: Etcd3, entries: [string | Buffer, string | Buffer][]): Promise<void> {
  for (let i = 0; i < entries.length; i += 100) {
    await raw.kv.txn({
      success: entries.slice(i, i + 100).map(([k, v]) => ({ request_put: { key: Buffer.from(k), value: Buffer.from(v) } })),
    });
  }
}

describe('space analysis (du)', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-space-'));
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'space', endpoints: etcd.endpoints, requestTimeoutMs: 30_000 });
    raw = rawClient(etcd);
    const entries: [string | Buffer, string | Buffer][] = [];
    for (let ns = 0; ns < 6; ns++) {
      for (let i = 0; i < 40; i++) entries.push([`/registry/pods/ns-${ns}/pod-${i}`, 'p'.repeat(100 + ns * 10 + i)]);
      for (let i = 0; i < 5; i++) entries.push([`/registry/configmaps/ns-${ns}/cm-${i}`, 'c'.repeat(50)]);
    }
    // A flat prefix with more direct keys than one listing page (1,000), so the scan pages its tail.
    for (let i = 0; i < 1500; i++) entries.push([`/registry/minions/node-${String(i).padStart(4, '0')}`, 'n'.repeat(30)]);
    entries.push(['/registry/secrets/ns-0/big', 'x'.repeat(50_000)]);
    entries.push(['/registry/pods/', 'a key equal to a prefix']);
    entries.push(['/registry', 'a key equal to the prefix without its slash']);
    entries.push([Buffer.from([0x2f, 0x62, 0x69, 0x6e, 0x2f, 0xff, 0x00, 0x2f, 0x01]), 'binary key']);
    entries.push(['/top-level-key', 'v']);
    entries.push(['/registry/example.com/widgets/ns-1/w', '{"kind":"Widget"}']);
    await putAll(raw, entries);
  });
  after(async () => {
    conn?.close();
    raw?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('live: keys and bytes per child prefix down to the depth match reading every key', async () => {
    for (const [prefix, depth] of [
      ['/registry/', 2],
      ['/registry/', 1],
      ['/registry/pods/', 3],
      ['', 2],
      ['/registry', 1],
      ['/registry/minions/', 1],
    ] as const) {
      const r = await analyzeLiveSpace(conn, b(prefix), { depth, top: 5 });
      const brute = await bruteForce(raw, b(prefix), depth);
      assert.deepEqual(shown(r.root), brute.byPrefix, `prefix ${prefix} depth ${depth}`);
      assert.deepEqual(
        r.largest.map((k) => ({ key: keyToText(k.key), bytes: k.bytes })),
        brute.sizes.slice(0, 5),
        `largest keys under ${prefix}`,
      );
    }
  });

  test('live: children largest first, keys directly at a level and their largest, deeper levels folded', async () => {
    const r = await analyzeLiveSpace(conn, b('/registry/'), { depth: 1, keysPerPrefix: 3 });
    const sizes = r.root.children.map((c) => c.bytes);
    assert.deepEqual(
      sizes,
      [...sizes].sort((x, y) => y - x),
    );
    const pods = findNode(r.root, b('/registry/pods/'))!;
    assert.equal(pods.keys, 241);
    assert.equal(pods.ownKeys, 1, 'the key /registry/pods/ itself lies directly in pods/');
    assert.equal(pods.folded, true, 'namespaces below depth 1 are folded into pods/');
    const minions = findNode(r.root, b('/registry/minions/'))!;
    assert.equal(minions.ownKeys, 1500);
    assert.equal(minions.folded, false);
    assert.equal(minions.largest.length, 3);
    assert.equal(r.root.ownKeys, 0);
    assert.equal(r.compactRevision, 1, 'never compacted');
    assert.equal(r.storage.length, 1);
    assert.ok(r.storage[0].dbSize! > 0 && r.storage[0].dbSizeInUse! > 0, JSON.stringify(r.storage));
  });

  test('the scan reads every key once at one revision, in key order, whatever the request size', async () => {
    const brute = await raw.kv.range({ key: b('/'), range_end: prefixRangeEnd(b('/')) });
    for (const maxKeysPerRequest of [7, 100, 10_000]) {
      const seen: string[] = [];
      let revision = 0;
      const done = scanPrefix(
        conn,
        b('/'),
        async (kvs) => {
          for (let i = 0; i < kvs.length; i++) seen.push(kvs.buf.subarray(kvs.offsets[i * 4], kvs.offsets[i * 4 + 1]).toString('hex'));
          // Writes while scanning are not seen: every request reads at the pinned revision.
          if (!revision) {
            revision = kvs.revision;
            await raw.kv.put({ key: b('/registry/pods/ns-0/pod-during-scan'), value: b('new') });
          }
        },
        { maxKeysPerRequest, concurrency: 4 },
      );
      const result = await done;
      await raw.kv.deleteRange({ key: b('/registry/pods/ns-0/pod-during-scan') });
      assert.deepEqual(
        seen,
        brute.kvs.map((kv) => kv.key.toString('hex')),
        `maxKeysPerRequest ${maxKeysPerRequest}`,
      );
      assert.equal(result.keys, brute.kvs.length);
    }
  });

  test('progress reaches the total and a cancelled analysis stops with Cancelled', async () => {
    const seen: [number, number][] = [];
    await analyzeLiveSpace(conn, b('/registry/'), { onProgress: (k, t) => seen.push([k, t]) });
    const last = seen[seen.length - 1];
    assert.equal(last[0], last[1]);
    const ac = new AbortController();
    const p = analyzeLiveSpace(conn, b('/registry/'), {
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    await assert.rejects(p, (e: unknown) => e instanceof EtcdStudioError && e.code === 'Cancelled');
  });

  test('the compaction point: found exactly, and the span since it', async () => {
    await raw.kv.put({ key: b('/registry/pods/ns-0/pod-0'), value: b('v2') });
    const rev = (await conn.status()).revision;
    await raw.kv.compact({ revision: String(rev - 1), physical: true });
    await raw.kv.put({ key: b('/registry/pods/ns-0/pod-0'), value: b('p'.repeat(100)) });
    const r = await analyzeLiveSpace(conn, b('/registry/configmaps/'));
    assert.equal(r.compactRevision, rev - 1);
    assert.equal(r.revision, rev + 1);
  });

  test('offline: a snapshot gives the same per-prefix figures, plus history and free pages', async () => {
    // History: a key written 5 times, another deleted, then a snapshot.
    for (let v = 0; v < 4; v++) await raw.kv.put({ key: b('/registry/leases/ns-0/hot'), value: b(`renewal ${v}`.repeat(20)) });
    await raw.kv.put({ key: b('/registry/leases/ns-0/hot'), value: b('final') });
    await raw.kv.put({ key: b('/registry/leases/ns-0/gone'), value: b('soon deleted') });
    await raw.kv.deleteRange({ key: b('/registry/leases/ns-0/gone') });
    const file = path.join(dir, 'space.db');
    await saveSnapshot(conn, file);
    const live = await analyzeLiveSpace(conn, b('/registry/'), { depth: 3 });
    const space = await readSnapshotSpace(file);
    const offline = space.report(b('/registry/'), { depth: 3 });
    assert.equal(offline.revision, live.revision);
    assert.deepEqual(shown(offline.root), shown(live.root));
    assert.deepEqual(
      offline.largest.map((k) => [keyToText(k.key), k.bytes, k.modRevision, k.version]),
      live.largest.map((k) => [keyToText(k.key), k.bytes, k.modRevision, k.version]),
    );
    // Drilling down needs no second read, and gives what a fresh live analysis of that prefix gives.
    const sub = space.report(b('/registry/pods/ns-2/'), { depth: 1 });
    assert.deepEqual(shown(sub.root), shown((await analyzeLiveSpace(conn, b('/registry/pods/ns-2/'), { depth: 1 })).root));

    const leases = findNode(offline.root, b('/registry/leases/ns-0/'))!;
    assert.equal(leases.keys, 1);
    assert.equal(leases.history!.deletedKeys, 1);
    assert.equal(leases.history!.revisions, 5 + 2, 'five puts of hot, a put and a delete of gone');
    // The four older versions of hot (~200 bytes each) and both entries of gone are history.
    assert.ok(
      leases.history!.historyBytes > 4 * 200 && leases.history!.historyBytes < 4 * 300 + 2 * 120,
      String(leases.history!.historyBytes),
    );
    const hot = offline.mostRevisions!.find((k) => keyToText(k.key) === '/registry/leases/ns-0/hot')!;
    assert.equal(hot.revisions, 5);
    assert.equal(hot.version, 5);
    assert.ok(offline.history!.historyBytes >= leases.history!.historyBytes);
    // The compaction in an earlier test freed pages that only a defragmentation returns.
    const [file0] = offline.storage;
    assert.ok(file0.dbSizeInUse! <= file0.dbSize!);
    assert.equal(offline.compactRevision! > 1, true);
  });

  test('offline figures for the file match what the member reported for its db', async () => {
    const file = path.join(dir, 'status.db');
    const before = await conn.status();
    await saveSnapshot(conn, file);
    const space = await readSnapshotSpace(file);
    const [s] = space.report(b('')).storage;
    assert.equal(s.dbSize, before.dbSize);
    // etcd counts its free pages from the freelist it keeps in memory; ours are the pages nothing points to.
    if (before.dbSizeInUse)
      assert.ok(Math.abs(s.dbSizeInUse! - before.dbSizeInUse) <= 16 * 4096, `${s.dbSizeInUse} vs ${before.dbSizeInUse}`);
  });

  test('the Space view model: keys as hex and text, Kubernetes labels, a breadcrumb from the top', async () => {
    assert.deepEqual(
      crumbsOf(b('/registry/pods/ns-1/')).map((c) => c.name),
      ['all keys', '/', 'registry/', 'pods/', 'ns-1/'],
    );
    assert.deepEqual(
      crumbsOf(b('/registry/pods/'), b('/registry/')).map((c) => [c.name, Buffer.from(c.hex, 'hex').toString()]),
      [
        ['/registry/', '/registry/'],
        ['pods/', '/registry/pods/'],
      ],
    );
    const view = toSpaceView(await analyzeLiveSpace(conn, b('/registry/'), { depth: 2 }));
    const pods = view.root.children.find((c) => c.name === 'pods/')!;
    assert.equal(pods.label, 'Pod');
    assert.equal(pods.text, '/registry/pods/');
    assert.equal(Buffer.from(pods.hex, 'hex').toString(), '/registry/pods/');
    const ns = pods.children.find((c) => c.name === 'ns-0/')!;
    assert.equal(ns.label, 'namespace · Pod');
    assert.equal(ns.largest.length, 10);
    assert.equal(view.largest[0].text, '/registry/secrets/ns-0/big');
    const binary = toSpaceView(await analyzeLiveSpace(conn, b('/bin/'), { depth: 1 }));
    assert.equal(binary.root.children[0].text, '/bin/\\xff\\x00/');
  });

  test('CLI: du -w json gives one object per child prefix with prefix, keys and bytes', async () => {
    const c = captureIo();
    const code = await runDu(parseArgs(['/registry/', '--depth', '1', '--top', '3', '-w', 'json', '--endpoints', etcd.endpoints[0]]), c.io);
    assert.equal(code, 0, c.err());
    const json = JSON.parse(c.out()) as { prefixes: { prefix: string; keys: number; bytes: number }[]; largest: unknown[]; keys: number };
    const brute = await bruteForce(raw, b('/registry/'), 1);
    assert.equal(json.keys, brute.byPrefix.get('/registry/')!.keys);
    assert.deepEqual(
      new Map(json.prefixes.map((p) => [p.prefix, { keys: p.keys, bytes: p.bytes }])),
      new Map([...brute.byPrefix].filter(([p]) => p !== '/registry/')),
    );
    assert.equal(json.largest.length, 3);
  });

  test('CLI: du text from a snapshot names prefixes, kinds and history; bad input says what to fix', async () => {
    const file = path.join(dir, 'cli.db');
    await saveSnapshot(conn, file);
    const c = captureIo();
    assert.equal(await runDu(parseArgs(['/registry/', '--snapshot', file]), c.io), 0, c.err());
    assert.match(c.out(), /^\/registry\/ at revision \d+ in .*cli\.db: \d+ keys/);
    assert.match(c.out(), /pods\/ {2}· Pod/);
    assert.match(c.out(), /stored revisions: \d+ for \d+ keys \(\d+ deleted\)/);
    assert.match(c.out(), /Largest keys:\n\s+50 kB {2}\/registry\/secrets\/ns-0\/big/);
    await assert.rejects(runDu(parseArgs(['--depth', 'two']), captureIo().io), /--depth must be a whole number of at least 0, got "two"/);
    await assert.rejects(runDu(parseArgs(['--snapshot', path.join(dir, 'missing.db')]), captureIo().io), /missing\.db does not exist/);
  });
});
