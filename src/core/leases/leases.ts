/**
 * Leases as etcdctl shows them (ids in hex): list with TTLs and attached keys, grant, keep alive once,
 * attach a key, and revoke after showing how many keys the revoke will delete.
 */
import { EtcdStudioError } from '../errors';
import type { EtcdConnection } from '../etcd/connection';
import { keyToText } from '../keytree';

export interface LeaseInfo {
  /** Hex, as etcdctl prints it. */
  id: string;
  grantedTtl: number;
  /** Seconds left; -1 when the lease has expired or was revoked meanwhile. */
  remainingTtl: number;
  keys: Buffer[];
  /** Display text of the keys (`\xNN` for raw bytes). */
  keyTexts: string[];
}

/** etcd's decimal form of a lease id given in hex (as etcdctl prints and accepts it). */
export function leaseIdToDecimal(hex: string): string {
  const clean = hex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(clean))
    throw new EtcdStudioError('InvalidArgument', `"${hex}" is not a lease id: use the hex id etcdctl prints, e.g. 694d7a1c2b3e4f50.`);
  return BigInt('0x' + clean).toString();
}

function hex(decimal: string): string {
  return BigInt(decimal).toString(16);
}

/** Time to live of one lease, with its keys. */
export async function leaseInfo(conn: EtcdConnection, id: string): Promise<LeaseInfo> {
  const res = await conn.leaseTimeToLive(leaseIdToDecimal(id), true);
  // etcd returns a lease's keys in no particular order; show them sorted like everything else.
  const keys = (res.keys ?? []).map((k) => Buffer.from(k)).sort(Buffer.compare);
  return {
    id: hex(leaseIdToDecimal(id)),
    grantedTtl: Number(res.grantedTTL),
    remainingTtl: Number(res.TTL),
    keys,
    keyTexts: keys.map(keyToText),
  };
}

/** Every lease with TTLs and attached keys (time-to-live calls run 16 at a time). */
export async function listLeases(conn: EtcdConnection, opts: { signal?: AbortSignal } = {}): Promise<LeaseInfo[]> {
  const res = await conn.leases();
  const ids = (res.leases ?? []).map((l) => hex(String(l.ID)));
  const out: LeaseInfo[] = new Array(ids.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, ids.length) }, async () => {
      while (next < ids.length) {
        const i = next++;
        opts.signal?.throwIfAborted();
        out[i] = await leaseInfo(conn, ids[i]);
      }
    }),
  );
  return out.sort((a, b) => (BigInt('0x' + a.id) < BigInt('0x' + b.id) ? -1 : 1));
}

/** Grants a lease of `ttl` seconds; returns its hex id. */
export async function grantLease(conn: EtcdConnection, ttl: number): Promise<{ id: string; ttl: number }> {
  conn.assertWritable('granting a lease');
  if (!Number.isInteger(ttl) || ttl < 1)
    throw new EtcdStudioError('InvalidArgument', `A lease TTL is a whole number of seconds of at least 1, got ${ttl}.`);
  const res = await conn.write('granting a lease', { op: 'leaseGrant', ttl });
  if (res.error) throw new EtcdStudioError('Internal', `etcd did not grant the lease: ${res.error}`);
  return { id: hex(res.ID), ttl: Number(res.TTL) };
}

/** What revoking would delete, for the confirmation ("Revoke lease 694d…? 3 keys will be deleted."). */
export async function revokePreview(conn: EtcdConnection, id: string): Promise<{ id: string; keys: string[]; count: number }> {
  const info = await leaseInfo(conn, id);
  if (info.remainingTtl < 0) throw new EtcdStudioError('NotFound', `Lease ${info.id} does not exist (expired or revoked).`);
  return { id: info.id, keys: info.keyTexts, count: info.keys.length };
}

/** Revokes a lease: etcd deletes every key attached to it. */
export async function revokeLease(conn: EtcdConnection, id: string): Promise<{ revision: number }> {
  conn.assertWritable('revoking a lease');
  const res = await conn.write('revoking a lease', { op: 'leaseRevoke', id: leaseIdToDecimal(id) });
  return { revision: Number(res.header.revision) };
}

/** One keep-alive (`etcdctl lease keep-alive --once`); returns the renewed TTL. */
export async function keepAliveOnce(
  conn: EtcdConnection,
  id: string,
  opts: { timeoutMs?: number } = {},
): Promise<{ id: string; ttl: number }> {
  conn.assertWritable('renewing a lease');
  const decimal = leaseIdToDecimal(id);
  const timeoutMs = opts.timeoutMs ?? 5000;
  let res;
  try {
    res = await conn.write('renewing a lease', { op: 'leaseKeepAlive', id: decimal, timeoutMs });
  } catch (e) {
    if (e instanceof EtcdStudioError && e.code === 'Timeout')
      throw new EtcdStudioError('Timeout', `No keep-alive answer for lease ${hex(decimal)} within ${timeoutMs / 1000} s.`, e.detail);
    throw e;
  }
  const ttl = Number(res.TTL);
  if (ttl <= 0)
    throw new EtcdStudioError('NotFound', `Lease ${hex(decimal)} does not exist (expired or revoked); it cannot be kept alive.`);
  return { id: hex(decimal), ttl };
}

/** Writes a key attached to a lease (it is deleted when the lease ends). */
export async function putWithLease(
  conn: EtcdConnection,
  key: Uint8Array | string,
  value: Uint8Array | string,
  id: string,
): Promise<{ revision: number }> {
  conn.assertWritable('writing a key');
  const res = await conn.write('writing a key', {
    op: 'put',
    request: { key: Buffer.from(key), value: Buffer.from(value), lease: leaseIdToDecimal(id) },
  });
  return { revision: Number(res.header.revision) };
}
