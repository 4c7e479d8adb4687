/**
 * Prometheus histograms (cumulative `le` buckets) as etcd exports them for WAL fsync and backend
 * commit durations: the difference between two scrapes (what happened in a window) and quantiles
 * computed the way Prometheus' `histogram_quantile` does (linear interpolation inside a bucket).
 */
import { MetricFamilies } from './prometheus';

export interface Histogram {
  /** Upper bounds (seconds for etcd's durations) with cumulative counts, ascending; the last is +Inf. */
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

/** The histogram `base` (e.g. `etcd_disk_wal_fsync_duration_seconds`) from a scrape, if the member exports it. */
export function histogramFrom(families: MetricFamilies, base: string): Histogram | undefined {
  const samples = families.get(`${base}_bucket`);
  if (!samples?.length) return undefined;
  const byLe = new Map<number, number>();
  for (const s of samples) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    if (!Number.isNaN(le)) byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
  const sum = (families.get(`${base}_sum`) ?? []).reduce((a, s) => a + s.value, 0);
  const count = buckets.at(-1)?.count ?? 0;
  return { buckets, count, sum };
}

/**
 * What was observed between an older and a newer scrape of the same member. A member that restarted
 * in between has smaller counters than before: then the newer scrape alone is the window.
 */
export function histogramDelta(newer: Histogram, older: Histogram | undefined): Histogram {
  if (!older || newer.count < older.count || newer.buckets.length !== older.buckets.length) return newer;
  return {
    buckets: newer.buckets.map((b, i) => ({ le: b.le, count: b.count - (older.buckets[i]?.count ?? 0) })),
    count: newer.count - older.count,
    sum: newer.sum - older.sum,
  };
}

/** The q-quantile (0..1) like Prometheus' histogram_quantile; undefined when nothing was observed. */
export function histogramQuantile(h: Histogram, q: number): number | undefined {
  const total = h.buckets.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const { le, count } = h.buckets[i];
    if (count >= rank) {
      // Beyond the largest finite bound Prometheus answers that bound: the true value is only known to be larger.
      if (le === Infinity) return i > 0 ? h.buckets[i - 1].le : undefined;
      if (count === prevCount) return le;
      const start = i === 0 && le <= 0 ? le : prevLe;
      return start + (le - start) * ((rank - prevCount) / (count - prevCount));
    }
    prevLe = le;
    prevCount = count;
  }
  return undefined;
}
