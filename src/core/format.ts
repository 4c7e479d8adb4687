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
