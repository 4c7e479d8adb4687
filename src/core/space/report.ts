/** What a space analysis reports, live or from a snapshot file. */
import type { HistoryStat, KeyStat, SpaceNode } from './spaceTree';

/** The db file of one member (live) or the snapshot file itself. */
export interface StorageStat {
  /** Member name and endpoint, or the file path. */
  name: string;
  /** Bytes of the db file. */
  dbSize?: number;
  /** Bytes in use (the rest is free pages that only a defragmentation returns). */
  dbSizeInUse?: number;
  error?: string;
}

export interface SpaceReport {
  source: 'live' | 'snapshot';
  /** Connection name or snapshot file. */
  target: string;
  prefix: Buffer;
  depth: number;
  /** The revision every figure was read at. */
  revision: number;
  /** The oldest revision still stored (etcd's compact revision; 1 when never compacted). */
  compactRevision?: number;
  root: SpaceNode;
  /** The largest keys under the prefix, largest first. */
  largest: KeyStat[];
  /** Snapshots only: the keys holding the most revisions. */
  mostRevisions?: KeyStat[];
  /** Snapshots only: history under the prefix, as in root.history. */
  history?: HistoryStat;
  storage: StorageStat[];
  /** What the analysis cost. */
  stats: { ms: number; requests?: number; bytesRead: number };
}

/** The share of a db file that is free pages (0–1), when both sizes are known. */
export function fragmentation(s: StorageStat): number | undefined {
  if (!s.dbSize || s.dbSizeInUse === undefined) return undefined;
  return Math.max(0, 1 - s.dbSizeInUse / s.dbSize);
}

/** Finds the node of `prefix` in a report tree (undefined when it is not expanded there). */
export function findNode(root: SpaceNode, prefix: Buffer): SpaceNode | undefined {
  let node: SpaceNode | undefined = root;
  while (node && !node.prefix.equals(prefix)) {
    node = node.children.find((c) => prefix.length >= c.prefix.length && prefix.subarray(0, c.prefix.length).equals(c.prefix));
  }
  return node;
}
