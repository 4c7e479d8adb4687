/**
 * The revision etcd last compacted to. etcd reports it nowhere directly (HashKV does, but hashes the
 * whole keyspace to do so), so it is found by bisection: a read at a revision below the compaction
 * point fails with "required revision has been compacted", one at or above it succeeds. Each probe is
 * a point read of one key (no interval to count), ~30 in all. Linearizable, so a lagging follower never
 * answers "future revision".
 */
import { EtcdStudioError } from '../errors';
import type { EtcdConnection } from './connection';

/** Whether etcd refused a read because its revision was compacted. */
export function isCompacted(e: unknown): boolean {
  return e instanceof EtcdStudioError && /required revision has been compacted/.test(`${e.detail ?? ''} ${e.message}`);
}

/**
 * The oldest revision still readable (etcd's compact revision; 1 when never compacted), given the
 * current revision.
 */
export async function findCompactRevision(conn: EtcdConnection, current: number, signal?: AbortSignal): Promise<number> {
  const readable = async (rev: number): Promise<boolean> => {
    try {
      await conn.rangeRaw({ key: Buffer.from([0]), revision: rev, keysOnly: true }, 'find compaction', signal);
      return true;
    } catch (e) {
      if (isCompacted(e)) return false;
      throw e;
    }
  };
  if (current <= 1 || (await readable(1))) return 1;
  // Invariant: lo is compacted, hi is readable.
  let lo = 1;
  let hi = current;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await readable(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
