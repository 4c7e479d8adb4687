/**
 * Restoring snapshots against real etcd: into a new data dir with etcd's own tool (then started
 * with etcd and compared key by key), and into a second live cluster (plan counts, values, keys
 * only in the target left alone). Every child process gets an argument array and is stopped by PID.
 */
import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from '../../src/cli/args';
import { runSnapshot } from '../../src/cli/snapshotCommands';
import { sampleKeyspace, writeEntries } from '../../src/core/demo/sampleKeyspace';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdStudioError } from '../../src/core/errors';
import { decodeValue } from '../../src/core/k8s/codec';
import {
  EtcdSnapshot,
  openSnapshot,
  planRestoreIntoCluster,
  resolveRestoreTool,
  RESTORE_DEFAULTS,
  restoreIntoCluster,
  restoreToDataDir,
  saveSnapshot,
} from '../../src/core/snapshot';
import { EtcdTestCluster, freePorts, startEtcd } from '../harness/etcd';
import { etcdTarget } from '../harness/tools';
import { rawClient } from '../harness/rawClient';

async function rejectsWith(p: Promise<unknown>, code: string, text: RegExp): Promise<EtcdStudioError> {
  const err = await p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EtcdStudioError, `expected an EtcdStudioError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.match(err.message, text);
  return err;
}

interface Kv {
  key: Buffer;
  value: Buffer;
  modRevision: number;
}

async function allKeys(raw: Etcd3, revision?: number): Promise<Kv[]> {
  const r = await raw.kv.range({
    key: Buffer.from([0]),
    range_end: Buffer.from([0]),
    ...(revision ? { revision: String(revision) } : {}),
  });
  return r.kvs.map((kv) => ({ key: kv.key, value: kv.value, modRevision: Number(kv.mod_revision) }));
}

const BINARY_KEY = Buffer.from([0x2f, 0x62, 0x69, 0x6e, 0x2f, 0xff, 0x00, 0x01]);

/** The demo Kubernetes keyspace (protobuf and JSON objects), plain keys, a binary key and value, a leased key. */
async function writeSource(conn: EtcdConnection, raw: Etcd3): Promise<void> {
  await writeEntries(conn, sampleKeyspace());
  await raw.kv.put({ key: Buffer.from('/plain/greeting'), value: Buffer.from('hello') });
  await raw.kv.put({ key: Buffer.from('/plain/greeting'), value: Buffer.from('hello again') });
  await raw.kv.put({ key: BINARY_KEY, value: Buffer.from([0, 1, 2, 0xfe, 0xff]) });
  await raw.kv.put({ key: Buffer.from('/plain/deleted'), value: Buffer.from('gone') });
  await raw.kv.deleteRange({ key: Buffer.from('/plain/deleted') });
  const lease = await raw.leaseClient.leaseGrant({ TTL: 3600 });
  await raw.kv.put({ key: Buffer.from('/registry/leases/kube-node-lease/cp-1'), value: Buffer.from('renewed'), lease: lease.ID });
}

/** Starts etcd on a restored data dir with the start arguments the restore returned. */
async function startRestored(startArgs: string[]): Promise<ChildProcess> {
  const child = spawn(etcdTarget().etcd, [...startArgs, '--log-level', 'warn', '--logger', 'zap'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = startArgs[startArgs.indexOf('--advertise-client-urls') + 1];
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`restored etcd exited with ${child.exitCode}:\n${output}`);
    try {
      const conn = await EtcdConnection.open({ name: 'probe', endpoints: [url], dialTimeoutMs: 500, requestTimeoutMs: 1000 });
      conn.close();
      return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`restored etcd did not come up:\n${output}`);
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

function capture() {
  let out = Buffer.alloc(0);
  let err = '';
  return {
    io: {
      stdin: process.stdin,
      env: process.env,
      stdout: {
        write: (c: string | Uint8Array) => {
          out = Buffer.concat([out, Buffer.from(c)]);
        },
      },
      stderr: {
        write: (c: string) => {
          err += c;
        },
      },
    },
    out: () => out,
    err: () => err,
  };
}

async function cli(argv: string[]): Promise<{ code: number; out: Buffer; err: string }> {
  const c = capture();
  const code = await runSnapshot(parseArgs(argv), c.io, argv);
  return { code, out: c.out(), err: c.err() };
}

describe('restoring snapshots', () => {
  let source: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  let dir: string;
  let file: string;
  let revision: number;
  let expected: Kv[];
  let restored: ChildProcess | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-restore-'));
    source = await startEtcd();
    conn = await EtcdConnection.open({ name: 'source', endpoints: source.endpoints });
    raw = rawClient(source);
    await writeSource(conn, raw);
    file = path.join(dir, 'snap.db');
    revision = (await saveSnapshot(conn, file)).revision;
    expected = await allKeys(raw, revision);
    // Later writes are not in the snapshot.
    await raw.kv.put({ key: Buffer.from('/plain/after'), value: Buffer.from('later') });
  });
  after(async () => {
    await stop(restored);
    raw?.close();
    conn?.close();
    await source?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("into a new data dir with etcd's tool: the restored member serves every key and value as of the snapshot", async () => {
    const [peerPort, clientPort] = await freePorts(2);
    const peer = `http://127.0.0.1:${peerPort}`;
    const client = `http://127.0.0.1:${clientPort}`;
    const dataDir = path.join(dir, 'restored.etcd');
    let streamed = '';
    const r = await restoreToDataDir(
      {
        file,
        dataDir,
        name: 'restored',
        initialCluster: `restored=${peer}`,
        initialClusterToken: 'restore-test',
        initialAdvertisePeerUrls: peer,
      },
      { clientUrls: client, onOutput: (t) => (streamed += t) },
    );
    // The release's own tool: etcdctl on 3.4, etcdutl from 3.5 (npm test puts that release's tools first on PATH).
    const release = etcdTarget();
    assert.deepEqual(
      r.tool,
      release.etcdutl
        ? { kind: 'etcdutl', path: release.etcdutl, version: release.version }
        : { kind: 'etcdctl', path: release.etcdctl, version: release.version },
    );
    assert.equal(r.storageVersion, release.minor === '3.4' ? '' : `${release.minor}.0`);
    if (r.storageVersion) assert.match(r.nextSteps, new RegExp(`start it with etcd ${release.minor.replace('.', '\\.')} or newer`));
    assert.match(r.nextSteps, new RegExp(`with ${r.tool.kind} ${release.version.replace(/\./g, '\\.')} as member`));
    assert.ok(r.hashChecked, 'a saved snapshot is checked against its SHA-256 trailer');
    assert.ok(!r.args.includes('--skip-hash-check'));
    assert.equal(r.output, streamed);
    assert.ok(existsSync(path.join(dataDir, 'member', 'snap', 'db')), 'the tool wrote a member dir');
    assert.match(
      r.nextSteps,
      new RegExp(`etcd --name restored --data-dir ${dataDir.replace(/[.]/g, '\\.')} .*--initial-cluster restored=${peer}`),
    );
    restored = await startRestored(r.startArgs);
    const rc = await EtcdConnection.open({ name: 'restored', endpoints: [client] });
    const rraw = rawClient({ endpoints: [client] });
    try {
      const got = await allKeys(rraw);
      assert.equal(got.length, expected.length);
      assert.deepEqual(got, expected, 'keys, values and revisions equal the source at the snapshot revision');
      assert.ok(got.some((kv) => kv.key.equals(BINARY_KEY)));
      assert.ok(!got.some((kv) => String(kv.key) === '/plain/after'));
      assert.equal((await rc.status()).revision, revision);
    } finally {
      rraw.close();
      rc.close();
    }
  });

  test('a non-empty target is refused before anything runs', async () => {
    const target = path.join(dir, 'busy');
    mkdirSync(target);
    writeFileSync(path.join(target, 'keep.txt'), 'mine');
    const opts = {
      file,
      dataDir: target,
      name: 'm',
      initialCluster: 'm=http://127.0.0.1:1',
      initialClusterToken: 't',
      initialAdvertisePeerUrls: 'http://127.0.0.1:1',
    };
    // A tool path that cannot run proves nothing was started.
    await rejectsWith(
      restoreToDataDir(opts, { etcdutl: '/nonexistent/etcdutl' }),
      'Conflict',
      /busy is not empty \(it holds keep\.txt\).*Nothing was changed/,
    );
    assert.deepEqual(readdirSync(target), ['keep.txt']);
    await rejectsWith(cli(['restore', file, '--data-dir', target]), 'Conflict', /not empty/);
  });

  test('without etcdutl, etcdctl restores on 3.4 and is refused, naming etcdutl, from 3.6 on', async () => {
    const release = etcdTarget();
    // A PATH that holds only this release's etcdctl.
    const only = path.join(dir, 'only-etcdctl');
    mkdirSync(only);
    symlinkSync(release.etcdctl, path.join(only, 'etcdctl'));
    const env = { ...process.env, PATH: only };
    const tool = resolveRestoreTool({ env });
    if (release.minor === '3.4') {
      assert.deepEqual(await tool, { kind: 'etcdctl', path: path.join(only, 'etcdctl'), version: release.version });
      return;
    }
    await rejectsWith(
      tool,
      'Unsupported',
      new RegExp(`is etcdctl ${release.version.replace(/\./g, '\\.')}, which has no \`snapshot restore\`.*Install etcdutl`),
    );
    const target = path.join(dir, 'never');
    await rejectsWith(
      restoreToDataDir({ file, dataDir: target, ...RESTORE_DEFAULTS }, { env }),
      'Unsupported',
      /has no `snapshot restore`/,
    );
    assert.ok(!existsSync(target), 'nothing was written');
  });

  test('a raw db (no trailer) needs skip-hash-check; a damaged trailer is refused', async () => {
    const raw = path.join(dir, 'raw.db');
    copyFileSync(file, raw);
    truncateSync(raw, statSync(file).size - 32);
    const base = {
      name: 'm',
      initialCluster: 'm=http://127.0.0.1:2380',
      initialClusterToken: 't',
      initialAdvertisePeerUrls: 'http://127.0.0.1:2380',
    };
    await rejectsWith(
      restoreToDataDir({ ...base, file: raw, dataDir: path.join(dir, 'raw1') }),
      'InvalidArgument',
      /no SHA-256 trailer.*--skip-hash-check/,
    );
    assert.ok(!existsSync(path.join(dir, 'raw1')));
    const r = await restoreToDataDir({ ...base, file: raw, dataDir: path.join(dir, 'raw2'), skipHashCheck: true });
    assert.ok(r.args.includes('--skip-hash-check'));
    assert.ok(!r.hashChecked);
    assert.ok(existsSync(path.join(dir, 'raw2', 'member', 'snap', 'db')));

    const bad = path.join(dir, 'bad.db');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(bad, bytes);
    await rejectsWith(restoreToDataDir({ ...base, file: bad, dataDir: path.join(dir, 'bad') }), 'Corrupt', /fails its SHA-256 check/);
    await rejectsWith(
      restoreToDataDir({ ...base, name: 'other', file, dataDir: path.join(dir, 'x') }),
      'InvalidArgument',
      /does not name this member "other"/,
    );
  });

  describe('into a live cluster', () => {
    let target: EtcdTestCluster;
    let tconn: EtcdConnection;
    let traw: Etcd3;
    let snap: EtcdSnapshot;
    before(async () => {
      target = await startEtcd();
      tconn = await EtcdConnection.open({ name: 'target', endpoints: target.endpoints });
      traw = rawClient(target);
      snap = await openSnapshot(file);
      // Same value, another value, and keys only in the target.
      const same = expected.find((kv) => String(kv.key).startsWith('/registry/namespaces/'))!;
      await traw.kv.put({ key: same.key, value: same.value });
      await traw.kv.put({ key: Buffer.from('/plain/greeting'), value: Buffer.from('changed in the target') });
      await traw.kv.put({ key: Buffer.from('/registry/configmaps/default/only-here'), value: Buffer.from('target only') });
      await traw.kv.put({ key: Buffer.from('/zzz/only-here'), value: Buffer.from('target only') });
    });
    after(async () => {
      snap?.close();
      traw?.close();
      tconn?.close();
      await target?.stop();
    });

    test('plan counts, restore writes in txns of at most 128, keys only in the target stay', async () => {
      const plan = await planRestoreIntoCluster(tconn, snap);
      assert.deepEqual(
        {
          total: plan.total,
          create: plan.create,
          overwrite: plan.overwrite,
          unchanged: plan.unchanged,
          onlyInCluster: plan.onlyInCluster,
          leased: plan.leased,
        },
        { total: expected.length, create: expected.length - 2, overwrite: 1, unchanged: 1, onlyInCluster: 2, leased: 1 },
      );
      assert.match(plan.notes.join(' '), /never deletes/);
      const sub = await planRestoreIntoCluster(tconn, snap, { prefix: Buffer.from('/registry/configmaps/') });
      const inSub = expected.filter((kv) => String(kv.key).startsWith('/registry/configmaps/')).length;
      assert.deepEqual([sub.total, sub.create, sub.onlyInCluster], [inSub, inSub, 1]);

      const dry = await cli(['restore', file, '--into-cluster', '--dry-run', '--endpoints', target.endpoints[0]]);
      assert.equal(dry.code, 0, dry.err);
      assert.match(dry.out.toString(), new RegExp(`create ${plan.create}, overwrite 1, unchanged 1`));
      assert.equal((await allKeys(traw)).length, 4, 'a dry run writes nothing');

      const progress: number[] = [];
      const r = await restoreIntoCluster(tconn, snap, { onProgress: (done) => progress.push(done) });
      assert.deepEqual([r.created, r.overwritten, r.unchanged, r.onlyInCluster], [plan.create, 1, 1, 2]);
      assert.equal(r.txns, Math.ceil((plan.create + 1) / 128));
      assert.equal(progress.at(-1), expected.length);
      const after = await allKeys(traw);
      const byKey = new Map(after.map((kv) => [kv.key.toString('hex'), kv.value]));
      for (const kv of expected) assert.deepEqual(byKey.get(kv.key.toString('hex')), kv.value, String(kv.key));
      assert.equal(String(byKey.get(Buffer.from('/zzz/only-here').toString('hex'))), 'target only');
      assert.equal(String(byKey.get(Buffer.from('/registry/configmaps/default/only-here').toString('hex'))), 'target only');
      assert.equal(after.length, expected.length + 2);
      const again = await planRestoreIntoCluster(tconn, snap);
      assert.deepEqual([again.create, again.overwrite, again.unchanged], [0, 0, expected.length]);
    });

    test('a dry run of a few keys against a large cluster reads only those keys, not the whole range', async () => {
      // 6,000 keys only in the target, after the restore above (every snapshot key is there and unchanged).
      for (let i = 0; i < 6000; i += 128)
        await traw.kv.txn({
          success: Array.from({ length: Math.min(128, 6000 - i) }, (_, j) => ({
            request_put: { key: Buffer.from(`/bulk/${String(i + j).padStart(5, '0')}`), value: Buffer.from('x') },
          })),
        });
      const reads: string[] = [];
      const logger = { trace: (m: string) => void reads.push(m), info: () => undefined, warn: () => undefined, error: () => undefined };
      const counted = await EtcdConnection.open({ name: 'counted', endpoints: target.endpoints }, { logger });
      try {
        reads.length = 0;
        const plan = await planRestoreIntoCluster(counted, snap);
        assert.deepEqual([plan.create, plan.overwrite, plan.unchanged, plan.onlyInCluster], [0, 0, expected.length, 2 + 6000]);
        const compareReads = reads.filter((m) => /: (read|count) keys to compare /.test(m));
        // One count, then one txn per 128 snapshot keys; a scan of the cluster would take 13 pages of 500.
        assert.equal(compareReads.length, 1 + Math.ceil(expected.length / 128), compareReads.join('\n'));
      } finally {
        counted.close();
      }
    });

    test('a read-only connection is refused before any write', async () => {
      const ro = await EtcdConnection.open({ name: 'ro', endpoints: target.endpoints, readOnly: true });
      try {
        await rejectsWith(restoreIntoCluster(ro, snap), 'PermissionDenied', /read-only/);
      } finally {
        ro.close();
      }
    });
  });

  test('CLI: snapshot get decodes Kubernetes objects as YAML or JSON, raw bytes otherwise', async () => {
    const pod = expected.find((kv) => String(kv.key).startsWith('/registry/pods/'))!;
    const d = decodeValue(pod.value);
    assert.equal(d.format, 'k8s-protobuf');
    const yaml = await cli(['get', file, String(pod.key)]);
    assert.match(yaml.out.toString(), /^apiVersion: v1\nkind: Pod\n/);
    const json = JSON.parse((await cli(['get', file, String(pod.key), '-o', 'json'])).out.toString());
    assert.equal(json.kind, 'Pod');
    assert.deepEqual((await cli(['get', file, String(pod.key), '-o', 'raw'])).out, pod.value);
    assert.equal((await cli(['get', file, '/plain/greeting', '-o', 'json'])).out.toString(), 'hello again');
  });
});
