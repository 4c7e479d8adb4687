/** etcdctl's `-w table` (printer_table.go): member list and the endpoint checks only; etcd Studio's listings. */
import type { DoctorReport } from '../doctor/finding';
import type { EndpointStatus } from '../etcd/connection';
import type { IMemberListResponse } from '../etcd/etcd3Adapter';
import type { EndpointHealth } from '../etcd/endpoints';
import type { HashKvResult } from '../etcd/maintenance';
import type { LeaseInfo } from '../leases/leases';
import type { SnapshotStatus } from '../snapshot/status';
import { spaceReportTable } from '../space/format';
import type { SpaceReport } from '../space/report';
import type { ChildRow, Printed } from './printer';
import {
  childrenTable,
  doctorCounts,
  doctorFindingsTable,
  doctorHeading,
  endpointHashKvTable,
  endpointHealthTable,
  endpointStatusTable,
  memberListTable,
  snapshotStatusRow,
  Table,
} from './rows';
import { etcdctlTable, plainTable } from './table';
import { FormatPrinter } from './formatPrinter';

export class TablePrinter extends FormatPrinter {
  private etcdctl(t: Table): string {
    return etcdctlTable(t.header, t.rows, this.style);
  }

  memberList(r: IMemberListResponse): string {
    return this.etcdctl(memberListTable(r));
  }

  endpointHealth(rows: EndpointHealth[]): Printed {
    return { stdout: this.etcdctl(endpointHealthTable(rows)), stderr: '' };
  }

  endpointStatus(rows: EndpointStatus[]): string {
    return this.etcdctl(endpointStatusTable(rows, this.style));
  }

  endpointHashKv(rows: HashKvResult[]): string {
    return this.etcdctl(endpointHashKvTable(rows, this.style));
  }

  /** etcdctl's (etcdutl's from 3.5) DBStatus table; etcdutl 3.6+ adds the file's storage version. */
  snapshotStatus(s: SnapshotStatus): string {
    return this.etcdctl({
      header: ['hash', 'revision', 'total keys', 'total size', ...(s.version ? ['version'] : [])],
      rows: [snapshotStatusRow(s)],
    });
  }

  children(rows: ChildRow[], opts: { kubernetes: boolean }): string {
    const t = childrenTable(rows, opts.kubernetes);
    return plainTable(t.header, t.rows);
  }

  /** The prefixes as one table, then the largest keys as another. */
  spaceReport(r: SpaceReport): string {
    return spaceReportTable(r);
  }

  leaseDetails(leases: LeaseInfo[]): string {
    return plainTable(
      ['id', 'granted ttl', 'remaining ttl', 'keys'],
      leases.map((l) => [l.id, `${l.grantedTtl}s`, `${l.remainingTtl}s`, l.keyTexts.join(', ')]),
    );
  }

  /** The heading, the findings (long messages wrapped inside their cell) and the counts. */
  doctorReport(r: DoctorReport): string {
    const t = doctorFindingsTable(r, 72);
    return `${doctorHeading(r)}\n${t.rows.length ? plainTable(t.header, t.rows) : ''}${doctorCounts(r)}; ${r.passed.length} checks passed, ${r.skipped.length} skipped.\n`;
  }
}
