/**
 * Restoring a snapshot into a new data directory with etcd's own tool (etcdutl 3.5+, else etcdctl
 * 3.4 with ETCDCTL_API=3; etcdctl 3.6 no longer has the command): the tool writes the member's WAL
 * and snap files, which only etcd's code should produce. Everything that would make the tool fail
 * half-way is checked first, with a message saying what to do: a target that is not empty, a file
 * that is not an etcd db, a missing or wrong hash trailer, an etcdctl too new to restore. The tool
 * runs from an argument array, never a shell. A file with a storage version (etcd 3.6+) opens only
 * in that etcd release or a newer one, which the next steps say.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { etcdctlHasSnapshotRestore, minimumEtcdForStorage } from '../etcd/capabilities';
import { EtcdStudioError } from '../errors';
import { openEtcdDb, readStorageVersion } from './etcdDb';
import { checkHashTrailer } from './hashTrailer';

export interface RestoreToDataDirOptions {
  file: string;
  dataDir: string;
  /** This member's name (etcd --name). */
  name: string;
  /** `name1=peerURL1,name2=peerURL2`, naming this member among them. */
  initialCluster: string;
  initialClusterToken: string;
  /** This member's peer URLs, comma-separated. */
  initialAdvertisePeerUrls: string;
  /** Needed for a raw member/snap/db copy, which has no SHA-256 trailer. */
  skipHashCheck?: boolean;
}

