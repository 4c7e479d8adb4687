/** Runs every check over a window (two samples) or a single sample, and collects a report. */
import { memberUnhealthy, memberUnreachable, metricsUnavailable, noLeader } from './checks/availability';
import { certExpiring } from './checks/certificates';
import { Check } from './checks/context';
import { backendCommitSlow, walFsyncSlow } from './checks/disk';
import { historyUncompacted, revisionRate } from './checks/history';
import { leaderChanges, proposalsFailed, proposalsPending, raftIndexLag } from './checks/raft';
import { alarms, dbFragmented, dbQuota } from './checks/space';
import { versionSkew } from './checks/versions';
import { DoctorReport, sortFindings } from './finding';
import { ClusterSample } from './sample';
import { DEFAULT_THRESHOLDS, DoctorThresholds } from './thresholds';

/** Every check, in the order a person would look: can we reach it, is the disk fast, is raft calm, is there space. */
export const CHECKS: readonly Check[] = [
  memberUnreachable,
  memberUnhealthy,
  noLeader,
  metricsUnavailable,
  alarms,
  walFsyncSlow,
  backendCommitSlow,
  leaderChanges,
  proposalsFailed,
  proposalsPending,
  raftIndexLag,
  dbQuota,
  dbFragmented,
  versionSkew,
  revisionRate,
  historyUncompacted,
  certExpiring,
];

export function evaluate(now: ClusterSample, before?: ClusterSample, thresholds: DoctorThresholds = DEFAULT_THRESHOLDS): DoctorReport {
  const report: DoctorReport = {
    connection: now.connection,
    at: new Date(now.at).toISOString(),
    windowSeconds: before ? Math.round((now.at - before.at) / 100) / 10 : null,
    findings: [],
    passed: [],
    skipped: [],
  };
  for (const check of CHECKS) {
    const r = check({ now, before, t: thresholds });
    report.findings.push(...r.findings);
    if (r.skipped !== undefined) report.skipped.push({ id: r.id, title: r.title, reason: r.skipped });
    else if (!r.findings.length && r.passed !== undefined) report.passed.push({ id: r.id, title: r.title, detail: r.passed });
  }
  report.findings = sortFindings(report.findings);
  return report;
}
