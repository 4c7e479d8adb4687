#!/usr/bin/env node
/** `etcd-studio`: the command line over the same core as the extension. */
import { errorMessage } from '../core/errors';
import { parseArgs, ParsedArgs } from './args';
import { CliIo } from './io';
import { runVersion } from './versionCommand';

declare const ETCD_STUDIO_VERSION: string;

type Run = (args: ParsedArgs, io: CliIo, argv: string[]) => Promise<number>;
type Command = { summary: string; run: Run };

/**
 * Each command's code is imported when it runs, never at start-up: the build makes every module this
 * file imports with `import()` a file of its own (dist/lazy-<module>.js, see esbuild.mjs), so `--help` reads this file
 * alone and only commands that talk to a cluster load gRPC and the etcd client (etcdCommands.ts).
 */
const online =
  (name: keyof typeof import('./etcdCommands')): Run =>
  async (args, io, argv) =>
    ((await import('./etcdCommands'))[name] as Run)(args, io, argv);
const snapshot: Run = async (args, io, argv) => (await import('./snapshotCommands')).runSnapshot(args, io, argv);
const decode: Run = async (_a, io, argv) => (await import('./codecCommands')).runDecode(argv, io);
const encode: Run = async (_a, io, argv) => (await import('./codecCommands')).runEncode(argv, io);

