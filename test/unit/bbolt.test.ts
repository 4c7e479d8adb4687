/**
 * The bbolt reader against files crafted byte by byte (so every layout and every kind of damage is
 * exercised on purpose), cross-checked with the release's etcdutl (etcdctl on 3.4) where the file is valid.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoltDb, fnv64a, forEachLeaf } from '../../src/core/bbolt';
import { EtcdStudioError } from '../../src/core/errors';
import { formatSnapshotStatus, openSnapshot, snapshotStatus } from '../../src/core/snapshot';
import { etcdTarget, releaseSnapshotStatus } from '../harness/tools';

const PAGE = 4096;

interface Elem {
  key: Buffer;
  value: Buffer;
  bucket?: boolean;
}

/** A leaf page: header, 16-byte elements (flags, pos, ksize, vsize), then keys and values. Inline pages are not padded. */
function leaf(id: number, elems: Elem[], inline = false): Buffer {
  const head = 16 + elems.length * 16;
  const size = head + elems.reduce((n, e) => n + e.key.length + e.value.length, 0);
  const total = inline ? size : Math.ceil(size / PAGE) * PAGE;
  const b = Buffer.alloc(total);
  b.writeBigUInt64LE(BigInt(id), 0);
  b.writeUInt16LE(0x02, 8);
  b.writeUInt16LE(elems.length, 10);
  b.writeUInt32LE(inline ? 0 : total / PAGE - 1, 12);
  let data = head;
  elems.forEach((e, i) => {
    const at = 16 + i * 16;
    b.writeUInt32LE(e.bucket ? 1 : 0, at);
    b.writeUInt32LE(data - at, at + 4);
    b.writeUInt32LE(e.key.length, at + 8);
    b.writeUInt32LE(e.value.length, at + 12);
    e.key.copy(b, data);
    e.value.copy(b, data + e.key.length);
    data += e.key.length + e.value.length;
  });
  return b;
}

/** A branch page: elements (pos, ksize, pgid) then keys. */
function branch(id: number, children: { key: Buffer; pgid: number }[]): Buffer {
  const b = Buffer.alloc(PAGE);
  b.writeBigUInt64LE(BigInt(id), 0);
  b.writeUInt16LE(0x01, 8);
  b.writeUInt16LE(children.length, 10);
  let data = 16 + children.length * 16;
  children.forEach((c, i) => {
    const at = 16 + i * 16;
    b.writeUInt32LE(data - at, at);
    b.writeUInt32LE(c.key.length, at + 4);
    b.writeBigUInt64LE(BigInt(c.pgid), at + 8);
    c.key.copy(b, data);
    data += c.key.length;
  });
  return b;
}

function meta(id: number, m: { root: number; pgid: number; txid: number; freelist?: number }): Buffer {
  const b = Buffer.alloc(PAGE);
  b.writeBigUInt64LE(BigInt(id), 0);
  b.writeUInt16LE(0x04, 8);
  const o = 16;
  b.writeUInt32LE(0xed0cdaed, o);
  b.writeUInt32LE(2, o + 4);
  b.writeUInt32LE(PAGE, o + 8);
  b.writeBigUInt64LE(BigInt(m.root), o + 16);
  b.writeBigUInt64LE(BigInt(m.freelist ?? 2), o + 32);
  b.writeBigUInt64LE(BigInt(m.pgid), o + 40);
  b.writeBigUInt64LE(BigInt(m.txid), o + 48);
  b.writeBigUInt64LE(fnv64a(b.subarray(o, o + 56)), o + 56);
  return b;
}

function freelist(id: number): Buffer {
  const b = Buffer.alloc(PAGE);
  b.writeBigUInt64LE(BigInt(id), 0);
  b.writeUInt16LE(0x10, 8);
  return b;
}

/** A bucket's value: header (root pgid, sequence) and, when root is 0, the inline page. */
function bucketValue(root: number, inline?: Elem[]): Buffer {
  const h = Buffer.alloc(16);
  h.writeBigUInt64LE(BigInt(root), 0);
  return inline ? Buffer.concat([h, leaf(0, inline, true)]) : h;
}

/** A whole file: metas 0/1, freelist at 2, then `pages` from page 3 (the root is page 3 unless said). */
function boltFile(pages: Buffer[], root = 3): Buffer {
  const pgid = 3 + pages.reduce((n, p) => n + p.length / PAGE, 0);
  return Buffer.concat([meta(0, { root, pgid, txid: 2 }), meta(1, { root, pgid, txid: 1 }), freelist(2), ...pages]);
}

