/** Bytes as etcdctl prints them (`20 kB`, `1.2 MB`). */
export function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return `${u === 0 ? v : Number(v.toFixed(1))} ${units[u]}`;
}

/** Renders rows like `etcdctl -w table`: a boxed grid with an upper-case header. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const fmt = (cells: string[], center: boolean) =>
    '|' + cells.map((c, i) => {
      const pad = widths[i] - c.length;
      if (!center) return ' ' + c + ' '.repeat(pad) + ' ';
      const left = Math.floor(pad / 2);
      return ' ' + ' '.repeat(left) + c + ' '.repeat(pad - left) + ' ';
    }).join('|') + '|';
  return [line, fmt(header.map((h) => h.toUpperCase()), true), line, ...rows.map((r) => fmt(r, false)), line].join('\n') + '\n';
}
