/**
 * `etcdutl snapshot status` (etcdctl's on etcd 3.4) in TypeScript. Every release walks the
 * top-level buckets in name order and feeds a CRC-32C with each bucket's name, then each entry's key
 * and value (a nested bucket's entry contributes its key only, as bbolt's ForEach gives it no
 * value); it takes the revision from the last key of the `key` bucket and reports bbolt's tx.Size()
 * as the total size. The releases differ in "total keys" and in a fifth figure:
 *  - etcdctl 3.4 and etcdutl 3.5 count every entry of every bucket (meta, members, auth… included);
 *  - etcdutl 3.6+ counts the keys that are live as of the file's last revision (replaying the `key`
 *    bucket: a put adds its key, a tombstone removes it) and adds the file's storage version.
 * Which one applies is read from the file: etcd 3.6+ writes `meta/storageVersion`, older ones do not,
 * so a file gets the figures of the tool of the release that wrote it.
 */
import { corrupt, forEachLeaf, Page } from '../bbolt';
import { BUCKET_LEAF_FLAG } from '../bbolt/page';
import { EtcdStudioError } from '../errors';
import { Crc32c, hashWindow } from './crc32c';
import { openEtcdDb, readStorageVersion } from './etcdDb';
import { LiveKeyCounter } from './liveKeyCount';
import { parseRevisionAt } from './revision';

export interface SnapshotStatus {
  hash: number;
  revision: number;
  /** Live keys when `version` is set (etcdutl 3.6+), else every bucket entry (etcdctl 3.4, etcdutl 3.5). */
  totalKey: number;
  totalSize: number;
  /** The file's storage version ("3.6.0"; written by etcd 3.6+), '' for files of older releases. */
  version: string;
}

export interface ScanOptions {
  signal?: AbortSignal;
  /** Bytes read from the file so far, and the file's size. */
  onProgress?: (bytes: number, total: number) => void;
  cacheBytes?: number;
}

export interface StatusOptions extends ScanOptions {
  /**
   * The file's live keys when the caller already has them (an opened EtcdSnapshot's keyCount), so a
   * 3.6+ file is not indexed a second time just to count them.
   */
  liveKeyCount?: number;
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new EtcdStudioError('Cancelled', `${what} was cancelled.`);
}

export async function snapshotStatus(file: string, opts: StatusOptions = {}): Promise<SnapshotStatus> {
  const { db, metaBucket } = openEtcdDb(file, { cacheBytes: opts.cacheBytes });
  // Pages are read where the CRC reads them (wasm memory): every bucket's scan shares this window.
  const window = hashWindow();
  try {
    const version = readStorageVersion(metaBucket);
    const live = version && opts.liveKeyCount === undefined ? new LiveKeyCounter(file) : undefined;
    const h = new Crc32c();
    let revision = 0;
    let entries = 0;
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
          entries += n;
          hashLeaf(h, page);
          if (!isKeyBucket) return;
          const [last, lastEnd] = page.leafKeyRange(n - 1);
          revision = parseRevisionAt(page.buf, last, lastEnd, file).main;
          live?.addLeaf(page);
        },
        { pause, window: window?.buf },
      );
    }
    const totalKey = !version
      ? entries
      : (opts.liveKeyCount ?? (await live!.count(db.bucket(KEY_BUCKET)!, { pause, window: window?.buf })));
    opts.onProgress?.(db.bytesRead, db.fileSize);
    return { hash: h.digest(), revision, totalKey, totalSize: db.size, version };
  } finally {
    window?.release();
    db.close();
  }
}

/** What "total keys" means for this status, for labels next to the figure. */
export function totalKeyMeaning(s: SnapshotStatus): string {
  return s.version
    ? 'live keys, as etcdutl 3.6+ counts them'
    : 'bucket entries (etcd metadata included), as etcdctl 3.4 and etcdutl 3.5 count them';
}

/**
 * etcdctl's per-entry hashing (key, then value unless the entry is a nested bucket) over one leaf.
 * bbolt stores a leaf's keys and values back to back, so that is usually one update of the page.
 */
function hashLeaf(h: Crc32c, page: Page): void {
  const range = page.leafDataRange();
  if (range) {
    h.updateRange(page.buf, range[0], range[1]);
    return;
  }
  for (let i = 0; i < page.count; i++) {
    h.update(page.leafKey(i));
    if ((page.leafFlags(i) & BUCKET_LEAF_FLAG) === 0) h.update(page.leafValue(i));
  }
}

const KEY_BUCKET = Buffer.from('key');
