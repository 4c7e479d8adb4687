/**
 * The cluster reports users know from etcdctl (`member list`, `endpoint health`, `endpoint
 * status`, `alarm list`, `endpoint hashkv`) as `-w table` text or JSON, gathered concurrently.
 */
import { humanBytes, renderTable } from '../format';
import { EndpointStatus, EtcdConnection } from './connection';
import { endpointHealth, endpointStatus } from './endpoints';
import { hashKv, listAlarms } from './maintenance';
import { listMembers } from './members';

export type ReportKind = 'members' | 'health' | 'status' | 'alarms' | 'hashkv';
export const REPORT_TITLES: Record<ReportKind, string> = {
  members: 'member list',
  health: 'endpoint health',
  status: 'endpoint status',
  alarms: 'alarm list',
  hashkv: 'endpoint hashkv',
};

/** Every member's client URL (the cluster's view), falling back to the connection's endpoints. */
async function clusterEndpoints(conn: EtcdConnection): Promise<string[]> {
  const urls = (await listMembers(conn)).map((m) => m.clientUrls[0]).filter((u): u is string => Boolean(u));
  return urls.length ? urls : conn.profile.endpoints;
}

export async function buildReport(conn: EtcdConnection, kind: ReportKind): Promise<{ table: string; json: unknown }> {
  const opts = conn.connectOptions;
  switch (kind) {
    case 'members': {
      const members = await listMembers(conn);
      const leader = (await conn.status()).leader;
      return {
        json: members,
        table: renderTable(
          ['id', 'status', 'name', 'peer addrs', 'client addrs', 'is learner', 'is leader'],
          members.map((m) => [
            m.id,
            m.status,
            m.name,
            m.peerUrls.join(','),
            m.clientUrls.join(','),
            String(m.isLearner),
            String(m.id === leader),
          ]),
        ),
      };
    }
    case 'health': {
      const rows = await Promise.all((await clusterEndpoints(conn)).map((e) => endpointHealth(conn.profile, e, opts)));
      return {
        json: rows,
        table: renderTable(
          ['endpoint', 'health', 'took', 'error'],
          rows.map((r) => [r.endpoint, String(r.health), `${r.tookMs}ms`, r.error ?? '']),
        ),
      };
    }
    case 'status': {
      const rows = await Promise.all((await clusterEndpoints(conn)).map((e) => endpointStatus(conn.profile, e, opts)));
      return {
        json: rows,
        table: renderTable(
          [
            'endpoint',
            'id',
            'version',
            'db size',
            'db size in use',
            'is leader',
            'is learner',
            'raft term',
            'raft index',
            'raft applied index',
            'errors',
          ],
          rows.map((r) => ('memberId' in r ? statusRow(r) : [r.endpoint, '', '', '', '', '', '', '', '', '', r.error])),
        ),
      };
    }
    case 'alarms': {
      const alarms = await listAlarms(conn);
      return {
        json: alarms,
        table: alarms.length
          ? renderTable(
              ['member id', 'alarm'],
              alarms.map((a) => [a.memberId, a.alarm]),
            )
          : 'No alarms.\n',
      };
    }
    case 'hashkv': {
      const rows = await Promise.all((await clusterEndpoints(conn)).map((e) => hashKv(conn, e)));
      const consistent = new Set(rows.map((r) => r.hash)).size <= 1;
      return {
        json: rows,
        table:
          renderTable(
            ['endpoint', 'hash', 'hash revision'],
            rows.map((r) => [r.endpoint, String(r.hash), String(r.compactRevision)]),
          ) +
          (consistent
            ? '\nAll members have the same hash: the key-value stores are consistent.\n'
            : '\nWARNING: members have DIFFERENT hashes: the data may be inconsistent.\n'),
      };
    }
  }
}

function statusRow(s: EndpointStatus): string[] {
  return [
    s.endpoint,
    s.memberId,
    s.version,
    humanBytes(s.dbSize),
    humanBytes(s.dbSizeInUse),
    String(s.memberId === s.leader),
    String(s.isLearner),
    String(s.raftTerm),
    String(s.raftIndex),
    String(s.raftAppliedIndex),
    s.errors.join(', '),
  ];
}
