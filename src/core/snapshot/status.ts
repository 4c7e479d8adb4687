/**
 * `etcdctl snapshot status` (etcd 3.4, clientv3/snapshot Status) in TypeScript. etcdctl walks the
 * top-level buckets in name order and feeds a CRC-32C with each bucket's name, then each entry's key
 * and value (a nested bucket's entry contributes its key only, as bbolt's ForEach gives it no
 * value); it counts every entry as a key, takes the revision from the last key of the `key` bucket,
 * and reports bbolt's tx.Size() as the total size. The same walk here gives the same four figures.
 */
import { corrupt } from '../bbolt';
import { EtcdStudioError } from '../errors';
import { Crc32c } from './crc32c';
import { openEtcdDb } from './etcdDb';
import { parseRevisionKey } from './revision';

export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

export interface ScanOptions {
  signal?: AbortSignal;
  /** Bytes read from the file so far, and the file's size. */
  onProgress?: (bytes: number, total: number) => void;
  cacheBytes?: number;
}

/** Entries between yields to the event loop (and progress and abort checks) during a long scan. */
export const SCAN_BATCH = 4096;

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new EtcdStudioError('Cancelled', `${what} was cancelled.`);
}

export async function snapshotStatus(file: string, opts: ScanOptions = {}): Promise<SnapshotStatus> {
  const { db } = openEtcdDb(file, { cacheBytes: opts.cacheBytes });
  try {
    const h = new Crc32c();
    let revision = 0;
    let totalKey = 0;
    let sinceYield = 0;
    for (const top of db.root.entries()) {
      if (!top.isBucket) throw corrupt(file, `top-level key ${JSON.stringify(top.key.toString('latin1'))} is not a bucket (etcdctl: cannot get hash of bucket)`);
      const bucket = db.bucket(top.key)!;
      h.update(top.key);
      const isKeyBucket = top.key.equals(KEY_BUCKET);
      const c = bucket.cursor();
      for (let e = c.first(); e; e = c.next()) {
        h.update(e.key);
        if (!e.isBucket) h.update(e.value);
        if (isKeyBucket) revision = parseRevisionKey(e.key, file).main;
        totalKey++;
        if (++sinceYield === SCAN_BATCH) {
          sinceYield = 0;
          await new Promise((r) => setImmediate(r));
          throwIfAborted(opts.signal, `Reading the status of ${file}`);
          opts.onProgress?.(db.bytesRead, db.fileSize);
        }
      }
    }
    opts.onProgress?.(db.bytesRead, db.fileSize);
    return { hash: h.digest(), revision, totalKey, totalSize: db.size };
  } finally {
    db.close();
  }
}

const KEY_BUCKET = Buffer.from('key');
