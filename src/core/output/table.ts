/**
 * Tables. `etcdctlTable` is etcdctl's tablewriter layout: upper-case centred headers, every cell
 * right-aligned, ASCII borders up to etcdctl 3.6 and box-drawing borders from 3.7. `plainTable` is etcd
 * Studio's own listings (ls, leases, snapshot ls): the same frame with left-aligned cells.
 */
import type { EtcdctlStyle } from './etcdctlStyle';

interface Frame {
  top: [string, string, string];
  mid: [string, string, string];
  bottom: [string, string, string];
  line: string;
  bar: string;
}

const ASCII: Frame = { top: ['+', '+', '+'], mid: ['+', '+', '+'], bottom: ['+', '+', '+'], line: '-', bar: '|' };
const BOX: Frame = { top: ['┌', '┬', '┐'], mid: ['├', '┼', '┤'], bottom: ['└', '┴', '┘'], line: '─', bar: '│' };

function draw(header: readonly string[], rows: readonly string[][], frame: Frame, align: 'left' | 'right'): string {
  // tablewriter shows header words separated by '_' with spaces.
  const head = header.map((h) => h.toUpperCase().replace(/_/g, ' '));
  // A cell may hold several lines ("\n"), e.g. a long message broken by wrapText; the row grows to fit.
  const lines = (c: string | undefined) => (c ?? '').split('\n');
  const widths = head.map((h, i) => Math.max(h.length, ...rows.flatMap((r) => lines(r[i]).map((l) => l.length))));
  const rule = ([l, m, r]: [string, string, string]) => l + widths.map((w) => frame.line.repeat(w + 2)).join(m) + r;
  const center = (c: string, w: number) => {
    const left = Math.floor((w - c.length) / 2);
    return ' '.repeat(left) + c + ' '.repeat(w - c.length - left);
  };
  const cell = (c: string, w: number) => (align === 'right' ? c.padStart(w) : c.padEnd(w));
  const b = frame.bar;
  return (
    [
      rule(frame.top),
      b + head.map((h, i) => ` ${center(h, widths[i])} `).join(b) + b,
      rule(frame.mid),
      ...rows.flatMap((r) => {
        const split = widths.map((_, i) => lines(r[i]));
        const height = Math.max(...split.map((l) => l.length));
        return Array.from({ length: height }, (_, k) => b + widths.map((w, i) => ` ${cell(split[i][k] ?? '', w)} `).join(b) + b);
      }),
      rule(frame.bottom),
    ].join('\n') + '\n'
  );
}

/** `etcdctl -w table` of the given release. */
export function etcdctlTable(header: readonly string[], rows: readonly string[][], style: Pick<EtcdctlStyle, 'tableBorders'>): string {
  return draw(header, rows, style.tableBorders === 'box' ? BOX : ASCII, 'right');
}

/** etcd Studio's own tables (left-aligned cells, ASCII frame). */
export function plainTable(header: readonly string[], rows: readonly string[][]): string {
  return draw(header, rows, ASCII, 'left');
}

/** Breaks text into lines of at most `width` characters at spaces (a longer word stays whole). */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(current);
  return out.join('\n');
}
