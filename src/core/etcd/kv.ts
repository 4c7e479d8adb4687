/**
 * Key operations the editor needs, each safe against concurrent writers: reads return the
 * metadata needed for compare-and-swap, writes are single transactions guarded by mod_revision.
 */
import type { IKeyValue } from './etcd3Adapter';
import { EtcdStudioError, errorMessage } from '../errors';
import { EtcdConnection } from './connection';
import { prefixRangeEnd } from '../keytree/rangeEnd';

/** etcd's default --max-request-bytes (1.5 MiB); a put above it is refused by the server. */
export const DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;

export interface StoredValue {
  key: Buffer;
  value: Buffer;
  version: number;
  createRevision: number;
  modRevision: number;
  lease: string;
  /** The store revision this read saw. */
  revision: number;
}

/**
 * A compare-and-swap's outcome. `verified`: the answer was lost and a re-read of the key decided it
 * (the key holds the value written, or it does not). When even that read fails, an `OutcomeUnknown`
 * EtcdStudioError is thrown instead: nothing here ever guesses.
 */
export type CasResult = { ok: true; revision: number; verified?: true } | { ok: false; current: StoredValue | undefined; verified?: true };

function toStored(kv: IKeyValue, revision: number): StoredValue {
  return {
    key: kv.key,
    value: kv.value,
    version: Number(kv.version),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    lease: String(kv.lease ?? '0'),
    revision,
  };
}

/** Reads one key (optionally as of `revision`); undefined when it does not exist. */
export async function getKey(conn: EtcdConnection, key: Buffer, revision?: number): Promise<StoredValue | undefined> {
  const res = await conn.range({ key, ...(revision ? { revision } : {}) });
  return res.kvs[0] ? toStored(res.kvs[0], Number(res.header.revision)) : undefined;
}

function checkSize(conn: EtcdConnection, key: Buffer, value: Uint8Array, maxRequestBytes: number): void {
  // Key + value + a little protobuf framing must fit etcd's request limit.
  const size = key.length + value.length + 64;
  if (size > maxRequestBytes) {
    throw new EtcdStudioError(
      'InvalidArgument',
      `The value is ${value.length.toLocaleString('en-US')} bytes; with its key that exceeds etcd's request limit of ${maxRequestBytes.toLocaleString('en-US')} bytes (--max-request-bytes on "${conn.profile.name}"). Nothing was written.`,
    );
  }
}

/**
 * Writes `value` only if the key is still at `expectedModRevision` (0 = the key must not exist).
 * On conflict nothing is written and the current value is returned.
 */
