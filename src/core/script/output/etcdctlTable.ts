/**
 * `etcdctl -w table` layout. Unlike core/format's renderTable (left-aligned, used by the reports),
 * etcdctl sets tablewriter to right-align every cell, so script output matches it byte for byte.
 */
export function etcdctlTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const center = (c: string, w: number) => {
    const left = Math.floor((w - c.length) / 2);
    return ' '.repeat(left) + c + ' '.repeat(w - c.length - left);
  };
  const head = '|' + header.map((h, i) => ` ${center(h.toUpperCase(), widths[i])} `).join('|') + '|';
  const body = rows.map((r) => '|' + widths.map((w, i) => ` ${(r[i] ?? '').padStart(w)} `).join('|') + '|');
  return [rule, head, rule, ...body, rule].join('\n') + '\n';
}

/**
 * Go's time.Duration String() for a duration in nanoseconds (etcdctl's "took = 1.342573ms").
 */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const trim = (whole: bigint, frac: bigint, digits: number) => {
    const f = frac.toString().padStart(digits, '0').replace(/0+$/, '');
    return f ? `${whole}.${f}` : `${whole}`;
  };
  if (ns < 1000n) return `${ns}ns`;
  if (ns < 1_000_000n) return `${trim(ns / 1000n, ns % 1000n, 3)}µs`;
  if (ns < 1_000_000_000n) return `${trim(ns / 1_000_000n, ns % 1_000_000n, 6)}ms`;
  return `${trim(ns / 1_000_000_000n, ns % 1_000_000_000n, 9)}s`;
}

/** `%16x` (space-padded hex), as etcdctl prints member ids in "Member … added". */
export function hex16(decimal: string): string {
  return BigInt(decimal).toString(16).padStart(16, ' ');
}

/** `%016x` (zero-padded hex), as etcdctl prints lease ids. */
export function hex016(decimal: string): string {
  return BigInt(decimal).toString(16).padStart(16, '0');
}

/**
 * go-humanize's Bytes(), which etcdctl uses for "db size": one decimal below 10, none above
 * (`24.6 kB` is printed `25 kB`). core/format's humanBytes keeps one decimal throughout.
 */
export function goHumanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${val < 10 ? val.toFixed(1) : val.toFixed(0)} ${units[e]}`;
}
