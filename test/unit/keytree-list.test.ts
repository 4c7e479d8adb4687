import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { after, before, describe, test } from 'node:test';
import { runLs } from '../../src/cli/lsCommand';
import { parseArgs } from '../../src/cli/args';
import { CliIo } from '../../src/cli/io';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdStudioError } from '../../src/core/errors';
import { Child, keyFromText, keyToText, listChildren, prefixRangeEnd, prefixStart } from '../../src/core/keytree';
import { DEFAULT_SHAPE, loadKeyspace } from '../../bench/keyspace';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';

const b = (s: string) => Buffer.from(s, 'latin1');

/** What a user sees for one child: name, and key count or value size and revision. */
type Seen = { kind: 'prefix' | 'key'; key: string; segment: string; count?: number; size?: number; modRevision?: number; version?: number };

function seen(c: Child): Seen {
  return c.kind === 'prefix'
    ? { kind: 'prefix', key: c.key.toString('hex'), segment: c.segment, count: c.count }
    : { kind: 'key', key: c.key.toString('hex'), segment: c.segment, size: c.size, modRevision: c.modRevision, version: c.version };
}

/** The children computed the slow, obvious way: every key under the prefix, with values, grouped by '/'. */
async function bruteForce(raw: Etcd3, prefix: Buffer): Promise<Seen[]> {
  const res = await raw.kv.range({ key: prefixStart(prefix), range_end: prefixRangeEnd(prefix) });
  const out = new Map<string, Seen>();
  for (const kv of res.kvs) {
    const slash = kv.key.indexOf(0x2f, prefix.length);
    const seg = slash < 0 ? kv.key.subarray(prefix.length) : kv.key.subarray(prefix.length, slash + 1);
    const key = slash < 0 ? kv.key : kv.key.subarray(0, slash + 1);
    const id = key.toString('hex') + (slash < 0 ? 'k' : 'p');
    const prev = out.get(id);
    if (slash >= 0) out.set(id, { kind: 'prefix', key: key.toString('hex'), segment: keyToText(seg), count: (prev?.count ?? 0) + 1 });
    else
      out.set(id, {
        kind: 'key',
        key: key.toString('hex'),
        segment: keyToText(seg),
        size: kv.value.length,
        modRevision: Number(kv.mod_revision),
        version: Number(kv.version),
      });
  }
  return [...out.values()].sort((x, y) => Buffer.compare(Buffer.from(x.key, 'hex'), Buffer.from(y.key, 'hex')));
}

/** How many keys a prefix holds. */
async function bruteForceCount(raw: Etcd3, prefix: Buffer): Promise<number> {
  const res = await raw.kv.range({ key: prefixStart(prefix), range_end: prefixRangeEnd(prefix), count_only: true });
  return Number(res.count);
}

/** Every page of a listing, following `next` at the first page's revision. */
async function allPages(conn: EtcdConnection, prefix: Buffer, limit: number): Promise<{ children: Child[]; pages: number }> {
  const children: Child[] = [];
  let page = await listChildren(conn, prefix, { limit });
  let pages = 1;
  children.push(...page.children);
  while (page.next) {
    assert.equal(page.children.length, limit, 'a page with a next cursor is full');
    page = await listChildren(conn, prefix, { limit, after: page.next, revision: page.revision });
    children.push(...page.children);
    pages++;
  }
  return { children, pages };
}

/** Each prefix lists like the brute-force grouping in one page, at each concurrency. */
async function listsLikeBruteForce(conn: EtcdConnection, raw: Etcd3, prefixes: string[], concurrencies: number[]): Promise<void> {
  for (const p of prefixes) {
    const expected = await bruteForce(raw, b(p));
    for (const concurrency of concurrencies) {
      const res = await listChildren(conn, b(p), { concurrency });
      assert.deepEqual(res.children.map(seen), expected, `${p} at concurrency ${concurrency}`);
      assert.equal(res.next, undefined);
    }
  }
}

/** Each prefix, paged at each limit, gives the brute-force grouping exactly once, in order. */
async function pagesLikeBruteForce(conn: EtcdConnection, raw: Etcd3, prefixes: string[], limits: number[]): Promise<void> {
  for (const p of prefixes) {
    const expected = await bruteForce(raw, b(p));
    for (const limit of limits) {
      const { children } = await allPages(conn, b(p), limit);
      assert.deepEqual(children.map(seen), expected, `${p} limit ${limit}`);
    }
  }
}

function memoryIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdin: process.stdin,
    env: {},
    stdout: {
      write: (c: string | Uint8Array) => {
        out += String(c);
        return true;
      },
    },
    stderr: {
      write: (c: string) => {
        err += c;
        return true;
      },
    },
    out: () => out,
    err: () => err,
  };
}

describe('listChildren against a real etcd', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  before(async () => {
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'keytree', endpoints: etcd.endpoints, requestTimeoutMs: 30_000 });
    raw = rawClient(etcd);
    // Kubernetes-shaped: 40 resources (some under API groups, services/specs|endpoints) x 60 namespaces.
    await loadKeyspace(raw, { ...DEFAULT_SHAPE, keys: 24_000, namespaces: 60, valueBytes: 50 });
    for (const k of [
      '/registry/namespaces/default',
      '/registry/namespaces/kube-system',
      '/registry/minions/node-1',
      '/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com',
      '/registry/health',
      '/registry/ranges/serviceips',
    ]) {
      await raw.put(k).value('v'.repeat(k.length));
    }
    await raw.put('top-level-key').value('12345');
  });
  after(async () => {
    raw?.close();
    conn?.close();
    await etcd?.stop();
  });

  test('a Kubernetes-shaped keyspace lists like the brute-force grouping, counts included', async () => {
    for (const p of [
      '/registry/',
      '/registry/pods/',
      '/registry/pods/ns-7/',
      '/registry/services/',
      '/registry/services/specs/',
      '/registry/example.com/',
      '/registry/namespaces/',
      '/registry/cert-manager.io/certificates/ns-0/',
    ]) {
      const res = await listChildren(conn, b(p));
      assert.deepEqual(res.children.map(seen), await bruteForce(raw, b(p)), p);
      assert.equal(res.next, undefined, p);
    }
    const top = await listChildren(conn, b('/registry/'));
    const pods = top.children.find((c) => c.segment === 'pods/');
    assert.equal(pods?.kind === 'prefix' && pods.count, 600, '24,000 keys over 40 resources');
    const health = top.children.find((c) => c.segment === 'health');
    assert.equal(health?.kind, 'key');
    assert.equal(health?.kind === 'key' && health.size, '/registry/health'.length);
  });

  test('the root lists the top level: "/" as a prefix and keys without any slash', async () => {
    const res = await listChildren(conn, b(''));
    const all = await bruteForce(raw, b(''));
    assert.deepEqual(res.children.map(seen), all);
    assert.ok(res.children.some((c) => c.kind === 'prefix' && c.segment === '/'));
    assert.ok(res.children.some((c) => c.kind === 'key' && c.segment === 'top-level-key' && c.size === 5));
    assert.deepEqual((await listChildren(conn, b('/'))).children.map(seen), await bruteForce(raw, b('/')));
  });

  test('keys directly under a prefix mix with sub-prefixes, including the prefix key itself and empty segments ("//")', async () => {
    const keys = [
      '/mix/',
      '/mix/a',
      '/mix/a/1',
      '/mix/a/2',
      '/mix/a//deep',
      '/mix/b',
      '/mix/b-c/x',
      '/mix//x',
      '/mix//',
      '/mix/a0',
      '/mix/z//',
    ];
    for (const k of keys) await raw.put(k).value(k);
    const res = await listChildren(conn, b('/mix/'));
    assert.deepEqual(res.children.map(seen), await bruteForce(raw, b('/mix/')));
    assert.deepEqual(
      res.children.map((c) => `${c.kind}:${c.segment}`),
      ['key:', 'prefix:/', 'key:a', 'prefix:a/', 'key:a0', 'key:b', 'prefix:b-c/', 'prefix:z/'],
    );
    const a = res.children.find((c) => c.segment === 'a/');
    assert.equal(a?.kind === 'prefix' && a.count, 3);
    assert.deepEqual((await listChildren(conn, b('/mix//'))).children.map(seen), await bruteForce(raw, b('/mix//')));
  });

  test('binary and non-UTF-8 keys are listed back byte-exact, shown escaped, and the text addresses them', async () => {
    const keys = [
      b('/bin/\x00'),
      b('/bin/\xff'),
      b('/bin/\xff\xff/x'),
      b('/bin/a\\b'),
      b('/bin/\xc3\x28'),
      Buffer.from('/bin/ñ'),
      b('/bin/x\x00y/z'),
      b('/bin/\\x41'),
    ];
    for (const k of keys) await raw.put(k).value('v');
    const res = await listChildren(conn, b('/bin/'));
    assert.deepEqual(res.children.map(seen), await bruteForce(raw, b('/bin/')));
    assert.deepEqual(
      res.children.map((c) => c.segment),
      ['\\x00', '\\\\x41', 'a\\\\b', 'x\\x00y/', '\\xc3(', 'ñ', '\\xff', '\\xff\\xff/'],
    );
    for (const c of res.children) assert.deepEqual(Buffer.concat([b('/bin/'), keyFromText(c.segment)]), c.key, c.segment);
    // A binary prefix typed as text lists its own children.
    const deep = await listChildren(conn, keyFromText('/bin/\\xff\\xff/'));
    assert.deepEqual(
      deep.children.map((c) => c.segment),
      ['x'],
    );
  });

  test('paging: more children than the limit come back exactly once, in order, at one revision', async () => {
    // 3,000 single-key children (read in pages), then 40 big ones (skipped over), mixed with keys.
    const ops = [];
    for (let i = 0; i < 3000; i++) ops.push({ request_put: { key: b(`/page/a${String(i).padStart(4, '0')}/x`), value: b('v') } });
    for (let i = 0; i < 40; i++) for (let j = 0; j < 60; j++) ops.push({ request_put: { key: b(`/page/b${i}/${j}`), value: b('v') } });
    for (let i = 0; i < 30; i++) ops.push({ request_put: { key: b(`/page/c${i}`), value: b('value') } });
    for (let i = 0; i < ops.length; i += 100) await raw.kv.txn({ success: ops.slice(i, i + 100) });
    const expected = await bruteForce(raw, b('/page/'));
    assert.equal(expected.length, 3070);
    for (const limit of [1000, 97]) {
      const { children, pages } = await allPages(conn, b('/page/'), limit);
      assert.equal(pages, Math.ceil(3070 / limit), `pages at limit ${limit}`);
      assert.deepEqual(children.map(seen), expected, `limit ${limit}`);
    }
  });

  test('"Load more" at the first page\'s revision does not see later writes', async () => {
    for (let i = 0; i < 5; i++) await raw.put(`/snap/k${i}/x`).value('v');
    const first = await listChildren(conn, b('/snap/'), { limit: 2 });
    await raw.put('/snap/k9/x').value('v');
    await raw.put('/snap/k3/y').value('v');
    const rest = await listChildren(conn, b('/snap/'), { limit: 10, after: first.next, revision: first.revision });
    assert.deepEqual(
      rest.children.map((c) => `${c.segment}=${c.kind === 'prefix' ? c.count : ''}`),
      ['k2/=1', 'k3/=1', 'k4/=1'],
    );
    const now = await listChildren(conn, b('/snap/'));
    assert.deepEqual(
      now.children.map((c) => `${c.segment}=${c.kind === 'prefix' ? c.count : ''}`),
      ['k0/=1', 'k1/=1', 'k2/=1', 'k3/=2', 'k4/=1', 'k9/=1'],
    );
  });

  test('an empty prefix lists nothing; counts can be left out', async () => {
    const res = await listChildren(conn, b('/nothing-here/'));
    assert.deepEqual(res.children, []);
    assert.equal(res.next, undefined);
    const noCounts = await listChildren(conn, b('/registry/'), { counts: false });
    assert.ok(noCounts.children.every((c) => c.kind === 'key' || c.count === undefined));
  });

  test('a cancelled listing stops with a Cancelled error', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(
      listChildren(conn, b('/registry/'), { signal: ctl.signal }),
      (e: unknown) => e instanceof EtcdStudioError && e.code === 'Cancelled',
    );
  });

  test('etcd-studio ls prints the same children in simple, json and table form', async () => {
    const endpoints = etcd.endpoints.join(',');
    let io = memoryIo();
    assert.equal(await runLs(parseArgs(['/registry/pods/', '--endpoints', endpoints]), io), 0);
    const lines = io.out().trim().split('\n');
    assert.equal(lines.length, 60);
    assert.match(lines[0], /^ns-0\/\s+10$/);

    io = memoryIo();
    assert.equal(await runLs(parseArgs(['/registry/health', '--endpoints', endpoints]), io), 0);
    assert.match(io.out(), /^\(this key\)  16 B  rev \d+\n$/);
    io = memoryIo();
    assert.equal(await runLs(parseArgs(['/mix/', '--endpoints', endpoints, '-w', 'json']), io), 0);
    const json = JSON.parse(io.out());
    assert.deepEqual(
      json.map((c: { segment: string }) => c.segment),
      ['(this key)', '/', 'a', 'a/', 'a0', 'b', 'b-c/', 'z/'],
    );
    assert.equal(json[2].key, '/mix/a');
    assert.equal(json[2].size, '/mix/a'.length);

    io = memoryIo();
    assert.equal(await runLs(parseArgs(['/bin/', '--endpoints', endpoints, '-w', 'table', '--limit', '3']), io), 0);
    assert.match(io.out(), /\|\s+NAME\s+\|\s+KEYS\s+\|\s+SIZE\s+\|/);
    assert.match(io.out(), /\| \\x00 +\| +\| 1 B +\|/);
    assert.match(io.err(), /More children follow; next page: etcd-studio ls "\/bin\/" --after "\/bin\/a\\\\\\\\b\\\\x00" --rev \d+/);

    io = memoryIo();
    await assert.rejects(runLs(parseArgs(['/x/', '--limit', '0', '--endpoints', endpoints]), io), /--limit must be a whole number/);
  });
});

