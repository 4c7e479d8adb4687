/**
 * A key's earlier revisions, found by walking back through mod_revisions: read the key as of
 * (mod_revision - 1), which returns the version before, and so on. Stops at the key's creation,
 * at a deletion gap, or where etcd has compacted the history.
 */
import { EtcdStudioError } from '../errors';
import { EtcdConnection } from './connection';
import { getKey, StoredValue } from './kv';

export interface KeyHistory {
  /** Newest first; the first entry is the current value (when the key exists). */
  revisions: StoredValue[];
  /** Set when older revisions exist but were compacted away: history is complete from here on. */
  compactedBefore?: number;
  /** True when more revisions exist than `limit` allowed. */
  truncated: boolean;
}

function isCompacted(e: unknown): boolean {
  return e instanceof EtcdStudioError && /compacted/i.test(`${e.message} ${e.detail ?? ''}`);
}

export async function keyHistory(
  conn: EtcdConnection,
  key: Buffer,
  opts: { limit?: number; fromRevision?: number; signal?: AbortSignal } = {},
): Promise<KeyHistory> {
  const limit = opts.limit ?? 100;
  const revisions: StoredValue[] = [];
  let at: number | undefined = opts.fromRevision;
  for (;;) {
    opts.signal?.throwIfAborted();
    let kv: StoredValue | undefined;
    try {
      kv = await getKey(conn, key, at);
    } catch (e) {
      if (isCompacted(e) && at !== undefined) return { revisions, compactedBefore: at + 1, truncated: false };
      throw e;
    }
    if (!kv) return { revisions, truncated: false };
    if (revisions.length >= limit) return { revisions, truncated: true };
    revisions.push(kv);
    if (kv.modRevision <= 1) return { revisions, truncated: false };
    at = kv.modRevision - 1;
  }
}
