import { EtcdStudioError } from '../core/errors';

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
  'i',
  'ignore-case',
  'F',
  'fixed-strings',
  'l',
  'files-with-matches',
]);
const ALIASES: Record<string, string> = { w: 'write-out', o: 'output', h: 'help' };
/** Flags that take a value; any other flag is refused instead of swallowing the next word. */
const VALUE_FLAGS = new Set([
  'endpoints',
  'cacert',
  'cert',
  'key',
  'user',
  'password',
  'dial-timeout',
  'command-timeout',
  'keepalive-time',
  'keepalive-timeout',
  'write-out',
  'output',
  'rev',
  'since',
  'diff',
  'encryption-config',
  'thresholds',
  'window',
  'depth',
  'top',
  'snapshot',
  'field',
  'e',
  'format',
  'mode',
  'out',
  'f',
  'file',
  'limit',
  'after',
  'data-dir',
  'name',
  'initial-cluster',
  'initial-cluster-token',
  'initial-advertise-peer-urls',
]);

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
    if (!VALUE_FLAGS.has(name) && !BOOLEAN_FLAGS.has(name))
      throw new EtcdStudioError(
        'InvalidArgument',
        `Unknown flag ${a.replace(/=.*/, '')}. Run "etcd-studio help" for the commands and their flags.`,
      );
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

/** A revision flag (`--rev N`): a whole number of at least `min`; anything else (`abc`, `-5`, `1.5`) is refused. */
export function revisionFlag(args: ParsedArgs, name: string, min = 1): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new EtcdStudioError(
      'InvalidArgument',
      `--${name} must be a revision (a whole number of at least ${min}), got "${v === true ? '' : v}".${min === 0 ? ' 0 means the key must not exist.' : ''}`,
    );
  return n;
}
