/** `etcd-studio version --endpoints …`: each member's etcd release, what it lacks, and which tool reads its snapshots. */
import { capabilitiesOf, describeNotes, describeUnavailable } from '../core/etcd/capabilities';
import { EndpointStatus } from '../core/etcd/connection';
import { endpointStatus } from '../core/etcd/endpoints';
import { flag, ParsedArgs } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo } from './io';

export async function runServerVersions(args: ParsedArgs, io: CliIo, ownVersion: string): Promise<number> {
  const format = flag(args, 'write-out') ?? 'simple';
  const { profile, password } = profileFromArgs(args, io.env);
  const results = await Promise.all(profile.endpoints.map((e) => endpointStatus(profile, e, { password })));
  const servers = results.map((r) => {
    if (!('memberId' in r)) return { endpoint: r.endpoint, error: r.error };
    const s = r as EndpointStatus;
    const caps = capabilitiesOf(s.version);
    return { endpoint: s.endpoint, memberId: s.memberId, version: s.version, caps };
  });
  if (format === 'json') {
    const json = servers.map((s) =>
      'caps' in s && s.caps
        ? {
            endpoint: s.endpoint,
            memberId: s.memberId,
            version: s.version,
            snapshotTool: s.caps.snapshotTool,
            available: s.caps.available.map((f) => f.id),
            unavailable: s.caps.unavailable.map((f) => ({ id: f.id, title: f.title, since: f.since, removedIn: f.removedIn })),
          }
        : s,
    );
    io.stdout.write(`${JSON.stringify({ etcdStudio: ownVersion, servers: json }, null, 2)}\n`);
  } else {
    const lines = [`etcd-studio ${ownVersion}`];
    for (const s of servers) {
      if (!('caps' in s) || !s.caps) {
        lines.push(`${s.endpoint}: ${s.error}`);
        continue;
      }
      lines.push(`${s.endpoint}: etcd ${s.version} (member ${s.memberId})`);
      const missing = describeUnavailable(s.caps);
      lines.push(
        ...(missing.length
          ? ['  not available on this release:', ...missing.map((m) => `    - ${m}`)]
          : ['  nothing etcd Studio knows of is missing']),
      );
      const notes = describeNotes(s.caps);
      if (notes.length) lines.push('  notes:', ...notes.map((n) => `    - ${n}`));
      lines.push(`  snapshot files: ${s.caps.snapshotTool} snapshot status|restore`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return servers.some((s) => 'error' in s) ? 1 : 0;
}
