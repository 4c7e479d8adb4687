/**
 * The Cluster Overview webview: draws the model the extension sends (member cards, the doctor's
 * findings with their fix buttons, live charts) with the VS Code theme's colours, and posts back what
 * the user pressed. Everything is built with DOM calls and textContent; only the chart SVG (built from
 * escaped strings in charts.ts) is inserted as markup. Focus survives each refresh.
 */
import type { Finding, PassedCheck } from '../../core/doctor/finding';
import type { MemberCard, OverviewModel } from '../../core/dashboard/model';
import type { FromOverview, ToOverview } from '../../protocol/dashboardProtocol';
import { humanBytes } from '../../core/format';
import { lineChart } from './charts';

declare function acquireVsCodeApi(): { postMessage(m: FromOverview): void; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

type Child = Node | string | null | undefined | false;
function h(tag: string, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const num = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString('en-US'));
const ms = (v: number) => (v >= 100 ? `${Math.round(v)} ms` : `${Number(v.toFixed(v < 1 ? 2 : 1))} ms`);
const rate = (v: number) => (v >= 100 ? String(Math.round(v)) : String(Number(v.toFixed(1))));

let state: { model?: OverviewModel; refreshSeconds: number; paused: boolean; busy?: string; error?: string } = {
  refreshSeconds: 5,
  paused: false,
};

function icon(kind: 'error' | 'warning' | 'info' | 'ok'): HTMLElement {
  const paths: Record<typeof kind, string> = {
    error: '<circle cx="8" cy="8" r="7"/><path d="M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6"/>',
    warning: '<path d="M8 1.5l7 12.5H1z"/><path d="M8 6v4M8 11.6v.4"/>',
    info: '<circle cx="8" cy="8" r="7"/><path d="M8 7v4.5M8 4.6v.4"/>',
    ok: '<circle cx="8" cy="8" r="7"/><path d="M4.8 8.3l2.2 2.2 4.3-4.6"/>',
  };
  const span = h('span', { class: `icon icon-${kind}`, 'aria-hidden': 'true' });
  span.innerHTML = `<svg viewBox="0 0 16 16" width="16" height="16">${paths[kind]}</svg>`;
  return span;
}

function button(label: string, key: string, onClick: () => void, opts: { primary?: boolean; title?: string } = {}): HTMLElement {
  const b = h(
    'button',
    { class: opts.primary ? 'primary' : 'secondary', 'data-key': key, title: opts.title, disabled: Boolean(state.busy) },
    label,
  );
  b.addEventListener('click', onClick);
  return b;
}

function summary(m: OverviewModel): HTMLElement {
  const f = m.report.findings;
  const errors = f.filter((x) => x.severity === 'error').length;
  const warnings = f.filter((x) => x.severity === 'warning').length;
  const kind = errors ? 'error' : warnings ? 'warning' : 'ok';
  const text =
    errors || warnings
      ? [errors && `${errors} error${errors > 1 ? 's' : ''}`, warnings && `${warnings} warning${warnings > 1 ? 's' : ''}`]
          .filter(Boolean)
          .join(' · ')
      : 'Healthy';
  return h('span', { class: `pill pill-${kind}` }, icon(kind), text);
}

function header(m: OverviewModel): HTMLElement {
  const versions = [...new Set(m.members.map((x) => x.version).filter(Boolean))];
  const meta = [
    versions.length ? `etcd ${versions.join(' / ')}` : undefined,
    m.clusterVersion ? `cluster version ${m.clusterVersion}` : undefined,
    m.revision !== undefined ? `revision ${num(m.revision)}` : undefined,
    m.leader ? `leader ${m.leader}` : 'no leader',
    `${m.members.length} member${m.members.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  const updated = state.paused
    ? `Paused · last updated ${new Date(m.at).toLocaleTimeString()}`
    : `Updated ${new Date(m.at).toLocaleTimeString()} · every ${state.refreshSeconds} s`;
  return h(
    'header',
    { class: 'top' },
    h('div', { class: 'title' }, h('h1', {}, m.connection), summary(m)),
    h('div', { class: 'meta' }, meta.join('  ·  ')),
    h(
      'div',
      { class: 'toolbar' },
      h('span', { class: 'updated', role: 'status', 'aria-live': 'polite' }, state.busy ?? state.error ?? updated),
      button('Refresh', 'refresh', () => vscode.postMessage({ type: 'refresh' }), { title: 'Sample the cluster now' }),
      button(state.paused ? 'Resume' : 'Pause', 'pause', () => vscode.postMessage({ type: 'pause', paused: !state.paused })),
      button('Endpoint Status', 'report-status', () => vscode.postMessage({ type: 'report', report: 'status' }), {
        title: 'etcdctl endpoint status -w table',
      }),
    ),
  );
}

function bar(card: MemberCard): HTMLElement {
  const size = card.dbSize ?? 0;
  const inUse = Math.min(card.dbSizeInUse ?? size, size);
  const quota = card.quota;
  const scale = quota && quota > 0 ? quota : size || 1;
  const used = h('span', { class: 'bar-inuse' });
  const free = h('span', { class: 'bar-free' });
  // Tiny databases against a 2 GB quota still get a visible sliver.
  used.style.width = `${Math.max(inUse > 0 ? 0.6 : 0, (inUse / scale) * 100)}%`;
  free.style.width = `${Math.max(size > inUse ? 0.4 : 0, ((size - inUse) / scale) * 100)}%`;
  const pct = quota ? (size / quota) * 100 : undefined;
  const meter = h(
    'div',
    {
      class: `bar${pct !== undefined && pct >= 80 ? ' bar-high' : ''}`,
      role: 'meter',
      'aria-label': 'DB size against the quota',
      'aria-valuemin': '0',
      'aria-valuemax': String(Math.round(scale)),
      'aria-valuenow': String(size),
      'aria-valuetext': `${humanBytes(size)}${quota ? ` of ${humanBytes(quota)} quota` : ''}, ${humanBytes(inUse)} in use`,
    },
    used,
    free,
  );
  const fragmented = size > 0 ? Math.round(((size - inUse) / size) * 100) : 0;
  return h(
    'div',
    { class: 'db' },
    h(
      'div',
      { class: 'row' },
      h('span', {}, 'DB ', h('strong', {}, humanBytes(size))),
      h(
        'span',
        { class: 'muted' },
        quota ? `quota ${humanBytes(quota)}${pct !== undefined ? ` · ${pct < 1 ? pct.toFixed(2) : Math.round(pct)} %` : ''}` : '',
      ),
    ),
    meter,
    h(
      'div',
      { class: 'row muted small' },
      h('span', {}, h('span', { class: 'swatch swatch-inuse' }), ` in use ${humanBytes(inUse)}`),
      h('span', {}, h('span', { class: 'swatch swatch-free' }), ` free pages ${fragmented} %`),
    ),
  );
}

function memberCard(c: MemberCard): HTMLElement {
  const state = c.state === 'healthy' ? `healthy · ${c.healthMs === undefined ? '?' : ms(c.healthMs)}` : c.state;
  return h(
    'article',
    { class: `card${c.worst ? ` card-${c.worst}` : ''}`, 'aria-label': `Member ${c.name}` },
    h(
      'header',
      {},
      h('span', { class: `dot dot-${c.state}`, 'aria-hidden': 'true' }),
      h('h3', {}, c.name),
      c.isLeader && h('span', { class: 'badge badge-leader' }, '★ leader'),
      c.isLearner && h('span', { class: 'badge' }, 'learner'),
      c.version && h('span', { class: 'version' }, `v${c.version}`),
    ),
    h('div', { class: `health health-${c.state}` }, state),
    c.error && h('div', { class: 'error-text' }, c.error),
    c.state !== 'unreachable' && bar(c),
    c.state !== 'unreachable' &&
      h(
        'dl',
        { class: 'raft' },
        h('div', {}, h('dt', {}, 'raft term'), h('dd', {}, num(c.raftTerm))),
        h('div', {}, h('dt', {}, 'raft index'), h('dd', {}, num(c.raftIndex))),
        h('div', {}, h('dt', {}, 'applied'), h('dd', {}, num(c.raftAppliedIndex))),
      ),
    h('footer', {}, h('code', {}, c.id), c.endpoint && h('span', { class: 'muted' }, c.endpoint)),
  );
}

/** Findings of the same check (e.g. slow commits on three members) shown as one block. */
function groupFindings(list: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of list) groups.set(f.id, [...(groups.get(f.id) ?? []), f]);
  return [...groups.values()];
}

function findingGroup(items: Finding[]): HTMLElement {
  const [first] = items;
  const severity = items.some((f) => f.severity === 'error') ? 'error' : first.severity;
  const members = [...new Set(items.map((f) => f.member).filter((m): m is string => Boolean(m)))].sort();
  const fixes = items.flatMap((f) => f.fixes).filter((fix, i, all) => all.findIndex((x) => x.label === fix.label) === i);
  return h(
    'li',
    { class: `finding finding-${severity}` },
    h(
      'div',
      { class: 'finding-head' },
      icon(severity),
      h('strong', {}, first.title),
      ...members.map((m) => h('span', { class: 'chip' }, m)),
      h('span', { class: 'check-id' }, first.id),
    ),
    items.length === 1
      ? h('p', { class: 'message' }, first.message)
      : h('ul', { class: 'messages' }, ...items.map((f) => h('li', { class: `message message-${f.severity}` }, f.message))),
    h('details', {}, h('summary', { 'data-key': `advice-${first.id}` }, 'What to do'), h('p', {}, first.advice)),
    fixes.length > 0 &&
      h(
        'div',
        { class: 'fixes' },
        ...fixes.map((fix, k) =>
          button(fix.label, `fix-${first.id}-${fix.label}`, () => vscode.postMessage({ type: 'fix', fix }), { primary: k === 0 }),
        ),
      ),
  );
}

function passedList(passed: PassedCheck[]): HTMLElement {
  return h(
    'details',
    { class: 'passed' },
    h('summary', { 'data-key': 'passed' }, `${passed.length} checks passed`),
    h('ul', {}, ...passed.map((p) => h('li', {}, icon('ok'), h('span', {}, h('strong', {}, p.title), ` — ${p.detail}`)))),
  );
}

function findings(m: OverviewModel): HTMLElement {
  const r = m.report;
  const window =
    r.windowSeconds === null
      ? 'from one sample so far'
      : `over the last ${r.windowSeconds >= 120 ? `${Math.round(r.windowSeconds / 60)} min` : `${Math.round(r.windowSeconds)} s`}`;
  return h(
    'section',
    { class: 'doctor', 'aria-labelledby': 'doctor-h' },
    h('h2', { id: 'doctor-h' }, 'Doctor ', h('span', { class: 'muted small' }, window)),
    r.findings.length
      ? h('ul', { class: 'findings' }, ...groupFindings(r.findings).map(findingGroup))
      : h('p', { class: 'all-good' }, icon('ok'), 'Nothing wrong: every check passed.'),
    passedList(r.passed),
    r.skipped.length > 0 &&
      h('p', { class: 'muted small' }, `Not checked: ${r.skipped.map((s) => `${s.title.toLowerCase()} (${s.reason})`).join('; ')}.`),
  );
}

function legend(names: string[]): HTMLElement {
  return h('div', { class: 'legend' }, ...names.map((n, i) => h('span', {}, h('span', { class: `swatch series-bg-${i % 6}` }), n)));
}

function chart(title: string, svg: string, names: string[] | undefined): HTMLElement {
  const body = h('div', { class: 'chart-body' });
  body.innerHTML = svg;
  return h('figure', { class: 'chart-card' }, h('figcaption', {}, title), body, names && names.length > 1 ? legend(names) : null);
}

function charts(m: OverviewModel): HTMLElement {
  const s = m.series;
  const names = s.dbSize.map((x) => x.name);
  const span = s.times.length > 1 ? Math.round((s.times.at(-1)! - s.times[0]) / 60_000) : 0;
  return h(
    'section',
    { class: 'charts', 'aria-labelledby': 'charts-h' },
    h(
      'h2',
      { id: 'charts-h' },
      'Live ',
      h(
        'span',
        { class: 'muted small' },
        s.times.length > 1 ? `last ${span < 1 ? `${Math.round((s.times.at(-1)! - s.times[0]) / 1000)} s` : `${span} min`}` : 'collecting…',
      ),
    ),
    h(
      'div',
      { class: 'chart-grid' },
      chart(
        'Writes / s',
        lineChart({ title: 'Writes per second', times: s.times, series: s.writesPerSecond, format: rate, area: true }),
        undefined,
      ),
      chart('DB size', lineChart({ title: 'DB size', times: s.times, series: s.dbSize, format: (v) => humanBytes(Math.round(v)) }), names),
      chart(
        'WAL fsync p99',
        lineChart({
          title: 'WAL fsync p99',
          times: s.times,
          series: s.walFsyncP99,
          format: ms,
          threshold: { value: m.thresholds.walFsyncWarnMs, label: ms(m.thresholds.walFsyncWarnMs) },
        }),
        names,
      ),
      chart(
        'Backend commit p99',
        lineChart({
          title: 'Backend commit p99',
          times: s.times,
          series: s.backendCommitP99,
          format: ms,
          threshold: { value: m.thresholds.backendCommitWarnMs, label: ms(m.thresholds.backendCommitWarnMs) },
        }),
        names,
      ),
    ),
  );
}

function render(): void {
  const focused = (document.activeElement as HTMLElement | null)?.getAttribute?.('data-key');
  const open = new Set([...document.querySelectorAll('details[open] > summary')].map((s) => s.getAttribute('data-key')));
  const m = state.model;
  root.replaceChildren(
    m
      ? h(
          'main',
          {},
          header(m),
          h(
            'section',
            { class: 'members', 'aria-label': 'Members' },
            ...[...m.members].sort((a, b) => a.name.localeCompare(b.name)).map(memberCard),
          ),
          findings(m),
          charts(m),
        )
      : h('main', {}, h('p', { class: 'muted' }, state.error ?? 'Sampling the cluster…')),
  );
  for (const s of document.querySelectorAll('details > summary'))
    if (open.has(s.getAttribute('data-key'))) (s.parentElement as HTMLDetailsElement).open = true;
  if (focused) (document.querySelector(`[data-key="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
}

window.addEventListener('message', (e: MessageEvent<ToOverview>) => {
  const msg = e.data;
  if (msg.type === 'model')
    state = { ...state, model: msg.model, refreshSeconds: msg.refreshSeconds, paused: msg.paused, error: undefined, busy: undefined };
  else state = { ...state, paused: msg.paused, busy: msg.busy, error: msg.error };
  render();
});

render();
vscode.postMessage({ type: 'ready' });
