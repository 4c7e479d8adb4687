/**
 * An etcd snapshot (or stopped member's db file) as a read-only keyspace: the newest non-deleted
 * revision of every key, as of the snapshot's revision. Opening reads the `key` bucket once to
 * build a compact key index (see keyIndex.ts); lookups then read single values on demand.
 */
import type { BoltDb, Bucket } from '../bbolt';
import { corrupt } from '../bbolt';
import { EtcdMeta, openEtcdDb, readEtcdMeta } from './etcdDb';
import { buildKeyIndex, KeyIndex } from './keyIndex';
import { decodeKeyValue } from './keyValue';
import { revisionKey } from './revision';
import { ScanOptions } from './status';

export interface SnapshotValue {
  value: Buffer;
  version: number;
  modRevision: number;
  createRevision: number;
  /** Lease id in hex as etcdctl prints it, '0' when none. */
  lease: string;
}

export interface SnapshotKeysOptions {
  /** Only keys starting with these bytes (default: all keys). */
  prefix?: Uint8Array;
  /** Only keys >= this (a resume point). */
  after?: Uint8Array;
  limit?: number;
}

export class EtcdSnapshot implements EtcdMeta {
  /**
   * The store revision etcd would resume at from this file: the newest revision in it, or a later
   * compaction revision (etcd's mvcc restore does the same). `snapshotStatus` reports etcdctl's
   * figure, the newest revision in the `key` bucket, which is the same unless the last writes were
   * deletes that a compaction then removed.
   */
  readonly revision: number;
  readonly consistentIndex: number;
  readonly compactRevision: number;
  readonly scheduledCompactRevision: number;
  readonly storageVersion: string;

  constructor(
    readonly file: string,
    private readonly db: BoltDb,
    private readonly keyBucket: Bucket,
    meta: EtcdMeta,
    readonly index: KeyIndex,
  ) {
    this.consistentIndex = meta.consistentIndex;
    this.compactRevision = meta.compactRevision;
    this.scheduledCompactRevision = meta.scheduledCompactRevision;
    this.storageVersion = meta.storageVersion;
    this.revision = Math.max(index.lastRevision, meta.compactRevision, meta.scheduledCompactRevision);
  }

  /** Live keys in the snapshot. */
  get keyCount(): number {
    return this.index.count;
  }

  /** Memory the key index takes, in bytes. */
  get indexBytes(): number {
    return this.index.bytes;
  }

  /** Live keys in byte order, optionally under a prefix, from a resume point, at most `limit`. */
  *keys(opts: SnapshotKeysOptions = {}): Generator<Buffer> {
    const prefix = opts.prefix ?? Buffer.alloc(0);
    const from = opts.after && Buffer.compare(opts.after, prefix) > 0 ? opts.after : prefix;
    let n = 0;
    for (let i = this.index.lowerBound(from); i < this.index.count && n < (opts.limit ?? Infinity); i++, n++) {
      const key = this.index.key(i);
      if (!startsWith(key, prefix)) return;
      yield key;
    }
  }

  /** The latest value of a key as of the snapshot, or undefined when it is absent or deleted. */
  get(key: Uint8Array): SnapshotValue | undefined {
    const i = this.index.find(key);
    if (i < 0) return undefined;
    const { value, version, modRevision, createRevision, lease } = this.readAt(i);
    return { value, version, modRevision, createRevision, lease };
  }

  /** The stored KeyValue of the i-th indexed key (re-read from the file by revision). */
  readAt(i: number): SnapshotValue & { key: Buffer } {
    const rev = this.index.revision(i);
    const rk = revisionKey(rev);
    const e = this.keyBucket.cursor().seek(rk);
    if (!e || !e.key.subarray(0, rk.length).equals(rk)) {
      throw corrupt(
        this.file,
        `revision ${rev.main}_${rev.sub} was in the "key" bucket when it was indexed and is gone now: the file changed while open`,
      );
    }
    const kv = decodeKeyValue(e.value, () => `${this.file} (revision ${rev.main}_${rev.sub})`);
    const { key, value, version, modRevision, createRevision, lease } = kv;
    return { key: Buffer.from(key), value: Buffer.from(value), version, modRevision, createRevision, lease };
  }

  close(): void {
    this.db.close();
  }
}

function startsWith(key: Buffer, prefix: Uint8Array): boolean {
  return key.length >= prefix.length && key.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/**
 * Opens an etcd snapshot file (`etcdctl snapshot save`, or `member/snap/db` of a stopped etcd) for
 * browsing. Reads the whole `key` bucket once (progress in bytes; cancellable); close() when done.
 */
export async function openSnapshot(file: string, opts: ScanOptions = {}): Promise<EtcdSnapshot> {
  const { db, keyBucket, metaBucket } = openEtcdDb(file, { cacheBytes: opts.cacheBytes });
  try {
    const meta = readEtcdMeta(metaBucket);
    const index = await buildKeyIndex(keyBucket, { ...opts, fileSize: db.fileSize, bytesRead: () => db.bytesRead });
    opts.onProgress?.(db.fileSize, db.fileSize);
    return new EtcdSnapshot(file, db, keyBucket, meta, index);
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The latest value of `key` in an open snapshot, or undefined when absent or deleted. */
export function getSnapshotKey(snap: EtcdSnapshot, key: Uint8Array): SnapshotValue | undefined {
  return snap.get(key);
}