export interface RestoreRunOptions {
  signal?: AbortSignal;
  /** The tool's output as it comes (it logs progress to stderr). */
  onOutput?: (text: string) => void;
  /** Paths of the tools, else looked up on PATH. */
  etcdutl?: string;
  etcdctl?: string;
  /** Client URL(s) for the start command in the next steps (default http://127.0.0.1:2379). */
  clientUrls?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RestoreTool {
  kind: 'etcdutl' | 'etcdctl';
  path: string;
  /** What `TOOL version` says, e.g. "3.6.16" ('' when it did not say). */
  version: string;
}

export interface RestoreToDataDirResult {
  tool: RestoreTool;
  /** The tool's arguments (after its path), as run. */
  args: string[];
  /** What the tool printed (stdout and stderr, in order). */
  output: string;
  /** Whether the file carried etcd's SHA-256 trailer (and it matched). */
  hashChecked: boolean;
  /** The snapshot's storage version ('' for files of etcd 3.5 and older). */
  storageVersion: string;
  /** The oldest etcd release that starts on the restored data dir ('' when any does). */
  minimumEtcd: string;
  /** etcd's arguments to start the member on the restored data dir. */
  startArgs: string[];
  /** What to do next, with the start command as one shell line. */
  nextSteps: string;
}

/** etcdctl's defaults for the cluster flags of `snapshot restore`. */
export const RESTORE_DEFAULTS = {
  name: 'default',
  initialCluster: 'default=http://localhost:2380',
  initialClusterToken: 'etcd-cluster',
  initialAdvertisePeerUrls: 'http://localhost:2380',
} as const;

/** Restores `opts.file` into `opts.dataDir` (see the file comment); the directory must be new or empty. */
export async function restoreToDataDir(opts: RestoreToDataDirOptions, run: RestoreRunOptions = {}): Promise<RestoreToDataDirResult> {
  const dataDir = path.resolve(opts.dataDir);
  const existed = checkTarget(dataDir);
  checkClusterFlags(opts);
  const tool = await resolveRestoreTool(run);
  // A clear "not an etcd snapshot" beats the tool's bbolt panic.
  const etcdDb = openEtcdDb(opts.file);
  const storageVersion = readStorageVersion(etcdDb.metaBucket);
  etcdDb.db.close();
  const minimumEtcd = minimumEtcdForStorage(storageVersion);
  const trailer = await checkHashTrailer(opts.file, { signal: run.signal });
  if (!opts.skipHashCheck) {
    if (!trailer.present) {
      throw new EtcdStudioError(
        'InvalidArgument',
        `${opts.file} has no SHA-256 trailer: it is a copy of a data dir's member/snap/db, not a file from \`snapshot save\`, so its integrity cannot be checked. Restore it with skip-hash-check (--skip-hash-check) if you trust the copy.`,
      );
    }
    if (!trailer.valid) {
      throw new EtcdStudioError(
        'Corrupt',
        `${opts.file} fails its SHA-256 check: the snapshot is damaged (truncated, or changed after it was saved). Save it again; skip-hash-check (--skip-hash-check) would restore the damaged data.`,
      );
    }
  }
  const args = [
    'snapshot',
    'restore',
    opts.file,
    '--data-dir',
    dataDir,
    '--name',
    opts.name,
    '--initial-cluster',
    opts.initialCluster,
    '--initial-cluster-token',
    opts.initialClusterToken,
    '--initial-advertise-peer-urls',
    opts.initialAdvertisePeerUrls,
    ...(opts.skipHashCheck ? ['--skip-hash-check'] : []),
  ];
  let output: string;
  try {
    output = await runTool(tool, args, run);
  } catch (e) {
    // Leave nothing half-written: the directory was new or empty before.
    if (existed) for (const entry of readdirSafe(dataDir)) await rm(path.join(dataDir, entry), { recursive: true, force: true });
    else await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const startArgs = etcdStartArgs(opts, dataDir, run.clientUrls ?? 'http://127.0.0.1:2379');
  const nextSteps = [
    `Restored ${opts.file} into ${dataDir} with ${tool.kind}${tool.version ? ` ${tool.version}` : ''} as member "${opts.name}" of a new cluster (${opts.initialCluster}).`,
    'Start the member on it (for a multi-member cluster, restore the same file on every member with its own --name and peer URLs, then start them all):',
    `  ${['etcd', ...startArgs].map(shellQuote).join(' ')}`,
    ...(minimumEtcd
      ? [
          `The snapshot has storage version ${storageVersion}: start it with etcd ${minimumEtcd} or newer (older etcd refuses it with 'version "${storageVersion}" is not supported').`,
        ]
      : []),
    "Clients then see the keyspace as of the snapshot's revision; the old cluster's members must not rejoin it.",
  ].join('\n');
  return {
    tool,
    args,
    output,
    hashChecked: trailer.valid && !opts.skipHashCheck,
    storageVersion,
    minimumEtcd,
    startArgs,
    nextSteps,
  };
}

/** etcd's flags to start the restored member (the restored WAL holds the membership; these must agree with it). */
export function etcdStartArgs(opts: RestoreToDataDirOptions, dataDir: string, clientUrls: string): string[] {
  return [
    '--name',
    opts.name,
    '--data-dir',
    dataDir,
    '--listen-peer-urls',
    opts.initialAdvertisePeerUrls,
    '--initial-advertise-peer-urls',
    opts.initialAdvertisePeerUrls,
    '--initial-cluster',
    opts.initialCluster,
    '--initial-cluster-token',
    opts.initialClusterToken,
    '--listen-client-urls',
    clientUrls,
    '--advertise-client-urls',
    clientUrls,
  ];
}

/** Refuses a target that is a file or a non-empty directory; says whether it existed (empty). */
function checkTarget(dataDir: string): boolean {
  let st;
  try {
    st = statSync(dataDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new EtcdStudioError('InvalidArgument', `The data directory ${dataDir} cannot be checked: ${(e as Error).message}`);
  }
  if (!st.isDirectory())
    throw new EtcdStudioError('InvalidArgument', `The data directory ${dataDir} exists and is not a directory; choose a new directory.`);
  const entries = readdirSafe(dataDir);
  if (entries.length) {
    throw new EtcdStudioError(
      'Conflict',
      `The data directory ${dataDir} is not empty (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}). Restoring into it would mix two members' data; choose a new or empty directory. Nothing was changed.`,
    );
  }
  return true;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The member must be in --initial-cluster, or the tool refuses after starting. */
function checkClusterFlags(opts: RestoreToDataDirOptions): void {
  for (const [flag, value] of [
    ['name', opts.name],
    ['initial-cluster', opts.initialCluster],
    ['initial-cluster-token', opts.initialClusterToken],
    ['initial-advertise-peer-urls', opts.initialAdvertisePeerUrls],
  ]) {
    if (!value) throw new EtcdStudioError('InvalidArgument', `Restore needs --${flag}.`);
  }
  const members = opts.initialCluster.split(',').map((m) => m.trim().split('=')[0]);
  if (!members.includes(opts.name)) {
    throw new EtcdStudioError(
      'InvalidArgument',
      `--initial-cluster (${opts.initialCluster}) does not name this member "${opts.name}"; add ${opts.name}=${opts.initialAdvertisePeerUrls.split(',')[0]} to it.`,
    );
  }
}

/** etcdutl (3.5+) if given or on PATH, else etcdctl (3.4's restore); the version is not asked here. */
export function findRestoreTool(run: Pick<RestoreRunOptions, 'etcdutl' | 'etcdctl' | 'env'> = {}): Omit<RestoreTool, 'version'> {
  const env = run.env ?? process.env;
  const etcdutl = run.etcdutl ?? onPath('etcdutl', env);
  if (etcdutl) return { kind: 'etcdutl', path: etcdutl };
  const etcdctl = run.etcdctl ?? onPath('etcdctl', env);
  if (etcdctl) return { kind: 'etcdctl', path: etcdctl };
  throw new EtcdStudioError(
    'NotFound',
    "Restoring needs etcd's own tool: neither etcdutl (etcd 3.5+) nor etcdctl 3.4 was found on PATH. Install etcdutl from the etcd release archive of your cluster's version (Debian's etcd-client 3.4 has etcdctl) or give its path.",
  );
}

/** findRestoreTool, then the tool's version: an etcdctl of 3.6 or newer cannot restore and is refused here. */
export async function resolveRestoreTool(run: Pick<RestoreRunOptions, 'etcdutl' | 'etcdctl' | 'env'> = {}): Promise<RestoreTool> {
  const found = findRestoreTool(run);
  const version = await toolVersion(found, run.env ?? process.env);
  if (found.kind === 'etcdctl' && version && !etcdctlHasSnapshotRestore(version)) {
    throw new EtcdStudioError(
      'Unsupported',
      `${found.path} is etcdctl ${version}, which has no \`snapshot restore\` (etcd 3.5 moved it to etcdutl, 3.6 removed it from etcdctl). Install etcdutl ${version} (it ships next to etcdctl in etcd's release archive) and put it on PATH, or give its path.`,
    );
  }
  return { ...found, version };
}

/** "etcdutl version: 3.6.16" / "etcdctl version: 3.4.23" -> the version; '' when the tool says nothing usable. */
function toolVersion(tool: Omit<RestoreTool, 'version'>, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    const childEnv = { ...env, ...(tool.kind === 'etcdctl' ? { ETCDCTL_API: '3' } : {}) };
    execFile(tool.path, ['version'], { env: childEnv, timeout: 10_000 }, (err, stdout) => {
      resolve(err ? '' : (/version:\s*v?(\d+\.\d+\.\d+\S*)/.exec(stdout)?.[1] ?? ''));
    });
  });
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

function runTool(tool: RestoreTool, args: string[], run: RestoreRunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    if (run.signal?.aborted) return reject(new EtcdStudioError('Cancelled', 'The restore was cancelled before it started.'));
    // etcdctl 3.4 needs API v3 said; etcdutl has no API versions.
    const env = { ...(run.env ?? process.env), ...(tool.kind === 'etcdctl' ? { ETCDCTL_API: '3' } : {}) };
    const child = spawn(tool.path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => {
      const text = d.toString();
      output += text;
      run.onOutput?.(text);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const onAbort = () => child.kill('SIGTERM');
    run.signal?.addEventListener('abort', onAbort);
    child.on('error', (e) => {
      run.signal?.removeEventListener('abort', onAbort);
      reject(new EtcdStudioError('Internal', `Cannot run ${tool.path}: ${e.message}`));
    });
    child.on('close', (code, sig) => {
      run.signal?.removeEventListener('abort', onAbort);
      if (run.signal?.aborted)
        return reject(new EtcdStudioError('Cancelled', 'The restore was cancelled; the partial data directory was removed.'));
      if (code === 0) return resolve(output);
      const tail = output.trim().split('\n').slice(-5).join('\n');
      reject(
        new EtcdStudioError('Internal', `${path.basename(tool.path)} snapshot restore failed (${sig ?? `exit code ${code}`}):\n${tail}`),
      );
    });
  });
}

/** For showing a command line to copy: quotes what a POSIX shell would split or expand. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
