/** Small DOM helpers: elements are built with textContent only, never from HTML strings (keys are user data). */

const SVG = 'http://www.w3.org/2000/svg';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Bytes as etcdctl prints them (1.5 MB, 12 MB, 999 kB). */
export function bytes(n: number): string {
  if (!(n >= 10)) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  const e = Math.min(units.length - 1, Math.floor(Math.log(n) / Math.log(1000)));
  const v = n / 1000 ** e;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[e]}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function share(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '';
}

/** Text that fits `width` pixels at ~`charPx` per character, cut with an ellipsis (keeping the end of keys). */
export function fit(text: string, width: number, charPx = 6.6, keepEnd = false): string {
  const max = Math.floor(width / charPx);
  if (text.length <= max) return text;
  if (max < 4) return '';
  return keepEnd ? `…${text.slice(text.length - max + 1)}` : `${text.slice(0, max - 1)}…`;
}