const k = (s: string) => Buffer.from(s);
function revKey(main: number, sub = 0, tombstone = false): Buffer {
  const b = Buffer.alloc(tombstone ? 18 : 17);
  b.writeBigUInt64BE(BigInt(main), 0);
  b[8] = 0x5f;
  b.writeBigUInt64BE(BigInt(sub), 9);
  if (tombstone) b[17] = 0x74;
  return b;
}
/** mvccpb.KeyValue with key, create_revision, mod_revision, version, value. */
function kvProto(key: string, create: number, mod: number, version: number, value: string): Buffer {
  const kb = Buffer.from(key);
  const vb = Buffer.from(value);
  return Buffer.concat([Buffer.from([0x0a, kb.length]), kb, Buffer.from([0x10, create, 0x18, mod, 0x20, version, 0x2a, vb.length]), vb]);
}

/**
 * A minimal etcd db: inline "key" and "meta" buckets, a put, an update and a delete; with a storage
 * version in "meta" as etcd 3.6+ writes it when one is given.
 */
function etcdFile(storageVersion = ''): Buffer {
  const keyBucket: Elem[] = [
    { key: revKey(2), value: kvProto('/a', 2, 2, 1, 'one') },
    { key: revKey(3), value: kvProto('/b', 3, 3, 1, 'two') },
    { key: revKey(4), value: kvProto('/a', 2, 4, 2, 'uno') },
    { key: revKey(5, 0, true), value: Buffer.concat([Buffer.from([0x0a, 2]), k('/b')]) },
  ];
  const ci = Buffer.alloc(8);
  ci.writeBigUInt64BE(7n);
  return boltFile([
    leaf(3, [
      { key: k('key'), value: bucketValue(0, keyBucket), bucket: true },
      {
        key: k('meta'),
        value: bucketValue(0, [
          { key: k('consistent_index'), value: ci },
          ...(storageVersion ? [{ key: k('storageVersion'), value: k(storageVersion) }] : []),
        ]),
        bucket: true,
      },
    ]),
  ]);
}

async function rejectsWith(p: Promise<unknown> | (() => unknown), text: RegExp): Promise<void> {
  const err = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EtcdStudioError, `expected an EtcdStudioError, got ${String(err)}`);
  assert.equal(err.code, 'Corrupt', err.message);
  assert.match(err.message, text);
}

