/** One look at a cluster: every member's maintenance status, health, `/metrics` figures and certificates, and the alarms. */
import { EndpointStatus } from '../etcd/connection';
import { EndpointHealth } from '../etcd/endpoints';
import { AlarmInfo } from '../etcd/maintenance';
import { CertificateInfo } from './certificates';
import { MemberMetrics } from './memberMetrics';

export interface MemberSample {
  /** Hex member id, as etcdctl prints it. */
  id: string;
  /** The member's name; "(unstarted <id>)" for a member added but never started. */
  name: string;
  clientUrl?: string;
  isLearner: boolean;
  status?: EndpointStatus;
  statusError?: string;
  health?: EndpointHealth;
  metrics?: MemberMetrics;
  metricsError?: string;
  /** The server certificate chain the member presented (https only). */
  certificates: CertificateInfo[];
}

export interface ClusterSample {
  /** Milliseconds since the epoch when the sample was taken. */
  at: number;
  connection: string;
  members: MemberSample[];
  alarms: AlarmInfo[];
  alarmsError?: string;
  /**
   * The highest raft index any member reported just before the members' statuses above were taken: a
   * member below it is behind by at least the difference, whatever the order the answers came in.
   */
  raftIndexFloor?: number;
  /** The connection's CA and client certificate. */
  connectionCertificates: CertificateInfo[];
}

/** The leader's id as the members report it (the most common answer), if any member knows one. */
export function leaderOf(sample: ClusterSample): string | undefined {
  const votes = new Map<string, number>();
  for (const m of sample.members) {
    const l = m.status?.leader;
    if (l && l !== '0') votes.set(l, (votes.get(l) ?? 0) + 1);
  }
  return [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The highest revision any member reports. */
export function revisionOf(sample: ClusterSample): number | undefined {
  const revs = sample.members.map((m) => m.status?.revision ?? m.metrics?.currentRevision).filter((r): r is number => r !== undefined);
  return revs.length ? Math.max(...revs) : undefined;
}
