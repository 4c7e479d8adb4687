/**
 * Squarified treemap layout (Bruls, Huizing, van Wijk 2000): rectangles with areas proportional to
 * the values, laid out row by row so that each row keeps the worst aspect ratio as close to 1 as it
 * can. Values must be positive and sorted largest first.
 */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The worst aspect ratio of a row of `areas` laid along a side of length `side`. */
function worst(areas: number[], side: number): number {
  let sum = 0;
  let max = 0;
  let min = Infinity;
  for (const a of areas) {
    sum += a;
    if (a > max) max = a;
    if (a < min) min = a;
  }
  const s2 = side * side;
  const sum2 = sum * sum;
  return Math.max((s2 * max) / sum2, sum2 / (s2 * min));
}

export function squarify(values: number[], box: Rect): Rect[] {
  const total = values.reduce((a, b) => a + b, 0);
  const out: Rect[] = new Array(values.length);
  if (!values.length || total <= 0 || box.w <= 0 || box.h <= 0) return values.map(() => ({ ...box, w: 0, h: 0 }));
  const scale = (box.w * box.h) / total;
  const areas = values.map((v) => v * scale);
  let { x, y, w, h } = box;
  let i = 0;
  while (i < areas.length) {
    const side = Math.min(w, h);
    const row = [areas[i]];
    let j = i + 1;
    while (j < areas.length && worst([...row, areas[j]], side) <= worst(row, side)) row.push(areas[j++]);
    const sum = row.reduce((a, b) => a + b, 0);
    if (w >= h) {
      // A column at the left, as wide as the row's area needs.
      const cw = sum / h;
      let cy = y;
      row.forEach((a, k) => {
        const rh = a / cw;
        out[i + k] = { x, y: cy, w: cw, h: rh };
        cy += rh;
      });
      x += cw;
      w -= cw;
    } else {
      const rh = sum / w;
      let cx = x;
      row.forEach((a, k) => {
        const cw = a / rh;
        out[i + k] = { x: cx, y, w: cw, h: rh };
        cx += cw;
      });
      y += rh;
      h -= rh;
    }
    i = j;
  }
  return out;
}
