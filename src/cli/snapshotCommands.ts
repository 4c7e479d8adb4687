/**
 * `etcd-studio snapshot save|status|ls|get|restore`: etcdctl's snapshot commands plus offline
 * browsing. `save` and `status` print what etcd's tools print (status equals `etcdutl snapshot
 * status` of the release that wrote the file, `etcdctl snapshot status` for etcd 3.4 files); `ls`
 * and `get` read a snapshot file like `ls`/`get` read a live cluster; `restore` makes a new data
 * dir with etcd's tool, or copies the keys into a live dev cluster. Offline commands never load the
 * etcd client: `save` and `restore --into-cluster` import it on use (snapshotOnline.ts).
 */
import { EtcdStudioError } from '../core/errors';
import { keyFromText, keyToText } from '../core/keytree/keyText';
import { listSnapshotChildren } from '../core/snapshot/listChildren';
import { openSnapshot } from '../core/snapshot/snapshot';
import { snapshotStatus } from '../core/snapshot/status';
import { formatSnapshotStatus, STATUS_FORMATS } from '../core/snapshot/statusReport';
import { flag, parseArgs, ParsedArgs } from './args';
import { CliIo, interruptSignal } from './io';
import { outputFormat, printerFor } from '../core/output';

const USAGE = [
  'Usage:',
  '  etcd-studio snapshot save FILE [connection flags]      stream a verified snapshot of one member to FILE',
  '  etcd-studio snapshot status FILE [-w simple|json|table|fields]  hash, revision, total keys, total size[, version] as',
  '      the release that wrote FILE prints them (etcdutl 3.6+ for files with a storage version, else etcdctl 3.4)',
  '  etcd-studio snapshot ls FILE [PREFIX] [--limit N] [--after CURSOR] [-w simple|json|table]',
  '  etcd-studio snapshot get FILE KEY [-o yaml|json|raw]    KEY as of the snapshot: Kubernetes objects as YAML/JSON, else raw bytes',
  '  etcd-studio snapshot restore FILE --data-dir DIR [--name N --initial-cluster C --initial-cluster-token T',
  '      --initial-advertise-peer-urls U] [--skip-hash-check]  a new member data dir (runs etcdutl, or etcdctl 3.4)',
  '  etcd-studio snapshot restore FILE --into-cluster [--prefix P] [--dry-run] [connection flags]',
  "      write the snapshot's keys into a running dev cluster (creates and overwrites, never deletes)",
].join('\n');

/** Flags of `restore` that take no value (the shared parser would take the next word as theirs). */
const RESTORE_SWITCHES = ['skip-hash-check', 'into-cluster', 'dry-run'];

/** `argv` (the words after `snapshot`) lets `restore` parse its switches and `--prefix P` itself. */
export async function runSnapshot(args: ParsedArgs, io: CliIo, argv?: readonly string[]): Promise<number> {
  const [sub, ...rest] = args.positional;
  switch (sub) {
    case 'restore':
      return restore(argv ? restoreArgs(argv) : { args, switches: new Set<string>(), prefix: undefined }, io);
    case 'save':
      return save(rest, args, io);
    case 'status':
      return status(rest, args, io);
    case 'ls':
      return ls(rest, args, io);
    case 'get':
      return get(rest, args, io);
    default:
      throw new EtcdStudioError('InvalidArgument', `${sub ? `Unknown snapshot command "${sub}".` : 'snapshot needs a command.'}\n${USAGE}`);
  }
}

function needFile(rest: string[], what: string, max = 1): string {
  if (!rest[0]) throw new EtcdStudioError('InvalidArgument', `snapshot ${what} needs a FILE.\n${USAGE}`);
  if (rest.length > max)
    throw new EtcdStudioError('InvalidArgument', `snapshot ${what} takes at most ${max} argument(s), got: ${rest.join(' ')}.\n${USAGE}`);
  return rest[0];
}

/** Offline files print like the etcdctl these commands came from (3.4's; see core/output/etcdctlStyle.ts). */
const OFFLINE_STYLE = '3.4';

function printer(args: ParsedArgs) {
  return printerFor(outputFormat(flag(args, 'write-out'), ['simple', 'json', 'table']), OFFLINE_STYLE);
}

async function save(rest: string[], args: ParsedArgs, io: CliIo): Promise<number> {
  const file = needFile(rest, 'save');
  return (await import('./etcdCommands')).saveSnapshotFile(file, args, io);
}

async function status(rest: string[], args: ParsedArgs, io: CliIo): Promise<number> {
  const format = outputFormat(flag(args, 'write-out'), STATUS_FORMATS);
  io.stdout.write(formatSnapshotStatus(await snapshotStatus(needFile(rest, 'status')), format));
  return 0;
}

