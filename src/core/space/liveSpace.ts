/**
 * Space analysis of a live cluster: every key and value under the prefix read once at one revision
 * (scanPrefix), aggregated per child prefix as responses arrive, plus each member's db size and use
 * and the compaction point — gathered alongside the scan.
 */
import type { EtcdConnection } from '../etcd/connection';
import { findCompactRevision } from '../etcd/compaction';
import { endpointStatus } from '../etcd/endpoints';
import { listMembers } from '../etcd/members';
import { errorMessage } from '../errors';
import { listChildren } from '../keytree/listChildren';
import { scanPrefix } from '../scan/prefixScan';
import type { SpaceReport, StorageStat } from './report';
import { AggregateOptions, KeyFigures, SpaceAggregator } from './spaceTree';

export interface LiveSpaceOptions extends AggregateOptions {
  signal?: AbortSignal;
  /** Keys read so far and the total expected. */
  onProgress?: (keys: number, total: number) => void;
  /** Requests in flight (default: the scanner's). */
  concurrency?: number;
  /** Read at this revision (default: the newest). */
  revision?: number;
}

/** db size and in-use of every member, each asked on its own client URL (a dead one reports its error). */
export async function memberStorage(conn: EtcdConnection): Promise<StorageStat[]> {
  let targets: { name: string; url: string }[];
  try {
    const members = await listMembers(conn);
    targets = members.filter((m) => m.clientUrls[0]).map((m) => ({ name: m.name || m.id, url: m.clientUrls[0] }));
  } catch {
    targets = [];
  }
  if (!targets.length) targets = conn.profile.endpoints.map((e) => ({ name: e, url: e }));
  return Promise.all(
    targets.map(async (t): Promise<StorageStat> => {
      const s = await endpointStatus(conn.profile, t.url, conn.connectOptions);
      const name = t.name === t.url ? t.url : `${t.name} (${t.url})`;
      if ('error' in s) return { name, error: s.error };
      return { name, dbSize: s.dbSize, dbSizeInUse: s.dbSizeInUse || undefined };
    }),
  );
}

export async function analyzeLiveSpace(conn: EtcdConnection, prefix: Buffer, opts: LiveSpaceOptions = {}): Promise<SpaceReport> {
  const started = Date.now();
  const agg = new SpaceAggregator(prefix, opts);
  const f: KeyFigures = { valueBytes: 0, modRevision: 0, createRevision: 0, version: 0, live: true };
  // Cluster facts do not depend on the scan: ask for them while it runs (failures are reported, not fatal).
  const storage = memberStorage(conn).catch((e): StorageStat[] => [{ name: conn.profile.name, error: errorMessage(e) }]);
  const scan = await scanPrefix(
    conn,
    prefix,
    (kvs) => {
      const { buf, offsets, numbers } = kvs;
      for (let i = 0; i < kvs.length; i++) {
        const o = i * 4;
        f.valueBytes = offsets[o + 3] - offsets[o + 2];
        f.createRevision = numbers[i * 3];
        f.modRevision = numbers[i * 3 + 1];
        f.version = numbers[i * 3 + 2];
        agg.add(buf, offsets[o], offsets[o + 1], f);
      }
    },
    { revision: opts.revision, signal: opts.signal, onProgress: opts.onProgress, concurrency: opts.concurrency },
  );
  const compactRevision = await findCompactRevision(conn, scan.revision, opts.signal).catch(() => undefined);
  const { root, largest } = agg.result();
  return {
    source: 'live',
    target: conn.profile.name,
    prefix: Buffer.from(prefix),
    depth: opts.depth ?? 1,
    revision: scan.revision,
    compactRevision,
    root,
    largest,
    storage: await storage,
    stats: { ms: Date.now() - started, requests: scan.requests, bytesRead: scan.bytes },
  };
}

/**
 * Where a view of `prefix` is worth starting: down through levels that hold nothing but one child
 * prefix ('' -> '/' -> '/registry/' in a Kubernetes keyspace), as the key tree opens them.
 */
export async function firstBranchingPrefix(conn: EtcdConnection, prefix: Buffer, signal?: AbortSignal): Promise<Buffer> {
  let at = prefix;
  for (let i = 0; i < 16; i++) {
    const { children } = await listChildren(conn, at, { limit: 2, signal });
    if (children.length !== 1 || children[0].kind !== 'prefix') return at;
    at = children[0].key;
  }
  return at;
}
