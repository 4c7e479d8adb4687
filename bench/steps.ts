/**
 * Timed steps in fresh child processes, for benchmarks that compare whole processes (each pays Node's
 * start and its own connection, and its peak RSS is its own): the child runs the benchmark's own
 * bundle with a marker flag and prints one JSON line.
 */
import { execFileSync } from 'node:child_process';

export interface StepResult {
  ms: number;
  peakRssMb: number;
  figures: Record<string, number>;
}

/** Runs `bundle` (a file of out/bench) as a child with `marker mode …args`; its wall time includes Node's start. */
export function runStep(bundle: string, marker: string, mode: string, ...args: string[]): StepResult {
  const t = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [bundle, marker, mode, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const r = JSON.parse(out.trim().split('\n').pop()!) as { peakRssMb: number; figures: Record<string, number> };
  return { ms, ...r };
}

/** In the child: prints the step's figures and the process's peak RSS as the JSON line runStep reads. */
export function reportStep(figures: Record<string, number>): void {
  process.stdout.write(JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024, figures }) + '\n');
}

/** Runs `main` when this bundle was started as a step child (argv: marker mode …args). */
export function asStep(marker: string, main: (mode: string, args: string[]) => Promise<void>): void {
  if (process.argv[2] !== marker) return;
  main(process.argv[3], process.argv.slice(4)).catch((e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
}

/** Alternates which of two steps goes first, `rounds` times. */
export function alternate(rounds: number, a: () => StepResult, b: () => StepResult): [StepResult[], StepResult[]] {
  const as: StepResult[] = [];
  const bs: StepResult[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2) {
      bs.push(b());
      as.push(a());
    } else {
      as.push(a());
      bs.push(b());
    }
  }
  return [as, bs];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The floor both live benchmarks compare with: one Range over every key under /registry/, keys and values. */
export async function readAllOnce(endpoint: string): Promise<Record<string, number>> {
  const { EtcdConnection } = await import('../src/core/etcd/connection');
  const conn = await EtcdConnection.open({ name: 'bench', endpoints: [endpoint], requestTimeoutMs: 600_000 });
  try {
    const res = await conn.range({ key: Buffer.from('/registry/'), range_end: Buffer.from('/registry0') }, 'read all');
    return { keys: res.kvs.length };
  } finally {
    conn.close();
  }
}
