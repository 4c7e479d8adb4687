/**
 * Disk latency: p99 of WAL fsync and of backend (bbolt) commit per member, from the histograms etcd
 * exports. Over the window when the member wrote in it, else since the member started (said so).
 */
import { Histogram, histogramDelta, histogramQuantile } from '../histogram';
import { MemberMetrics } from '../memberMetrics';
import { Finding, FixAction } from '../finding';
import { ThresholdName } from '../thresholds';
import { MemberSample } from '../sample';
import { Check, CheckContext, grade, memberBefore, memberFields, ms, plural, reachable, windowSeconds } from './context';

export interface DiskLatency {
  /** The p99, or the median when there were too few operations for a p99 to mean more than one outlier. */
  p99: number;
  quantile: 'p99' | 'median';
  observations: number;
  /** "in the last 10 s" or "since the member started". */
  span: string;
}

/** Below this many operations the p99 is just the slowest one (a fresh member's first fsyncs): the median is judged instead. */
export const MIN_FOR_P99 = 100;
// Fewer operations than this in the window (an almost idle member) say little: then its whole history is judged.
const MIN_IN_WINDOW = 3;

/** p99 of one histogram of a member, over the window when it has observations there. */
export function latencyOf(
  ctx: CheckContext,
  m: MemberSample,
  pickHist: (x: MemberMetrics) => Histogram | undefined,
): DiskLatency | undefined {
  const h = m.metrics && pickHist(m.metrics);
  if (!h) return undefined;
  const old = memberBefore(ctx, m)?.metrics;
  const win = old ? histogramDelta(h, pickHist(old)) : undefined;
  const secs = windowSeconds(ctx);
  // What happens now counts most.
  const use = win && win.count > 0 && (win.count >= MIN_IN_WINDOW || win.count >= h.count) ? win : h;
  const quantile = use.count >= MIN_FOR_P99 ? 'p99' : 'median';
  const p99 = histogramQuantile(use, quantile === 'p99' ? 0.99 : 0.5);
  if (p99 === undefined) return undefined;
  const span = use === win && secs !== undefined ? `in the last ${Math.round(secs)} s` : 'since the member started';
  return { p99, quantile, observations: use.count, span };
}

interface DiskCheckSpec {
  id: string;
  title: string;
  what: string;
  hist: (x: MemberMetrics) => Histogram | undefined;
  warn: ThresholdName;
  error: ThresholdName;
  advice: string;
}

function diskCheck(spec: DiskCheckSpec): Check {
  return (ctx) => {
    const warn = ctx.t[spec.warn] / 1000;
    const error = ctx.t[spec.error] / 1000;
    const measured = reachable(ctx.now)
      .map((m) => ({ m, l: latencyOf(ctx, m, spec.hist) }))
      .filter((x): x is { m: MemberSample; l: DiskLatency } => x.l !== undefined);
    if (!measured.length) return { id: spec.id, title: spec.title, findings: [], skipped: `no member exports ${spec.what} yet` };
    const findings: Finding[] = [];
    for (const { m, l } of measured) {
      const severity = grade(l.p99, warn, error, true);
      if (!severity) continue;
      findings.push({
        id: spec.id,
        severity,
        ...memberFields(m),
        title: spec.title,
        message: `${spec.what} ${l.quantile} on ${m.name} is ${ms(l.p99)} over ${plural(l.observations, 'operation')} ${l.span} (${l.quantile === 'median' ? 'too few for a p99; ' : ''}${severity === 'error' ? 'error' : 'warning'} above ${ms(severity === 'error' ? error : warn)}).`,
        measured: l.p99 * 1000,
        threshold: (severity === 'error' ? error : warn) * 1000,
        unit: 'ms',
        advice: spec.advice,
        fixes: moveLeaderAway(ctx, m),
      });
    }
    const worst = Math.max(...measured.map((x) => x.l.p99));
    return {
      id: spec.id,
      title: spec.title,
      findings,
      passed: `${measured.some((x) => x.l.quantile === 'median') ? 'p99 (median where under 100 operations)' : 'p99'} at most ${ms(worst)} on ${plural(measured.length, 'member')} (warning above ${ms(warn)})`,
    };
  };
}

/**
 * A slow leader slows every write: offer to hand leadership to the healthy voting member with the fastest
 * WAL fsync among those whose fsync and commit are both within their warning limits (the same member for
 * either finding).
 */
function moveLeaderAway(ctx: CheckContext, m: MemberSample): FixAction[] {
  if (m.status?.leader !== m.id) return [];
  const within = (x: MemberSample, pick: (mm: MemberMetrics) => Histogram | undefined, limitMs: number) => {
    const l = latencyOf(ctx, x, pick);
    return l && l.p99 * 1000 <= limitMs ? l.p99 : undefined;
  };
  const target = reachable(ctx.now)
    .filter((x) => x.id !== m.id && !x.isLearner && x.health?.health)
    .map((x) => ({
      x,
      wal: within(x, (mm) => mm.walFsync, ctx.t.walFsyncWarnMs),
      commit: within(x, (mm) => mm.backendCommit, ctx.t.backendCommitWarnMs),
    }))
    .filter((c): c is { x: MemberSample; wal: number; commit: number } => c.wal !== undefined && c.commit !== undefined)
    .sort((a, b) => a.wal - b.wal)[0];
  return target ? [{ kind: 'moveLeader', label: `Move leader to ${target.x.name}`, targetId: target.x.id }] : [];
}

export const walFsyncSlow = diskCheck({
  id: 'wal-fsync-slow',
  title: 'Slow WAL fsync',
  what: 'WAL fsync',
  hist: (x) => x.walFsync,
  warn: 'walFsyncWarnMs',
  error: 'walFsyncErrorMs',
  advice:
    "Every write waits for this fsync. Put the member's --data-dir (at least member/wal, see --wal-dir) on a dedicated SSD or NVMe, keep logs and container images off it, and look for other I/O on that disk (iostat -x 1). When fsync takes longer than the heartbeat interval, followers start elections.",
});

export const backendCommitSlow = diskCheck({
  id: 'backend-commit-slow',
  title: 'Slow backend commit',
  what: 'Backend commit',
  hist: (x) => x.backendCommit,
  warn: 'backendCommitWarnMs',
  error: 'backendCommitErrorMs',
  advice:
    'The bbolt database commits its batched writes this slowly: the disk is slow or busy, or the DB is very large or fragmented. Use a faster dedicated disk, defragment a fragmented member, and keep the DB small (compact history, delete what Kubernetes no longer needs such as old events).',
});
