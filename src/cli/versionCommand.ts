/**
 * `etcd-studio version`: this tool's version, and with connection flags (or ETCDCTL_ENDPOINTS) the
 * etcd release of every endpoint with what that release lacks and which tool reads its snapshots,
 * so "why does X fail on this cluster" has an answer before anything fails.
 */
import { flag, ParsedArgs } from './args';
import type { CliIo } from './io';

export async function runVersion(args: ParsedArgs, io: CliIo, ownVersion: string): Promise<number> {
  const format = flag(args, 'write-out') ?? 'simple';
  const wantsServers = args.flags.has('endpoints') || Boolean(io.env.ETCDCTL_ENDPOINTS);
  if (!wantsServers) {
    io.stdout.write(format === 'json' ? `${JSON.stringify({ etcdStudio: ownVersion })}\n` : `etcd-studio ${ownVersion}\n`);
    return 0;
  }
  // The etcd client is loaded only when a server is asked (see main.ts).
  return (await import('./etcdCommands')).runServerVersions(args, io, ownVersion);
}