async function ls(rest: string[], args: ParsedArgs, io: CliIo): Promise<number> {
  const file = needFile(rest, 'ls', 2);
  const print = printer(args);
  const prefix = keyFromText(rest[1] ?? '');
  const limitText = flag(args, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  const afterText = flag(args, 'after');
  const snap = await openSnapshot(file);
  let result;
  try {
    result = listSnapshotChildren(snap, prefix, { limit, after: afterText === undefined ? undefined : keyFromText(afterText) });
  } finally {
    snap.close();
  }
  const children = result.children.map((c) => (c.segment === '' ? { ...c, segment: '(this key)' } : c));
  io.stdout.write(
    print.children(
      children.map((child) => ({ child })),
      { kubernetes: false },
    ),
  );
  if (result.next) {
    io.stderr.write(
      `More children follow; next page: etcd-studio snapshot ls ${JSON.stringify(file)} ${JSON.stringify(keyToText(prefix))} --after ${JSON.stringify(keyToText(result.next))}\n`,
    );
  }
  return 0;
}

async function get(rest: string[], args: ParsedArgs, io: CliIo): Promise<number> {
  const file = needFile(rest, 'get', 2);
  if (rest[1] === undefined) throw new EtcdStudioError('InvalidArgument', `snapshot get needs a KEY.\n${USAGE}`);
  const output = flag(args, 'output') ?? 'yaml';
  if (output !== 'yaml' && output !== 'json' && output !== 'raw')
    throw new EtcdStudioError('InvalidArgument', `-o must be yaml, json or raw, got "${output}".`);
  const key = keyFromText(rest[1]);
  const snap = await openSnapshot(file);
  try {
    const v = snap.get(key);
    if (!v) throw new EtcdStudioError('NotFound', `${keyToText(key)} is not in ${file} (absent or deleted at revision ${snap.revision}).`);
    // The Kubernetes codec (and YAML) load only here, not for status or ls.
    io.stdout.write(output === 'raw' ? v.value : (await import('./codecCommands')).rendered(v.value, keyToText(key), output, io));
  } finally {
    snap.close();
  }
  return 0;
}

interface RestoreArgs {
  args: ParsedArgs;
  switches: Set<string>;
  prefix: string | undefined;
}

/** Takes restore's switches and `--prefix P` out of argv, then parses the rest as usual. */
function restoreArgs(argv: readonly string[]): RestoreArgs {
  const switches = new Set<string>();
  let prefix: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (m && RESTORE_SWITCHES.includes(m[1])) {
      if (m[2] === undefined || m[2] === 'true') switches.add(m[1]);
      else if (m[2] !== 'false') throw new EtcdStudioError('InvalidArgument', `--${m[1]} takes no value (or =true/=false), got "${m[2]}".`);
    } else if (m && m[1] === 'prefix') {
      prefix = m[2] ?? argv[++i];
      if (prefix === undefined) throw new EtcdStudioError('InvalidArgument', '--prefix needs a value.');
    } else {
      rest.push(argv[i]);
    }
  }
  const args = parseArgs(rest);
  if (args.positional[0] === 'snapshot') args.positional.shift();
  return { args, switches, prefix };
}

async function restore({ args, switches, prefix }: RestoreArgs, io: CliIo): Promise<number> {
  const file = needFile(args.positional.slice(1), 'restore');
  const dataDir = flag(args, 'data-dir');
  const intoCluster = switches.has('into-cluster');
  if (!dataDir === !intoCluster)
    throw new EtcdStudioError('InvalidArgument', `snapshot restore needs either --data-dir DIR or --into-cluster.\n${USAGE}`);
  const interrupt = interruptSignal();
  try {
    return dataDir
      ? await restoreDir(file, dataDir, args, switches, io, interrupt.signal)
      : await (await import('./etcdCommands')).restoreSnapshotIntoCluster(file, args, switches, prefix, io, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

async function restoreDir(
  file: string,
  dataDir: string,
  args: ParsedArgs,
  switches: Set<string>,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  // Loaded on use: it brings child_process and crypto, which status, ls and get do without.
  const { RESTORE_DEFAULTS, restoreToDataDir } = await import('../core/snapshot/restoreDataDir');
  const r = await restoreToDataDir(
    {
      file,
      dataDir,
      name: flag(args, 'name') ?? RESTORE_DEFAULTS.name,
      initialCluster: flag(args, 'initial-cluster') ?? RESTORE_DEFAULTS.initialCluster,
      initialClusterToken: flag(args, 'initial-cluster-token') ?? RESTORE_DEFAULTS.initialClusterToken,
      initialAdvertisePeerUrls: flag(args, 'initial-advertise-peer-urls') ?? RESTORE_DEFAULTS.initialAdvertisePeerUrls,
      skipHashCheck: switches.has('skip-hash-check'),
    },
    { signal, onOutput: (t) => io.stderr.write(t), env: io.env.PATH ? io.env : undefined },
  );
  io.stdout.write(r.nextSteps + '\n');
  return 0;
}
