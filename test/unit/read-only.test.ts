/**
 * A read-only profile refuses every write, whichever path it comes from: the editor and tree (safe key
 * operations), scripts, the CLI, restore-into-cluster, leases, transactions and maintenance. Each
 * attempt must fail with the read-only message, and afterwards etcd must be exactly as before (same
 * revision, leases, members and alarms), read with a client of the test's own.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Etcd3 } from 'etcd3';
import { sampleKeyspace, writeEntries } from '../../src/core/demo/sampleKeyspace';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { deleteIfUnchanged, deletePrefix, getKey, putIfUnchanged, renameKey } from '../../src/core/etcd/kv';
import { addMember, compact, defragment, disarmAlarms, moveLeader, promoteMember, removeMember } from '../../src/core/etcd/maintenance';
import { listMembers } from '../../src/core/etcd/members';
import { WRITE_OPS, WriteOp } from '../../src/core/etcd/writes';
import { EtcdStudioError } from '../../src/core/errors';
import { grantLease, keepAliveOnce, putWithLease, revokeLease } from '../../src/core/leases';
import { executeCommand, parseScript } from '../../src/core/script';
import { restoreIntoCluster, saveSnapshot, openSnapshot } from '../../src/core/snapshot';
import { del, put, runTxn } from '../../src/core/txn';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';
import { repoRoot } from '../harness/tools';

const READ_ONLY = /Connection "ro" is read-only: .+ is not allowed/;

async function refused(what: string, attempt: () => Promise<unknown>): Promise<void> {
  const err = await attempt().then(
    () => assert.fail(`${what} was not refused`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EtcdStudioError, `${what}: ${String(err)}`);
  assert.equal(err.code, 'PermissionDenied', `${what}: ${err.message}`);
  assert.match(err.message, READ_ONLY, what);
}

/** Everything a write could change, read independently of the code under test. */
async function fingerprint(raw: Etcd3): Promise<string> {
  const status = await raw.maintenance.status();
  const leases = (await raw.leaseClient.leaseLeases()).leases.map((l) => l.ID).sort();
  const members = (await raw.cluster.memberList({})).members.map((m) => `${m.ID}:${m.isLearner}`).sort();
  const alarms = (await raw.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' })).alarms.length;
  const users = (await raw.auth.userList()).users;
  const roles = (await raw.auth.roleList()).roles;
  return JSON.stringify({ revision: status.header.revision, leases, members, alarms, users, roles });
}

describe('a read-only profile refuses every write path (real etcd)', () => {
  let etcd: EtcdTestCluster;
  let raw: Etcd3;
  let ro: EtcdConnection;
  let dir: string;
  let snapshotFile: string;
  let leaseId: string;
  let memberId: string;
  const key = Buffer.from('/ro/existing');

  before(async () => {
    etcd = await startEtcd();
    raw = rawClient(etcd);
    dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-ro-'));
    const rw = await EtcdConnection.open({ name: 'rw', endpoints: etcd.endpoints });
    try {
      await writeEntries(rw, sampleKeyspace());
      await putIfUnchanged(rw, key, Buffer.from('before'), 0);
      leaseId = (await grantLease(rw, 600)).id;
      snapshotFile = path.join(dir, 'snap.db');
      await saveSnapshot(rw, snapshotFile);
      memberId = (await listMembers(rw))[0].id;
    } finally {
      rw.close();
    }
    // Something the restore would change: a key that differs from the snapshot.
    await raw.put('/registry/namespaces/shop').value('changed after the snapshot');
    ro = await EtcdConnection.open({ name: 'ro', endpoints: etcd.endpoints, readOnly: true });
  });
  after(async () => {
    ro?.close();
    raw?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the connection door: every kind of write op', async () => {
    const before = await fingerprint(raw);
    const ops: Record<WriteOp['op'], WriteOp> = {
      put: { op: 'put', request: { key, value: Buffer.from('x') } },
      delete: { op: 'delete', request: { key } },
      txn: { op: 'txn', request: { success: [{ request_put: { key, value: Buffer.from('x') } }] } },
      compact: { op: 'compact', revision: 1, physical: false },
      leaseGrant: { op: 'leaseGrant', ttl: 60 },
      leaseRevoke: { op: 'leaseRevoke', id: BigInt(`0x${leaseId}`).toString() },
      leaseKeepAlive: { op: 'leaseKeepAlive', id: BigInt(`0x${leaseId}`).toString() },
      memberAdd: { op: 'memberAdd', peerUrls: ['http://127.0.0.1:1'], learner: true },
      memberRemove: { op: 'memberRemove', id: BigInt(`0x${memberId}`).toString() },
      memberPromote: { op: 'memberPromote', id: BigInt(`0x${memberId}`).toString() },
      alarmDisarm: { op: 'alarmDisarm', memberId: BigInt(`0x${memberId}`).toString(), alarm: 'NOSPACE' },
      defragment: { op: 'defragment' },
      moveLeader: { op: 'moveLeader', targetId: BigInt(`0x${memberId}`).toString() },
      authEnable: { op: 'authEnable' },
      authDisable: { op: 'authDisable' },
      userAdd: { op: 'userAdd', name: 'ro-user', password: 'pw' },
      userDelete: { op: 'userDelete', name: 'ro-user' },
      userChangePassword: { op: 'userChangePassword', name: 'ro-user', password: 'pw2' },
      userGrantRole: { op: 'userGrantRole', name: 'ro-user', role: 'root' },
      userRevokeRole: { op: 'userRevokeRole', name: 'ro-user', role: 'root' },
      roleAdd: { op: 'roleAdd', name: 'ro-role' },
      roleDelete: { op: 'roleDelete', name: 'ro-role' },
      roleGrantPermission: { op: 'roleGrantPermission', name: 'ro-role', permType: 'Read', key: key, rangeEnd: Buffer.alloc(0) },
      roleRevokePermission: { op: 'roleRevokePermission', name: 'ro-role', key: key, rangeEnd: Buffer.alloc(0) },
    };
    assert.deepEqual(Object.keys(ops).sort(), [...WRITE_OPS].sort(), 'every write kind is tried');
    for (const op of Object.values(ops)) await refused(op.op, () => ro.write(op.op, op));
    // A transaction that only reads is not a write.
    const read = await ro.txn({ success: [{ request_range: { key } }] });
    assert.equal(read.responses[0].response_range.kvs[0].value.toString(), 'before');
    assert.equal(await fingerprint(raw), before);
  });

  test('editor and tree: save, create, delete, delete prefix, rename, restore a revision', async () => {
    const before = await fingerprint(raw);
    const current = (await getKey(ro, key))!;
    await refused('save (compare-and-swap)', () => putIfUnchanged(ro, key, Buffer.from('edited'), current.modRevision));
    await refused('new key', () => putIfUnchanged(ro, Buffer.from('/ro/new'), Buffer.from('v'), 0));
    await refused('delete key', () => deleteIfUnchanged(ro, key, current.modRevision));
    await refused('delete prefix', () => deletePrefix(ro, Buffer.from('/registry/'), current.revision));
    await refused('rename', () => renameKey(ro, key, Buffer.from('/ro/renamed'), current.modRevision));
    assert.equal(await fingerprint(raw), before);
  });

  test('leases, transactions, maintenance, restore into the cluster, seeding', async () => {
    const before = await fingerprint(raw);
    await refused('lease grant', () => grantLease(ro, 60));
    await refused('lease revoke', () => revokeLease(ro, leaseId));
    await refused('lease keep-alive', () => keepAliveOnce(ro, leaseId));
    await refused('put with lease', () => putWithLease(ro, '/ro/leased', 'v', leaseId));
    await refused('txn', () => runTxn(ro, { compare: [], success: [put('/ro/t', 'v')], failure: [del('/ro/existing')] }));
    await refused('compact', () => compact(ro, 1));
    await refused('defragment', () => defragment(ro, etcd.endpoints[0]));
    await refused('move leader', () => moveLeader(ro, memberId));
    await refused('member add', () => addMember(ro, ['http://127.0.0.1:1'], true));
    await refused('member remove', () => removeMember(ro, memberId));
    await refused('member promote', () => promoteMember(ro, memberId));
    await refused('alarm disarm', () => disarmAlarms(ro));
    const snap = await openSnapshot(snapshotFile);
    try {
      await refused('restore into the cluster', () => restoreIntoCluster(ro, snap));
    } finally {
      snap.close();
    }
    await refused('sample keyspace', () => writeEntries(ro, sampleKeyspace()));
    assert.equal(await fingerprint(raw), before);
  });

  test('scripts: every command that writes is refused before anything is sent', async () => {
    const before = await fingerprint(raw);
    for (const line of [
      'put /ro/s v',
      'del /ro/existing',
      'del /registry/ --prefix',
      'txn\n\nput /ro/s v\n\n\n',
      `lease grant 60`,
      `lease revoke ${leaseId}`,
      `lease keep-alive --once ${leaseId}`,
      `put /ro/s v --lease=${leaseId}`,
      'member add m9 --peer-urls=http://127.0.0.1:1 --learner',
      `member remove ${memberId}`,
      `member promote ${memberId}`,
      'alarm disarm',
      'defrag',
      `move-leader ${memberId}`,
      'compaction 1',
    ]) {
      const r = await executeCommand(ro, parseScript(line).commands[0]);
      assert.equal(r.ok, false, line);
      assert.match(r.stderr, /^Error: Connection "ro" is read-only: /, `${line}: ${r.stderr}`);
    }
    assert.equal((await executeCommand(ro, parseScript('get /ro/existing --print-value-only').commands[0])).stdout, 'before\n');
    assert.equal(await fingerprint(raw), before);
  });

  test('CLI: put, seed-sample and snapshot restore --into-cluster with --read-only exit 1 and write nothing', async () => {
    const before = await fingerprint(raw);
    const run = promisify(execFile);
    const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      try {
        await run(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), ...args], { env: { PATH: process.env.PATH, ...env } });
        return { code: 0, stderr: '' };
      } catch (e) {
        return e as { code: number; stderr: string };
      }
    };
    const yaml = path.join(dir, 'v.yaml');
    writeFileSync(yaml, 'text value\n');
    const ep = ['--endpoints', etcd.endpoints.join(',')];
    for (const [args, env] of [
      [['put', '/ro/cli', '-f', yaml, '--raw', '--read-only', ...ep], {}],
      [['seed-sample', ...ep], { ETCD_STUDIO_READ_ONLY: 'true' }],
      [['snapshot', 'restore', snapshotFile, '--into-cluster', '--read-only', ...ep], {}],
    ] as const) {
      const r = await cli([...args], env);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /is read-only: .+ is not allowed/, args.join(' '));
    }
    assert.equal(await fingerprint(raw), before);
  });
});
