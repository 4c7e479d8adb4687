/**
 * `etcd-studio du [PREFIX] [--depth N] [--top N] [-w simple|json|table] [--snapshot FILE]`: where the
 * keys and bytes under a prefix go — per child prefix down to a depth, the largest keys, each
 * member's db size and free pages, the compaction point; from a snapshot file also the history.
 */
import { EtcdConnection } from '../core/etcd/connection';
import { EtcdStudioError } from '../core/errors';
import { keyFromText } from '../core/keytree';
import { outputFormat, printerFor } from '../core/output';
import { analyzeLiveSpace, readSnapshotSpace } from '../core/space';
import type { SpaceReport } from '../core/space';
import { flag, ParsedArgs } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo } from './io';
import { progressLine } from './progress';

function count(args: ParsedArgs, name: string, fallback: number, min: number): number {
  const v = flag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new EtcdStudioError('InvalidArgument', `--${name} must be a whole number of at least ${min}, got "${v}".`);
  return n;
}

export async function runDu(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positional.length > 1) {
    throw new EtcdStudioError('InvalidArgument', `du takes one prefix, got ${args.positional.length}: ${args.positional.join(' ')}.`);
  }
  const format = outputFormat(flag(args, 'write-out'), ['simple', 'json', 'table']);
  const prefix = keyFromText(args.positional[0] ?? '');
  const depth = count(args, 'depth', 1, 0);
  const top = count(args, 'top', 10, 0);
  const snapshot = flag(args, 'snapshot');
  const progress = progressLine(io);
  let report: SpaceReport;
  let serverVersion: string | undefined;
  try {
    if (snapshot) {
      const space = await readSnapshotSpace(snapshot, {
        prefix,
        onProgress: (bytes, total) => progress(`reading ${snapshot}: ${Math.floor((100 * bytes) / Math.max(1, total))}%`),
      });
      report = space.report(prefix, { depth, top });
    } else {
      const { profile, password } = profileFromArgs(args, io.env);
      const conn = await EtcdConnection.open(profile, { password });
      serverVersion = conn.serverVersion;
      try {
        report = await analyzeLiveSpace(conn, prefix, {
          depth,
          top,
          onProgress: (keys, total) => progress(`reading keys: ${keys} of ${total}`),
        });
      } finally {
        conn.close();
      }
      report.target = profile.endpoints.join(',');
    }
  } finally {
    progress(undefined);
  }
  io.stdout.write(printerFor(format, serverVersion).spaceReport(report));
  return 0;
}
