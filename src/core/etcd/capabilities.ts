/**
 * What an etcd release offers, by version: the one place that knows which features came or went
 * with which release, so the tree, the CLI and the commands can say "etcd 3.4.23 has no X (etcd 3.6
 * added it)" instead of passing on a gRPC "unknown method". Facts from etcd's API annotations
 * (`etcd_version_*` in rpc.proto), its changelogs, and what the releases under test do.
 */
import { EtcdStudioError } from '../errors';

export type FeatureId = 'v2Keyspace' | 'moveLeader' | 'hashKv' | 'learners' | 'authStatus' | 'downgrade' | 'storageVersion' | 'rangeStream';

export interface EtcdFeature {
  id: FeatureId;
  title: string;
  /** First release that has it (major.minor). */
  since?: string;
  /** First release that no longer has it. */
  removedIn?: string;
  /** Said next to the feature when it is available (a condition, or what etcd Studio does with it). */
  note?: string;
  /** Said when it is not available: what to do instead. */
  instead?: string;
}

export const FEATURES: readonly EtcdFeature[] = [
  {
    id: 'v2Keyspace',
    title: 'v2 keyspace (v2 API, ETCDCTL_API=2)',
    removedIn: '3.6',
    note: 'only when the server runs with --enable-v2; v2 keys are separate from the v3 keys etcd Studio shows',
    instead: 'etcd 3.6 dropped the v2 store; v2 keys must have been migrated to v3 (etcdctl migrate, etcd 3.5 or older) before upgrading',
  },
  { id: 'moveLeader', title: 'move leader', since: '3.3' },
  { id: 'hashKv', title: 'hash KV (endpoint hashkv)', since: '3.3' },
  {
    id: 'learners',
    title: 'learner members (member add --learner, member promote)',
    since: '3.4',
    instead: 'add the member as a voting member, with care: it counts towards quorum at once',
  },
  { id: 'authStatus', title: 'auth status (auth enabled, auth revision)', since: '3.5' },
  {
    id: 'downgrade',
    title: 'cluster downgrade (etcdctl downgrade validate|enable|cancel)',
    since: '3.6',
    instead: 'a downgrade needs etcd 3.6 or newer on every member; before that, restore a snapshot into the older release',
  },
  {
    id: 'storageVersion',
    title: 'storage version (in endpoint status and in snapshot files)',
    since: '3.6',
    note: 'a data dir or snapshot of storage version X opens only in etcd X or newer',
  },
  { id: 'rangeStream', title: 'streamed ranges (KV.RangeStream)', since: '3.7' },
];

/** "3.6.16" -> [3, 6]; anything unparsable -> undefined. */
export function minorOf(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** -1, 0, 1 as major.minor of `a` is below, equal to or above `b` (patch levels ignored). */
function compareMinor(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? Math.sign(a[0] - b[0]) : Math.sign(a[1] - b[1]);
}

export function hasFeature(version: string, f: EtcdFeature): boolean {
  const v = minorOf(version);
  if (!v) return true; // unknown versions (a proxy, a fork): assume the newest and let etcd answer
  if (f.since && compareMinor(v, minorOf(f.since)!) < 0) return false;
  if (f.removedIn && compareMinor(v, minorOf(f.removedIn)!) >= 0) return false;
  return true;
}

export interface Capabilities {
  /** The server version as etcd reports it, e.g. "3.6.16". */
  version: string;
  available: EtcdFeature[];
  unavailable: EtcdFeature[];
  /** The tool that reads and restores snapshot files for this release. */
  snapshotTool: 'etcdutl' | 'etcdctl';
}

export function capabilitiesOf(version: string): Capabilities {
  return {
    version,
    available: FEATURES.filter((f) => hasFeature(version, f)),
    unavailable: FEATURES.filter((f) => !hasFeature(version, f)),
    snapshotTool: snapshotToolFor(version),
  };
}

/** etcd 3.5 moved `snapshot status|restore` from etcdctl to etcdutl; 3.6 removed them from etcdctl. */
export function snapshotToolFor(version: string): 'etcdutl' | 'etcdctl' {
  const v = minorOf(version);
  return v && compareMinor(v, [3, 5]) < 0 ? 'etcdctl' : 'etcdutl';
}

/** Whether etcdctl of this version still has `snapshot restore|status` (3.4; 3.5 deprecated them; 3.6 removed them). */
export function etcdctlHasSnapshotRestore(etcdctlVersion: string): boolean {
  const v = minorOf(etcdctlVersion);
  return !v || compareMinor(v, [3, 6]) < 0;
}

/** Why a feature is missing on `version`, and what to do instead. */
export function unavailableReason(version: string, f: EtcdFeature): string {
  const why = f.removedIn ? `etcd ${f.removedIn} removed it` : `it came with etcd ${f.since}`;
  return `etcd ${version} has no ${f.title}: ${why}.${f.instead ? ` ${capitalize(f.instead)}.` : ''}`;
}

/** Whether `version` has the feature with this id. */
export function supports(version: string, id: FeatureId): boolean {
  return hasFeature(
    version,
    FEATURES.find((x) => x.id === id)!,
  );
}

/** Throws a clear error (naming the version and what to do) when `version` lacks the feature. */
export function requireFeature(version: string, id: FeatureId): void {
  const f = FEATURES.find((x) => x.id === id)!;
  if (!hasFeature(version, f)) throw new EtcdStudioError('Unsupported', unavailableReason(version, f));
}

/** One line per missing feature ("v2 keyspace … — removed in etcd 3.6"), for tooltips and the CLI. */
export function describeUnavailable(caps: Capabilities): string[] {
  return caps.unavailable.map((f) => `${f.title} — ${f.removedIn ? `removed in etcd ${f.removedIn}` : `needs etcd ${f.since}+`}`);
}

/** One line per available feature that comes with a condition ("v2 keyspace … — only when …"). */
export function describeNotes(caps: Capabilities): string[] {
  return caps.available.filter((f) => f.note).map((f) => `${f.title} — ${f.note}`);
}

/**
 * The oldest etcd that can open a data dir or snapshot of this storage version ("3.7.0" -> "3.7"):
 * etcd refuses newer storage ('version "3.7.0" is not supported'). '' when the file has none.
 */
export function minimumEtcdForStorage(storageVersion: string): string {
  const v = minorOf(storageVersion);
  return v ? `${v[0]}.${v[1]}` : '';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
