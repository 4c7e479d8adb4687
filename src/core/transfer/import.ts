/**
 * Importing an export file into a cluster: each key is created, overwritten, skipped or refused
 * according to the mode, in transactions of at most MAX_TXN_OPS keys and MAX_TXN_BYTES (etcd's
 * defaults refuse larger ones). Each transaction is guarded by the mod_revision every key had when
 * it was compared, so a key changed meanwhile is compared again instead of clobbered. A dry run
 * counts what would happen and writes nothing. Writes go through EtcdConnection.write, so a
 * read-only connection refuses the import before the file is read.
 */
import type { EtcdConnection } from '../etcd/connection';
import type { ICompare, IKeyValue, IRequestOp } from '../etcd/etcd3Adapter';
import { EtcdStudioError } from '../errors';
import { keyToText } from '../keytree/keyText';
import { readRecords, RecordSource } from './read';
import type { TransferFormat, TransferRecord } from './records';

/** What to do with a key that already exists with another value. */
export type ImportMode = 'skip' | 'overwrite' | 'fail';
export const IMPORT_MODES: readonly ImportMode[] = ['skip', 'overwrite', 'fail'];

/** etcd's default --max-txn-ops. */
export const MAX_TXN_OPS = 128;
/** Below etcd's default --max-request-bytes (1.5 MiB), with room for the compares. */
export const MAX_TXN_BYTES = 1024 * 1024;

export interface ImportOptions {
  mode?: ImportMode;
  /** `recreate` (default): keys that had a lease get a new lease with the exported seconds left; `drop`: written without one. */
  leases?: 'recreate' | 'drop';
  format?: TransferFormat;
  signal?: AbortSignal;
  /** Records handled so far. */
  onProgress?: (done: number) => void;
}

export interface ImportPlan {
  mode: ImportMode;
  total: number;
  create: number;
  overwrite: number;
  /** Same value (and lease or none) already there: not written, no new revision. */
  unchanged: number;
  /** Existing keys with another value left alone (mode skip). */
  skip: number;
  /** Existing keys (mode fail: any of them refuses the import), up to 10 shown. */
  exists: number;
  existingKeys: string[];
  /** New leases the import would grant, and the keys on them. */
  leases: number;
  leasedKeys: number;
  /** The cluster revision of the last comparison. */
  revision: number;
}

export interface ImportResult {
  created: number;
  overwritten: number;
  unchanged: number;
  skipped: number;
  leasesGranted: number;
  txns: number;
  revision: number;
}

type Change = 'create' | 'overwrite' | 'unchanged' | 'skip' | 'exists';

interface Compared {
  record: TransferRecord;
  change: Change;
  modRevision: string;
}

function cancelled(): EtcdStudioError {
  return new EtcdStudioError('Cancelled', 'The import was cancelled; the keys written so far stay written.');
}

/** Records in batches no transaction limit refuses, with no key twice in a batch (etcd refuses that). */
async function* batches(records: AsyncIterable<TransferRecord>, signal?: AbortSignal): AsyncGenerator<TransferRecord[]> {
  let batch: TransferRecord[] = [];
  let bytes = 0;
  let keys = new Set<string>();
  for await (const r of records) {
    if (signal?.aborted) throw cancelled();
    const size = r.key.length + r.value.length;
    const id = r.key.toString('latin1');
    if (batch.length && (batch.length === MAX_TXN_OPS || bytes + size > MAX_TXN_BYTES || keys.has(id))) {
      yield batch;
      batch = [];
      bytes = 0;
      keys = new Set();
    }
    batch.push(r);
    bytes += size;
    keys.add(id);
  }
  if (batch.length) yield batch;
}

/** Whether the key would be written on a lease. */
function wantsLease(r: TransferRecord, opts: ImportOptions): boolean {
  return opts.leases !== 'drop' && r.lease !== undefined && r.lease.ttl > 0;
}

function sameLeasing(existing: IKeyValue, r: TransferRecord, opts: ImportOptions): boolean {
  return (String(existing.lease ?? '0') !== '0') === wantsLease(r, opts);
}

/** Each record of a batch against the cluster (one read transaction). */
async function compare(
  conn: EtcdConnection,
  batch: TransferRecord[],
  mode: ImportMode,
  opts: ImportOptions,
): Promise<{ compared: Compared[]; revision: number }> {
  const res = await conn.txn({ success: batch.map((r) => ({ request_range: { key: r.key } })) }, 'compare keys to import');
  const compared = batch.map((record, i): Compared => {
    const existing = res.responses[i].response_range.kvs[0];
    if (!existing) return { record, change: 'create', modRevision: '0' };
    const modRevision = String(existing.mod_revision);
    if (existing.value.equals(record.value) && sameLeasing(existing, record, opts))
      return { record, change: mode === 'fail' ? 'exists' : 'unchanged', modRevision };
    const change: Change = mode === 'overwrite' ? 'overwrite' : mode === 'skip' ? 'skip' : 'exists';
    return { record, change, modRevision };
  });
  return { compared, revision: Number(res.header.revision) };
}

function written(c: Compared): boolean {
  return c.change === 'create' || c.change === 'overwrite';
}

function leased(c: Compared, opts: ImportOptions): boolean {
  return wantsLease(c.record, opts);
}

