/**
 * Opening a bbolt file as etcd's backend: it must hold etcd's `key` bucket (the MVCC log) and `meta`
 * bucket (consistent index, compaction revisions). Anything else is some other program's bbolt file.
 */
import { BoltDb, BoltOpenOptions, Bucket, corrupt } from '../bbolt';
import { mainRevision } from './revision';

export interface EtcdDb {
  db: BoltDb;
  keyBucket: Bucket;
  metaBucket: Bucket;
}

export interface EtcdMeta {
  /** Raft index of the last applied entry (0 when absent). */
  consistentIndex: number;
  /** Revision of the last finished compaction (0 when never compacted). */
  compactRevision: number;
  /** Revision of the last scheduled compaction (0 when none). */
  scheduledCompactRevision: number;
  /**
   * etcd's storage version (`meta/storageVersion`, e.g. "3.6.0"): written by etcd 3.6 and newer, and
   * the oldest etcd that can open the file; '' for files of etcd 3.5 and older.
   */
  storageVersion: string;
}

export function openEtcdDb(file: string, opts: BoltOpenOptions = {}): EtcdDb {
  const db = BoltDb.open(file, opts);
  try {
    const keyBucket = db.bucket('key');
    const metaBucket = db.bucket('meta');
    if (!keyBucket || !metaBucket) {
      const names = [...db.root.entries()].map((e) => JSON.stringify(e.key.toString('latin1')));
      const missing = [!keyBucket && '"key"', !metaBucket && '"meta"'].filter(Boolean).join(' and ');
      throw corrupt(
        file,
        `this bbolt file has no ${missing} bucket, so it is not an etcd v3 snapshot or data file (its buckets: ${names.join(', ') || 'none'})`,
      );
    }
    return { db, keyBucket, metaBucket };
  } catch (e) {
    db.close();
    throw e;
  }
}

export function readEtcdMeta(meta: Bucket): EtcdMeta {
  const ci = meta.get(Buffer.from('consistent_index'));
  const finished = meta.get(Buffer.from('finishedCompactRev'));
  const scheduled = meta.get(Buffer.from('scheduledCompactRev'));
  return {
    consistentIndex: ci && ci.length >= 8 ? ci.readUInt32BE(0) * 0x1_0000_0000 + ci.readUInt32BE(4) : 0,
    compactRevision: finished ? mainRevision(finished) : 0,
    scheduledCompactRevision: scheduled ? mainRevision(scheduled) : 0,
    storageVersion: readStorageVersion(meta),
  };
}

/** The storage version as etcd reads it (a semantic version, else none), '' when absent. */
export function readStorageVersion(meta: Bucket): string {
  const v = meta.get(Buffer.from('storageVersion'))?.toString('latin1') ?? '';
  return /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(v) ? v : '';
}
