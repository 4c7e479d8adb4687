/** Connection flags of every command that talks to a cluster (etcdctl's names and ETCDCTL_* variables). */
import { parseDuration, profileFromEnv } from '../core/etcd/importProfile';
import type { ConnectionProfile } from '../core/etcd/profile';
import { flag, ParsedArgs } from './args';

/**
 * A connection from etcdctl's flag names, falling back to etcdctl's ETCDCTL_* environment
 * variables, so a command line copied from etcdctl works unchanged.
 */
export function profileFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): { profile: ConnectionProfile; password?: string } {
  const fromEnv = profileFromEnv({ ETCDCTL_ENDPOINTS: '127.0.0.1:2379', ...env }, 'cli')!;
  const profile = { ...fromEnv.profile };
  let password = fromEnv.password;
  const f = (name: string) => flag(args, name);
  if (f('endpoints'))
    profile.endpoints = f('endpoints')!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (f('cacert')) profile.cacert = f('cacert');
  if (f('cert')) profile.cert = f('cert');
  if (f('key')) profile.key = f('key');
  if (args.flags.get('insecure-skip-tls-verify')) profile.insecureSkipVerify = true;
  // etcd Studio's own safety switch (etcdctl has none): every write is refused before it is sent.
  if (args.flags.get('read-only') || env.ETCD_STUDIO_READ_ONLY === 'true') profile.readOnly = true;
  if (f('dial-timeout')) profile.dialTimeoutMs = parseDuration(f('dial-timeout')!);
  if (f('command-timeout')) profile.requestTimeoutMs = parseDuration(f('command-timeout')!);
  if (f('keepalive-time')) profile.keepaliveTimeMs = parseDuration(f('keepalive-time')!);
  if (f('keepalive-timeout')) profile.keepaliveTimeoutMs = parseDuration(f('keepalive-timeout')!);
  const user = f('user');
  if (user) {
    const colon = user.indexOf(':');
    profile.username = colon >= 0 ? user.slice(0, colon) : user;
    if (colon >= 0) password = user.slice(colon + 1);
  }
  if (f('password') !== undefined) password = f('password');
  return { profile, password };
}