const COMMANDS: Record<string, Command> = {
  ls: { summary: 'immediate children of a prefix with key counts (as the tree shows them): ls [PREFIX] [--limit N]', run: online('runLs') },
  get: {
    summary: 'a value decoded (Kubernetes objects as YAML like kubectl): get KEY [-o yaml|json|raw] [--rev N] [--encryption-config FILE]',
    run: online('runGet'),
  },
  put: {
    summary: 'write YAML/JSON back in the stored format, compare-and-swap: put KEY -f FILE|- [--rev N] [--raw]',
    run: online('runPut'),
  },
  members: { summary: 'list the cluster members (like etcdctl member list)', run: online('runMembers') },
  health: { summary: 'check every endpoint (like etcdctl endpoint health); exit 1 if any is unhealthy', run: online('runHealth') },
  status: { summary: 'endpoint status of every endpoint (like etcdctl endpoint status)', run: online('runStatus') },
  doctor: {
    summary:
      'what is wrong with the cluster (disk latency, leader changes, lag, quota, fragmentation, alarms, versions, history, certificates): doctor [--window 5s] [--thresholds name=value,...]; exit 1 on any error',
    run: online('runDoctorCommand'),
  },
  du: {
    summary:
      'where the keys and bytes go: per child prefix, largest keys, db size and free pages per member; history from a snapshot: du [PREFIX] [--depth N] [--top N] [-w simple|json|table] [--snapshot FILE]',
    run: online('runDu'),
  },
  grep: {
    summary:
      'keys whose decoded value (YAML as the editor shows it) matches, with the matched lines: grep PATTERN [PREFIX] [--field PATH=VALUE|PATH=~REGEX]... [-i] [-F] [-l] [--limit N] [-w simple|json] [--encryption-config FILE]',
    run: online('runGrep'),
  },
  watch: {
    summary: 'stream changes like etcdctl watch, resuming after disconnects: watch KEY|PREFIX [--prefix] [--rev N] [--prev-kv]',
    run: online('runWatch'),
  },
  changes: {
    summary: 'keys created, modified and deleted since a revision: changes --since REV [PREFIX] [-w simple|json|markdown]',
    run: online('runChanges'),
  },
  leases: { summary: 'leases with TTLs and attached keys (like etcdctl lease list + timetolive --keys)', run: online('runLeases') },
  snapshot: {
    summary:
      'snapshot save|status|ls|get|restore FILE … (status as etcdutl/etcdctl; ls/get browse offline; restore to a data dir or into a cluster)',
    run: snapshot,
  },
  export: {
    summary:
      'the keys under a prefix as JSON lines ({"key","value" base64,"lease"} per key) or decoded YAML: export PREFIX [--out FILE] [--format jsonl|yaml]',
    run: online('runExport'),
  },
  import: {
    summary: 'write an export into a cluster: import FILE|- [--mode skip|overwrite|fail] [--dry-run] [--drop-leases]',
    run: online('runImport'),
  },
  decode: {
    summary:
      'decode a stored value (k8s protobuf, JSON, CBOR) to YAML or JSON: decode [--from auto|pb|json|cbor] [-o yaml|json] [--encryption-config FILE --key KEY] FILE|-',
    run: decode,
  },
  encode: {
    summary: 'encode YAML/JSON to the stored form: encode [-o pb|json|cbor] [--out FILE] [--key KEY] FILE|-',
    run: encode,
  },
  'seed-sample': {
    summary: 'write the demo Kubernetes-shaped keyspace under /registry/ (for test clusters)',
    run: online('runSeedSample'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'Usage: etcd-studio <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`),
    `  ${'version'.padEnd(width)}  this tool's version; with --endpoints, each member's etcd release and what it lacks (v2 keyspace, learners…)`,
    '',
    'Connection flags (as etcdctl; ETCDCTL_* environment variables work too):',
    '  --endpoints URLS   comma-separated client URLs (default 127.0.0.1:2379)',
    '  --cacert FILE      CA bundle      --cert FILE  client certificate   --key FILE  client key',
    '  --user NAME[:PASS] user name (password from ETCDCTL_PASSWORD or after the colon)',
    '  --dial-timeout 5s  --command-timeout 5s  --keepalive-time 10s  --keepalive-timeout 6s (streams: a silent member is dropped)',
    '  --read-only        refuse every write (put, import, seed-sample, snapshot restore --into-cluster); also ETCD_STUDIO_READ_ONLY=true',
    'Output: -w simple|json|table',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    // decode/encode parse their own flags (their FILE may be "-").
    const name0 = argv.find((a) => !a.startsWith('-'));
    const args = name0 === 'decode' || name0 === 'encode' ? { positional: [name0], flags: new Map() } : parseArgs(argv);
    const [name] = args.positional;
    if (!name || name === 'help' || args.flags.has('help')) {
      io.stdout.write(usage());
      return name || args.flags.has('help') ? 0 : 2;
    }
    if (name === 'version') return await runVersion(args, io, typeof ETCD_STUDIO_VERSION === 'string' ? ETCD_STUDIO_VERSION : 'dev');
    const cmd = COMMANDS[name];
    if (!cmd) {
      io.stderr.write(`etcd-studio: unknown command "${name}". Run "etcd-studio help".\n`);
      return 2;
    }
    return await cmd.run({ ...args, positional: args.positional.slice(1) }, io, argv.slice(argv.indexOf(name) + 1));
  } catch (e) {
    io.stderr.write(`etcd-studio: ${errorMessage(e)}\n`);
    // By code, not instanceof: the error may come from a command's chunk, which has its own copy of the class.
    return (e as { code?: unknown } | undefined)?.code === 'InvalidArgument' ? 2 : 1;
  }
}

/**
 * grpc-js sets the TLS server name to the endpoint's host, and Node warns (DEP0123) when that is an IP
 * address, as kubeadm's etcd endpoints are. etcdctl prints nothing there; neither do we.
 */
function quietTlsServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] ? (rest[0] as { code?: string }).code : rest[1];
    if (code === 'DEP0123') return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/**
 * `etcd-studio watch … | head`: once the reader is gone, writing fails with EPIPE. Like etcdctl (which
 * SIGPIPE ends), stop quietly instead of printing a stack trace.
 */
function quietOnClosedPipe(): void {
  for (const out of [process.stdout, process.stderr]) {
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? 0);
    });
  }
}

if (require.main === module) {
  quietTlsServerNameWarning();
  quietOnClosedPipe();
  // stdin is opened only by a command that reads it (Node sets the stream up on first access).
  const io: CliIo = {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
