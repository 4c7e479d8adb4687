/**
 * Export / import between two real etcd processes: every key under a prefix (Kubernetes protobuf and JSON
 * objects, binary keys and values, empty values, a leased key) goes out as JSON lines that jq reads and
 * comes back byte for byte; the YAML variant decodes objects and re-encodes them; modes, dry run counts,
 * bounded transactions, bad input and read-only connections. Checked with the tests' own etcd3 client.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { sampleKeyspace, writeEntries } from '../../src/core/demo/sampleKeyspace';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdStudioError } from '../../src/core/errors';
import { decodeValue } from '../../src/core/k8s/codec';
import { exportToFile, fileSource, importKeys, MAX_TXN_OPS, planImport } from '../../src/core/transfer';
import { runCli } from '../harness/cli';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';

const BINARY_KEY = Buffer.from([0x2f, 0x78, 0x2f, 0xff, 0x00, 0x01, 0x80]);
const BINARY_VALUE = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x0a, 0x22]);

interface Kv {
  key: string;
  value: string;
  leased: boolean;
}

/** Every key under `prefix`, as hex, read with the tests' own client. */
async function keysUnder(raw: Etcd3, prefix: string): Promise<Kv[]> {
  const end = Buffer.from(prefix);
  end[end.length - 1]++;
  const r = await raw.kv.range({ key: Buffer.from(prefix), range_end: end });
  return r.kvs.map((kv) => ({ key: kv.key.toString('hex'), value: kv.value.toString('hex'), leased: String(kv.lease) !== '0' }));
}

async function revision(raw: Etcd3): Promise<string> {
  return (await raw.maintenance.status()).header.revision;
}

async function rejects(p: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  const err = await p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EtcdStudioError, String(err));
  assert.equal(err.code, code, err.message);
  assert.match(err.message, text);
}

