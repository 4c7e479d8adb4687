/**
 * `etcd-studio watch`, `changes` and `leases`: the watch, change-recorder and lease views of the
 * extension on the command line, printing etcdctl's formats where etcdctl has the same command.
 */
import { EtcdConnection } from '../core/etcd/connection';
import { EtcdStudioError } from '../core/errors';
import { keyFromText } from '../core/keytree';
import { listLeases } from '../core/leases';
import { changesSince, changesToJson, changesToMarkdown, formatWatchBatch, watchRange } from '../core/watch';
import { flag, ParsedArgs, revisionFlag } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo, interruptSignal } from './io';
import { outputFormat, printerFor } from '../core/output';

/** Tests stop a watch through `signal`; from a terminal, Ctrl-C (SIGINT) or SIGTERM stops it. */
export interface WatchCliIo extends CliIo {
  signal?: AbortSignal;
}

function format(args: ParsedArgs, allowed: string[]): string {
  const f = flag(args, 'write-out') ?? 'simple';
  if (!allowed.includes(f))
    throw new EtcdStudioError(
      'InvalidArgument',
      `-w must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, got "${f}".`,
    );
  return f;
}

async function open(args: ParsedArgs, io: CliIo): Promise<EtcdConnection> {
  const { profile, password } = profileFromArgs(args, io.env);
  return EtcdConnection.open(profile, { password });
}

/**
 * Resolves when `stdout` can take more: a reader that stalls (`watch … | slow`) pauses the watch (the
 * queue stops the gRPC stream, HTTP/2 flow control holds etcd back) instead of buffering without bound.
 */
function whenWritable(io: CliIo, wrote: unknown): void | Promise<void> {
  const out = io.stdout as Partial<NodeJS.WritableStream>;
  if (wrote !== false || typeof out.once !== 'function') return;
  return new Promise((resolve) => out.once!('drain', () => resolve()));
}

/** `etcd-studio watch KEY [--prefix] [--rev N] [--prev-kv=true] [-w simple|json]`: streams until Ctrl-C. */
export async function runWatch(args: ParsedArgs, io: WatchCliIo): Promise<number> {
  if (args.positional.length !== 1)
    throw new EtcdStudioError(
      'InvalidArgument',
      'watch takes one key or prefix: etcd-studio watch KEY [--prefix] [--rev N] [-w simple|json].',
    );
  const fmt = format(args, ['simple', 'json']);
  const startRevision = revisionFlag(args, 'rev');
  // args.ts does not know --prev-kv as a switch, so only its `--prev-kv=true` form is read.
  const prevKv = flag(args, 'prev-kv') === 'true';
  const conn = await open(args, io);
  const interrupt = interruptSignal(io.signal);
  const ac = new AbortController();
  interrupt.signal.addEventListener('abort', () => ac.abort(), { once: true });
  let compacted = false;
  try {
    const w = await watchRange(conn, {
      key: keyFromText(args.positional[0]),
      prefix: args.flags.get('prefix') === true,
      startRevision,
      prevKv,
      signal: ac.signal,
      // A small queue: with a stalled reader the stream pauses after a few thousand events.
      highWaterEvents: 5000,
      onEvents: (b) => whenWritable(io, io.stdout.write(formatWatchBatch(b, fmt, prevKv))),
      onCompacted: (info) => {
        io.stderr.write(
          `etcd-studio: revision ${info.requestedRevision} has been compacted (history starts at ${info.compactRevision}); watch again with --rev ${info.compactRevision} or later.\n`,
        );
        compacted = true;
        ac.abort();
      },
      onStatus: (s) => {
        if (s.state === 'reconnecting')
          io.stderr.write(`etcd-studio: watch interrupted (${s.error}); resuming from revision ${s.fromRevision}…\n`);
      },
    });
    const end = await w.done;
    if (end.state === 'failed') throw end.error;
    return compacted ? 1 : 0;
  } finally {
    interrupt.dispose();
    conn.close();
  }
}

/** `etcd-studio changes --since REV [PREFIX] [-w simple|json|markdown] [--diff true]`. */
export async function runChanges(args: ParsedArgs, io: CliIo): Promise<number> {
  const since = revisionFlag(args, 'since');
  if (since === undefined) throw new EtcdStudioError('InvalidArgument', 'changes needs --since REV: the revision to compare with.');
  if (args.positional.length > 1) throw new EtcdStudioError('InvalidArgument', 'changes takes at most one prefix.');
  const fmt = format(args, ['simple', 'json', 'markdown']);
  const conn = await open(args, io);
  try {
    const set = await changesSince(conn, since, { prefix: args.positional[0] === undefined ? undefined : keyFromText(args.positional[0]) });
    if (fmt === 'json') io.stdout.write(changesToJson(set));
    else if (fmt === 'markdown') io.stdout.write(changesToMarkdown(set, { diffs: flag(args, 'diff') === 'true' }));
    else {
      for (const c of set.changes) io.stdout.write(`${c.change.padEnd(8)} ${c.keyText}\n`);
      const n = set.counts;
      io.stderr.write(
        `${n.created} created, ${n.modified} modified, ${n.deleted} deleted between revision ${set.sinceRevision} and ${set.toRevision}\n`,
      );
    }
    return 0;
  } finally {
    conn.close();
  }
}

/** `etcd-studio leases [-w simple|json|table]`: every lease with TTLs and attached keys. */
export async function runLeases(args: ParsedArgs, io: CliIo): Promise<number> {
  const fmt = outputFormat(flag(args, 'write-out'), ['simple', 'json', 'table']);
  const conn = await open(args, io);
  try {
    io.stdout.write(printerFor(fmt, conn.serverVersion).leaseDetails(await listLeases(conn)));
    return 0;
  } finally {
    conn.close();
  }
}
