import { capabilitiesOf, describeNotes, describeUnavailable } from '../../core/etcd/capabilities';

/** Tooltip table rows: what the member's etcd release lacks, and the tool for its snapshot files. */
export function capabilityRows(version: string): string[] {
  const caps = capabilitiesOf(version);
  const cell = (lines: string[]) => (lines.length ? lines.join('; ').replace(/\|/g, '\\|') : '—');
  const notes = describeNotes(caps);
  return [
    `| not on etcd ${version} | ${cell(describeUnavailable(caps))} |`,
    ...(notes.length ? [`| notes | ${cell(notes)} |`] : []),
    `| snapshot files | \`${caps.snapshotTool} snapshot status\\|restore\` |`,
  ];
}
