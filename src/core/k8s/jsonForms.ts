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

/** Go `time.Duration.String()`. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    // sub-second: ns, µs or ms with a fraction
    const [unit, div] = u < 1e3 ? ['ns', 1] : u < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    out = trimFraction(u / div) + unit;
  } else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    out = (h ? `${h}h` : '') + (h || m ? `${m}m` : '') + `${trimFraction(u / 1e9)}s`;
  }
  return neg ? '-' + out : out;
}

function trimFraction(v: number): string {
  // Go prints up to 9 fraction digits without trailing zeros
  return v.toFixed(9).replace(/\.?0+$/, '');
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go `time.ParseDuration`; undefined if malformed. */
export function parseDuration(s: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (s === '0' || s === '+0' || s === '-0') return 0;
  if (!m) return undefined;
  let total = 0;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * DURATION_UNITS[part[2]];
  }
  return Math.round(m[1] === '-' ? -total : total);
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
