/**
 * Cluster maintenance, as etcdctl does it: alarms, defragment (per member), compaction, leader
 * transfer, KV hashes and membership changes. Every change goes through EtcdConnection.write, which
 * refuses on a read-only connection.
 */
import { EtcdStudioError } from '../errors';
import { requireFeature } from './capabilities';
import { decimalId, EtcdConnection, hexId } from './connection';
import type { IMemberAddResponse, IMemberPromoteResponse, IMemberRemoveResponse, IResponseHeader } from './etcd3Adapter';
import type { ResponseHeader } from './etcdMessages';
import { listMembers, MemberInfo, memberInfo } from './members';

export interface AlarmInfo {
  memberId: string;
  alarm: 'NOSPACE' | 'CORRUPT';
}

function alarmName(a: string | number): AlarmInfo['alarm'] {
  return String(a).toUpperCase() === 'CORRUPT' || a === 2 ? 'CORRUPT' : 'NOSPACE';
}

export async function listAlarms(conn: EtcdConnection): Promise<AlarmInfo[]> {
  const res = await conn.alarms();
  return res.alarms.map((a) => ({ memberId: hexId(a.memberID), alarm: alarmName(a.alarm) }));
}

/** Disarms every alarm (like `etcdctl alarm disarm`); returns the alarms that were cleared. */
export async function disarmAlarms(conn: EtcdConnection): Promise<AlarmInfo[]> {
  conn.assertWritable('disarming alarms');
  const active = await listAlarms(conn);
  for (const a of active) await conn.write('disarming alarms', { op: 'alarmDisarm', memberId: decimalId(a.memberId), alarm: a.alarm });
  return active;
}

/** Maintenance calls on one member may take long (defragment blocks for as long as it needs). */
const MEMBER_TIMEOUT = (conn: EtcdConnection) => ({ requestTimeoutMs: Math.max(conn.profile.requestTimeoutMs ?? 0, 60_000) });

/**
 * Defragments one member (blocks its reads and writes while it runs, like `etcdctl defrag`).
 * Returns the DB size before and after.
 */
export async function defragment(
  conn: EtcdConnection,
  endpoint: string,
): Promise<{ endpoint: string; before: number; after: number; tookMs: number }> {
  conn.assertWritable('defragmenting');
  return conn.withMember(
    endpoint,
    async (c) => {
      const before = (await c.status()).dbSize;
      const started = process.hrtime.bigint();
      await c.write('defragmenting', { op: 'defragment' });
      const tookMs = Number(process.hrtime.bigint() - started) / 1e6;
      return { endpoint, before, after: (await c.status()).dbSize, tookMs };
    },
    MEMBER_TIMEOUT(conn),
  );
}

/** Compacts history up to `revision` (keys' older versions become unreadable). */
export async function compact(conn: EtcdConnection, revision: number, physical = false): Promise<void> {
  conn.assertWritable('compacting');
  const current = (await conn.status()).revision;
  if (!Number.isInteger(revision) || revision < 1)
    throw new EtcdStudioError('InvalidArgument', `Compaction revision must be a positive integer, got ${revision}.`);
  if (revision > current)
    throw new EtcdStudioError('InvalidArgument', `Revision ${revision} is in the future (current revision is ${current}).`);
  await conn.write('compacting', { op: 'compact', revision, physical });
}

export interface HashKvResult {
  endpoint: string;
  hash: number;
  compactRevision: number;
  /** etcd 3.6+: the revision the hash covers. */
  hashRevision?: number;
  header: ResponseHeader;
}

/** Hash of the KV store up to `revision` on one member (`etcdctl endpoint hashkv`): equal hashes mean consistent members. */
export async function hashKv(conn: EtcdConnection, endpoint: string, revision = 0): Promise<HashKvResult> {
  return conn.withMember(
    endpoint,
    async (c) => {
      // Refuses, naming the member's version, a request its release does not have (instead of gRPC's "unknown method").
      requireFeature(c.serverVersion, 'hashKv');
      const res = await c.hashKv(revision);
      return {
        endpoint,
        hash: res.hash,
        compactRevision: Number(res.compact_revision),
        ...(res.hash_revision !== undefined ? { hashRevision: Number(res.hash_revision) } : {}),
        header: res.header,
      };
    },
    MEMBER_TIMEOUT(conn),
  );
}

/**
 * Transfers leadership to `targetId` (hex); the request must go to the current leader. Returns the
 * previous leader's id and etcd's answer (none when the target already leads).
 */
export async function moveLeader(conn: EtcdConnection, targetId: string): Promise<{ from: string; header?: IResponseHeader }> {
  conn.assertWritable('moving the leader');
  const status = await conn.status();
  requireFeature(status.version, 'moveLeader');
  const members = await listMembers(conn);
  const leader = members.find((m) => m.id === status.leader);
  if (!leader?.clientUrls[0]) throw new EtcdStudioError('Unavailable', 'The cluster has no leader with a client URL right now.');
  if (!members.some((m) => m.id === targetId)) throw new EtcdStudioError('InvalidArgument', `No member with id ${targetId}.`);
  if (targetId === leader.id) return { from: leader.id };
  const res = await conn.withMember(
    leader.clientUrls[0],
    (c) => c.write('moving the leader', { op: 'moveLeader', targetId: decimalId(targetId) }),
    MEMBER_TIMEOUT(conn),
  );
  return { from: leader.id, header: res.header };
}

/** Adds a member (as a learner when asked); returns it as listed, and etcd's answer (every member after the change). */
export async function addMember(
  conn: EtcdConnection,
  peerUrls: string[],
  learner: boolean,
): Promise<MemberInfo & { response: IMemberAddResponse }> {
  conn.assertWritable('adding a member');
  if (learner) requireFeature(conn.serverVersion, 'learners');
  const res = await conn.write('adding a member', { op: 'memberAdd', peerUrls, learner });
  return { ...memberInfo(res.member), isLearner: learner, status: 'unstarted', response: res };
}

/** Removes a member (id in hex); returns etcd's answer (the members after the change). */
export async function removeMember(conn: EtcdConnection, id: string): Promise<IMemberRemoveResponse> {
  conn.assertWritable('removing a member');
  return conn.write('removing a member', { op: 'memberRemove', id: decimalId(id) });
}

/** Promotes a learner (id in hex); returns etcd's answer (the members after the change). */
export async function promoteMember(conn: EtcdConnection, id: string): Promise<IMemberPromoteResponse> {
  conn.assertWritable('promoting a member');
  requireFeature(conn.serverVersion, 'learners');
  return conn.write('promoting a member', { op: 'memberPromote', id: decimalId(id) });
}
