/** etcdctl's `-w simple` (printer_simple.go), per release, and etcd Studio's plain listings. */
import type { DoctorReport } from '../doctor/finding';
import type { EndpointStatus } from '../etcd/connection';
import type {
  IDeleteRangeResponse,
  IKeyValue,
  ILeaseGrantResponse,
  ILeaseKeepAliveResponse,
  ILeaseLeasesResponse,
  ILeaseTimeToLiveResponse,
  IMemberAddResponse,
  IMemberListResponse,
  IPutResponse,
  IRangeResponse,
  ITxnResponse,
} from '../etcd/etcd3Adapter';
import type { EndpointHealth } from '../etcd/endpoints';
import type { HashKvResult } from '../etcd/maintenance';
import { humanBytes } from '../format';
import type { LeaseInfo } from '../leases/leases';
import { hitLines } from '../search/format';
import type { GrepHit } from '../search/grep';
import type { SnapshotStatus } from '../snapshot/status';
import { spaceReportText } from '../space/format';
import type { SpaceReport } from '../space/report';
import { goDurationMs, hex016, hex16 } from './goText';
import type { AlarmList, ChildRow, MemberChange, Printed } from './printer';
import { doctorCounts, doctorHeading, endpointHashKvTable, endpointStatusTable, memberListTable, snapshotStatusRow, Table } from './rows';
import { wrapText } from './table';
import { FormatPrinter } from './formatPrinter';

const lines = (t: Table) => t.rows.map((r) => r.join(', ') + '\n').join('');

const ALARM_NAMES: Record<string, string> = { Nospace: 'NOSPACE', Corrupt: 'CORRUPT', '1': 'NOSPACE', '2': 'CORRUPT' };

/** Raw bytes as text (an output channel is text: invalid UTF-8 shows as U+FFFD, where etcdctl writes the bytes), or \xNN with --hex. */
export function bytesText(b: Buffer | undefined, hex?: boolean): string {
  const bytes = b ?? Buffer.alloc(0);
  return hex ? [...bytes].map((x) => '\\x' + x.toString(16).padStart(2, '0')).join('') : bytes.toString('utf8');
}

export class SimplePrinter extends FormatPrinter {
  private kv(kv: IKeyValue): string {
    return (this.opts.valueOnly ? '' : bytesText(kv.key, this.opts.hex) + '\n') + bytesText(kv.value, this.opts.hex) + '\n';
  }

  get(r: IRangeResponse): string {
    if (this.opts.countOnly) return `${r.count ?? 0}\n`;
    return (r.kvs ?? []).map((kv) => this.kv(kv)).join('');
  }

  put(r: IPutResponse): string {
    return 'OK\n' + (r.prev_kv ? this.kv(r.prev_kv) : '');
  }

  del(r: IDeleteRangeResponse): string {
    return `${r.deleted ?? 0}\n` + (r.prev_kvs ?? []).map((kv) => this.kv(kv)).join('');
  }

  txn(r: ITxnResponse): string {
    const each = (op: ITxnResponse['responses'][number]) =>
      op.response_range ? this.get(op.response_range) : op.response_put ? this.put(op.response_put) : this.del(op.response_delete_range);
    return (r.succeeded ? 'SUCCESS\n' : 'FAILURE\n') + (r.responses ?? []).map((op) => '\n' + each(op)).join('');
  }

  grant(r: ILeaseGrantResponse): string {
    return `lease ${hex016(r.ID)} granted with TTL(${r.TTL}s)\n`;
  }

  revoke(id: string): string {
    return `lease ${hex016(id)} revoked\n`;
  }

  keepAlive(r: ILeaseKeepAliveResponse): string {
    return `lease ${hex016(r.ID)} keepalived with TTL(${r.TTL})\n`;
  }

  timeToLive(r: ILeaseTimeToLiveResponse, keys: boolean): string {
    if (Number(r.grantedTTL) === 0 && Number(r.TTL) === -1) return `lease ${hex016(r.ID)} already expired\n`;
    const tail = keys ? `, attached keys([${(r.keys ?? []).map((k) => k.toString('utf8')).join(' ')}])` : '';
    return `lease ${hex016(r.ID)} granted with TTL(${r.grantedTTL}s), remaining(${r.TTL}s)${tail}\n`;
  }

  leases(r: ILeaseLeasesResponse): string {
    return `found ${r.leases.length} leases\n` + r.leases.map((l) => `${hex016(String(l.ID))}\n`).join('');
  }

