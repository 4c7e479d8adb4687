/**
 * The doctor's thresholds: defaults from etcd's own guidance (WAL fsync p99 under 10 ms, backend commit
 * under 25 ms: etcd.io/docs "tuning" and "hardware"), the etcd-mixin alerts (quota 95 %, fragmentation
 * 50 %) and etcd's internals (it refuses proposals once 5,000 entries are committed but not applied).
 * One table feeds the VS Code settings (`etcdStudio.doctor.<name>`), the CLI (`--thresholds a=1,b=2`)
 * and the README.
 */
import { EtcdStudioError } from '../errors';

export const THRESHOLD_INFO = {
  walFsyncWarnMs: { default: 10, unit: 'ms', help: 'WAL fsync p99 above this is a warning (etcd asks for under 10 ms).' },
  walFsyncErrorMs: { default: 100, unit: 'ms', help: 'WAL fsync p99 above this is an error (heartbeats start to miss).' },
  backendCommitWarnMs: { default: 25, unit: 'ms', help: 'Backend commit p99 above this is a warning (etcd asks for under 25 ms).' },
  backendCommitErrorMs: { default: 250, unit: 'ms', help: 'Backend commit p99 above this is an error.' },
  leaderChangesWarn: { default: 1, unit: 'changes', help: 'Leader changes within the window at or above this are a warning.' },
  leaderChangesError: { default: 3, unit: 'changes', help: 'Leader changes within the window at or above this are an error.' },
  proposalsFailedWarn: { default: 1, unit: 'proposals', help: 'Failed proposals within the window at or above this are a warning.' },
  proposalsPendingWarn: { default: 5, unit: 'proposals', help: 'Proposals waiting to commit at or above this are a warning.' },
  raftIndexLagWarn: {
    default: 1000,
    unit: 'entries',
    help: 'Raft entries a member is behind the most advanced member (or its own apply is behind its commit) at or above this are a warning.',
  },
  raftIndexLagError: {
    default: 5000,
    unit: 'entries',
    help: 'The same lag at or above this is an error (etcd refuses new proposals at 5,000).',
  },
  dbQuotaWarnPercent: { default: 80, unit: '%', help: 'DB size at or above this share of the quota (--quota-backend-bytes) is a warning.' },
  dbQuotaErrorPercent: {
    default: 95,
    unit: '%',
    help: 'DB size at or above this share of the quota is an error (NOSPACE follows at 100 %).',
  },
  fragmentationWarnPercent: {
    default: 50,
    unit: '%',
    help: 'Free pages inside the DB file at or above this share of its size are a warning (defragment).',
  },
  fragmentationMinBytes: { default: 100_000_000, unit: 'bytes', help: 'DB files smaller than this are never reported as fragmented.' },
  revisionRateWarn: {
    default: 1000,
    unit: 'revisions/s',
    help: 'Writes (revisions) per second within the window at or above this are a warning.',
  },
  historyRevisionsWarn: {
    default: 1_000_000,
    unit: 'revisions',
    help: 'Revisions kept since the last compaction at or above this are a warning (compact, or enable --auto-compaction-retention).',
  },
  certExpiryWarnDays: { default: 30, unit: 'days', help: 'A certificate of the connection expiring within this many days is a warning.' },
  certExpiryErrorDays: { default: 7, unit: 'days', help: 'A certificate expiring within this many days (or expired) is an error.' },
} as const;

export type ThresholdName = keyof typeof THRESHOLD_INFO;
export type DoctorThresholds = Record<ThresholdName, number>;

export const THRESHOLD_NAMES = Object.keys(THRESHOLD_INFO) as ThresholdName[];

export const DEFAULT_THRESHOLDS: DoctorThresholds = Object.fromEntries(
  THRESHOLD_NAMES.map((n) => [n, THRESHOLD_INFO[n].default]),
) as DoctorThresholds;

/** Defaults overlaid with `overrides`; an unknown name or a value that is not a non-negative number is refused by name. */
export function resolveThresholds(overrides: Partial<Record<string, unknown>> = {}): DoctorThresholds {
  const out = { ...DEFAULT_THRESHOLDS };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined || value === null) continue;
    if (!(name in THRESHOLD_INFO)) {
      throw new EtcdStudioError('InvalidArgument', `Unknown doctor threshold "${name}". Known: ${THRESHOLD_NAMES.join(', ')}.`);
    }
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new EtcdStudioError(
        'InvalidArgument',
        `Doctor threshold ${name} must be a number ≥ 0 (${THRESHOLD_INFO[name as ThresholdName].unit}), got "${String(value)}".`,
      );
    }
    out[name as ThresholdName] = n;
  }
  return out;
}

/** `walFsyncWarnMs=20,dbQuotaWarnPercent=70` (the CLI's --thresholds) → overrides. */
export function parseThresholdList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new EtcdStudioError('InvalidArgument', `--thresholds expects name=value pairs separated by commas, got "${part}".`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
