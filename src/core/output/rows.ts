/**
 * The rows etcdctl's simple and table printers share (ctlv3/command/printer.go's make*Table), per
 * etcdctl release, and the shared bits of etcd Studio's own listings.
 */
import type { DoctorReport } from '../doctor/finding';
import type { EndpointStatus } from '../etcd/connection';
import type { IMemberListResponse } from '../etcd/etcd3Adapter';
import type { EndpointHealth } from '../etcd/endpoints';
import type { HashKvResult } from '../etcd/maintenance';
import { humanBytes } from '../format';
import type { EtcdctlStyle } from './etcdctlStyle';
import { goDurationMs } from './goText';
import { wrapText } from './table';
import type { SnapshotStatus } from '../snapshot/status';
import type { ChildRow } from './printer';

export type Table = { header: string[]; rows: string[][] };

export function memberListTable(r: IMemberListResponse): Table {
  return {
    header: ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'],
    rows: r.members.map((m) => [
      BigInt(m.ID).toString(16),
      m.name ? 'started' : 'unstarted',
      m.name,
      (m.peerURLs ?? []).join(','),
      (m.clientURLs ?? []).join(','),
      String(Boolean(m.isLearner)),
    ]),
  };
}

export function endpointHealthTable(rows: EndpointHealth[]): Table {
  return {
    header: ['endpoint', 'health', 'took', 'error'],
    rows: rows.map((h) => [h.endpoint, String(h.health), goDurationMs(h.tookMs), h.error ?? '']),
  };
}

/** Go's `int(float64(100 - (inUse*100/size)))` with int64 division. */
function notInUse(s: EndpointStatus): string {
  return s.dbSize > 0 ? `${100 - Math.trunc((s.dbSizeInUse * 100) / s.dbSize)}%` : '0%';
}

/** etcdctl's endpoint status columns: 3.4's ten, and 3.6's sixteen (storage version, in use, quota, downgrade). */
const STATUS_COLUMNS = {
  'v3.4': ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'],
  'v3.6': [
    'endpoint',
    'ID',
    'version',
    'storage version',
    'db size',
    'in use',
    'percentage not in use',
    'quota',
    'is leader',
    'is learner',
    'raft term',
    'raft index',
    'raft applied index',
    'errors',
    'downgrade target version',
    'downgrade enabled',
  ],
};

function statusCells(s: EndpointStatus): Record<string, string> {
  return {
    endpoint: s.endpoint,
    ID: s.memberId,
    version: s.version,
    'storage version': s.storageVersion ?? '',
    'db size': humanBytes(s.dbSize),
    'in use': humanBytes(s.dbSizeInUse),
    'percentage not in use': notInUse(s),
    quota: humanBytes(s.dbSizeQuota ?? 0),
    'is leader': String(s.memberId === s.leader),
    'is learner': String(s.isLearner),
    'raft term': String(s.raftTerm),
    'raft index': String(s.raftIndex),
    'raft applied index': String(s.raftAppliedIndex),
    errors: s.errors.join(', '),
    'downgrade target version': s.downgrade?.targetVersion ?? '',
    'downgrade enabled': String(s.downgrade?.enabled ?? false),
  };
}

export function endpointStatusTable(rows: EndpointStatus[], style: EtcdctlStyle): Table {
  const header = STATUS_COLUMNS[style.statusColumns];
  return { header, rows: rows.map((s) => header.map((column) => statusCells(s)[column])) };
}

export function endpointHashKvTable(rows: HashKvResult[], style: EtcdctlStyle): Table {
  return style.hashRevision
    ? { header: ['endpoint', 'hash', 'hash_revision'], rows: rows.map((h) => [h.endpoint, String(h.hash), String(h.hashRevision ?? 0)]) }
    : { header: ['endpoint', 'hash'], rows: rows.map((h) => [h.endpoint, String(h.hash)]) };
}

/** The columns of `ls -w table` (and `snapshot ls`, which has no Kubernetes column). */
export function childrenTable(rows: ChildRow[], kubernetes: boolean): Table {
  const header = ['name', 'keys', 'size', 'mod revision', 'version', 'lease', ...(kubernetes ? ['kubernetes'] : [])];
  return {
    header,
    rows: rows.map(({ child: c, kubernetes: k8s }) => [
      ...(c.kind === 'prefix'
        ? [c.segment, String(c.count ?? ''), '', '', '', '']
        : [c.segment, '', humanBytes(c.size), String(c.modRevision), String(c.version), c.lease === '0' ? '' : c.lease]),
      ...(kubernetes ? [k8s ?? ''] : []),
    ]),
  };
}

/** `snapshot status`: hash (hex), revision, total keys, total size, and the storage version when the file has one. */
export function snapshotStatusRow(s: SnapshotStatus): string[] {
  return [s.hash.toString(16), String(s.revision), String(s.totalKey), humanBytes(s.totalSize), ...(s.version ? [s.version] : [])];
}

/** "42.1 ms", "97 %", "3 changes": a doctor finding's figure with its unit. */
function figure(value: number | undefined, unit: string | undefined): string {
  if (value === undefined) return '';
  const n = Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return unit === '%' ? `${n} %` : unit ? `${n} ${unit}` : n;
}

/** The doctor's first line: which connection, over what window, when. */
export function doctorHeading(r: DoctorReport): string {
  const window = r.windowSeconds === null ? 'single sample' : `window ${r.windowSeconds} s`;
  return `etcd doctor: connection "${r.connection}", ${window}, ${r.at}`;
}

/** "1 error, 2 warnings, 0 notes". */
export function doctorCounts(r: DoctorReport): string {
  const n = (s: string, noun: string) => {
    const c = r.findings.filter((f) => f.severity === s).length;
    return `${c} ${noun}${c === 1 ? '' : 's'}`;
  };
  return `${n('error', 'error')}, ${n('warning', 'warning')}, ${n('info', 'note')}`;
}

/** The doctor's findings as rows: severity, check, member, measured, threshold, message. */
export function doctorFindingsTable(r: DoctorReport, messageWidth: number): Table {
  return {
    header: ['severity', 'check', 'member', 'measured', 'threshold', 'message'],
    rows: r.findings.map((f) => [
      f.severity,
      f.id,
      f.member ?? 'cluster',
      figure(f.measured, f.unit),
      figure(f.threshold, f.unit),
      wrapText(f.message, messageWidth),
    ]),
  };
}