describe('listChildren with children that share long prefixes, known resource names and look-alikes', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  // Enough keys per child that probes skip over children (not read them) and fan out.
  const big = [
    'configmaps',
    'controllerrevisions',
    'controllers',
    'con',
    'cronjobs',
    'services',
    'serviceaccounts',
    'servicesx',
    'pods',
    'poddisruptionbudgets',
    'podtemplates',
    'policy.kyverno.io',
    'pods0',
    'pods-extra',
    'roles',
    'rolebindings',
  ];
  before(async () => {
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'keytree-similar', endpoints: etcd.endpoints, requestTimeoutMs: 30_000 });
    raw = rawClient(etcd);
    const ops = [];
    for (const root of ['/registry/', '/sim/']) {
      for (const [i, child] of big.entries())
        for (let j = 0; j < 600 + i * 7; j++) ops.push({ request_put: { key: b(`${root}${child}/ns-${j % 9}/o-${j}`), value: b('v') } });
      // Keys next to and inside known children's ranges: the key named like a resource, the resource path itself, siblings.
      for (const k of [
        'pods',
        'pods/',
        'podsx',
        'services/specs/a/b',
        'services/endpoints/a/b',
        'controllers0',
        'configmaps-x/y',
        'c',
        'zz/top',
      ]) {
        ops.push({ request_put: { key: b(`${root}${k}`), value: b(k) } });
      }
    }
    for (let i = 0; i < ops.length; i += 128) await raw.kv.txn({ success: ops.slice(i, i + 128) });
  });
  after(async () => {
    raw?.close();
    conn?.close();
    await etcd?.stop();
  });

  test('lists like the brute-force grouping, counts included, with and without known children, at any concurrency', async () => {
    await listsLikeBruteForce(conn, raw, ['/registry/', '/sim/', '/registry/services/', '/registry/pods/', '/sim/pods/'], [16, 3, 1]);
    const top = await listChildren(conn, b('/registry/'));
    assert.deepEqual(
      top.children.filter((c) => c.segment.startsWith('contr')).map((c) => `${c.segment}=${c.kind === 'prefix' ? c.count : 'key'}`),
      ['controllerrevisions/=607', 'controllers/=614', 'controllers0=key'],
    );
    // Known children that hold all their keys are counted by their own first-round probe: one count per key, no skip-scan.
    assert.ok(top.stats.keysCounted < 1.2 * (await bruteForceCount(raw, b('/registry/'))), `counted ${top.stats.keysCounted}`);
  });

  test('pages through known and unknown children at one revision', async () => {
    await pagesLikeBruteForce(conn, raw, ['/registry/', '/sim/'], [1, 4, 7]);
  });
});

