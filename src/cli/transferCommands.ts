/**
 * `etcd-studio export PREFIX` and `etcd-studio import FILE|-`: a prefix as JSON lines (jq-readable, binary
 * keys and values exact) or a decoded-YAML variant, and back into a cluster with a mode for existing keys.
 */
import { Readable } from 'node:stream';
import { EtcdStudioError } from '../core/errors';
import { keyFromText, keyToText } from '../core/keytree/keyText';
import {
  describePlan,
  exportPrefix,
  exportToFile,
  fileSource,
  IMPORT_MODES,
  ImportMode,
  importKeys,
  planImport,
  RecordSource,
  TRANSFER_FORMATS,
  TransferFormat,
} from '../core/transfer';
import { flag, ParsedArgs } from './args';
import { CliIo } from './io';
import { withConnection } from './kvCommands';

const EXPORT_USAGE = 'usage: etcd-studio export PREFIX [--out FILE] [--format jsonl|yaml]  (JSON lines on stdout when no --out)';
const IMPORT_USAGE =
  'usage: etcd-studio import FILE|- [--mode skip|overwrite|fail] [--dry-run] [--drop-leases] [--format jsonl|yaml] [-w simple|json]';

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new EtcdStudioError('InvalidArgument', `--${name} must be ${allowed.join(', ')}; got "${value}".`);
  return value as T;
}

function sigintSignal(): { signal: AbortSignal; done: () => void } {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  return { signal: abort.signal, done: () => process.removeListener('SIGINT', onSigint) };
}

/** Writes to stdout, waiting when the pipe is full (a large export into `jq` or `gzip` must not pile up in memory). */
function toStdout(io: CliIo, text: string): Promise<void> | undefined {
  const out = io.stdout as { write(chunk: string): unknown; once?(event: 'drain', fn: () => void): unknown };
  if (out.write(text) !== false || !out.once) return undefined;
  return new Promise((resolve) => out.once!('drain', resolve));
}

export async function runExport(args: ParsedArgs, io: CliIo): Promise<number> {
  const [prefixText, extra] = args.positional;
  if (prefixText === undefined || extra !== undefined) throw new EtcdStudioError('InvalidArgument', EXPORT_USAGE);
  const prefix = keyFromText(prefixText);
  const format = oneOf<TransferFormat>('format', flag(args, 'format'), TRANSFER_FORMATS);
  const out = flag(args, 'out');
  const { signal, done } = sigintSignal();
  try {
    return await withConnection(args, io, async (conn) => {
      const r = out
        ? await exportToFile(conn, prefix, out, { format, signal })
        : await exportPrefix(conn, prefix, (t) => toStdout(io, t), { format, signal });
      const leases = r.leasedKeys ? `, ${r.leasedKeys} on ${r.leases} lease(s)` : '';
      const decoded = r.decoded !== undefined ? `, ${r.decoded} as decoded objects` : '';
      io.stderr.write(
        `Exported ${r.keys} keys (${r.bytes} bytes${leases}${decoded}) under ${JSON.stringify(keyToText(prefix))} at revision ${r.revision}${out ? ` to ${out}` : ''}.\n`,
      );
      return 0;
    });
  } finally {
    done();
  }
}

/** stdin is read once and kept, so the plan and the import can both read it. */
async function stdinSource(io: CliIo): Promise<RecordSource> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  const all = Buffer.concat(chunks);
  return { name: 'stdin', open: () => Readable.from([all]) };
}

export async function runImport(args: ParsedArgs, io: CliIo): Promise<number> {
  const [file, extra] = args.positional;
  if (file === undefined || extra !== undefined) throw new EtcdStudioError('InvalidArgument', IMPORT_USAGE);
  const mode = oneOf<ImportMode>('mode', flag(args, 'mode'), IMPORT_MODES) ?? 'skip';
  const format = oneOf<TransferFormat>('format', flag(args, 'format'), TRANSFER_FORMATS);
  const json = oneOf('write-out', flag(args, 'write-out'), ['simple', 'json']) === 'json';
  const opts = { mode, format, leases: args.flags.has('drop-leases') ? ('drop' as const) : ('recreate' as const) };
  const source = file === '-' ? await stdinSource(io) : fileSource(file);
  const { signal, done } = sigintSignal();
  try {
    return await withConnection(args, io, async (conn) => {
      if (args.flags.has('dry-run')) {
        const plan = await planImport(conn, source, { ...opts, signal });
        io.stdout.write(json ? JSON.stringify(plan) + '\n' : `Dry run, nothing written. ${describePlan(plan, conn.profile.name)}\n`);
        return mode === 'fail' && plan.exists ? 1 : 0;
      }
      const r = await importKeys(conn, source, { ...opts, signal });
      io.stdout.write(
        json
          ? JSON.stringify(r) + '\n'
          : `Imported: ${r.created} created, ${r.overwritten} overwritten, ${r.unchanged} unchanged, ${r.skipped} skipped; ` +
              `${r.leasesGranted} lease(s) granted; ${r.txns} transaction(s), revision ${r.revision}.\n`,
      );
      return 0;
    });
  } finally {
    done();
  }
}
