import { endpointHealth } from '../core/etcd/endpoints';
import { EtcdConnection } from '../core/etcd/connection';
import { listMembers } from '../core/etcd/members';
import { flag, ParsedArgs, profileFromArgs } from './args';
import { CliIo } from './io';
import { renderTable } from './table';

/** `etcd-studio members`: like `etcdctl member list`. */
export async function runMembers(args: ParsedArgs, io: CliIo): Promise<number> {
  const { profile, password } = profileFromArgs(args, io.env);
  const conn = await EtcdConnection.open(profile, { password });
  try {
    const members = await listMembers(conn);
    const format = flag(args, 'write-out') ?? 'simple';
    if (format === 'json') {
      io.stdout.write(JSON.stringify(members, null, 2) + '\n');
    } else if (format === 'table') {
      io.stdout.write(
        renderTable(
          ['id', 'status', 'name', 'peer addrs', 'client addrs', 'is learner'],
          members.map((m) => [m.id, m.status, m.name, m.peerUrls.join(','), m.clientUrls.join(','), String(m.isLearner)]),
        ),
      );
    } else {
      for (const m of members)
        io.stdout.write(`${m.id}, ${m.status}, ${m.name}, ${m.peerUrls.join(',')}, ${m.clientUrls.join(',')}, ${m.isLearner}\n`);
    }
    return 0;
  } finally {
    conn.close();
  }
}

/** `etcd-studio health`: like `etcdctl endpoint health`; exit 1 when any endpoint is unhealthy. */
export async function runHealth(args: ParsedArgs, io: CliIo): Promise<number> {
  const { profile, password } = profileFromArgs(args, io.env);
  const results = await Promise.all(profile.endpoints.map((e) => endpointHealth(profile, e, { password })));
  const format = flag(args, 'write-out') ?? 'simple';
  if (format === 'json') {
    io.stdout.write(JSON.stringify(results, null, 2) + '\n');
  } else if (format === 'table') {
    io.stdout.write(
      renderTable(
        ['endpoint', 'health', 'took', 'error'],
        results.map((r) => [r.endpoint, String(r.health), `${r.tookMs}ms`, r.error ?? '']),
      ),
    );
  } else {
    for (const r of results) {
      if (r.health) io.stdout.write(`${r.endpoint} is healthy: successfully committed proposal: took = ${r.tookMs}ms\n`);
      else io.stderr.write(`${r.endpoint} is unhealthy: failed to commit proposal: ${r.error}\n`);
    }
  }
  return results.every((r) => r.health) ? 0 : 1;
}
