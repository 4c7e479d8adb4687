/** Version skew: members on different etcd releases (normal only during a rolling upgrade). */
import { Finding } from '../finding';
import { Check, reachable } from './context';

const minorOf = (v: string) => v.split('.').slice(0, 2).join('.');

export const versionSkew: Check = (ctx) => {
  const title = 'Version skew';
  const byVersion = new Map<string, string[]>();
  for (const m of reachable(ctx.now)) {
    const v = m.status?.version ?? m.metrics?.serverVersion;
    if (v) byVersion.set(v, [...(byVersion.get(v) ?? []), m.name]);
  }
  if (!byVersion.size) return { id: 'version-skew', title, findings: [], skipped: 'no member reported its version' };
  const versions = [...byVersion.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const cluster = reachable(ctx.now).find((m) => m.metrics?.clusterVersion)?.metrics?.clusterVersion;
  if (versions.length === 1) return { id: 'version-skew', title, findings: [], passed: `every member runs ${versions[0]}` };
  const minors = new Set(versions.map(minorOf));
  const list = versions.map((v) => `${v} (${byVersion.get(v)!.sort().join(', ')})`).join(' and ');
  const finding: Finding = {
    id: 'version-skew',
    severity: minors.size > 1 ? 'warning' : 'info',
    member: null,
    title,
    message: `Members run different etcd releases: ${list}${cluster ? `; the cluster version is ${cluster}, so features of the newer release stay off until every member runs it` : ''}.`,
    advice:
      minors.size > 1
        ? 'Mixed minor releases are only meant to last during a rolling upgrade (one minor step at a time). Finish upgrading the remaining members, one at a time, taking a snapshot first.'
        : 'Different patch releases work together, but finish the rollout so every member has the same fixes.',
    fixes: [],
  };
  return { id: 'version-skew', title, findings: [finding] };
};