describe('listChildren under prefixes whose children nobody knows in advance', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  const keys: Buffer[] = [];
  const under = (root: string, child: Buffer | string, n: number) => {
    for (let j = 0; j < n; j++) keys.push(Buffer.concat([b(root), Buffer.isBuffer(child) ? child : b(child), b(`/ns-${j % 7}/o-${j}`)]));
  };
  before(async () => {
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'keytree-generic', endpoints: etcd.endpoints, requestTimeoutMs: 30_000 });
    raw = rawClient(etcd);
    // A numbered family (app-0 … app-39, app-100 … app-105), with a key and look-alikes sharing its stem.
    for (const root of ['/gen/', '/fam/']) {
      for (let i = 0; i < 40; i++) under(root, `app-${i}`, 20 + i);
      for (let i = 100; i < 106; i++) under(root, `app-${i}`, 3);
    }
    for (const k of ['app-7', 'app-', 'app-/x', 'apq/z', 'app-1a/y', 'app-1./y']) keys.push(b(`/gen/${k}`));
    // Names that share a long stem and differ in letters, numbers or late bytes.
    for (const n of [
      'service-frontend-a',
      'service-frontend-b',
      'service-frontend-ab',
      'service-frontend-1',
      'service-frontend-12',
      'service-frontend',
    ])
      under('/stem/', n, 150);
    keys.push(b('/stem/service-frontend-3'));
    // Binary names: bytes outside any split set, 0x00 and 0xff at the end of names.
    for (const n of ['x\x00', 'x\x01', 'x\x7f', 'x\xfe', 'x\xff', 'x\xff\xff', '\xff', 'x0', 'x\x80\x00'].map(b)) under('/bin2/', n, 90);
    keys.push(b('/bin2/x\xff\x00'));
    // One huge child with small neighbours.
    under('/huge/', 'data', 3000);
    for (const [n, c] of [
      ['data0', 2],
      ['d', 1],
      ['data-1', 5],
      ['e', 1],
    ] as const)
      under('/huge/', n, c);
    keys.push(b('/huge/data'), b('/huge/zz'));
    // Many tiny children: keys alone and prefixes of one key.
    for (let i = 0; i < 300; i++) keys.push(b(`/tiny/k-${i}`));
    for (let i = 0; i < 200; i++) keys.push(b(`/tiny/p-${i}/v`));
    for (let i = 0; i < keys.length; i += 128)
      await raw.kv.txn({ success: keys.slice(i, i + 128).map((key) => ({ request_put: { key, value: b('v') } })) });
  });
  after(async () => {
    raw?.close();
    conn?.close();
    await etcd?.stop();
  });

  const roots = ['/gen/', '/fam/', '/gen/app-1/', '/stem/', '/bin2/', '/huge/', '/tiny/'];

  test('lists like the brute-force grouping, counts included, at any concurrency', async () => {
    await listsLikeBruteForce(conn, raw, roots, [16, 3, 1]);
    const gen = await listChildren(conn, b('/gen/'));
    assert.deepEqual(
      gen.children.filter((c) => /^app-1\d*[/.a]/.test(c.segment)).map((c) => `${c.segment}=${c.kind === 'prefix' ? c.count : 'key'}`),
      [
        'app-1./=1',
        'app-1/=21',
        'app-10/=30',
        'app-100/=3',
        'app-101/=3',
        'app-102/=3',
        'app-103/=3',
        'app-104/=3',
        'app-105/=3',
        'app-11/=31',
        'app-12/=32',
        'app-13/=33',
        'app-14/=34',
        'app-15/=35',
        'app-16/=36',
        'app-17/=37',
        'app-18/=38',
        'app-19/=39',
        'app-1a/=1',
      ],
    );
    // A numbered family alone is found in one fan-out: each key is counted by the first probe and once more by
    // its own sibling's piece (a few more: app-100 … app-105 share the piece app-10), not again for every
    // level of the shared stem.
    const fam = await listChildren(conn, b('/fam/'));
    const total = await bruteForceCount(raw, b('/fam/'));
    assert.equal(fam.children.length, 46);
    assert.ok(fam.stats.keysCounted <= 2.1 * total, `counted ${fam.stats.keysCounted} of ${total}`);
    assert.ok(fam.stats.rounds <= 4, `${fam.stats.rounds} rounds`);
  });

  test('pages through them at one revision', async () => {
    await pagesLikeBruteForce(conn, raw, roots, [1, 7, 50]);
  });
});

describe('listChildren on a cluster that allows few operations per txn (--max-txn-ops 4)', () => {
  let etcd: EtcdTestCluster;
  before(async () => {
    etcd = await startEtcd({ extraArgs: ['--max-txn-ops', '4'] });
  });
  after(async () => {
    await etcd?.stop();
  });

  test('lists the same children, falling back to smaller batches', async () => {
    const conn = await EtcdConnection.open({ name: 'small-txn', endpoints: etcd.endpoints });
    const raw = rawClient(etcd);
    try {
      for (let i = 0; i < 300; i++)
        await raw.put(`/registry/${['pods', 'secrets', 'example.com/widgets'][i % 3]}/ns-${i % 7}/o-${i}`).value('v');
      for (const p of ['/registry/', '/registry/pods/', '/registry/pods/ns-3/']) {
        assert.deepEqual((await listChildren(conn, b(p))).children.map(seen), await bruteForce(raw, b(p)), p);
      }
    } finally {
      raw.close();
      conn.close();
    }
  });
});
