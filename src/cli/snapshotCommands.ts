/**
 * `etcd-studio snapshot save|status|ls|get`: etcdctl's snapshot commands plus offline browsing.
 * `save` and `status` print what etcdctl prints (status figures match `etcdctl snapshot status`
 * exactly); `ls` and `get` read a snapshot file like `ls`/`get` read a live cluster.
 */
import { EtcdConnection } from '../core/etcd/connection';
import { EtcdStudioError } from '../core/errors';
import { keyFromText, keyToText } from '../core/keytree';
import { listSnapshotChildren, openSnapshot, saveSnapshot, snapshotStatus } from '../core/snapshot';
import { flag, ParsedArgs, profileFromArgs } from './args';
import { CliIo } from './io';
import { humanBytes, renderTable } from './table';

const USAGE = [
  'Usage:',
  '  etcd-studio snapshot save FILE [connection flags]      stream a verified snapshot of one member to FILE',
  '  etcd-studio snapshot status FILE [-w simple|json|table] hash, revision, total keys, total size (as etcdctl)',
  '  etcd-studio snapshot ls FILE [PREFIX] [--limit N] [--after CURSOR] [-w simple|json|table]',
  '  etcd-studio snapshot get FILE KEY                       the value bytes of KEY as of the snapshot',
].join('\n');

export async function runSnapshot(args: ParsedArgs, io: CliIo): Promise<number> {
  const [sub, ...rest] = args.positional;
  switch (sub) {
    case 'save': return save(rest, args, io);
    case 'status': return status(rest, args, io);
    case 'ls': return ls(rest, args, io);
    case 'get': return get(rest, io);
    default:
      throw new EtcdStudioError('InvalidArgument', `${sub ? `Unknown snapshot command "${sub}".` : 'snapshot needs a command.'}\n${USAGE}`);
  }
}

function needFile(rest: string[], what: string, max = 1): string {
  if (!rest[0]) throw new EtcdStudioError('InvalidArgument', `snapshot ${what} needs a FILE.\n${USAGE}`);
  if (rest.length > max) throw new EtcdStudioError('InvalidArgument', `snapshot ${what} takes at most ${max} argument(s), got: ${rest.join(' ')}.\n${USAGE}`);
  return rest[0];
}

function writeOut(args: ParsedArgs): 'simple' | 'json' | 'table' {
  const format = flag(args, 'write-out') ?? 'simple';
  if (format !== 'simple' && format !== 'json' && format !== 'table') throw new EtcdStudioError('InvalidArgument', `-w must be simple, json or table, got "${format}".`);
  return format;
}

async function save(rest: string[], args: ParsedArgs, io: CliIo): Promise<number> {
  const file = needFile(rest, 'save');
  const { profile, password } = profileFromArgs(args, io.env);
  // Like etcdctl: a snapshot is one member's state, so the member must be named.
  if (profile.endpoints.length !== 1) {
    throw new EtcdStudioError('InvalidArgument', `snapshot must be requested to one selected node, not multiple ${profile.endpoints.join(',')}: pass one --endpoints URL.`);
  }
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const conn = await EtcdConnection.open(profile, { password });
  try {
    await saveSnapshot(conn, file, { signal: abort.signal });
  } finally {
    conn.close();
    process.removeListener('SIGINT', onSigint);
  }
  io.stdout.write(`Snapshot saved at ${file}\n`);
  return 0;
}

async function status(rest: string[], args: ParsedArgs, io: CliIo): Promise<number> {
  const format = writeOut(args);
  const s = await snapshotStatus(needFile(rest, 'status'));
  if (format === 'json') {
    io.stdout.write(JSON.stringify({ hash: s.hash, revision: s.revision, totalKey: s.totalKey, totalSize: s.totalSize }) + '\n');
    return 0;
  }
  const row = [s.hash.toString(16), String(s.revision), String(s.totalKey), goHumanBytes(s.totalSize)];
  if (format === 'simple') {
    io.stdout.write(row.join(', ') + '\n');
    return 0;
  }
  // etcdctl right-aligns this table's cells (tablewriter ALIGN_RIGHT); pre-padding does that here.
  const header = ['hash', 'revision', 'total keys', 'total size'];
  io.stdout.write(renderTable(header, [row.map((c, i) => c.padStart(header[i].length))]));
  return 0;
}

async function ls(rest: string[], args: ParsedArgs, io: CliIo): Promise<number> {
  const file = needFile(rest, 'ls', 2);
  const format = writeOut(args);
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
  if (format === 'json') {
    io.stdout.write(JSON.stringify(children.map((c) => ({ ...c, key: keyToText(c.key) })), null, 2) + '\n');
  } else if (format === 'table') {
    io.stdout.write(renderTable(['name', 'keys', 'size', 'mod revision', 'version', 'lease'], children.map((c) => c.kind === 'prefix'
      ? [c.segment, String(c.count ?? ''), '', '', '', '']
      : [c.segment, '', humanBytes(c.size), String(c.modRevision), String(c.version), c.lease === '0' ? '' : c.lease])));
  } else {
    const width = Math.max(0, ...children.map((c) => c.segment.length));
    for (const c of children) {
      io.stdout.write(`${c.segment.padEnd(width)}  ${c.kind === 'prefix' ? c.count : `${humanBytes(c.size)}  rev ${c.modRevision}`}\n`);
    }
  }
  if (result.next) {
    io.stderr.write(`More children follow; next page: etcd-studio snapshot ls ${JSON.stringify(file)} ${JSON.stringify(keyToText(prefix))} --after ${JSON.stringify(keyToText(result.next))}\n`);
  }
  return 0;
}

async function get(rest: string[], io: CliIo): Promise<number> {
  const file = needFile(rest, 'get', 2);
  if (rest[1] === undefined) throw new EtcdStudioError('InvalidArgument', `snapshot get needs a KEY.\n${USAGE}`);
  const key = keyFromText(rest[1]);
  const snap = await openSnapshot(file);
  try {
    const v = snap.get(key);
    if (!v) throw new EtcdStudioError('NotFound', `${keyToText(key)} is not in ${file} (absent or deleted at revision ${snap.revision}).`);
    io.stdout.write(v.value);
  } finally {
    snap.close();
  }
  return 0;
}

/**
 * Sizes as etcdctl's snapshot status prints them: go-humanize's Bytes (SI units, the value rounded
 * to one decimal, then "%.1f" under 10 and "%.0f" above). Go's %.0f rounds an exact half to even
 * (106.5 -> "106") where JS toFixed rounds it up, hence the explicit rounding.
 */
export function goHumanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  if (val < 10) return `${val.toFixed(1)} ${units[e]}`;
  const floor = Math.floor(val);
  const whole = val - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(val);
  return `${whole} ${units[e]}`;
}
