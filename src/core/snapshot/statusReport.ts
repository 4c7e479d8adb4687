/**
 * A snapshot's status printed exactly as the tool of the release that wrote the file prints it
 * (`-w simple|json|table|fields`): etcdctl 3.4 for files without a storage version, etcdutl 3.6
 * for 3.6 files (a fifth column, the version), etcdutl 3.7+ for newer ones (the same, with the table
 * drawn in Unicode box characters by tablewriter v1). The printers (core/output) do the printing;
 * the file's storage version picks the release.
 */
import { OutputFormat, printerFor } from '../output';
import { SnapshotStatus } from './status';

export const STATUS_FORMATS: readonly OutputFormat[] = ['simple', 'json', 'table', 'fields'];
export type StatusFormat = OutputFormat;

export function formatSnapshotStatus(s: SnapshotStatus, format: StatusFormat): string {
  // Files without a storage version come from etcd 3.5 or older: their tool prints like etcdctl 3.4.
  return printerFor(format, s.version || '3.4').snapshotStatus(s);
}
