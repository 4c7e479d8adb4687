/**
 * What the Cluster Overview shows, computed from the timeline in plain Node (the webview only draws it):
 * a card per member, the doctor's findings over the dashboard's window, and the chart series.
 */
import { evaluate } from '../doctor/evaluate';
import { DoctorReport, Severity, sortFindings } from '../doctor/finding';
import { ClusterSample, leaderOf, revisionOf } from '../doctor/sample';
import { DoctorThresholds } from '../doctor/thresholds';
import { Timeline, TimelineSeries } from './timeline';

export interface MemberCard {
  id: string;
  name: string;
  endpoint?: string;
  isLeader: boolean;
  isLearner: boolean;
  state: 'healthy' | 'unhealthy' | 'unreachable';
  /** Health-check latency in ms (a linearizable read, like etcdctl endpoint health). */
  healthMs?: number;
  version?: string;
  dbSize?: number;
  dbSizeInUse?: number;
  quota?: number;
  raftTerm?: number;
  raftIndex?: number;
  raftAppliedIndex?: number;
  /** Why the member is unhealthy or unreachable. */
  error?: string;
  /** The worst finding about this member. */
  worst?: Severity;
}

export interface OverviewModel {
  connection: string;
  at: number;
  revision?: number;
  clusterVersion?: string;
  leader?: string;
  members: MemberCard[];
  report: DoctorReport;
  series: TimelineSeries;
  /** The thresholds the findings were judged by (the charts draw the latency ones). */
  thresholds: DoctorThresholds;
}

function cards(sample: ClusterSample, report: DoctorReport): MemberCard[] {
  const leader = leaderOf(sample);
  return sample.members.map((m) => {
    const s = m.status;
    const worst = sortFindings(report.findings.filter((f) => f.memberId === m.id))[0]?.severity;
    return {
      id: m.id,
      name: m.name,
      endpoint: m.clientUrl,
      isLeader: m.id === leader,
      isLearner: m.isLearner,
      state: !s ? 'unreachable' : m.health && !m.health.health ? 'unhealthy' : 'healthy',
      healthMs: m.health?.health ? m.health.tookMs : undefined,
      version: s?.version ?? m.metrics?.serverVersion,
      dbSize: s?.dbSize ?? m.metrics?.dbSize,
      dbSizeInUse: s?.dbSizeInUse || m.metrics?.dbSizeInUse,
      quota: m.metrics?.quotaBytes,
      raftTerm: s?.raftTerm,
      raftIndex: s?.raftIndex,
      raftAppliedIndex: s?.raftAppliedIndex,
      error: !s ? m.statusError : m.health && !m.health.health ? m.health.error : undefined,
      worst,
    };
  });
}

/** The overview of the newest sample, with findings over the last `windowMs` of the timeline. */
export function overviewModel(timeline: Timeline, thresholds: DoctorThresholds, windowMs: number): OverviewModel | undefined {
  const now = timeline.latest;
  if (!now) return undefined;
  const report = evaluate(now, timeline.windowStart(windowMs), thresholds);
  return {
    connection: now.connection,
    at: now.at,
    revision: revisionOf(now),
    clusterVersion: now.members.find((m) => m.metrics?.clusterVersion)?.metrics?.clusterVersion,
    leader: now.members.find((m) => m.id === leaderOf(now))?.name,
    members: cards(now, report),
    report,
    series: timeline.series(),
    thresholds,
  };
}
