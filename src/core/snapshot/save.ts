/**
 * Saving a snapshot from a live member, streamed and verified. etcd's Maintenance.Snapshot streams
 * the bbolt file and then, as the last 32 bytes, the SHA-256 of everything before them (etcd
 * 3.4 v3rpc/maintenance.go); etcdctl keeps those bytes in the file (so the file size is 32 more
 * than a multiple of 512, its `hasChecksum` test) and `snapshot restore` checks them. Here the
 * stream goes to `<file>.part` with backpressure, the digest is checked as it arrives, the file
 * is fsynced and opened as an etcd db, and only then renamed to `file`. A cancelled or failed save
 * removes the partial file and leaves no `file` behind.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EtcdConnection } from '../etcd/connection';
import { EtcdStudioError } from '../errors';
import { openEtcdDb } from './etcdDb';
import { parseRevisionKey } from './revision';

const SHA256_BYTES = 32;

export interface SaveSnapshotOptions {
  signal?: AbortSignal;
  /** Bytes written so far, and the expected total once etcd has said how big the snapshot is. */
  onProgress?: (bytes: number, total?: number) => void;
}

export interface SaveSnapshotResult {
  file: string;
  /** Bytes written (the bbolt file plus etcd's 32-byte SHA-256). */
  bytes: number;
  /** The SHA-256 etcd sent (hex), checked against the bytes received. */
  sha256: string;
  /** The newest revision in the saved snapshot. */
  revision: number;
}

interface SnapshotMessage {
  remaining_bytes: string | number;
  blob: Buffer;
}

interface SnapshotStream extends AsyncIterable<SnapshotMessage> {
  cancel(): void;
}

/**
 * Opens the Maintenance.Snapshot stream. etcd3's `maintenance.snapshot()` passes its auth metadata
 * where grpc expects the request, so the token never reaches etcd and auth-enabled clusters refuse
 * the call; through the connection pool the arguments go in grpc's order. Falls back to the
 * public call if etcd3's internals ever change shape.
 */
async function openStream(conn: EtcdConnection): Promise<SnapshotStream> {
  const pool = (conn.client.maintenance as any).client;
  if (pool && typeof pool.withConnection === 'function') {
    return pool.withConnection('Maintenance', ({ client, metadata, resource }: any) => {
      const stream = client.snapshot({}, metadata, {});
      stream.on('error', (err: Error) => pool.markFailed?.(resource, err));
      return stream;
    });
  }
  return (await conn.client.maintenance.snapshot()) as unknown as SnapshotStream;
}

/** Streams a snapshot of the member `conn` reaches into `file` (see the file comment). */
export async function saveSnapshot(conn: EtcdConnection, file: string, opts: SaveSnapshotOptions = {}): Promise<SaveSnapshotResult> {
  const cancelled = () => new EtcdStudioError('Cancelled', `Saving the snapshot to ${file} was cancelled; no file was left behind.`);
  if (opts.signal?.aborted) throw cancelled();
  const part = `${file}.part`;
  const fh = await open(part, 'w', 0o600);
  let closed = false;
  let stream: SnapshotStream | undefined;
  const onAbort = () => stream?.cancel();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    stream = await conn.call('snapshot', () => openStream(conn));
    if (opts.signal?.aborted) stream.cancel();
    const hash = createHash('sha256');
    // The last 32 bytes seen so far are held back from the hash: they may be etcd's digest.
    let tail = Buffer.alloc(0);
    let bytes = 0;
    let total: number | undefined;
    try {
      for await (const msg of stream) {
        const blob = msg.blob;
        if (total === undefined) total = bytes + blob.length + Number(msg.remaining_bytes) + SHA256_BYTES;
        await fh.write(blob);
        const joined = Buffer.concat([tail, blob]);
        const cut = Math.max(0, joined.length - SHA256_BYTES);
        hash.update(joined.subarray(0, cut));
        tail = joined.subarray(cut);
        bytes += blob.length;
        opts.onProgress?.(bytes, total);
      }
    } catch (e) {
      if (opts.signal?.aborted) throw cancelled();
      // Streams fail with grpc errors; map them like every other call.
      await conn.call('snapshot stream', () => Promise.reject(e));
    }
    if (opts.signal?.aborted) throw cancelled();
    if (bytes % 512 !== SHA256_BYTES) {
      throw new EtcdStudioError('Corrupt', `The snapshot stream ended after ${bytes} bytes without etcd's SHA-256 trailer (the size is not a multiple of 512 plus 32): it was cut short. Try again.`);
    }
    const digest = hash.digest();
    if (!digest.equals(tail)) {
      throw new EtcdStudioError('Corrupt', `The snapshot received from ${conn.profile.endpoints.join(',')} fails its SHA-256 check (etcd sent ${tail.toString('hex')}, the data hashes to ${digest.toString('hex')}); it was damaged in transit. Try again.`);
    }
    await fh.sync();
    await fh.close();
    closed = true;
    const revision = verifyReadable(part);
    await rename(part, file);
    await syncDir(path.dirname(file));
    return { file, bytes, sha256: digest.toString('hex'), revision };
  } catch (e) {
    if (!closed) await fh.close().catch(() => undefined);
    await rm(part, { force: true });
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Opens the saved file as an etcd db (metas, buckets) and returns its newest revision. */
function verifyReadable(file: string): number {
  const { db, keyBucket } = openEtcdDb(file);
  try {
    const last = keyBucket.cursor().last();
    return last ? parseRevisionKey(last.key, file).main : 0;
  } finally {
    db.close();
  }
}

/** Makes the rename durable; not every platform can fsync a directory, so failures are ignored. */
async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try { await d.sync(); } finally { await d.close(); }
  } catch { /* best effort */ }
}
