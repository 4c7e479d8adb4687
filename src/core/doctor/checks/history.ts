/** Keyspace churn: writes per second (revision rate) and how much history has piled up since the last compaction. */
import { Finding } from '../finding';
import { revisionOf } from '../sample';
import { Check, count, grade, reachable, windowSeconds } from './context';

export const revisionRate: Check = (ctx) => {
  const title = 'Revision rate';
  const secs = windowSeconds(ctx);
  const now = revisionOf(ctx.now);
  const old = ctx.before && revisionOf(ctx.before);
  if (secs === undefined || !secs || now === undefined || old === undefined)
    return { id: 'revision-rate', title, findings: [], skipped: 'needs two samples (a window)' };
  const rate = Math.max(0, now - old) / secs;
  const findings: Finding[] = grade(rate, ctx.t.revisionRateWarn)
    ? [
        {
          id: 'revision-rate',
          severity: 'warning',
          member: null,
          title,
          message: `The keyspace takes ${count(Math.round(rate))} writes/s (revision ${count(old)} → ${count(now)} in ${Math.round(secs)} s; warning at ${count(ctx.t.revisionRateWarn)}/s).`,
          measured: rate,
          threshold: ctx.t.revisionRateWarn,
          unit: 'revisions/s',
          advice:
            'Every write adds a revision that stays until compaction, so a high write rate grows the DB fast. Find the writer: Watch… the busiest prefix or Show Changes Since Revision… (in Kubernetes often events, leases or a controller updating in a loop).',
          fixes: [],
        },
      ]
    : [];
  return {
    id: 'revision-rate',
    title,
    findings,
    passed: `${count(Math.round(rate * 10) / 10)} writes/s in the last ${Math.round(secs)} s`,
  };
};

export const historyUncompacted: Check = (ctx) => {
  const title = 'History since compaction';
  const rev = revisionOf(ctx.now);
  const compacted = reachable(ctx.now)
    .map((m) => m.metrics?.compactRevision)
    .filter((r): r is number => r !== undefined);
  if (rev === undefined || !compacted.length)
    return {
      id: 'history-uncompacted',
      title,
      findings: [],
      skipped: 'the compaction revision is only published on /metrics, which no member served',
    };
  const last = Math.max(...compacted);
  const history = rev - Math.max(last, 1);
  const lastUnix = Math.max(0, ...reachable(ctx.now).map((m) => m.metrics?.lastCompactionUnix ?? 0));
  const when =
    last < 0
      ? 'never compacted'
      : lastUnix > 0
        ? `last compacted at revision ${count(last)}, ${ago(ctx.now.at / 1000 - lastUnix)}`
        : `last compacted at revision ${count(last)}`;
  // Keep about the window's worth of history: watchers and the API server's cache are rarely further behind.
  const keepFrom = ctx.before ? revisionOf(ctx.before) : undefined;
  const findings: Finding[] = grade(history, ctx.t.historyRevisionsWarn)
    ? [
        {
          id: 'history-uncompacted',
          severity: 'warning',
          member: null,
          title,
          message: `${count(history)} revisions of history are kept (revision ${count(rev)}, ${when}; warning at ${count(ctx.t.historyRevisionsWarn)}).`,
          measured: history,
          threshold: ctx.t.historyRevisionsWarn,
          unit: 'revisions',
          advice:
            'Old revisions take space until compacted. kube-apiserver compacts every 5 minutes (--etcd-compaction-interval); other clusters need --auto-compaction-retention (e.g. 1h) or a periodic compaction. Compact, then defragment to shrink the file.',
          fixes: [
            {
              kind: 'compact',
              label: `Compact at revision ${count(keepFrom && keepFrom < rev ? keepFrom : rev)}`,
              revision: keepFrom && keepFrom < rev ? keepFrom : rev,
            },
          ],
        },
      ]
    : [];
  return { id: 'history-uncompacted', title, findings, passed: `${count(history)} revisions since the last compaction (${when})` };
};

function ago(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}
