/**
 * The treemap of a Space report: the current prefix's children as rectangles sized by bytes, each
 * split into its own children and largest keys (two levels), coloured per top-level child with the
 * theme's chart colours. Prefix cells drill down, key cells open the key.
 */
import type { ViewKey, ViewNode } from '../../protocol/spaceProtocol';
import { bytes, count, fit, share, svg } from './dom';
import { Rect, squarify } from './squarify';

export interface TreemapActions {
  drill(hex: string): void;
  open(hex: string): void;
  tip(text: string[] | undefined, ev?: MouseEvent): void;
}

/** What a cell stands for. */
type Item =
  | { kind: 'prefix'; node: ViewNode }
  | { kind: 'key'; key: ViewKey; name: string }
  | { kind: 'rest'; keys: number; bytes: number; parent: ViewNode };

const PALETTE = ['blue', 'green', 'orange', 'purple', 'yellow', 'red'];
const HEADER = 18;
const PAD = 2;

/** The cells inside a node: child prefixes, its largest own keys, and the rest of its own keys as one. */
function itemsOf(node: ViewNode): Item[] {
  const items: Item[] = node.children.map((c) => ({ kind: 'prefix' as const, node: c }));
  let shownKeys = 0;
  let shownBytes = 0;
  for (const k of node.largest) {
    items.push({ kind: 'key', key: k, name: k.text.slice(node.text.length) || k.text });
    shownKeys++;
    shownBytes += k.bytes;
  }
  const restBytes = node.bytes - node.children.reduce((n, c) => n + c.bytes, 0) - shownBytes;
  const restKeys = node.keys - node.children.reduce((n, c) => n + c.keys, 0) - shownKeys;
  if (restKeys > 0 && restBytes > 0) items.push({ kind: 'rest', keys: restKeys, bytes: restBytes, parent: node });
  return items.filter((i) => sizeOf(i) > 0).sort((a, b) => sizeOf(b) - sizeOf(a));
}

function sizeOf(i: Item): number {
  return i.kind === 'prefix' ? i.node.bytes : i.kind === 'key' ? i.key.bytes : i.bytes;
}

function describe(i: Item, total: number): string[] {
  if (i.kind === 'prefix') {
    const n = i.node;
    return [
      n.text,
      `${bytes(n.bytes)} · ${count(n.keys)} keys · ${share(n.bytes, total)}`,
      ...(n.label ? [n.label] : []),
      ...(n.historyBytes ? [`${bytes(n.historyBytes)} in old revisions (${count(n.revisions ?? 0)} revisions)`] : []),
      'Click to look inside',
    ];
  }
  if (i.kind === 'key') {
    const k = i.key;
    return [
      k.text,
      `${bytes(k.bytes)} (value ${bytes(k.valueBytes)}) · revision ${k.modRevision} · version ${k.version}`,
      ...(k.revisions ? [`${k.revisions} revisions kept, ${bytes(k.historyBytes ?? 0)} old`] : []),
      'Click to open',
    ];
  }
  return [
    `${count(i.keys)} more keys directly in ${i.parent.text}`,
    `${bytes(i.bytes)} · ${share(i.bytes, total)}`,
    'Click to look inside',
  ];
}

/** Draws the treemap of `root` into an SVG of the given size. */
export function drawTreemap(root: ViewNode, width: number, height: number, act: TreemapActions): SVGSVGElement {
  const s = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'treemap' });
  const title = svg('title');
  title.textContent = `Space under ${root.text || 'the whole keyspace'}`;
  s.append(title);
  const total = root.bytes;
  const top = itemsOf(root);
  const rects = squarify(top.map(sizeOf), { x: 0, y: 0, w: width, h: height });
  top.forEach((item, i) => {
    const color = `var(--vscode-charts-${PALETTE[i % PALETTE.length]})`;
    drawCell(s, item, rects[i], color, 0, total, act);
  });
  return s;
}

function drawCell(s: SVGSVGElement, item: Item, r: Rect, color: string, depth: number, total: number, act: TreemapActions): void {
  if (r.w < 1 || r.h < 1) return;
  const g = svg('g', { class: `cell ${item.kind} depth-${depth}` });
  const inner = item.kind === 'prefix' && depth === 0 ? itemsOf(item.node) : [];
  const withHeader = inner.length > 0 && r.h > HEADER + 12 && r.w > 40;
  const box = svg('rect', {
    x: r.x + 0.5,
    y: r.y + 0.5,
    width: Math.max(0, r.w - 1),
    height: Math.max(0, r.h - 1),
    fill: color,
    'fill-opacity': item.kind === 'rest' ? 0.25 : depth === 0 ? (withHeader ? 0.35 : 0.75) : item.kind === 'key' ? 0.95 : 0.7,
    rx: 2,
  });
  g.append(box);
  const target = item.kind === 'key' ? item.key.hex : item.kind === 'prefix' ? item.node.hex : item.parent.hex;
  g.setAttribute('data-hex', target);
  g.setAttribute('tabindex', '0');
  const activate = () => (item.kind === 'key' ? act.open(target) : act.drill(target));
  g.addEventListener('click', (ev) => {
    ev.stopPropagation();
    activate();
  });
  g.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') activate();
  });
  g.addEventListener('mousemove', (ev) => {
    ev.stopPropagation();
    act.tip(describe(item, total), ev);
  });
  g.addEventListener('mouseleave', () => act.tip(undefined));
  const name = item.kind === 'prefix' ? item.node.name : item.kind === 'key' ? item.name : `${count(item.keys)} more keys`;
  const size = bytes(sizeOf(item));
  if (withHeader || (r.w > 36 && r.h > 14)) {
    const label = svg('text', { x: r.x + 4, y: r.y + 13, class: 'label' });
    const text = fit(`${name}  ${size}`, r.w - 8);
    label.textContent = text || fit(name, r.w - 8);
    g.append(label);
    if (!withHeader && r.h > 30 && item.kind === 'prefix' && item.node.label) {
      const sub = svg('text', { x: r.x + 4, y: r.y + 27, class: 'sublabel' });
      sub.textContent = fit(item.node.label, r.w - 8);
      g.append(sub);
    }
  }
  s.append(g);
  if (withHeader) {
    const area = { x: r.x + PAD, y: r.y + HEADER, w: r.w - 2 * PAD, h: r.h - HEADER - PAD };
    const rects = squarify(inner.map(sizeOf), area);
    inner.forEach((child, i) => drawCell(s, child, rects[i], color, depth + 1, total, act));
  }
}
