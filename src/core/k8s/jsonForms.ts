/**
 * Text forms Kubernetes uses in JSON for wire values: RFC 3339 times, Go durations, base64, and the
 * path notation used in error messages and in the preservation side table.
 */

/** Go `time.RFC3339` of a UTC instant, whole seconds (metav1.Time drops the fraction in JSON). */
export function formatTime(seconds: number): string {
  return isoBase(seconds) + 'Z';
}

/** metav1.MicroTime: always six fraction digits (truncated, like Go's Format). */
export function formatMicroTime(seconds: number, nanos: number): string {
  const micros = Math.floor(nanos / 1000);
  return `${isoBase(seconds)}.${String(micros).padStart(6, '0')}Z`;
}

function isoBase(seconds: number): string {
  const d = new Date(seconds * 1000);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return iso.slice(0, iso.indexOf('.'));
}

/** Parses RFC 3339 (any offset, optional fraction) into seconds + nanos, or undefined if malformed. */
export function parseTime(s: string): { seconds: number; nanos: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(se) > 60) {
    return undefined;
  }
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60000;
  }
  // Date.UTC maps years 0..99 to 1900+; fix that for completeness
  if (Number(y) < 100) ms = new Date(ms).setUTCFullYear(Number(y));
  return { seconds: Math.floor(ms / 1000), nanos: frac ? Number(frac.padEnd(9, '0')) : 0 };
}

/** Go `time.Duration.String()` of a nanosecond count (exact for the whole int64 range). */
export function formatDuration(ns: number | bigint): string {
  let u = BigInt(ns);
  if (u === 0n) return '0s';
  const neg = u < 0n;
  if (neg) u = -u;
  let out: string;
  if (u < 1_000_000_000n) {
    // sub-second: ns, µs or ms with a fraction
    const [unit, digits] = u < 1000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6];
    out = withFraction(u, digits) + unit;
  } else {
    const secs = u / 1_000_000_000n;
    const frac = withFraction(u % 1_000_000_000n, 9).slice(1); // "" or ".123"
    const h = secs / 3600n;
    const m = (secs / 60n) % 60n;
    out = (h ? `${h}h` : '') + (h || m ? `${m}m` : '') + `${secs % 60n}${frac}s`;
  }
  return neg ? '-' + out : out;
}

/** `v / 10^digits` with the fraction's trailing zeros dropped, as Go's fmtFrac/fmtInt print it. */
function withFraction(v: bigint, digits: number): string {
  if (digits === 0) return v.toString();
  const p = 10n ** BigInt(digits);
  const frac = (v % p).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${v / p}${frac ? '.' + frac : ''}`;
}

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Go `time.ParseDuration` (fractions truncated toward zero as Go does); a number when exact, a bigint
 * beyond 2^53; undefined if malformed or out of the int64 range.
 */
export function parseDuration(s: string): number | bigint | undefined {
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return undefined;
  let total = 0n;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g)) {
    const unit = DURATION_UNITS[part[3]];
    const whole = BigInt(part[1] || '0');
    const frac = part[2] ?? '';
    total += whole * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n);
  }
  if (m[1] === '-') total = -total;
  if (total > INT64_MAX + (m[1] === '-' ? 1n : 0n) || total < -(INT64_MAX + 1n)) return undefined;
  const n = Number(total);
  return Number.isSafeInteger(n) ? n : total;
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Strict standard base64 (Go's encoding/json accepts only that); undefined if malformed. */
export function fromBase64(s: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export type PathSeg = string | number;

/** `spec.containers[0].env[1]`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(segs: readonly PathSeg[]): string {
  let out = '';
  for (const s of segs) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out || '(root)';
}
