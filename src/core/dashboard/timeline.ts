/**
 * The samples a live dashboard has taken, kept for a few minutes, and what its charts plot from them:
 * writes per second (revision deltas), each member's DB size, and each member's WAL fsync and backend
 * commit p99 between one sample and the next (from the histograms' deltas).
 */
import { histogramDelta, histogramQuantile, Histogram } from '../doctor/histogram';
import { MemberMetrics } from '../doctor/memberMetrics';
import { ClusterSample, revisionOf } from '../doctor/sample';

/** One line of a chart: a value per sample time (null where there is nothing to plot). */
export interface Series {
  name: string;
  values: (number | null)[];
}

export interface TimelineSeries {
  /** Sample times, ms since the epoch. */
  times: number[];
  writesPerSecond: Series[];
  dbSize: Series[];
  walFsyncP99: Series[];
  backendCommitP99: Series[];
}

export class Timeline {
  private readonly samples: ClusterSample[] = [];

  constructor(readonly keepMs: number) {}

  /** The same samples kept for a different length of time (the history setting changed). */
  resized(keepMs: number): Timeline {
    const t = new Timeline(keepMs);
    for (const s of this.samples) t.add(s);
    return t;
  }

  add(sample: ClusterSample): void {
    this.samples.push(sample);
    const oldest = sample.at - this.keepMs;
    while (this.samples.length > 2 && this.samples[0].at < oldest) this.samples.shift();
  }

  get latest(): ClusterSample | undefined {
    return this.samples.at(-1);
  }

  /** The oldest sample no older than `windowMs` before the latest (the start of the doctor's window). */
  windowStart(windowMs: number): ClusterSample | undefined {
    const latest = this.latest;
    if (!latest || this.samples.length < 2) return undefined;
    return this.samples.find((s) => s !== latest && s.at >= latest.at - windowMs) ?? this.samples.at(-2);
  }

  get size(): number {
    return this.samples.length;
  }

  series(): TimelineSeries {
    const s = this.samples;
    const names = [...new Set(s.flatMap((x) => x.members.map((m) => m.name)))].sort();
    const perMember = (value: (cur: ClusterSample, prev: ClusterSample | undefined, name: string) => number | null): Series[] =>
      names.map((name) => ({ name, values: s.map((cur, i) => value(cur, s[i - 1], name)) }));
    const latency = (pick: (m: MemberMetrics) => Histogram | undefined) =>
      perMember((cur, prev, name) => {
        const now = cur.members.find((m) => m.name === name)?.metrics;
        const before = prev?.members.find((m) => m.name === name)?.metrics;
        const h = now && pick(now);
        const old = before && pick(before);
        if (!h || !old) return null;
        const d = histogramDelta(h, old);
        const q = d.count > 0 ? histogramQuantile(d, 0.99) : undefined;
        return q === undefined ? null : q * 1000;
      });
    return {
      times: s.map((x) => x.at),
      writesPerSecond: [
        {
          name: 'writes/s',
          values: s.map((cur, i) => {
            const prev = s[i - 1];
            const a = prev && revisionOf(prev);
            const b = revisionOf(cur);
            return prev && a !== undefined && b !== undefined && cur.at > prev.at ? Math.max(0, b - a) / ((cur.at - prev.at) / 1000) : null;
          }),
        },
      ],
      dbSize: perMember((cur, _prev, name) => {
        const m = cur.members.find((x) => x.name === name);
        return m?.status?.dbSize ?? m?.metrics?.dbSize ?? null;
      }),
      walFsyncP99: latency((m) => m.walFsync),
      backendCommitP99: latency((m) => m.backendCommit),
    };
  }
}
