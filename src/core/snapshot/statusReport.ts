/**
 * A snapshot's status printed exactly as the tool of the release that wrote the file prints it
 * (`-w simple|json|table|fields`): etcdctl 3.4 for files without a storage version, etcdutl 3.6
 * for 3.6 files (a fifth column, the version), etcdutl 3.7+ for newer ones (the same, with the table
 * drawn in Unicode box characters by tablewriter v1).
 */
import { humanBytes, renderTable } from '../format';
import { SnapshotStatus } from './status';

export const STATUS_FORMATS = ['simple', 'json', 'table', 'fields'] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];

/** The minor release that wrote a file, from its storage version ("3.7.0" -> 7), or 0 when it has none. */
function writerMinor(s: SnapshotStatus): number {
  const m = /^3\.(\d+)\./.exec(s.version);
  return m ? Number(m[1]) : s.version ? Infinity : 0;
}

export function formatSnapshotStatus(s: SnapshotStatus, format: StatusFormat): string {
  const versioned = s.version !== '';
  switch (format) {
    case 'json':
      // Go's encoding/json, in the struct's field order.
      return `${JSON.stringify({
        hash: s.hash,
        revision: s.revision,
        totalKey: s.totalKey,
        totalSize: s.totalSize,
        ...(versioned ? { version: s.version } : {}),
      })}\n`;
    case 'fields':
      return [
        `"Hash" : ${s.hash}`,
        `"Revision" : ${s.revision}`,
        `"Keys" : ${s.totalKey}`,
        `"Size" : ${s.totalSize}`,
        ...(versioned ? [`"Version" : ${s.version}`] : []),
        '',
      ].join('\n');
    case 'simple':
      return `${row(s).join(', ')}\n`;
    case 'table': {
      const header = ['hash', 'revision', 'total keys', 'total size', ...(versioned ? ['version'] : [])];
      // The tools right-align this table's cells (tablewriter ALIGN_RIGHT); pre-padding does that here.
      return renderTable(header, [row(s).map((c, i) => c.padStart(header[i].length))], writerMinor(s) >= 7 ? 'box' : 'ascii');
    }
  }
}

function row(s: SnapshotStatus): string[] {
  return [s.hash.toString(16), String(s.revision), String(s.totalKey), humanBytes(s.totalSize), ...(s.version ? [s.version] : [])];
}
