/**
 * The N best items of a stream, in O(log N) per accepted item and O(1) per rejected one (a min-heap
 * whose root is the worst kept item): the "largest keys" of a million-key scan without sorting or
 * keeping the million. Ties are broken by `compare`, so the same input gives the same N items in
 * whatever order it arrives (a live scan and a snapshot of it list the same keys).
 */
export class TopN<T> {
  private readonly heap: T[] = [];
  /** The worst kept score once full (-Infinity before): cached, `wants` is called for every item. */
  private floor = -Infinity;

  /**
   * @param score what ranks items (higher is better)
   * @param compare full order, for ties of `score`: positive when a is better than b
   */
  constructor(
    readonly size: number,
    private readonly score: (t: T) => number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  /** Whether an item with this score could be kept (check before building the item). */
  wants(score: number): boolean {
    return this.size > 0 && score >= this.floor;
  }

  add(item: T): void {
    const h = this.heap;
    if (h.length < this.size) {
      h.push(item);
      this.up(h.length - 1);
    } else if (this.size > 0 && this.compare(item, h[0]) > 0) {
      h[0] = item;
      this.down(0);
    }
    if (h.length === this.size) this.floor = this.score(h[0]);
  }

  /** Kept items, best first. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => this.compare(b, a));
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.compare(h[p], h[i]) <= 0) return;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.compare(h[l], h[m]) < 0) m = l;
      if (r < h.length && this.compare(h[r], h[m]) < 0) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
}
