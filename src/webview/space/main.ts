/**
 * The Space webview: a header with the totals, each member's db size and free pages and the history,
 * a treemap of the prefix's children (drill down by clicking, back with the breadcrumb), and bar
 * charts of the largest keys (and, from a snapshot, of the keys holding the most revisions). Keys open
 * in the editor. It only draws: every figure comes from the extension (SpaceView).
 */
import type { SpaceRequest, SpaceUpdate, SpaceView, ViewKey } from '../../protocol/spaceProtocol';
import { bytes, count, el, fit, share, svg } from './dom';
import { drawTreemap } from './treemap';

declare function acquireVsCodeApi(): { postMessage(m: SpaceRequest): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const post = (m: SpaceRequest) => vscode.postMessage(m);

const app = document.getElementById('app')!;
const tipBox = el('div', { class: 'tip', role: 'tooltip' });
document.body.append(tipBox);
let current: SpaceView | undefined;

function tip(lines: string[] | undefined, ev?: MouseEvent): void {
  if (!lines || !ev) {
    tipBox.style.display = 'none';
    return;
  }
  tipBox.replaceChildren(...lines.map((l, i) => el('div', { class: i === 0 ? 'tip-title' : '' }, l)));
  tipBox.style.display = 'block';
  const x = Math.min(ev.clientX + 14, window.innerWidth - tipBox.offsetWidth - 8);
  const y = Math.min(ev.clientY + 14, window.innerHeight - tipBox.offsetHeight - 8);
  tipBox.style.left = `${Math.max(4, x)}px`;
  tipBox.style.top = `${Math.max(4, y)}px`;
}

function header(v: SpaceView): HTMLElement {
  const crumbs = el('nav', { class: 'crumbs', 'aria-label': 'Prefix' });
  v.crumbs.forEach((c, i) => {
    const last = i === v.crumbs.length - 1;
    const b = el('button', { class: last ? 'crumb current' : 'crumb', title: last ? 'Refresh' : `Show ${c.name}` }, c.name);
    b.addEventListener('click', () => post(last ? { type: 'refresh' } : { type: 'drill', hex: c.hex }));
    crumbs.append(b);
  });
  const facts = [
    `${count(v.root.keys)} keys`,
    `${bytes(v.root.bytes)} keys + values`,
    `revision ${count(v.revision)}`,
    v.compactRevision !== undefined
      ? v.compactRevision <= 1
        ? 'never compacted'
        : `compacted at ${count(v.compactRevision)} (${count(v.revision - v.compactRevision)} revisions since)`
      : '',
    v.history ? `${bytes(v.history.historyBytes)} in old revisions · ${count(v.history.deletedKeys)} deleted keys` : '',
  ].filter(Boolean);
  const source = el('div', { class: 'source' }, `${v.source === 'live' ? 'Connection' : 'Snapshot'} ${v.target}`);
  return el('header', {}, source, crumbs, el('div', { class: 'facts' }, ...facts.map((f) => el('span', { class: 'fact' }, f))));
}

function storage(v: SpaceView): HTMLElement {
  const rows = v.storage.map((s) => {
    if (s.error) return el('div', { class: 'db error' }, `${s.name}: ${s.error}`);
    const size = s.dbSize ?? 0;
    const used = s.dbSizeInUse ?? size;
    const bar = el('div', { class: 'db-bar', title: `${bytes(used)} in use of ${bytes(size)}` });
    const fill = el('div', { class: 'db-used' });
    fill.style.width = `${size ? (100 * used) / size : 0}%`;
    bar.append(fill);
    const free = size - used;
    return el(
      'div',
      { class: 'db' },
      el('span', { class: 'db-name' }, s.name),
      bar,
      el('span', { class: 'db-figures' }, `${bytes(size)} db · ${bytes(free)} free pages (${share(free, size)})`),
    );
  });
  return el('section', { class: 'storage' }, el('h2', {}, v.source === 'live' ? 'Database files' : 'Database file'), ...rows);
}

/** Horizontal bars of keys by one figure; a click opens the key. */
function keyBars(title: string, keys: ViewKey[], value: (k: ViewKey) => number, label: (k: ViewKey) => string): HTMLElement {
  const section = el('section', { class: 'bars' }, el('h2', {}, title));
  const max = Math.max(1, ...keys.map(value));
  const width = 360;
  const row = 22;
  const s = svg('svg', { width, height: keys.length * row, role: 'list', class: 'barchart' });
  keys.forEach((k, i) => {
    const g = svg('g', { class: 'bar', tabindex: 0, role: 'listitem', 'data-hex': k.hex });
    const y = i * row;
    const w = Math.max(2, ((width - 80) * value(k)) / max);
    g.append(svg('rect', { x: 0, y: y + 3, width: w, height: row - 6, rx: 2, class: 'bar-fill' }));
    const name = svg('text', { x: 4, y: y + 15, class: 'bar-label' });
    name.textContent = fit(k.text, width - 84, 6.6, true);
    const val = svg('text', { x: width - 2, y: y + 15, class: 'bar-value', 'text-anchor': 'end' });
    val.textContent = label(k);
    const t = svg('title');
    t.textContent = `${k.text}\n${bytes(k.bytes)} · revision ${k.modRevision} · version ${k.version}\nClick to open`;
    g.append(name, val, t);
    const open = () => post({ type: 'openKey', hex: k.hex });
    g.addEventListener('click', open);
    g.addEventListener('keydown', (ev) => {
      if ((ev as KeyboardEvent).key === 'Enter') open();
    });
    s.append(g);
  });
  section.append(s);
  return section;
}

function render(v: SpaceView): void {
  current = v;
  const map = el('section', { class: 'map' });
  const side = el('aside', { class: 'side' }, storage(v));
  if (v.largest.length)
    side.append(
      keyBars(
        'Largest keys',
        v.largest.slice(0, 15),
        (k) => k.bytes,
        (k) => bytes(k.bytes),
      ),
    );
  const churn = (v.mostRevisions ?? []).filter((k) => (k.revisions ?? 0) > 1);
  if (churn.length)
    side.append(
      keyBars(
        'Most revisions kept',
        churn.slice(0, 10),
        (k) => k.revisions ?? 0,
        (k) => `${k.revisions}×`,
      ),
    );
  app.replaceChildren(header(v), el('main', {}, map, side));
  drawMap(map, v);
}

function drawMap(host: HTMLElement, v: SpaceView): void {
  const width = Math.max(320, host.clientWidth);
  const height = Math.max(260, Math.min(640, window.innerHeight - host.getBoundingClientRect().top - 16));
  if (!v.root.keys) {
    host.replaceChildren(el('p', { class: 'empty' }, `No keys under ${v.root.text || 'the keyspace'}.`));
    return;
  }
  host.replaceChildren(
    drawTreemap(v.root, width, height, {
      drill: (hex) => post({ type: 'drill', hex }),
      open: (hex) => post({ type: 'openKey', hex }),
      tip,
    }),
  );
}

function loading(text: string, fraction?: number): void {
  const bar = el('div', { class: 'progress-bar' });
  const fill = el('div', { class: 'progress-fill' });
  fill.style.width = fraction === undefined ? '30%' : `${Math.round(fraction * 100)}%`;
  if (fraction === undefined) fill.classList.add('indeterminate');
  bar.append(fill);
  const cancel = el('button', { class: 'cancel' }, 'Cancel');
  cancel.addEventListener('click', () => post({ type: 'cancel' }));
  const box = el('div', { class: 'loading', role: 'status' }, el('div', {}, text), bar, cancel);
  const old = document.querySelector('.loading');
  if (old) old.replaceWith(box);
  else app.prepend(box);
}

window.addEventListener('message', (ev: MessageEvent<SpaceUpdate>) => {
  const m = ev.data;
  if (m.type === 'progress') loading(m.text, m.fraction);
  else if (m.type === 'report') render(m.view);
  else {
    document.querySelector('.loading')?.remove();
    app.prepend(el('div', { class: 'error', role: 'alert' }, m.message));
  }
});

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const host = document.querySelector<HTMLElement>('.map');
    if (current && host) drawMap(host, current);
  }, 100);
});

post({ type: 'ready' });
