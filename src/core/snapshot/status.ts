/**
 * `etcdctl snapshot status` (etcd 3.4, clientv3/snapshot Status) in TypeScript. etcdctl walks the
 * top-level buckets in name order and feeds a CRC-32C with each bucket's name, then each entry's key
 * and value (a nested bucket's entry contributes its key only, as bbolt's ForEach gives it no
 * value); it counts every entry as a key, takes the revision from the last key of the `key` bucket,
 * and reports bbolt's tx.Size() as the total size. The same walk here gives the same four figures.
 */
import { corrupt, forEachLeaf, Page } from '../bbolt';
import { BUCKET_LEAF_FLAG } from '../bbolt/page';
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

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new EtcdStudioError('Cancelled', `${what} was cancelled.`);
}

export async function snapshotStatus(file: string, opts: ScanOptions = {}): Promise<SnapshotStatus> {
  const { db } = openEtcdDb(file, { cacheBytes: opts.cacheBytes });
  try {
    const h = new Crc32c();
    let revision = 0;
    let totalKey = 0;
    const pause = async () => {
      await new Promise((r) => setImmediate(r));
      throwIfAborted(opts.signal, `Reading the status of ${file}`);
      opts.onProgress?.(db.bytesRead, db.fileSize);
    };
    for (const top of db.root.entries()) {
      if (!top.isBucket)
        throw corrupt(
          file,
          `top-level key ${JSON.stringify(top.key.toString('latin1'))} is not a bucket (etcdctl: cannot get hash of bucket)`,
        );
      const bucket = db.bucket(top.key)!;
      h.update(top.key);
      const isKeyBucket = top.key.equals(KEY_BUCKET);
      await forEachLeaf(
        bucket,
        (page) => {
          const n = page.count;
          if (!n) return;
          totalKey += n;
          hashLeaf(h, page);
          if (isKeyBucket) revision = parseRevisionKey(page.leafKey(n - 1), file).main;
        },
        { pause },
      );
    }
    opts.onProgress?.(db.bytesRead, db.fileSize);
    return { hash: h.digest(), revision, totalKey, totalSize: db.size };
  } finally {
    db.close();
  }
}

/**
 * etcdctl's per-entry hashing (key, then value unless the entry is a nested bucket) over one leaf.
 * bbolt stores a leaf's keys and values back to back, so that is usually one update of the page.
 */
function hashLeaf(h: Crc32c, page: Page): void {
  const range = page.leafDataRange();
  if (range) {
    h.update(page.buf.subarray(range[0], range[1]));
    return;
  }
  for (let i = 0; i < page.count; i++) {
    h.update(page.leafKey(i));
    if ((page.leafFlags(i) & BUCKET_LEAF_FLAG) === 0) h.update(page.leafValue(i));
  }
}

const KEY_BUCKET = Buffer.from('key');
