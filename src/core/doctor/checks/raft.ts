/** Raft: leader elections in the window, failed and pending proposals, and members whose log lags. */
import { Finding } from '../finding';
import { leaderOf } from '../sample';
import { Check, count, grade, memberBefore, memberFields, plural, reachable, windowSeconds } from './context';

const ELECTION_ADVICE =
  'Elections stall writes for a moment each time. The usual causes: a slow disk on the leader (see WAL fsync), an overloaded or CPU-starved member, or network loss between members (peer port 2380). For members far apart raise --heartbeat-interval and --election-timeout together (election timeout about 10x the heartbeat).';

export const leaderChanges: Check = (ctx) => {
  const title = 'Leader changes';
  const secs = windowSeconds(ctx);
  if (!ctx.before || secs === undefined) return { id: 'leader-changes', title, findings: [], skipped: 'needs two samples (a window)' };
  let changes = 0;
  let source = 'etcd_server_leader_changes_seen_total';
  for (const m of reachable(ctx.now)) {
    const now = m.metrics?.leaderChanges;
    const old = memberBefore(ctx, m)?.metrics?.leaderChanges;
    if (now !== undefined && old !== undefined) changes = Math.max(changes, now >= old ? now - old : now);
  }
  // Without metrics the raft term still counts elections.
  const terms = (s: typeof ctx.now) => Math.max(0, ...s.members.map((m) => m.status?.raftTerm ?? 0));
  if (!ctx.now.members.some((m) => m.metrics)) {
    changes = Math.max(0, terms(ctx.now) - terms(ctx.before));
    source = 'raft term';
  }
  const severity = grade(changes, ctx.t.leaderChangesWarn, ctx.t.leaderChangesError);
  const leader = ctx.now.members.find((m) => m.id === leaderOf(ctx.now));
  const findings: Finding[] = severity
    ? [
        {
          id: 'leader-changes',
          severity,
          member: null,
          title,
          message: `The leader changed ${plural(changes, 'time')} in the last ${Math.round(secs)} s (${source}); the leader is now ${leader?.name ?? 'unknown'}.`,
          measured: changes,
          threshold: severity === 'error' ? ctx.t.leaderChangesError : ctx.t.leaderChangesWarn,
          unit: 'changes',
          advice: ELECTION_ADVICE,
          fixes: [],
        },
      ]
    : [];
  return { id: 'leader-changes', title, findings, passed: `no leader change in the last ${Math.round(secs)} s` };
};

export const proposalsFailed: Check = (ctx) => {
  const title = 'Failed proposals';
  const secs = windowSeconds(ctx);
  if (!ctx.before || secs === undefined) return { id: 'proposals-failed', title, findings: [], skipped: 'needs two samples (a window)' };
  const findings: Finding[] = [];
  for (const m of reachable(ctx.now)) {
    const now = m.metrics?.proposalsFailed;
    const old = memberBefore(ctx, m)?.metrics?.proposalsFailed;
    if (now === undefined || old === undefined) continue;
    const failed = now >= old ? now - old : now;
    if (!grade(failed, ctx.t.proposalsFailedWarn)) continue;
    findings.push({
      id: 'proposals-failed',
      severity: 'warning',
      ...memberFields(m),
      title,
      message: `${plural(failed, 'proposal')} failed on ${m.name} in the last ${Math.round(secs)} s (warning at ${count(ctx.t.proposalsFailedWarn)}).`,
      measured: failed,
      threshold: ctx.t.proposalsFailedWarn,
      unit: 'proposals',
      advice: `Proposals fail when there is no leader (elections) or no quorum. ${ELECTION_ADVICE}`,
      fixes: [],
    });
  }
  return { id: 'proposals-failed', title, findings, passed: `no failed proposal in the last ${Math.round(secs)} s` };
};

export const proposalsPending: Check = (ctx) => {
  const title = 'Pending proposals';
  const findings: Finding[] = [];
  let worst = 0;
  for (const m of reachable(ctx.now)) {
    const pending = m.metrics?.proposalsPending;
    if (pending === undefined) continue;
    worst = Math.max(worst, pending);
    if (!grade(pending, ctx.t.proposalsPendingWarn)) continue;
    findings.push({
      id: 'proposals-pending',
      severity: 'warning',
      ...memberFields(m),
      title,
      message: `${plural(pending, 'proposal')} on ${m.name} wait to be committed (warning at ${count(ctx.t.proposalsPendingWarn)}).`,
      measured: pending,
      threshold: ctx.t.proposalsPendingWarn,
      unit: 'proposals',
      advice:
        'Writes arrive faster than the cluster commits them: a slow disk (WAL fsync) on the leader or a majority, a lost quorum, or a write burst. Check disk latency and whether a quorum of members is up.',
      fixes: [],
    });
  }
  return { id: 'proposals-pending', title, findings, passed: `at most ${plural(worst, 'pending proposal')} per member` };
};

export const raftIndexLag: Check = (ctx) => {
  const title = 'Raft index lag';
  const members = ctx.now.members.filter((m) => m.status);
  if (!members.length) return { id: 'raft-index-lag', title, findings: [], skipped: 'no member answered' };
  const top = ctx.now.raftIndexFloor ?? Math.max(...members.map((m) => m.status!.raftIndex));
  const findings: Finding[] = [];
  let worst = 0;
  for (const m of members) {
    const s = m.status!;
    const behind = Math.max(0, top - s.raftIndex);
    const applyLag = s.raftAppliedIndex > 0 ? s.raftIndex - s.raftAppliedIndex : 0;
    const lag = Math.max(behind, applyLag);
    worst = Math.max(worst, lag);
    const severity = grade(lag, ctx.t.raftIndexLagWarn, ctx.t.raftIndexLagError);
    if (!severity) continue;
    const what =
      behind >= applyLag
        ? `${m.name} is ${plural(behind, 'raft entry', 'raft entries')} behind the cluster (its committed index ${count(s.raftIndex)}, while another member had already reached ${count(top)})`
        : `${m.name} has applied ${plural(applyLag, 'entry', 'entries')} fewer than it committed (applied ${count(s.raftAppliedIndex)}, committed ${count(s.raftIndex)})`;
    findings.push({
      id: 'raft-index-lag',
      severity,
      ...memberFields(m),
      title,
      message: `${what} (${severity} at ${count(severity === 'error' ? ctx.t.raftIndexLagError : ctx.t.raftIndexLagWarn)}).`,
      measured: lag,
      threshold: severity === 'error' ? ctx.t.raftIndexLagError : ctx.t.raftIndexLagWarn,
      unit: 'entries',
      advice:
        'A lagging member has a slow disk or CPU, or a slow link to the leader; if it falls too far behind the leader sends it a whole snapshot. Check its WAL fsync and backend commit latency and its network. etcd refuses new proposals once a member is 5,000 entries behind in applying.',
      fixes: [],
    });
  }
  return { id: 'raft-index-lag', title, findings, passed: `members within ${plural(worst, 'entry', 'entries')} of each other` };
};