export async function putIfUnchanged(
  conn: EtcdConnection,
  key: Buffer,
  value: Uint8Array,
  expectedModRevision: number,
  opts: { maxRequestBytes?: number; keepLease?: string } = {},
): Promise<CasResult> {
  conn.assertWritable('writing a key');
  checkSize(conn, key, value, opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES);
  const lease = opts.keepLease && opts.keepLease !== '0' ? opts.keepLease : undefined;
  let res;
  try {
    res = await conn.write('writing a key', {
      op: 'txn',
      request: {
        compare: [
          expectedModRevision === 0
            ? { key, target: 'Version', result: 'Equal', version: 0 }
            : { key, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
        ],
        success: [{ request_put: { key, value: Buffer.from(value), ...(lease ? { lease } : {}) } }],
        failure: [{ request_range: { key } }],
      },
    });
  } catch (e) {
    if (e instanceof EtcdStudioError && e.code === 'OutcomeUnknown') return settleLostPut(conn, key, value, expectedModRevision, e);
    throw e;
  }
  if (res.succeeded) return { ok: true, revision: Number(res.header.revision) };
  const kv = res.responses[0]?.response_range?.kvs?.[0];
  return { ok: false, current: kv ? toStored(kv, Number(res.header.revision)) : undefined };
}

/**
 * The answer to a compare-and-swap put was lost: the key, read again (on any member), says what
 * happened. It holds our bytes at a newer mod_revision: written. It is still at the expected revision,
 * or another writer moved it: not written (our compare can no longer succeed once it moved).
 */
async function settleLostPut(
  conn: EtcdConnection,
  key: Buffer,
  value: Uint8Array,
  expectedModRevision: number,
  lost: EtcdStudioError,
): Promise<CasResult> {
  let now: StoredValue | undefined;
  try {
    now = await getKey(conn, key);
  } catch (e) {
    throw new EtcdStudioError(
      'OutcomeUnknown',
      `${lost.message} Reading the key again failed too (${errorMessage(e)}); check it (etcd-studio get) before writing again.`,
      lost.detail,
    );
  }
  const moved = now ? now.modRevision !== expectedModRevision : expectedModRevision !== 0;
  if (now && moved && now.modRevision > expectedModRevision && Buffer.compare(now.value, Buffer.from(value)) === 0) {
    return { ok: true, revision: now.modRevision, verified: true };
  }
  return { ok: false, current: now, verified: true };
}

/** Deletes a key only if it is still at `expectedModRevision`. */
export async function deleteIfUnchanged(conn: EtcdConnection, key: Buffer, expectedModRevision: number): Promise<CasResult> {
  conn.assertWritable('deleting a key');
  const res = await conn.write('deleting a key', {
    op: 'txn',
    request: {
      compare: [{ key, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
      success: [{ request_delete_range: { key } }],
      failure: [{ request_range: { key } }],
    },
  });
  if (res.succeeded) return { ok: true, revision: Number(res.header.revision) };
  const kv = res.responses[0]?.response_range?.kvs?.[0];
  return { ok: false, current: kv ? toStored(kv, Number(res.header.revision)) : undefined };
}

/** Number of keys under a prefix, and the revision of that count (count_only: no keys move). */
export async function countPrefix(conn: EtcdConnection, prefix: Buffer): Promise<{ count: number; revision: number }> {
  const res = await conn.range({ key: prefix, range_end: prefixRangeEnd(prefix), count_only: true }, 'count');
  return { count: Number(res.count), revision: Number(res.header.revision) };
}

/**
 * Deletes every key under `prefix` in one delete-range, only if no key in the range changed since
 * `countedAtRevision` (the count the user confirmed). Returns how many keys etcd deleted.
 */
export async function deletePrefix(
  conn: EtcdConnection,
  prefix: Buffer,
  countedAtRevision: number,
): Promise<{ ok: boolean; deleted: number }> {
  conn.assertWritable('deleting a prefix');
  if (prefix.length === 0) throw new EtcdStudioError('InvalidArgument', 'Refusing to delete the whole keyspace from an empty prefix.');
  const rangeEnd = prefixRangeEnd(prefix);
  const res = await conn.write('deleting a prefix', {
    op: 'txn',
    request: {
      // Every key in the range must be unchanged since the count (a new key would have a higher mod_revision).
      compare: [{ key: prefix, range_end: rangeEnd, target: 'Mod', result: 'Less', mod_revision: countedAtRevision + 1 }],
      success: [{ request_delete_range: { key: prefix, range_end: rangeEnd } }],
    },
  });
  if (!res.succeeded) return { ok: false, deleted: 0 };
  return { ok: true, deleted: Number(res.responses[0]?.response_delete_range?.deleted ?? 0) };
}

/**
 * Moves a key in one transaction: refused if the source changed since it was read or the
 * target exists. The value and its lease move; version history starts anew at the target.
 */
export async function renameKey(
  conn: EtcdConnection,
  from: Buffer,
  to: Buffer,
  expectedModRevision: number,
): Promise<{ ok: true; revision: number } | { ok: false; reason: string }> {
  conn.assertWritable('renaming a key');
  if (from.equals(to)) return { ok: false, reason: 'The new key is the same as the old one.' };
  const src = await getKey(conn, from);
  if (!src || src.modRevision !== expectedModRevision)
    return { ok: false, reason: 'The key changed or was deleted since it was read; nothing was moved.' };
  checkSize(conn, to, src.value, DEFAULT_MAX_REQUEST_BYTES);
  const lease = src.lease !== '0' ? src.lease : undefined;
  const res = await conn.write('renaming a key', {
    op: 'txn',
    request: {
      compare: [
        { key: from, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
        { key: to, target: 'Version', result: 'Equal', version: 0 },
      ],
      success: [{ request_put: { key: to, value: src.value, ...(lease ? { lease } : {}) } }, { request_delete_range: { key: from } }],
      failure: [{ request_range: { key: to } }],
    },
  });
  if (res.succeeded) return { ok: true, revision: Number(res.header.revision) };
  const exists = (res.responses[0]?.response_range?.kvs?.length ?? 0) > 0;
  return {
    ok: false,
    reason: exists ? 'The target key exists already; nothing was moved.' : 'The key changed since it was read; nothing was moved.',
  };
}
