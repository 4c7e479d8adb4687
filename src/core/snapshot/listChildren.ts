/**
 * One level of a snapshot's key tree, grouped by '/' exactly like the live listing
 * (keytree/listChildren.ts) and returning its `Child` shape, so the tree and the CLI show a snapshot
 * the same way as a live cluster. With the sorted key index this is a binary search per child:
 * a prefix child's count is the distance to the end of its range, without visiting its keys.
 */
import { EtcdStudioError } from '../errors';
import type { Child } from '../keytree/listChildren';
import { keyToText } from '../keytree/keyText';
import { prefixRangeEnd, skipPastChild } from '../keytree/rangeEnd';
import type { EtcdSnapshot } from './snapshot';

/**
 * The live listing's page size (keytree DEFAULT_LIMIT, 1000). Not imported: that module loads the
 * etcd client (grpc), which browsing a file does not need and which costs ~25 MB at startup.
 */
const DEFAULT_LIMIT = 1000;

export interface SnapshotChildrenOptions {
  /** Children per page (default 1000); `next` is set when there are more. */
  limit?: number;
  /** Resume point: the `next` of a previous page. */
  after?: Buffer;
}

export interface SnapshotChildrenResult {
  children: Child[];
  /** Pass as `after` for the next page; set when more children exist. */
  next?: Buffer;
  /** The snapshot's revision (every listing of a snapshot reads the same state). */
  revision: number;
}

/** The immediate children of `prefix` in the snapshot ('' lists the top level). */
export function listSnapshotChildren(snap: EtcdSnapshot, prefix: Buffer, opts: SnapshotChildrenOptions = {}): SnapshotChildrenResult {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new EtcdStudioError('InvalidArgument', `The page size must be a whole number of at least 1, got ${limit}.`);
  const index = snap.index;
  // The end of the prefix's keys; an all-0xff or empty prefix runs to the end of the index.
  const end = prefix.length && prefix.some((b) => b !== 0xff) ? index.lowerBound(prefixRangeEnd(prefix)) : index.count;
  const from = opts.after && Buffer.compare(opts.after, prefix) > 0 ? opts.after : prefix;
  const children: Child[] = [];
  let i = index.lowerBound(from);
  while (i < end) {
    const key = index.key(i);
    if (children.length === limit) return { children, next: Buffer.from(key), revision: snap.revision };
    const slash = key.indexOf(0x2f, prefix.length);
    if (slash >= 0) {
      const segment = key.subarray(prefix.length, slash + 1);
      const stop = Math.min(end, index.lowerBound(skipPastChild(prefix, segment)));
      children.push({ kind: 'prefix', key: Buffer.from(key.subarray(0, slash + 1)), segment: keyToText(segment), count: stop - i });
      i = stop;
    } else {
      const kv = snap.readAt(i);
      children.push({
        kind: 'key',
        key: Buffer.from(key),
        segment: keyToText(key.subarray(prefix.length)),
        version: kv.version,
        modRevision: kv.modRevision,
        createRevision: kv.createRevision,
        lease: kv.lease,
        size: kv.value.length,
      });
      i++;
    }
  }
  return { children, revision: snap.revision };
}
