/**
 * `etcd-studio members`, `health` and `status`: etcdctl's `member list`, `endpoint health` and
 * `endpoint status`, printed by core/output exactly as the etcdctl release that matches the cluster.
 */
import { EndpointStatus, EtcdConnection } from '../core/etcd/connection';
import { endpointHealth, endpointStatus } from '../core/etcd/endpoints';
import { failedStatus, outputFormat, printerFor } from '../core/output';
import { flag, ParsedArgs } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo } from './io';

const FORMATS = ['simple', 'json', 'table'] as const;

/** `etcd-studio members`: like `etcdctl member list`. */
export async function runMembers(args: ParsedArgs, io: CliIo): Promise<number> {
  const format = outputFormat(flag(args, 'write-out'), FORMATS);
  const { profile, password } = profileFromArgs(args, io.env);
  const conn = await EtcdConnection.open(profile, { password });
  try {
    io.stdout.write(printerFor(format, conn.serverVersion).memberList(await conn.members()));
    return 0;
  } finally {
    conn.close();
  }
}

/** `etcd-studio health`: like `etcdctl endpoint health`; exit 1 when any endpoint is unhealthy. */
export async function runHealth(args: ParsedArgs, io: CliIo): Promise<number> {
  const format = outputFormat(flag(args, 'write-out'), FORMATS);
  const { profile, password } = profileFromArgs(args, io.env);
  const rows = await Promise.all(profile.endpoints.map((e) => endpointHealth(profile, e, { password })));
  const out = printerFor(format, rows.find((r) => r.version)?.version).endpointHealth(rows);
  io.stdout.write(out.stdout);
  io.stderr.write(out.stderr);
  return rows.every((r) => r.health) ? 0 : 1;
}

/** `etcd-studio status`: like `etcdctl endpoint status`, one row per endpoint; exit 1 when one does not answer. */
export async function runStatus(args: ParsedArgs, io: CliIo): Promise<number> {
  const format = outputFormat(flag(args, 'write-out'), FORMATS);
  const { profile, password } = profileFromArgs(args, io.env);
  const results = await Promise.all(profile.endpoints.map((e) => endpointStatus(profile, e, { password })));
  const rows = results.filter((r): r is EndpointStatus => 'memberId' in r);
  io.stdout.write(printerFor(format, rows[0]?.version).endpointStatus(rows));
  for (const r of results) if (!('memberId' in r)) io.stderr.write(failedStatus(r.endpoint, r.error));
  return rows.length === results.length ? 0 : 1;
}
