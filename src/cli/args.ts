import { EtcdStudioError } from '../core/errors';
import { parseDuration, profileFromEnv } from '../core/etcd/importProfile';
import { ConnectionProfile } from '../core/etcd/profile';

/** Parsed command line: positional words and `--flag value` / `--flag=value` / `-w value` options. */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that take no value. */
const BOOLEAN_FLAGS = new Set([
  'help',
  'h',
  'verbose',
  'insecure-skip-tls-verify',
  'keys-only',
  'prefix',
  'raw',
  'dry-run',
  'into-cluster',
  'skip-hash-check',
  'prev-kv',
  'read-only',
  'drop-leases',
]);
const ALIASES: Record<string, string> = { w: 'write-out', o: 'output', h: 'help' };

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    const m = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/.exec(a);
    if (!m || a === '-') {
      positional.push(a);
      continue;
    }
    const name = ALIASES[m[1]] ?? m[1];
    if (m[2] !== undefined) flags.set(name, m[2]);
    else if (BOOLEAN_FLAGS.has(name)) flags.set(name, true);
    else if (i + 1 < argv.length) flags.set(name, argv[++i]);
    else throw new EtcdStudioError('InvalidArgument', `Flag ${a} needs a value.`);
  }
  return { positional, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

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
  const user = f('user');
  if (user) {
    const colon = user.indexOf(':');
    profile.username = colon >= 0 ? user.slice(0, colon) : user;
    if (colon >= 0) password = user.slice(colon + 1);
  }
  if (f('password') !== undefined) password = f('password');
  return { profile, password };
}