/** What importing would do, without writing anything (allowed on read-only connections). */
export async function planImport(conn: EtcdConnection, source: RecordSource, opts: ImportOptions = {}): Promise<ImportPlan> {
  const mode = opts.mode ?? 'skip';
  const plan: ImportPlan = {
    mode,
    total: 0,
    create: 0,
    overwrite: 0,
    unchanged: 0,
    skip: 0,
    exists: 0,
    existingKeys: [],
    leases: 0,
    leasedKeys: 0,
    revision: 0,
  };
  const leaseIds = new Set<string>();
  for await (const batch of batches(readRecords(source, opts.format), opts.signal)) {
    const { compared, revision } = await compare(conn, batch, mode, opts);
    plan.revision = revision;
    for (const c of compared) {
      plan.total++;
      plan[c.change]++;
      if (c.change === 'exists' && plan.existingKeys.length < 10) plan.existingKeys.push(keyToText(c.record.key));
      if (written(c) && leased(c, opts)) {
        plan.leasedKeys++;
        leaseIds.add(c.record.lease!.id);
      }
    }
    opts.onProgress?.(plan.total);
  }
  plan.leases = leaseIds.size;
  return plan;
}

/** One line for people: what the plan would do. */
export function describePlan(plan: ImportPlan, target: string): string {
  const parts = [
    `${plan.create} to create`,
    `${plan.overwrite} to overwrite`,
    `${plan.unchanged} unchanged`,
    ...(plan.mode === 'skip' ? [`${plan.skip} existing with another value skipped`] : []),
    ...(plan.mode === 'fail' ? [`${plan.exists} already exist`] : []),
  ];
  const leases = plan.leases ? `; ${plan.leases} new lease(s) for ${plan.leasedKeys} key(s)` : '';
  return `${plan.total} keys in the file for "${target}": ${parts.join(', ')}${leases}.`;
}

function existsError(count: number, keys: string[], done?: ImportResult): EtcdStudioError {
  const written = done ? `${done.created + done.overwritten} keys were written before it appeared` : 'nothing was written';
  return new EtcdStudioError(
    'Conflict',
    `${count} key(s) of the file already exist (${keys.slice(0, 3).join(', ')}${count > 3 ? ', …' : ''}); ${written}. ` +
      'Import with mode "skip" or "overwrite", or delete them first.',
  );
}

/** Imports the file: see the module comment. Mode "fail" compares every key first and writes nothing if one exists. */
export async function importKeys(conn: EtcdConnection, source: RecordSource, opts: ImportOptions = {}): Promise<ImportResult> {
  const what = 'importing keys';
  conn.assertWritable(what);
  const mode = opts.mode ?? 'skip';
  if (mode === 'fail') {
    const plan = await planImport(conn, source, { ...opts, onProgress: undefined });
    if (plan.exists) throw existsError(plan.exists, plan.existingKeys);
  }
  const result: ImportResult = { created: 0, overwritten: 0, unchanged: 0, skipped: 0, leasesGranted: 0, txns: 0, revision: 0 };
  const newLease = new Map<string, string>();
  let done = 0;
  for await (const batch of batches(readRecords(source, opts.format), opts.signal)) {
    for (let attempt = 1; ; attempt++) {
      const { compared, revision } = await compare(conn, batch, mode, opts);
      result.revision = Math.max(result.revision, revision);
      const exists = compared.filter((c) => c.change === 'exists');
      if (exists.length)
        throw existsError(
          exists.length,
          exists.map((c) => keyToText(c.record.key)),
          result,
        );
      const toWrite = compared.filter(written);
      if (!toWrite.length) {
        for (const c of compared) {
          if (c.change === 'unchanged') result.unchanged++;
          else result.skipped++;
        }
        break;
      }
      const puts: IRequestOp[] = [];
      for (const c of toWrite) {
        let lease: string | undefined;
        if (leased(c, opts)) {
          const src = c.record.lease!;
          lease = newLease.get(src.id);
          if (!lease) {
            const granted = await conn.write(what, { op: 'leaseGrant', ttl: src.ttl });
            lease = String(granted.ID);
            newLease.set(src.id, lease);
            result.leasesGranted++;
          }
        }
        puts.push({ request_put: { key: c.record.key, value: c.record.value, ...(lease ? { lease } : {}) } });
      }
      const guards: ICompare[] = toWrite.map((c) => ({ key: c.record.key, target: 'Mod', result: 'Equal', mod_revision: c.modRevision }));
      const res = await conn.write(what, { op: 'txn', request: { compare: guards, success: puts } });
      if (res.succeeded) {
        result.txns++;
        result.revision = Number(res.header.revision);
        for (const c of compared) {
          if (c.change === 'create') result.created++;
          else if (c.change === 'overwrite') result.overwritten++;
          else if (c.change === 'unchanged') result.unchanged++;
          else result.skipped++;
        }
        break;
      }
      // Someone changed one of these keys since the comparison: compare again (a few times).
      if (attempt === 5)
        throw new EtcdStudioError(
          'Conflict',
          `Keys of the file keep changing in the cluster while importing (near ${keyToText(batch[0].key)}); ${result.created + result.overwritten} keys were written. Try again when writers are quiet.`,
        );
    }
    done += batch.length;
    opts.onProgress?.(done);
  }
  return result;
}
