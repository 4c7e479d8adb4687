/**
 * The figures the doctor reads from one member's `/metrics`, under the names each etcd release uses
 * (3.4 publishes the DB size under both the old `etcd_debugging_mvcc_` and the new `etcd_mvcc_` name,
 * 3.5+ only under the new one; the time of the last compaction exists from 3.6 on). A figure a
 * release does not export stays undefined and the checks that need it say so.
 */
import { Histogram, histogramFrom } from './histogram';
import { firstLabel, firstValue, MetricFamilies, parsePrometheusText } from './prometheus';

export interface MemberMetrics {
  serverVersion?: string;
  clusterVersion?: string;
  hasLeader?: boolean;
  isLeader?: boolean;
  leaderChanges?: number;
  proposalsCommitted?: number;
  proposalsApplied?: number;
  proposalsFailed?: number;
  proposalsPending?: number;
  slowApplies?: number;
  heartbeatSendFailures?: number;
  quotaBytes?: number;
  dbSize?: number;
  dbSizeInUse?: number;
  currentRevision?: number;
  /** -1 when the member has not compacted since its data dir was created (etcd's value). */
  compactRevision?: number;
  /** Unix seconds of the last compaction this process ran (3.6+; 0 = none since start). */
  lastCompactionUnix?: number;
  keys?: number;
  processStartUnix?: number;
  walFsync?: Histogram;
  backendCommit?: Histogram;
}

/** Names in order of preference: the current one first, then what older releases called it. */
const NAMES = {
  serverVersion: ['etcd_server_version'],
  clusterVersion: ['etcd_cluster_version'],
  hasLeader: ['etcd_server_has_leader'],
  isLeader: ['etcd_server_is_leader'],
  leaderChanges: ['etcd_server_leader_changes_seen_total'],
  proposalsCommitted: ['etcd_server_proposals_committed_total'],
  proposalsApplied: ['etcd_server_proposals_applied_total'],
  proposalsFailed: ['etcd_server_proposals_failed_total'],
  proposalsPending: ['etcd_server_proposals_pending'],
  slowApplies: ['etcd_server_slow_apply_total'],
  heartbeatSendFailures: ['etcd_server_heartbeat_send_failures_total'],
  quotaBytes: ['etcd_server_quota_backend_bytes'],
  dbSize: ['etcd_mvcc_db_total_size_in_bytes', 'etcd_debugging_mvcc_db_total_size_in_bytes'],
  dbSizeInUse: ['etcd_mvcc_db_total_size_in_use_in_bytes'],
  currentRevision: ['etcd_debugging_mvcc_current_revision', 'etcd_mvcc_current_revision'],
  compactRevision: ['etcd_debugging_mvcc_compact_revision', 'etcd_mvcc_compact_revision'],
  lastCompactionUnix: ['etcd_debugging_mvcc_db_compaction_last'],
  keys: ['etcd_debugging_mvcc_keys_total', 'etcd_mvcc_keys_total'],
  processStartUnix: ['process_start_time_seconds'],
  walFsync: ['etcd_disk_wal_fsync_duration_seconds'],
  backendCommit: ['etcd_disk_backend_commit_duration_seconds'],
} as const;

const WANTED = new Set(
  Object.values(NAMES)
    .flat()
    .flatMap((n) => [n, `${n}_bucket`, `${n}_sum`, `${n}_count`]),
);

function pick(f: MetricFamilies, names: readonly string[]): number | undefined {
  for (const n of names) {
    const v = firstValue(f, n);
    if (v !== undefined) return v;
  }
  return undefined;
}

function pickHistogram(f: MetricFamilies, names: readonly string[]): Histogram | undefined {
  for (const n of names) {
    const h = histogramFrom(f, n);
    if (h) return h;
  }
  return undefined;
}

const flag = (v: number | undefined) => (v === undefined ? undefined : v !== 0);

/** Reads a member's `/metrics` page into the figures above. */
export function memberMetricsFromText(text: string): MemberMetrics {
  const f = parsePrometheusText(text, (n) => WANTED.has(n));
  return {
    serverVersion: firstLabel(f, NAMES.serverVersion[0], 'server_version'),
    clusterVersion: firstLabel(f, NAMES.clusterVersion[0], 'cluster_version'),
    hasLeader: flag(pick(f, NAMES.hasLeader)),
    isLeader: flag(pick(f, NAMES.isLeader)),
    leaderChanges: pick(f, NAMES.leaderChanges),
    proposalsCommitted: pick(f, NAMES.proposalsCommitted),
    proposalsApplied: pick(f, NAMES.proposalsApplied),
    proposalsFailed: pick(f, NAMES.proposalsFailed),
    proposalsPending: pick(f, NAMES.proposalsPending),
    slowApplies: pick(f, NAMES.slowApplies),
    heartbeatSendFailures: pick(f, NAMES.heartbeatSendFailures),
    quotaBytes: pick(f, NAMES.quotaBytes),
    dbSize: pick(f, NAMES.dbSize),
    dbSizeInUse: pick(f, NAMES.dbSizeInUse),
    currentRevision: pick(f, NAMES.currentRevision),
    compactRevision: pick(f, NAMES.compactRevision),
    lastCompactionUnix: pick(f, NAMES.lastCompactionUnix),
    keys: pick(f, NAMES.keys),
    processStartUnix: pick(f, NAMES.processStartUnix),
    walFsync: pickHistogram(f, NAMES.walFsync),
    backendCommit: pickHistogram(f, NAMES.backendCommit),
  };
}
