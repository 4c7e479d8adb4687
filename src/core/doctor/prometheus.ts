/**
 * The Prometheus text exposition format (what every etcd member serves on `/metrics`), parsed into
 * samples by metric name. Only the names a caller asks for are kept: a member's page has ~1,700 lines
 * and the doctor needs a few dozen of them.
 */

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export type MetricFamilies = Map<string, MetricSample[]>;

/** Parses `text`, keeping samples whose name satisfies `keep` (all by default). Comments and malformed lines are skipped. */
export function parsePrometheusText(text: string, keep: (name: string) => boolean = () => true): MetricFamilies {
  const out: MetricFamilies = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const nameEnd = line.search(/[{\s]/);
    const name = nameEnd < 0 ? line : line.slice(0, nameEnd);
    if (!keep(name)) continue;
    let rest = nameEnd < 0 ? '' : line.slice(nameEnd);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const parsed = parseLabels(rest);
      if (!parsed) continue;
      labels = parsed.labels;
      rest = rest.slice(parsed.end);
    }
    const value = parseValue(rest.trim().split(/\s+/)[0]);
    if (value === undefined) continue;
    let list = out.get(name);
    if (!list) out.set(name, (list = []));
    list.push({ labels, value });
  }
  return out;
}

function parseValue(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

/** `{a="x",b="y \"q\""}` from the start of `s`; returns the labels and the index after `}`. */
function parseLabels(s: string): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (s[i] === '}') return { labels, end: i + 1 };
    const eq = s.indexOf('=', i);
    if (eq < 0 || s[eq + 1] !== '"') return undefined;
    const name = s.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\' && j + 1 < s.length) {
        j++;
        value += s[j] === 'n' ? '\n' : s[j];
      } else value += s[j];
    }
    if (j >= s.length) return undefined;
    labels[name] = value;
    i = j + 1;
  }
}

/** The first sample of a family (optionally matching some labels). */
export function firstValue(families: MetricFamilies, name: string, labels: Record<string, string> = {}): number | undefined {
  return families.get(name)?.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** The value of label `label` on the first sample of a family (etcd publishes versions and ids that way). */
export function firstLabel(families: MetricFamilies, name: string, label: string): string | undefined {
  return families.get(name)?.[0]?.labels[label];
}
