/**
 * Bytes as etcdctl prints them: go-humanize's `Bytes` (SI units) exactly. It takes the unit from
 * floor(log1000(n)), rounds to one decimal (floor(x * 10 + 0.5) / 10), then prints "%.1f" below 10
 * and "%.0f" from 10 up: "1.5 MB", "12 MB", "999 kB". Go's %.0f rounds an exact half to even
 * (106.5 -> "106") where JS toFixed rounds it up, hence the explicit rounding.
 */
export function humanBytes(n: number): string {
  if (!(n >= 10)) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.min(units.length - 1, Math.floor(Math.log(n) / Math.log(1000)));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  if (val < 10) return `${val.toFixed(1)} ${units[e]}`;
  const floor = Math.floor(val);
  const whole = val - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(val);
  return `${whole} ${units[e]}`;
}

/** Box-drawing characters of a table: corners and joints (top, middle, bottom rows), then lines. */
interface TableChars {
  top: [string, string, string];
  mid: [string, string, string];
  bottom: [string, string, string];
  horizontal: string;
  vertical: string;
}

const ASCII: TableChars = { top: ['+', '+', '+'], mid: ['+', '+', '+'], bottom: ['+', '+', '+'], horizontal: '-', vertical: '|' };
/** tablewriter v1 (etcd 3.7's etcdctl/etcdutl) draws with Unicode box characters. */
const BOX: TableChars = { top: ['┌', '┬', '┐'], mid: ['├', '┼', '┤'], bottom: ['└', '┴', '┘'], horizontal: '─', vertical: '│' };

/**
 * Renders rows like `etcdctl -w table`: a boxed grid with an upper-case header. `box` draws it
 * with Unicode lines as etcd 3.7's tools do; ASCII (+, -, |) is what 3.4-3.6 print.
 */
export function renderTable(header: string[], rows: string[][], style: 'ascii' | 'box' = 'ascii'): string {
  const c = style === 'box' ? BOX : ASCII;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = ([left, join, right]: [string, string, string]) => left + widths.map((w) => c.horizontal.repeat(w + 2)).join(join) + right;
  const fmt = (cells: string[], center: boolean) =>
    c.vertical +
    cells
      .map((cell, i) => {
        const pad = widths[i] - cell.length;
        if (!center) return ' ' + cell + ' '.repeat(pad) + ' ';
        const left = Math.floor(pad / 2);
        return ' ' + ' '.repeat(left) + cell + ' '.repeat(pad - left) + ' ';
      })
      .join(c.vertical) +
    c.vertical;
  return (
    [
      line(c.top),
      fmt(
        header.map((h) => h.toUpperCase()),
        true,
      ),
      line(c.mid),
      ...rows.map((r) => fmt(r, false)),
      line(c.bottom),
    ].join('\n') + '\n'
  );
}
