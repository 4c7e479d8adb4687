/**
 * One printer per output format, as etcdctl is built (ctlv3/command/printer.go): commands fetch, a
 * printer prints. The CLI, the VS Code reports and the etcdctl scripts all print through these, so the
 * same response looks the same everywhere, and byte-identical to the etcdctl release that matches the
 * server (see etcdctlStyle.ts). etcd Studio's own listings (ls, leases, snapshot status) are printed by
 * the same printers, so `-w` means one thing across the CLI.
 */
import type { DoctorReport } from '../doctor/finding';
import type { EndpointStatus } from '../etcd/connection';
import type {
  IDeleteRangeResponse,
  ILeaseGrantResponse,
  ILeaseKeepAliveResponse,
  ILeaseLeasesResponse,
  ILeaseRevokeResponse,
  ILeaseTimeToLiveResponse,
  IMember,
  IMemberAddResponse,
  IMemberListResponse,
  IPutResponse,
  IRangeResponse,
  IResponseHeader,
  ITxnResponse,
} from '../etcd/etcd3Adapter';
import type { EndpointHealth } from '../etcd/endpoints';
import type { HashKvResult } from '../etcd/maintenance';
import { EtcdStudioError } from '../errors';
import type { Child } from '../keytree/listChildren';
import type { LeaseInfo } from '../leases/leases';
import type { GrepHit } from '../search/grep';
import type { SnapshotStatus } from '../snapshot/status';
import type { SpaceReport } from '../space/report';
import type { EtcdctlStyle } from './etcdctlStyle';

export type OutputFormat = 'simple' | 'json' | 'table' | 'fields';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['simple', 'json', 'table', 'fields'];

export interface PrintOptions {
  /** --hex: keys and values as \xNN. */
  hex?: boolean;
  /** --print-value-only. */
  valueOnly?: boolean;
  /** --count-only with simple output: just the count. */
  countOnly?: boolean;
}

/** What a health check printed: etcdctl writes unhealthy endpoints to stderr in the simple format. */
export interface Printed {
  stdout: string;
  stderr: string;
}

/** Alarms as etcd lists them (alarm names as etcd3 decodes them: NOSPACE or Nospace), or as disarmed (no header). */
export interface AlarmList {
  header?: IResponseHeader;
  alarms: { memberID: string; alarm: string | number }[];
}

/** What etcd answers a member remove or promote: the members after the change. */
export interface MemberChange {
  header: IResponseHeader;
  members?: IMember[];
}

/** One row of `ls` (a tree child) and, when listing a live cluster, what Kubernetes sees there. */
export interface ChildRow {
  child: Child;
  kubernetes?: string;
}

export interface Printer {
  readonly format: OutputFormat;
  readonly style: EtcdctlStyle;

  // etcdctl get / put / del / txn
  get(r: IRangeResponse): string;
  put(r: IPutResponse): string;
  del(r: IDeleteRangeResponse): string;
  txn(r: ITxnResponse): string;

  // etcdctl lease …; `id` in decimal
  grant(r: ILeaseGrantResponse): string;
  revoke(id: string, r: ILeaseRevokeResponse): string;
  keepAlive(r: ILeaseKeepAliveResponse): string;
  timeToLive(r: ILeaseTimeToLiveResponse, keys: boolean): string;
  leases(r: ILeaseLeasesResponse): string;

  // etcdctl member …, endpoint …, alarm …, move-leader; ids in decimal unless said otherwise
  memberAdd(r: IMemberAddResponse): string;
  memberRemove(id: string, r: MemberChange): string;
  memberPromote(id: string, r: MemberChange): string;
  memberList(r: IMemberListResponse): string;
  endpointHealth(rows: EndpointHealth[]): Printed;
  endpointStatus(rows: EndpointStatus[]): string;
  endpointHashKv(rows: HashKvResult[]): string;
  alarm(r: AlarmList): string;
  /** Ids in hex, as etcdctl prints them. */
  moveLeader(leaderHex: string, targetHex: string): string;

  // etcd Studio's own listings
  children(rows: ChildRow[], opts: { kubernetes: boolean }): string;
  leaseDetails(leases: LeaseInfo[]): string;
  snapshotStatus(s: SnapshotStatus): string;
  /** `etcd-studio doctor`: simple, table, or JSON (an array of findings). */
  doctorReport(r: DoctorReport): string;
  /** `du`: keys and bytes per prefix, largest keys, db files, history (simple, json, table). */
  spaceReport(r: SpaceReport): string;
  /** One `grep` hit, printed as it streams in (simple, json); `keysOnly` is `-l`. */
  searchHit(hit: GrepHit, opts: { keysOnly: boolean }): string;
}

/** etcdctl's answer to a command/format pair it does not print (e.g. `alarm list -w table`). */
export function unsupported(format: OutputFormat): EtcdStudioError {
  return new EtcdStudioError('InvalidArgument', `${format} not supported as output format`);
}

/** Checks a `-w` value against the formats a command prints. */
export function outputFormat(value: string | undefined, allowed: readonly OutputFormat[] = OUTPUT_FORMATS): OutputFormat {
  const f = (value ?? 'simple').toLowerCase();
  if (!(allowed as readonly string[]).includes(f)) {
    throw new EtcdStudioError(
      'InvalidArgument',
      `-w must be ${allowed.slice(0, -1).join(', ')}${allowed.length > 1 ? ' or ' : ''}${allowed[allowed.length - 1]}, got "${value}".`,
    );
  }
  return f as OutputFormat;
}
