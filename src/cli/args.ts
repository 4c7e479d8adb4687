import { EtcdStudioError } from '../core/errors';
import { ConnectionProfile } from '../core/etcd/profile';

/** Parsed command line: positional words and `--flag value` / `--flag=value` / `-w value` options. */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that take no value. */
const BOOLEAN_FLAGS = new Set(['help', 'h', 'verbose', 'insecure-skip-tls-verify', 'keys-only', 'prefix']);
const ALIASES: Record<string, string> = { w: 'write-out', o: 'output', h: 'help' };

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    const m = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/.exec(a);
    if (!m || a === '-') { positional.push(a); continue; }
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
  const pick = (f: string, e: string) => flag(args, f) ?? env[e];
  const endpoints = (pick('endpoints', 'ETCDCTL_ENDPOINTS') ?? '127.0.0.1:2379').split(',').map((s) => s.trim()).filter(Boolean);
  let username = pick('user', 'ETCDCTL_USER');
  let password = flag(args, 'password') ?? env.ETCDCTL_PASSWORD;
  if (username && username.includes(':') && password === undefined) {
    [username, password] = [username.slice(0, username.indexOf(':')), username.slice(username.indexOf(':') + 1)];
  }
  const ms = (v: string | undefined) => (v ? parseDuration(v) : undefined);
  return {
    profile: {
      name: 'cli',
      endpoints,
      cacert: pick('cacert', 'ETCDCTL_CACERT'),
      cert: pick('cert', 'ETCDCTL_CERT'),
      key: pick('key', 'ETCDCTL_KEY'),
      username,
      dialTimeoutMs: ms(pick('dial-timeout', 'ETCDCTL_DIAL_TIMEOUT')),
      requestTimeoutMs: ms(pick('command-timeout', 'ETCDCTL_COMMAND_TIMEOUT')),
    },
    password,
  };
}

/** Go-style durations as etcdctl takes them: `2s`, `500ms`, `1m`. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new EtcdStudioError('InvalidArgument', `"${v}" is not a duration (use e.g. 5s or 500ms).`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}
