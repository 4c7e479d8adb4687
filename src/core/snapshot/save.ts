/**
 * Saving a snapshot from a live member, streamed and verified. etcd's Maintenance.Snapshot streams
 * the bbolt file and then, as the last 32 bytes, the SHA-256 of everything before them (etcd
 * 3.4 v3rpc/maintenance.go); etcdctl keeps those bytes in the file (so the file size is 32 more
 * than a multiple of 512, its `hasChecksum` test) and `snapshot restore` checks them. Here the
 * stream goes to `<file>.part` like etcdctl writes it (large buffered writes, one fsync at the
 * end; see batchedWriter.ts), the digest is computed as it arrives, the file is fsynced and
 * opened as an etcd db, and only then renamed to `file`. A cancelled or failed save
 * removes the partial file and leaves no `file` behind.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EtcdConnection } from '../etcd/connection';
import { EtcdStudioError } from '../errors';
import { BatchedWriter } from './batchedWriter';
import { openEtcdDb } from './etcdDb';
import { parseRevisionKey } from './revision';
import type { SnapshotStream } from '../etcd/etcd3Adapter';

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

/**
 * SHA-256 of everything but the last 32 bytes seen, which are held back because they may be
 * etcd's digest. Whole chunks are hashed in place; only the 32-byte tail is ever copied.
 */
class TrailerHash {
  private readonly hash = createHash('sha256');
  private tail = Buffer.alloc(0);

  update(blob: Buffer): void {
    if (blob.length >= SHA256_BYTES) {
      if (this.tail.length) this.hash.update(this.tail);
      this.hash.update(blob.subarray(0, blob.length - SHA256_BYTES));
      this.tail = Buffer.from(blob.subarray(blob.length - SHA256_BYTES));
      return;
    }
    const joined = Buffer.concat([this.tail, blob]);
    const cut = Math.max(0, joined.length - SHA256_BYTES);
    this.hash.update(joined.subarray(0, cut));
    this.tail = joined.subarray(cut);
  }

  /** [digest of the data, the held-back trailer]. */
  finish(): [Buffer, Buffer] {
    return [this.hash.digest(), this.tail];
  }
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
    stream = await conn.openSnapshotStream(opts.signal).catch((e: unknown) => {
      throw opts.signal?.aborted ? cancelled() : e;
    });
    const hash = new TrailerHash();
    const writer = new BatchedWriter(fh);
    let bytes = 0;
    let total: number | undefined;
    try {
      const s = stream;
      await new Promise<void>((resolve, reject) => {
        s.on('data', (msg) => {
          try {
            const blob = msg.blob;
            total ??= bytes + blob.length + msg.remaining + SHA256_BYTES;
            hash.update(blob);
            bytes += blob.length;
            if (!writer.push(blob)) {
              s.pause();
              writer.drain(() => s.resume());
            }
            opts.onProgress?.(bytes, total);
          } catch (e) {
            s.cancel();
            reject(e);
          }
        });
        s.on('end', resolve);
        s.on('error', reject);
      });
      await writer.finish();
    } catch (e) {
      if (opts.signal?.aborted) throw cancelled();
      if (e instanceof EtcdStudioError) throw e;
      // Streams fail with grpc errors, writes with Node's; map them like every other call.
      const err = conn.streamError('snapshot stream', e);
      if (err.code !== 'Timeout' && err.code !== 'Unavailable') throw err;
      // A member that froze, stopped or went away mid-stream (keepalive noticed the silence).
      throw new EtcdStudioError(
        err.code,
        `${conn.profile.endpoints.join(',')} stopped answering during the snapshot after ${bytes.toLocaleString('en-US')} bytes (${err.detail ?? err.message}); no file was left behind. Check the member (etcd-studio status) and save again.`,
        err.detail,
      );
    }
    if (opts.signal?.aborted) throw cancelled();
    if (bytes % 512 !== SHA256_BYTES) {
      throw new EtcdStudioError(
        'Corrupt',
        `The snapshot stream ended after ${bytes} bytes without etcd's SHA-256 trailer (the size is not a multiple of 512 plus 32): it was cut short. Try again.`,
      );
    }
    const [digest, trailer] = hash.finish();
    if (!digest.equals(trailer)) {
      throw new EtcdStudioError(
        'Corrupt',
        `The snapshot received from ${conn.profile.endpoints.join(',')} fails its SHA-256 check (etcd sent ${trailer.toString('hex')}, the data hashes to ${digest.toString('hex')}); it was damaged in transit. Try again.`,
      );
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
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}
