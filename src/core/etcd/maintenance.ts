/**
 * Cluster maintenance, as etcdctl does it: alarms, defragment (per member), compaction, leader
 * transfer, KV hashes and membership changes. Writes check the connection is not read-only.
 */
import type { IHashKVResponse } from 'etcd3';
import { EtcdStudioError } from '../errors';
import { FeatureId, requireFeature } from './capabilities';
import { ConnectOptions, EtcdConnection, hexId } from './connection';
import { listMembers, MemberInfo } from './members';
import { ConnectionProfile } from './profile';

export interface AlarmInfo {
  memberId: string;
  alarm: 'NOSPACE' | 'CORRUPT';
}

/** Refuses, naming the member's version, a request its release does not have (instead of gRPC's "unknown method"). */
async function requireOn(conn: EtcdConnection, id: FeatureId): Promise<void> {
  requireFeature((await conn.status()).version, id);
}

/** etcd's member ids are uint64; the API takes them as decimal strings. */
function decimalId(hex: string): string {
  if (!/^[0-9a-f]{1,16}$/i.test(hex))
    throw new EtcdStudioError('InvalidArgument', `"${hex}" is not a member id (expected hex like 8e9e05c52164694d).`);
  return BigInt(`0x${hex}`).toString(10);
}

export async function listAlarms(conn: EtcdConnection): Promise<AlarmInfo[]> {
  const res = await conn.call('alarm list', () => conn.client.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' }));
  return res.alarms.map((a) => ({ memberId: hexId(a.memberID), alarm: String(a.alarm).toUpperCase() as AlarmInfo['alarm'] }));
}

/** Disarms every alarm (like `etcdctl alarm disarm`); returns the alarms that were cleared. */
export async function disarmAlarms(conn: EtcdConnection): Promise<AlarmInfo[]> {
  conn.assertWritable('disarming alarms');
  const active = await listAlarms(conn);
  for (const a of active) {
    await conn.call('alarm disarm', () =>
      conn.client.maintenance.alarm({
        action: 'Deactivate',
        memberID: decimalId(a.memberId),
        alarm: a.alarm === 'NOSPACE' ? 'Nospace' : 'Corrupt',
      }),
    );
  }
  return active;
}

async function onEndpoint<T>(
  profile: ConnectionProfile,
  endpoint: string,
  opts: ConnectOptions,
  fn: (c: EtcdConnection) => Promise<T>,
): Promise<T> {
  const conn = await EtcdConnection.open(
    { ...profile, endpoints: [endpoint], requestTimeoutMs: Math.max(profile.requestTimeoutMs ?? 0, 60_000) },
    opts,
  );
  try {
    return await fn(conn);
  } finally {
    conn.close();
  }
}

/**
 * Defragments one member (blocks its reads and writes while it runs, like `etcdctl defrag`).
 * Returns the DB size before and after.
 */
export async function defragment(
  conn: EtcdConnection,
  endpoint: string,
): Promise<{ endpoint: string; before: number; after: number; tookMs: number }> {
  conn.assertWritable('defragmenting');
  return onEndpoint(conn.profile, endpoint, conn.connectOptions, async (c) => {
    const before = (await c.status()).dbSize;
    const started = Date.now();
    await c.call('defragment', () => c.client.maintenance.defragment());
    return { endpoint, before, after: (await c.status()).dbSize, tookMs: Date.now() - started };
  });
}

/** Compacts history up to `revision` (keys' older versions become unreadable). */
export async function compact(conn: EtcdConnection, revision: number, physical = false): Promise<void> {
  conn.assertWritable('compacting');
  const current = (await conn.status()).revision;
  if (!Number.isInteger(revision) || revision < 1)
    throw new EtcdStudioError('InvalidArgument', `Compaction revision must be a positive integer, got ${revision}.`);
  if (revision > current)
    throw new EtcdStudioError('InvalidArgument', `Revision ${revision} is in the future (current revision is ${current}).`);
  await conn.call('compact', () => conn.client.kv.compact({ revision, physical }));
}

/** Hash of the KV store up to `revision` on one member (`etcdctl endpoint hashkv`): equal hashes mean consistent members. */
export async function hashKv(
  conn: EtcdConnection,
  endpoint: string,
  revision = 0,
): Promise<{ endpoint: string; hash: number; compactRevision: number }> {
  return onEndpoint(conn.profile, endpoint, conn.connectOptions, async (c) => {
    await requireOn(c, 'hashKv');
    // etcd3's hashKV() names the method "hashKV", but its loaded service calls it "HashKV".
    const pool = (
      c.client.maintenance as unknown as { client: { exec(service: string, method: string, req: unknown): Promise<IHashKVResponse> } }
    ).client;
    const res = await c.call('hashkv', () => pool.exec('Maintenance', 'HashKV', { revision }));
    return { endpoint, hash: Number(res.hash), compactRevision: Number(res.compact_revision) };
  });
}

/** Transfers leadership to `targetId` (hex); the request must go to the current leader. */
export async function moveLeader(conn: EtcdConnection, targetId: string): Promise<void> {
  conn.assertWritable('moving the leader');
  const status = await conn.status();
  requireFeature(status.version, 'moveLeader');
  const members = await listMembers(conn);
  const leader = members.find((m) => m.id === status.leader);
  if (!leader?.clientUrls[0]) throw new EtcdStudioError('Unavailable', 'The cluster has no leader with a client URL right now.');
  if (!members.some((m) => m.id === targetId)) throw new EtcdStudioError('InvalidArgument', `No member with id ${targetId}.`);
  if (targetId === leader.id) return;
  await onEndpoint(conn.profile, leader.clientUrls[0], conn.connectOptions, (c) =>
    c.call('move leader', () => c.client.maintenance.moveLeader({ targetID: decimalId(targetId) })),
  );
}

export async function addMember(conn: EtcdConnection, peerUrls: string[], learner: boolean): Promise<MemberInfo> {
  conn.assertWritable('adding a member');
  if (learner) await requireOn(conn, 'learners');
  const res = await conn.call('member add', () => conn.client.cluster.memberAdd({ peerURLs: peerUrls, isLearner: learner }));
  return {
    id: hexId(res.member.ID),
    name: res.member.name,
    peerUrls: res.member.peerURLs ?? [],
    clientUrls: res.member.clientURLs ?? [],
    isLearner: learner,
    status: 'unstarted',
  };
}

export async function removeMember(conn: EtcdConnection, id: string): Promise<void> {
  conn.assertWritable('removing a member');
  await conn.call('member remove', () => conn.client.cluster.memberRemove({ ID: decimalId(id) }));
}

export async function promoteMember(conn: EtcdConnection, id: string): Promise<void> {
  conn.assertWritable('promoting a member');
  await requireOn(conn, 'learners');
  await conn.call('member promote', () => conn.client.cluster.memberPromote({ ID: decimalId(id) }));
}
