/**
 * Small SVG line charts for the Cluster Overview, drawn as strings (no DOM, so they are tested in plain
 * Node and need no charting library or network). Colours come from the VS Code theme through CSS
 * classes (`series-0` … and `threshold`) defined in the overview's stylesheet.
 */

export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

export interface ChartOptions {
  /** Accessible name, e.g. "Writes per second". */
  title: string;
  times: number[];
  series: ChartSeries[];
  /** Formats an axis or value label, e.g. bytes or milliseconds. */
  format: (v: number) => string;
  /** Shade the area under the first series (charts with one line). */
  area?: boolean;
  /** A dashed horizontal line (the doctor's warning threshold), with its label. */
  threshold?: { value: number; label: string };
  width?: number;
  height?: number;
}

const PAD = { left: 50, right: 8, top: 10, bottom: 20 };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** 1, 2 or 5 times a power of ten at or above `v`: a round top for the y axis. */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** "now", "−30 s", "−5 min" for a time relative to the newest sample. */
export function relativeTime(ms: number): string {
  if (ms < 1000) return 'now';
  return ms < 120_000 ? `−${Math.round(ms / 1000)} s` : `−${Math.round(ms / 60_000)} min`;
}

/** An SVG line chart: one polyline per series (gaps where a value is null), y axis from 0, latest value described for screen readers. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 300;
  const height = o.height ?? 130;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const all = o.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const top = niceCeiling(Math.max(0, ...all, o.threshold && all.length ? Math.min(o.threshold.value * 1.2, Math.max(...all) * 2) : 0));
  const t0 = o.times[0] ?? 0;
  const t1 = o.times.at(-1) ?? 1;
  const x = (t: number) => PAD.left + (t1 > t0 ? ((t - t0) / (t1 - t0)) * plotW : plotW);
  const y = (v: number) => PAD.top + plotH - (Math.min(v, top) / top) * plotH;
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [];
  for (const tick of [0, top / 2, top]) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${width - PAD.right}" y1="${f(y(tick))}" y2="${f(y(tick))}"/>`);
    parts.push(`<text class="axis" x="${PAD.left - 6}" y="${f(y(tick) + 4)}" text-anchor="end">${escapeXml(o.format(tick))}</text>`);
  }
  if (o.times.length > 1) {
    parts.push(`<text class="axis" x="${PAD.left}" y="${height - 4}">${escapeXml(relativeTime(t1 - t0))}</text>`);
    parts.push(`<text class="axis" x="${width - PAD.right}" y="${height - 4}" text-anchor="end">now</text>`);
  }
  if (o.threshold && o.threshold.value <= top) {
    const ty = f(y(o.threshold.value));
    parts.push(`<line class="threshold" x1="${PAD.left}" x2="${width - PAD.right}" y1="${ty}" y2="${ty}"/>`);
    parts.push(
      `<text class="threshold-label" x="${width - PAD.right - 2}" y="${f(Number(ty) - 4)}" text-anchor="end">${escapeXml(o.threshold.label)}</text>`,
    );
  }
  if (o.area && o.series[0]) {
    // One shaded polygon per run of values, down to the x axis.
    const base = f(y(0));
    let run: string[] = [];
    const close = () => {
      if (run.length > 1)
        parts.push(
          `<polygon class="area series-${0}" points="${run[0].split(',')[0]},${base} ${run.join(' ')} ${run.at(-1)!.split(',')[0]},${base}"/>`,
        );
      run = [];
    };
    o.series[0].values.forEach((v, k) => (v === null || !Number.isFinite(v) ? close() : run.push(`${f(x(o.times[k]))},${f(y(v))}`)));
    close();
  }
  o.series.forEach((s, i) => {
    let run: string[] = [];
    const flush = () => {
      if (run.length === 1) parts.push(`<circle class="series-${i % 6}" r="2" cx="${run[0].split(',')[0]}" cy="${run[0].split(',')[1]}"/>`);
      else if (run.length > 1) parts.push(`<polyline class="series-${i % 6}" points="${run.join(' ')}"/>`);
      run = [];
    };
    s.values.forEach((v, k) => {
      if (v === null || !Number.isFinite(v)) flush();
      else run.push(`${f(x(o.times[k]))},${f(y(v))}`);
    });
    flush();
  });
  const latest = o.series
    .map((s) => {
      const v = [...s.values].reverse().find((x): x is number => x !== null);
      return v === undefined ? undefined : `${s.name} ${o.format(v)}`;
    })
    .filter(Boolean)
    .join(', ');
  const label = `${o.title}: ${latest ? `latest ${latest}` : 'no data yet'}`;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}"><title>${escapeXml(label)}</title>${parts.join('')}</svg>`;
}
