/**
 * The N best items of a stream, in O(log N) per accepted item and O(1) per rejected one (a min-heap
 * whose root is the worst kept item): the "largest keys" of a million-key scan without sorting or
 * keeping the million. Scores are kept beside the items (comparing them is the hot path); equal
 * scores are ordered by `tie`, so the same input gives the same N items in whatever order it arrives
 * (a live scan and a snapshot of it list the same keys).
 */
export class TopN<T> {
  private readonly items: T[] = [];
  private readonly scores: number[] = [];
  /** The worst kept score once full (-Infinity before). */
  private floor = -Infinity;

  /** @param tie order of two items of equal score: positive when a is better than b */
  constructor(
    readonly size: number,
    private readonly tie: (a: T, b: T) => number,
  ) {}

  /** Whether an item with this score could be kept (check before building the item). */
  wants(score: number): boolean {
    return this.size > 0 && score >= this.floor;
  }

  add(item: T, score: number): void {
    const n = this.items.length;
    if (n < this.size) {
      this.items.push(item);
      this.scores.push(score);
      this.up(n);
    } else if (this.size > 0 && (score > this.scores[0] || (score === this.scores[0] && this.tie(item, this.items[0]) > 0))) {
      this.items[0] = item;
      this.scores[0] = score;
      this.down(0);
    }
    if (this.items.length === this.size) this.floor = this.scores[0];
  }

  /** Kept items, best first. */
  sorted(): T[] {
    const order = this.items.map((_, i) => i).sort((a, b) => -this.compare(a, b));
    return order.map((i) => this.items[i]);
  }

  /** Positive when entry i is better than entry j. */
  private compare(i: number, j: number): number {
    return this.scores[i] - this.scores[j] || this.tie(this.items[i], this.items[j]);
  }

  private swap(i: number, j: number): void {
    [this.items[i], this.items[j]] = [this.items[j], this.items[i]];
    [this.scores[i], this.scores[j]] = [this.scores[j], this.scores[i]];
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.compare(p, i) <= 0) return;
      this.swap(p, i);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.compare(l, m) < 0) m = l;
      if (r < n && this.compare(r, m) < 0) m = r;
      if (m === i) return;
      this.swap(m, i);
      i = m;
    }
  }
}
