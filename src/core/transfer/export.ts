/**
 * Exporting the keys under a prefix, read in pages at one revision (one consistent view), as JSON
 * lines or the YAML variant (records.ts). Leases are exported with their seconds left, asked once
 * per lease, so an import can attach the keys to new leases of the same length.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { EtcdConnection } from '../etcd/connection';
import { scanRange } from '../etcd/rangeScan';
import { EtcdStudioError } from '../errors';
import { prefixRangeEnd } from '../keytree/rangeEnd';
import { jsonLine, TransferFormat, yamlDocument, YAML_HEADER } from './records';

export interface ExportOptions {
  format?: TransferFormat;
  signal?: AbortSignal;
  /** Keys written so far, of the keys under the prefix at the export's revision. */
  onProgress?: (done: number, total: number) => void;
  /** Keys per read (default 500). */
  pageSize?: number;
}

export interface ExportResult {
  keys: number;
  /** Key + value bytes exported. */
  bytes: number;
  /** The revision every key was read at. */
  revision: number;
  /** Keys attached to a lease, and the distinct leases. */
  leasedKeys: number;
  leases: number;
  /** YAML variant: keys written as decoded objects (the rest carry their bytes as base64). */
  decoded?: number;
}

/** Writes every key under `prefix` to `write` (awaited, so a slow sink slows the reads). */
export async function exportPrefix(
  conn: EtcdConnection,
  prefix: Uint8Array,
  write: (text: string) => Promise<void> | void,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const format = opts.format ?? 'jsonl';
  const p = Buffer.from(prefix);
  const result: ExportResult = { keys: 0, bytes: 0, revision: 0, leasedKeys: 0, leases: 0, ...(format === 'yaml' ? { decoded: 0 } : {}) };
  const ttls = new Map<string, number>();
  if (format === 'yaml') await write(YAML_HEADER);
  const pages = scanRange(conn, {
    key: p.length ? p : Buffer.from([0]),
    rangeEnd: prefixRangeEnd(p),
    pageSize: opts.pageSize ?? 500,
    signal: opts.signal,
    what: 'export keys',
    cancelled: () => new EtcdStudioError('Cancelled', 'The export was cancelled; the file is incomplete and was not kept.'),
  });
  for await (const page of pages) {
    result.revision = page.revision;
    const total = result.keys + page.count;
    let text = '';
    for (const kv of page.kvs) {
      const leaseId = String(kv.lease ?? '0');
      let lease: { id: string; ttl: number } | undefined;
      if (leaseId !== '0') {
        const id = BigInt(leaseId).toString(16);
        let ttl = ttls.get(id);
        if (ttl === undefined) {
          ttl = Number((await conn.leaseTimeToLive(leaseId, false)).TTL);
          ttls.set(id, ttl);
        }
        // A lease that ended after the read: the key is gone from the cluster too; keep it without a lease.
        if (ttl > 0) lease = { id, ttl };
      }
      if (lease) result.leasedKeys++;
      const record = { key: kv.key, value: kv.value, lease };
      if (format === 'jsonl') text += jsonLine(record);
      else {
        const doc = yamlDocument(record);
        text += doc.text;
        if (doc.decoded) result.decoded!++;
      }
      result.keys++;
      result.bytes += kv.key.length + kv.value.length;
    }
    await write(text);
    opts.onProgress?.(result.keys, total);
  }
  result.leases = [...ttls.values()].filter((t) => t > 0).length;
  if (!result.revision) result.revision = Number((await conn.status()).revision);
  return result;
}

/** Exports to a file: written beside it and renamed when complete, so a failed export leaves no partial file. */
export async function exportToFile(
  conn: EtcdConnection,
  prefix: Uint8Array,
  file: string,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = (text: string) =>
    out.write(text) ? undefined : Promise.race([new Promise<void>((resolve) => out.once('drain', resolve)), failed]);
  try {
    const result = await Promise.race([exportPrefix(conn, prefix, write, opts), failed]);
    await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
    await rename(partial, file);
    return result;
  } catch (e) {
    out.destroy();
    await rm(partial, { force: true });
    throw e;
  }
}
