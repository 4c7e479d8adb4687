/** Space: DB size against the quota, fragmentation (file size vs. in use), and the NOSPACE / CORRUPT alarms. */
import { humanBytes } from '../../format';
import { Finding, FixAction } from '../finding';
import { MemberSample, revisionOf } from '../sample';
import { Check, grade, memberFields, pct, reachable } from './context';

const sizeOf = (m: MemberSample) => m.status?.dbSize ?? m.metrics?.dbSize;
const inUseOf = (m: MemberSample) => m.status?.dbSizeInUse || m.metrics?.dbSizeInUse;

function compactFix(revision: number | undefined): FixAction[] {
  return revision && revision > 1 ? [{ kind: 'compact', label: `Compact at revision ${revision}`, revision }] : [];
}

function defragFix(m: MemberSample): FixAction[] {
  return m.clientUrl ? [{ kind: 'defragment', label: `Defragment ${m.name}`, endpoint: m.clientUrl }] : [];
}

export const dbQuota: Check = (ctx) => {
  const title = 'DB size near quota';
  const findings: Finding[] = [];
  let worst = 0;
  let measured = 0;
  for (const m of reachable(ctx.now)) {
    const size = sizeOf(m);
    const quota = m.metrics?.quotaBytes;
    if (size === undefined || !quota) continue;
    measured++;
    const used = (size / quota) * 100;
    worst = Math.max(worst, used);
    const severity = grade(used, ctx.t.dbQuotaWarnPercent, ctx.t.dbQuotaErrorPercent);
    if (!severity) continue;
    const inUse = inUseOf(m);
    findings.push({
      id: 'db-quota',
      severity,
      ...memberFields(m),
      title,
      message: `${m.name}'s DB is ${humanBytes(size)}, ${pct(used)} of its ${humanBytes(quota)} quota (${severity} at ${pct(severity === 'error' ? ctx.t.dbQuotaErrorPercent : ctx.t.dbQuotaWarnPercent)})${inUse ? `; ${humanBytes(inUse)} of it is in use` : ''}. At 100 % etcd raises NOSPACE and accepts only reads and deletes.`,
      measured: used,
      threshold: severity === 'error' ? ctx.t.dbQuotaErrorPercent : ctx.t.dbQuotaWarnPercent,
      unit: '%',
      advice:
        'Free space: compact old history (etcd keeps every revision until it is compacted), then defragment each member, one at a time, to give the freed pages back; or raise --quota-backend-bytes on every member (etcd suggests at most 8 GiB). In Kubernetes, look for what grows (events, a controller writing in a loop).',
      fixes: [...compactFix(revisionOf(ctx.now)), ...defragFix(m)],
    });
  }
  if (!measured) return { id: 'db-quota', title, findings, skipped: 'the quota is only published on /metrics, which no member served' };
  return { id: 'db-quota', title, findings, passed: `largest DB at ${pct(worst)} of its quota` };
};

export const dbFragmented: Check = (ctx) => {
  const title = 'Fragmented DB';
  const findings: Finding[] = [];
  let worst = 0;
  for (const m of reachable(ctx.now)) {
    const size = sizeOf(m);
    const inUse = inUseOf(m);
    if (!size || !inUse || inUse > size) continue;
    const free = ((size - inUse) / size) * 100;
    if (size >= ctx.t.fragmentationMinBytes) worst = Math.max(worst, free);
    if (size < ctx.t.fragmentationMinBytes || !grade(free, ctx.t.fragmentationWarnPercent)) continue;
    findings.push({
      id: 'db-fragmented',
      severity: 'warning',
      ...memberFields(m),
      title,
      message: `${pct(free)} of ${m.name}'s ${humanBytes(size)} DB file is free pages (only ${humanBytes(inUse)} in use; warning at ${pct(ctx.t.fragmentationWarnPercent)} for files of ${humanBytes(ctx.t.fragmentationMinBytes)} or more).`,
      measured: free,
      threshold: ctx.t.fragmentationWarnPercent,
      unit: '%',
      advice:
        'Compaction frees pages inside the file but never shrinks it; the space counts against the quota. Defragment this member (it blocks its reads and writes meanwhile, seconds to minutes), then the others one at a time, never all at once.',
      fixes: defragFix(m),
    });
  }
  return {
    id: 'db-fragmented',
    title,
    findings,
    passed: worst
      ? `at most ${pct(worst)} free pages in DBs of ${humanBytes(ctx.t.fragmentationMinBytes)} or more`
      : `every DB is under ${humanBytes(ctx.t.fragmentationMinBytes)}, too small for its free pages to matter`,
  };
};

export const alarms: Check = (ctx) => {
  const title = 'Alarms';
  if (ctx.now.alarmsError) return { id: 'alarms', title, findings: [], skipped: `alarm list failed: ${ctx.now.alarmsError}` };
  const findings: Finding[] = ctx.now.alarms.map((a) => {
    const m = ctx.now.members.find((x) => x.id === a.memberId);
    const where = m ? memberFields(m) : { member: a.memberId, memberId: a.memberId };
    if (a.alarm === 'NOSPACE') {
      return {
        id: 'alarm-nospace',
        severity: 'error',
        ...where,
        title: 'NOSPACE alarm',
        message: `NOSPACE is raised on ${where.member}: the cluster accepts only reads and deletes until space is freed and the alarm disarmed.`,
        advice:
          'Free space first, or the alarm returns at once: compact history, defragment every member one at a time, then disarm. Or raise --quota-backend-bytes on every member and disarm. Find what filled the DB before it happens again.',
        fixes: [...compactFix(revisionOf(ctx.now)), ...(m ? defragFix(m) : []), { kind: 'disarmAlarms', label: 'Disarm alarms' }],
      } satisfies Finding;
    }
    return {
      id: 'alarm-corrupt',
      severity: 'error',
      ...where,
      title: 'CORRUPT alarm',
      message: `CORRUPT is raised on ${where.member}: a member's data does not match the others'. The cluster refuses writes.`,
      advice:
        'Do not disarm it. Compare the members (Endpoint Hash KV) to find the one whose hash differs, take a snapshot from a healthy member, remove the corrupt member and add it back with an empty data dir (or restore the snapshot on it).',
      fixes: [{ kind: 'hashKv', label: 'Compare members (Hash KV)' }],
    } satisfies Finding;
  });
  return { id: 'alarms', title, findings, passed: 'no alarm raised' };
};