  memberAdd(r: IMemberAddResponse): string {
    const learner = this.style.learnerAdded && r.member.isLearner ? ' as learner ' : ' ';
    return `Member ${hex16(r.member.ID)} added${learner}to cluster ${hex16(r.header.cluster_id)}\n`;
  }

  memberRemove(id: string, r: MemberChange): string {
    return `Member ${hex16(id)} removed from cluster ${hex16(r.header.cluster_id)}\n`;
  }

  memberPromote(id: string, r: MemberChange): string {
    return `Member ${hex16(id)} promoted in cluster ${hex16(r.header.cluster_id)}\n`;
  }

  memberList(r: IMemberListResponse): string {
    return lines(memberListTable(r));
  }

  endpointHealth(rows: EndpointHealth[]): Printed {
    const healthy = (h: EndpointHealth) => `${h.endpoint} is healthy: successfully committed proposal: took = ${goDurationMs(h.tookMs)}\n`;
    const unhealthy = (h: EndpointHealth) => `${h.endpoint} is unhealthy: failed to commit proposal: ${h.error}\n`;
    if (this.style.healthyToStderr) return { stdout: '', stderr: rows.map((h) => (h.health ? healthy(h) : unhealthy(h))).join('') };
    return {
      stdout: rows
        .filter((h) => h.health)
        .map(healthy)
        .join(''),
      stderr: rows
        .filter((h) => !h.health)
        .map(unhealthy)
        .join(''),
    };
  }

  endpointStatus(rows: EndpointStatus[]): string {
    return lines(endpointStatusTable(rows, this.style));
  }

  endpointHashKv(rows: HashKvResult[]): string {
    return lines(endpointHashKvTable(rows, this.style));
  }

  /** Go prints the protobuf message's text form: `memberID:… alarm:NOSPACE ` (with the trailing space). */
  alarm(r: AlarmList): string {
    return r.alarms.map((a) => `memberID:${a.memberID} alarm:${ALARM_NAMES[String(a.alarm)] ?? a.alarm} \n`).join('');
  }

  moveLeader(leaderHex: string, targetHex: string): string {
    return `Leadership transferred from ${leaderHex} to ${targetHex}\n`;
  }

  children(rows: ChildRow[]): string {
    const width = Math.max(0, ...rows.map((r) => r.child.segment.length));
    return rows
      .map(({ child: c }) =>
        c.kind === 'prefix'
          ? `${c.segment.padEnd(width)}  ${c.count ?? ''}\n`
          : `${c.segment.padEnd(width)}  ${humanBytes(c.size)}  rev ${c.modRevision}\n`,
      )
      .join('');
  }

  /** `etcdctl lease list`, then `etcdctl lease timetolive --keys` for each. */
  leaseDetails(leases: LeaseInfo[]): string {
    return (
      `found ${leases.length} leases\n` +
      leases
        .map(
          (l) =>
            `lease ${l.id} granted with TTL(${l.grantedTtl}s), remaining(${l.remainingTtl}s), attached keys([${l.keyTexts.join(' ')}])\n`,
        )
        .join('')
    );
  }

  snapshotStatus(s: SnapshotStatus): string {
    return snapshotStatusRow(s).join(', ') + '\n';
  }

  /** The findings with what to do and the fixing actions, then the checks that passed and those skipped. */
  doctorReport(r: DoctorReport): string {
    const out = [doctorHeading(r), ''];
    const advised = new Set<string>();
    for (const f of r.findings) {
      out.push(`${f.severity.toUpperCase().padEnd(7)} ${f.id} [${f.member ?? 'cluster'}] ${f.message}`);
      // The same check on several members has the same advice: say it once.
      if (!advised.has(f.advice)) out.push(wrapText(`What to do: ${f.advice}`, 100).replace(/^/gm, '        '));
      advised.add(f.advice);
      for (const fix of f.fixes) out.push(`        Fix: ${fix.label}`);
    }
    if (r.findings.length) out.push('');
    for (const p of r.passed) out.push(`ok      ${p.id}: ${p.detail}`);
    for (const s of r.skipped) out.push(`skipped ${s.id}: ${s.reason}`);
    out.push('', `${doctorCounts(r)}; ${r.passed.length} checks passed, ${r.skipped.length} skipped.`);
    return out.join('\n') + '\n';
  }

  /** `du`-like: one line per prefix indented by depth, then the largest keys. */
  spaceReport(r: SpaceReport): string {
    return spaceReportText(r);
  }

  /** `grep -n`-like: KEY:LINE:TEXT. */
  searchHit(hit: GrepHit, opts: { keysOnly: boolean }): string {
    return hitLines(hit, opts.keysOnly)
      .map((l) => l + '\n')
      .join('');
  }
}