describe('export and import between two real etcd processes', () => {
  let source: EtcdTestCluster;
  let target: EtcdTestCluster;
  let src: EtcdConnection;
  let dst: EtcdConnection;
  let rawSrc: Etcd3;
  let rawDst: Etcd3;
  let dir: string;
  let leaseTtl: number;

  before(async () => {
    [source, target] = await Promise.all([startEtcd(), startEtcd()]);
    src = await EtcdConnection.open({ name: 'source', endpoints: source.endpoints });
    dst = await EtcdConnection.open({ name: 'target', endpoints: target.endpoints });
    rawSrc = rawClient(source);
    rawDst = rawClient(target);
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-transfer-'));
    await writeEntries(src, sampleKeyspace());
    await rawSrc.kv.put({ key: BINARY_KEY, value: BINARY_VALUE });
    await rawSrc.kv.put({ key: Buffer.from('/x/empty'), value: Buffer.alloc(0) });
    await rawSrc.kv.put({ key: Buffer.from('/x/ünïcode "quoted"\\'), value: Buffer.from('text\n') });
    const lease = rawSrc.lease(600, { autoKeepAlive: false });
    await lease.put('/x/leased').value('on a lease');
    leaseTtl = 600;
  });
  after(async () => {
    src?.close();
    dst?.close();
    rawSrc?.close();
    rawDst?.close();
    await Promise.all([source?.stop(), target?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await rawDst.kv.deleteRange({ key: Buffer.from([0]), range_end: Buffer.from([0]) });
    for (const l of (await rawDst.leaseClient.leaseLeases()).leases) await rawDst.leaseClient.leaseRevoke({ ID: l.ID });
  });

  test('JSON lines: jq reads every line; a round trip keeps every key, value and lease (binary included)', async () => {
    const file = path.join(dir, 'all.jsonl');
    const exported = await exportToFile(src, Buffer.alloc(0), file);
    const before = [...(await keysUnder(rawSrc, '/registry/')), ...(await keysUnder(rawSrc, '/x/'))];
    assert.equal(exported.keys, before.length);
    assert.equal(exported.leasedKeys, 1);
    assert.equal(exported.leases, 1);
    assert.equal(exported.revision, Number(await revision(rawSrc)));

    // jq, as a user would pipe it: keys of the UTF-8 ones, and a binary value decoded by jq's @base64d.
    const keys = execFileSync('jq', ['-r', 'select(.key) | .key', file], { encoding: 'utf8' }).trim().split('\n');
    assert.ok(keys.includes('/registry/pods/default/web-0') || keys.some((k) => k.startsWith('/registry/pods/')), keys.join(','));
    assert.ok(keys.includes('/x/ünïcode "quoted"\\'));
    const binaryLine = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { key?: string; key_base64?: string; value: string; lease: string; ttl?: number })
      .find((o) => o.key_base64);
    assert.equal(Buffer.from(binaryLine!.key_base64!, 'base64').toString('hex'), BINARY_KEY.toString('hex'));
    const leased = execFileSync('jq', ['-c', 'select(.key == "/x/leased") | {lease, ttl, v: (.value | @base64d)}', file], {
      encoding: 'utf8',
    });
    const l = JSON.parse(leased) as { lease: string; ttl: number; v: string };
    assert.equal(l.v, 'on a lease');
    assert.match(l.lease, /^[0-9a-f]+$/);
    assert.ok(l.ttl > 0 && l.ttl <= leaseTtl, String(l.ttl));

    const dry = await planImport(dst, fileSource(file));
    assert.deepEqual(
      { total: dry.total, create: dry.create, overwrite: dry.overwrite, unchanged: dry.unchanged, leases: dry.leases },
      { total: before.length, create: before.length, overwrite: 0, unchanged: 0, leases: 1 },
    );
    assert.equal(await revision(rawDst), String(dry.revision), 'a dry run writes nothing');

    const r = await importKeys(dst, fileSource(file));
    assert.equal(r.created, before.length);
    assert.equal(r.leasesGranted, 1);
    assert.equal(r.txns, Math.ceil(before.length / MAX_TXN_OPS));
    const after = [...(await keysUnder(rawDst, '/registry/')), ...(await keysUnder(rawDst, '/x/'))];
    assert.deepEqual(after, before, 'every key and value byte for byte, the leased key on a lease');
    const leases = await rawDst.leaseClient.leaseLeases();
    assert.equal(leases.leases.length, 1);
    const ttl = await rawDst.leaseClient.leaseTimeToLive({ ID: leases.leases[0].ID, keys: true });
    assert.deepEqual(ttl.keys.map(String), ['/x/leased']);
    assert.ok(Number(ttl.grantedTTL) <= leaseTtl && Number(ttl.grantedTTL) > leaseTtl - 60);

    // A second import changes nothing: every key is unchanged, no new revision.
    const rev = await revision(rawDst);
    const again = await importKeys(dst, fileSource(file));
    assert.equal(again.unchanged, before.length);
    assert.equal(again.txns, 0);
    assert.equal(await revision(rawDst), rev);
  });

  test('existing keys: skip leaves them, overwrite replaces them, fail refuses before writing anything', async () => {
    const file = path.join(dir, 'x.jsonl');
    await exportToFile(src, Buffer.from('/x/'), file, { format: 'jsonl' });
    await rawDst.put('/x/empty').value('already here');
    await rawDst.put('/x/only-in-target').value('kept');

    const failPlan = await planImport(dst, fileSource(file), { mode: 'fail' });
    assert.equal(failPlan.exists, 1);
    assert.deepEqual(failPlan.existingKeys, ['/x/empty']);
    const rev = await revision(rawDst);
    await rejects(
      importKeys(dst, fileSource(file), { mode: 'fail' }),
      'Conflict',
      /1 key\(s\) of the file already exist \(\/x\/empty\); nothing was written/,
    );
    assert.equal(await revision(rawDst), rev);

    const skipped = await importKeys(dst, fileSource(file), { mode: 'skip', leases: 'drop' });
    assert.deepEqual([skipped.created, skipped.skipped, skipped.leasesGranted], [3, 1, 0]);
    assert.equal(await rawDst.get('/x/empty').string(), 'already here');
    assert.equal((await rawDst.leaseClient.leaseLeases()).leases.length, 0, 'leases dropped on request');

    const over = await importKeys(dst, fileSource(file), { mode: 'overwrite', leases: 'drop' });
    assert.deepEqual([over.created, over.overwritten, over.unchanged], [0, 1, 3]);
    assert.equal(await rawDst.get('/x/empty').string(), '');
    assert.equal(await rawDst.get('/x/only-in-target').string(), 'kept', 'import never deletes');
  });

  test('transactions stay within etcd limits: 128 keys and 1 MiB each', async () => {
    const file = path.join(dir, 'big.jsonl');
    const big = Buffer.alloc(300 * 1024, 0x61);
    const lines = [
      ...Array.from({ length: 300 }, (_, i) => JSON.stringify({ key: `/many/k${String(i).padStart(3, '0')}`, value: 'dg==', lease: '0' })),
      ...Array.from({ length: 8 }, (_, i) => JSON.stringify({ key: `/large/k${i}`, value: big.toString('base64'), lease: '0' })),
    ];
    writeFileSync(file, lines.join('\n') + '\n');
    const r = await importKeys(dst, fileSource(file));
    assert.equal(r.created, 308);
    // In file order: 128 + 128 small keys, then 44 small + 3 large (1 MiB reached), 3 large, 2 large.
    assert.equal(r.txns, 5);
    assert.equal((await keysUnder(rawDst, '/large/')).length, 8);
  });

  test('the YAML variant: Kubernetes objects as YAML documents, other values as base64, imported back to the same objects', async () => {
    const file = path.join(dir, 'registry.yaml');
    const r = await exportToFile(src, Buffer.from('/registry/'), file, { format: 'yaml' });
    assert.ok(r.decoded! > 0 && r.decoded! <= r.keys);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^# key: \/registry\/.+\n(# lease: .+\n)?# format: k8s-protobuf\napiVersion: v1\nkind: /m);
    const imported = await importKeys(dst, fileSource(file));
    assert.equal(imported.created, r.keys);
    const a = await keysUnder(rawSrc, '/registry/');
    const b = await keysUnder(rawDst, '/registry/');
    assert.deepEqual(
      b.map((kv) => kv.key),
      a.map((kv) => kv.key),
    );
    for (let i = 0; i < a.length; i++) {
      const da = decodeValue(Buffer.from(a[i].value, 'hex'));
      const db = decodeValue(Buffer.from(b[i].value, 'hex'));
      assert.equal(db.format, da.format, Buffer.from(a[i].key, 'hex').toString());
      assert.deepEqual('object' in db ? db.object : db.bytes, 'object' in da ? da.object : da.bytes);
    }
  });

  test('bad input names the line and writes nothing; a read-only connection refuses the import (a dry run is allowed)', async () => {
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, '{"key":"/ok/a","value":"YQ==","lease":"0"}\n{"key":"/ok/b","value":"not base64!"}\n');
    const rev = await revision(rawDst);
    await rejects(
      importKeys(dst, fileSource(file)),
      'InvalidArgument',
      /bad\.jsonl line 2: "value" must be base64 text\. Nothing was written\./,
    );
    assert.equal(await revision(rawDst), rev);
    await rejects(importKeys(dst, fileSource(path.join(dir, 'missing.jsonl'))), 'NotFound', /missing\.jsonl does not exist/);

    const good = path.join(dir, 'good.jsonl');
    writeFileSync(good, '{"key":"/ok/a","value":"YQ==","lease":"0"}\n');
    const ro = await EtcdConnection.open({ name: 'ro', endpoints: target.endpoints, readOnly: true });
    try {
      assert.equal((await planImport(ro, fileSource(good))).create, 1);
      await rejects(importKeys(ro, fileSource(good)), 'PermissionDenied', /Connection "ro" is read-only: importing keys is not allowed/);
    } finally {
      ro.close();
    }
    assert.equal(await revision(rawDst), rev);
  });

  test('CLI: export to stdout piped into import on the other cluster, dry run and modes', async () => {
    const exp = await runCli(['export', '/x/', '--endpoints', source.endpoints[0]]);
    assert.equal(exp.code, 0, exp.stderr);
    assert.equal(exp.stdout.trim().split('\n').length, 4);
    assert.match(exp.stderr, /^Exported 4 keys \(\d+ bytes, 1 on 1 lease\(s\)\) under "\/x\/" at revision \d+\.\n$/);

    const dry = await runCli(['import', '-', '--dry-run', '--endpoints', target.endpoints[0]], exp.stdout);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(
      dry.stdout,
      `Dry run, nothing written. 4 keys in the file for "cli": 4 to create, 0 to overwrite, 0 unchanged, 0 existing with another value skipped; 1 new lease(s) for 1 key(s).\n`,
    );
    const imp = await runCli(['import', '-', '--endpoints', target.endpoints[0], '-w', 'json'], exp.stdout);
    assert.equal(imp.code, 0, imp.stderr);
    assert.deepEqual((JSON.parse(imp.stdout) as { created: number }).created, 4);
    assert.deepEqual(await keysUnder(rawDst, '/x/'), await keysUnder(rawSrc, '/x/'));

    const fail = await runCli(['import', '-', '--mode', 'fail', '--endpoints', target.endpoints[0]], exp.stdout);
    assert.equal(fail.code, 1);
    assert.match(fail.stderr, /4 key\(s\) of the file already exist .*; nothing was written/);
    const ro = await runCli(['import', '-', '--read-only', '--endpoints', target.endpoints[0]], exp.stdout);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /read-only: importing keys is not allowed/);
    const badMode = await runCli(['import', '-', '--mode', 'merge', '--endpoints', target.endpoints[0]], '');
    assert.equal(badMode.code, 2);
    assert.match(badMode.stderr, /--mode must be skip, overwrite, fail; got "merge"/);
  });
});