describe('bbolt reader', () => {
  let dir: string;
  const write = (name: string, bytes: Buffer | string) => {
    const f = path.join(dir, name);
    writeFileSync(f, bytes);
    return f;
  };
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-bbolt-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a crafted etcd db as the release writes it: status equals the release's tool, browsing sees the latest live keys", async () => {
    const { minor } = etcdTarget();
    const f = write('etcd.db', etcdFile(minor === '3.4' ? '' : `${minor}.0`));
    const expected = JSON.parse(releaseSnapshotStatus(f));
    assert.deepEqual(JSON.parse(formatSnapshotStatus(await snapshotStatus(f), 'json')), expected);
    // 3.4 counts all five bucket entries; 3.6+ the one live key (/b was deleted), plus the version.
    if (minor === '3.4') assert.deepEqual(expected, { ...expected, revision: 5, totalKey: 5, totalSize: 4 * PAGE });
    else assert.deepEqual(expected, { ...expected, revision: 5, totalKey: 1, totalSize: 4 * PAGE, version: `${minor}.0` });
    const snap = await openSnapshot(f);
    try {
      assert.deepEqual([...snap.keys()].map(String), ['/a']);
      assert.deepEqual(snap.get(k('/a')), { value: k('uno'), version: 2, modRevision: 4, createRevision: 2, lease: '0' });
      assert.equal(snap.get(k('/b')), undefined);
      assert.equal(snap.consistentIndex, 7);
    } finally {
      snap.close();
    }
  });

  test('total keys follows the file: every entry without a storage version, live keys with one', async () => {
    const old = await snapshotStatus(write('old.db', etcdFile()));
    const versioned = await snapshotStatus(write('new.db', etcdFile('3.6.0')));
    assert.deepEqual(old, { ...old, totalKey: 5, version: '' });
    assert.deepEqual(versioned, { ...versioned, totalKey: 1, version: '3.6.0' });
    // The version is hashed like any other meta entry, so the two files differ in hash too.
    assert.notEqual(old.hash, versioned.hash);
    assert.equal((await snapshotStatus(write('odd.db', etcdFile('not-a-version')))).version, '', 'etcd ignores a non-semver value');
  });

  test('branch pages, overflow values, nested and inline buckets, seek', () => {
    const big = Buffer.alloc(3 * PAGE, 'z');
    const nestedLeaf = leaf(6, [
      { key: k('n1'), value: k('v1') },
      { key: k('n2'), value: big },
    ]);
    const left = leaf(4, [
      { key: k('a'), value: k('1') },
      { key: k('b'), value: k('2') },
    ]);
    const right = leaf(5, [
      { key: k('m'), value: bucketValue(6), bucket: true },
      { key: k('p'), value: bucketValue(0, [{ key: k('i1'), value: k('x') }]), bucket: true },
      { key: k('q'), value: k('3') },
    ]);
    // Pages: 3 root, 4 left, 5 right, 6-9 nested leaf with 3 overflow pages, 10 branch.
    const branchAt10 = branch(10, [
      { key: k('a'), pgid: 4 },
      { key: k('m'), pgid: 5 },
    ]);
    const rootAt3 = leaf(3, [{ key: k('data'), value: bucketValue(10), bucket: true }]);
    const f = write('tree.db', boltFile([rootAt3, left, right, nestedLeaf, branchAt10]));
    const db = BoltDb.open(f);
    try {
      const bucket = db.bucket('data')!;
      assert.deepEqual(
        [...bucket.entries()].map((e) => `${e.key}${e.isBucket ? '/' : ''}`),
        ['a', 'b', 'm/', 'p/', 'q'],
      );
      assert.deepEqual(bucket.bucket('m')!.get(k('n2')), big);
      assert.equal(String(bucket.bucket('p')!.get(k('i1'))), 'x');
      assert.equal(String(bucket.cursor().seek(k('c'))?.key), 'm');
      assert.equal(String(bucket.cursor().seek(k('b'))?.key), 'b');
      assert.equal(bucket.cursor().seek(k('r')), undefined);
      assert.equal(String(bucket.cursor().last()?.key), 'q');
      assert.equal(db.size, 11 * PAGE);
    } finally {
      db.close();
    }
  });

  test('an empty file', async () => {
    await rejectsWith(snapshotStatus(write('empty.db', '')), /empty\.db: the file is empty; it is not a bbolt database/);
  });

  test('a text file is not a bbolt file', async () => {
    const f = write('notes.txt', 'hello, this is not a database\n'.repeat(200));
    await rejectsWith(openSnapshot(f), /notes\.txt: it is not a bbolt database .*meta page 0 has the wrong magic 0x6120746f/);
  });

  test('wrong magic in both meta pages', async () => {
    const b = etcdFile();
    b.writeUInt32LE(0x12345678, 16);
    b.writeUInt32LE(0x12345678, PAGE + 16);
    await rejectsWith(snapshotStatus(write('magic.db', b)), /not a bbolt database.*wrong magic 0x12345678/);
  });

  test('a flipped checksum byte: one bad meta falls back to the other, two bad metas are refused', async () => {
    const b = etcdFile();
    b[16 + 56] ^= 0x01;
    const one = write('one-bad-meta.db', b);
    assert.equal(BoltDb.open(one).meta.txid, 1n, 'falls back to meta page 1');
    assert.equal((await snapshotStatus(one)).revision, 5);
    b[PAGE + 16 + 60] ^= 0x80;
    await rejectsWith(
      snapshotStatus(write('two-bad-metas.db', b)),
      /both meta pages are damaged \(page 0: checksum mismatch .*; page 1: checksum mismatch/,
    );
  });

  test('a truncated file', async () => {
    await rejectsWith(
      snapshotStatus(write('short.db', etcdFile().subarray(0, 3 * PAGE + 100))),
      /truncated: its meta page says 4 pages of 4096 bytes \(16384 bytes\) are in use, but the file has only 12388 bytes/,
    );
    await rejectsWith(snapshotStatus(write('tiny.db', etcdFile().subarray(0, 40))), /only 40 bytes, too few for a bbolt meta page/);
  });

  test("a bbolt file without etcd's buckets", async () => {
    const f = write('other.db', boltFile([leaf(3, [{ key: k('widgets'), value: bucketValue(0, []), bucket: true }])]));
    await rejectsWith(
      openSnapshot(f),
      /other\.db: this bbolt file has no "key" and "meta" bucket, so it is not an etcd v3 snapshot .*"widgets"/,
    );
  });

  test('a page id past the end', async () => {
    const f = write('past.db', boltFile([leaf(3, [{ key: k('data'), value: bucketValue(99), bucket: true }])]));
    const db = BoltDb.open(f);
    try {
      await rejectsWith(() => [...db.bucket('data')!.entries()], /points to page 99, outside the 4 pages in use/);
    } finally {
      db.close();
    }
  });

  test('a cycle of branch pages', async () => {
    const f = write(
      'cycle.db',
      boltFile([leaf(3, [{ key: k('data'), value: bucketValue(4), bucket: true }]), branch(4, [{ key: k('a'), pgid: 4 }])]),
    );
    const db = BoltDb.open(f);
    try {
      await rejectsWith(
        () => [...db.bucket('data')!.entries()],
        /bucket "data" is more than 32 levels deep at page 4: its pages form a cycle/,
      );
    } finally {
      db.close();
    }
  });

  test('a page referenced twice repeats keys, which is caught', async () => {
    const f = write(
      'twice.db',
      boltFile([
        leaf(3, [{ key: k('data'), value: bucketValue(5), bucket: true }]),
        leaf(4, [{ key: k('a'), value: k('1') }]),
        branch(5, [
          { key: k('a'), pgid: 4 },
          { key: k('b'), pgid: 4 },
        ]),
      ]),
    );
    const db = BoltDb.open(f);
    try {
      await rejectsWith(() => [...db.bucket('data')!.entries()], /keys out of order in bucket "data"/);
    } finally {
      db.close();
    }
  });

  test('a page that is not what its parent says it is', async () => {
    const f = write('mislabeled.db', boltFile([leaf(3, [{ key: k('data'), value: bucketValue(2), bucket: true }])]));
    const db = BoltDb.open(f);
    try {
      await rejectsWith(
        () => db.bucket('data')!.cursor().first(),
        /page 2 in bucket "data" is a freelist page where a branch or leaf page belongs/,
      );
    } finally {
      db.close();
    }
  });

  describe('whole-bucket leaf scans (status, indexing)', () => {
    /** Keys of every leaf forEachLeaf visits, in order. */
    async function scanKeys(file: string, bucket: string): Promise<string[]> {
      const db = BoltDb.open(file);
      try {
        const keys: string[] = [];
        await forEachLeaf(
          db.bucket(bucket)!,
          (page) => {
            for (let i = 0; i < page.count; i++) keys.push(String(page.leafKey(i)));
          },
          { pagesPerPause: 1, pause: async () => undefined },
        );
        return keys;
      } finally {
        db.close();
      }
    }

    test('visits branch children in key order, overflow leaves and inline buckets included', async () => {
      const big = Buffer.alloc(3 * PAGE, 'z');
      // Pages: 3 root, 4 leaf, 5-8 leaf with 3 overflow pages, 9 branch, 10 leaf. Key order visits
      // 10 before 4 (not disk order), and the overflow of 5 reaches past the run read with it.
      const rootAt3 = leaf(3, [
        { key: k('data'), value: bucketValue(9), bucket: true },
        { key: k('small'), value: bucketValue(0, [{ key: k('i'), value: k('1') }]), bucket: true },
      ]);
      const f = write(
        'scan.db',
        boltFile([
          rootAt3,
          leaf(4, [
            { key: k('m'), value: k('3') },
            { key: k('n'), value: k('4') },
          ]),
          leaf(5, [{ key: k('x'), value: big }]),
          branch(9, [
            { key: k('a'), pgid: 10 },
            { key: k('m'), pgid: 4 },
            { key: k('x'), pgid: 5 },
          ]),
          leaf(10, [
            { key: k('a'), value: k('1') },
            { key: k('b'), value: k('2') },
          ]),
        ]),
      );
      assert.deepEqual(await scanKeys(f, 'data'), ['a', 'b', 'm', 'n', 'x']);
      assert.deepEqual(await scanKeys(f, 'small'), ['i']);
    });

    test('a cycle of branch pages', async () => {
      const f = write(
        'scan-cycle.db',
        boltFile([leaf(3, [{ key: k('data'), value: bucketValue(4), bucket: true }]), branch(4, [{ key: k('a'), pgid: 4 }])]),
      );
      await rejectsWith(scanKeys(f, 'data'), /bucket "data" is more than 32 levels deep: its pages form a cycle/);
    });

    test('a page listed twice repeats keys, which is caught', async () => {
      const f = write(
        'scan-twice.db',
        boltFile([
          leaf(3, [{ key: k('data'), value: bucketValue(5), bucket: true }]),
          leaf(4, [{ key: k('a'), value: k('1') }]),
          branch(5, [
            { key: k('a'), pgid: 4 },
            { key: k('b'), pgid: 4 },
          ]),
        ]),
      );
      await rejectsWith(scanKeys(f, 'data'), /keys out of order in bucket "data" at page 4/);
    });

    test('a freelist page where a branch belongs, and a page past the end', async () => {
      await rejectsWith(
        scanKeys(write('scan-free.db', boltFile([leaf(3, [{ key: k('data'), value: bucketValue(2), bucket: true }])])), 'data'),
        /page 2 in bucket "data" is a freelist page where a branch page belongs/,
      );
      const past = write(
        'scan-past.db',
        boltFile([
          leaf(3, [{ key: k('data'), value: bucketValue(5), bucket: true }]),
          leaf(4, [{ key: k('a'), value: k('1') }]),
          branch(5, [
            { key: k('a'), pgid: 4 },
            { key: k('b'), pgid: 99 },
          ]),
        ]),
      );
      await rejectsWith(scanKeys(past, 'data'), /outside the 6 pages in use/);
    });
  });
});
