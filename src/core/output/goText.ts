/** Go's formatting of the values etcdctl prints: durations, `%16x`/`%016x` ids, `%q` strings. */

/** Go's time.Duration String() for a duration in nanoseconds (etcdctl's "took = 1.342573ms"). */
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

/** A duration in (fractional) milliseconds, as Go prints it. */
export function goDurationMs(ms: number): string {
  return goDuration(BigInt(Math.round(ms * 1e6)));
}

/** `%16x` (space-padded hex), as etcdctl prints member ids in "Member … added". */
export function hex16(decimal: string): string {
  return BigInt(decimal).toString(16).padStart(16, ' ');
}

/** `%016x` (zero-padded hex), as etcdctl prints lease ids. */
export function hex016(decimal: string): string {
  return BigInt(decimal).toString(16).padStart(16, '0');
}

/** Go's `%q` of bytes taken as a string (JSON-like escapes, plus \u escapes for C1 controls). */
export function goQuote(b: Uint8Array | string | undefined): string {
  const text = typeof b === 'string' ? b : Buffer.from(b ?? []).toString('utf8');
  return JSON.stringify(text).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
