/**
 * The cluster reports users know from etcdctl (`member list`, `endpoint health`, `endpoint status`,
 * `alarm list`, `endpoint hashkv`), gathered concurrently and printed by core/output exactly as
 * `etcdctl -w table` (or `-w json`) of the cluster's release, plus a line or two of what to make of it.
 */
import { failedStatus, printerFor } from '../output';
import { EndpointStatus, EtcdConnection } from './connection';
import { endpointHealth, endpointStatus } from './endpoints';
import { hashKv } from './maintenance';
import { clusterEndpoints, memberInfo } from './members';

export type ReportKind = 'members' | 'health' | 'status' | 'alarms' | 'hashkv';
export const REPORT_TITLES: Record<ReportKind, string> = {
  members: 'member list',
  health: 'endpoint health',
  status: 'endpoint status',
  alarms: 'alarm list',
  hashkv: 'endpoint hashkv',
};

export interface Report {
  /** etcdctl's table (its simple text where etcdctl has no table), then notes. */
  table: string;
  /** etcdctl's `-w json`. */
  json: string;
}

export async function buildReport(conn: EtcdConnection, kind: ReportKind): Promise<Report> {
  const table = printerFor('table', conn.serverVersion);
  const json = printerFor('json', conn.serverVersion);
  const opts = conn.connectOptions;
  switch (kind) {
    case 'members': {
      const [members, status] = await Promise.all([conn.members(), conn.status()]);
      const leader = members.members.map(memberInfo).find((m) => m.id === status.leader);
      return {
        table: table.memberList(members) + `\nLeader: ${leader ? `${leader.id} (${leader.name || 'unnamed'})` : 'none right now'}\n`,
        json: json.memberList(members),
      };
    }
    case 'health': {
      const rows = await Promise.all((await clusterEndpoints(conn)).map((e) => endpointHealth(conn.profile, e, opts)));
      return { table: table.endpointHealth(rows).stdout, json: json.endpointHealth(rows).stdout };
    }
    case 'status': {
      const results = await Promise.all((await clusterEndpoints(conn)).map((e) => endpointStatus(conn.profile, e, opts)));
      const rows = results.filter((r): r is EndpointStatus => 'memberId' in r);
      const failed = results.filter((r) => !('memberId' in r)) as { endpoint: string; error: string }[];
      return {
        table: table.endpointStatus(rows) + (failed.length ? '\n' + failed.map((f) => failedStatus(f.endpoint, f.error)).join('') : ''),
        json: json.endpointStatus(rows),
      };
    }
    case 'alarms': {
      const alarms = await conn.alarms();
      // etcdctl has no table for alarms: its simple lines.
      const text = printerFor('simple', conn.serverVersion).alarm(alarms);
      return { table: text || 'No alarms.\n', json: json.alarm(alarms) };
    }
    case 'hashkv': {
      const rows = await Promise.all((await clusterEndpoints(conn)).map((e) => hashKv(conn, e)));
      const consistent = new Set(rows.map((r) => r.hash)).size <= 1;
      return {
        table:
          table.endpointHashKv(rows) +
          (consistent
            ? '\nAll members have the same hash: the key-value stores are consistent.\n'
            : '\nWARNING: members have DIFFERENT hashes: the data may be inconsistent.\n'),
        json: json.endpointHashKv(rows),
      };
    }
  }
}
