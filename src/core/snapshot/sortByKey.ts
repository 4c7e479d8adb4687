/**
 * Sorting slot ids by their key bytes: multikey quicksort (Bentley & Sedgewick), which partitions
 * by one byte at a time and so reads a shared prefix once per partition, not once per comparison.
 * Kubernetes keys share long prefixes (`/registry/services/endpoints/ns-1/…`): a comparison sort
 * of a million of them spent ~2 s comparing the same 30 bytes again and again, and V8's
 * TypedArray sort with a comparator also copies the array into two JS arrays (16 MB at the
 * index's peak). This sorts in place with an explicit stack (keys may be long: no recursion).
 */

/** Ranges this short are finished by insertion sort. */
const SMALL = 12;

/**
 * Sorts `a` (slot ids) by key; `byteAt(slot, depth)` is the key's byte at `depth`, or -1 past its
 * end. Keys must be distinct (the index holds each key once).
 */
export function sortByKey(a: Uint32Array, byteAt: (slot: number, depth: number) => number): void {
  const stack: number[] = [0, a.length, 0];
  while (stack.length) {
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo < SMALL) {
      insertionSort(a, lo, hi, depth, byteAt);
      continue;
    }
    const pivot = median(byteAt(a[lo], depth), byteAt(a[(lo + hi) >>> 1], depth), byteAt(a[hi - 1], depth));
    // Three-way partition on the byte at `depth`: [lo, lt) < pivot, [lt, gt] = pivot, (gt, hi) > pivot.
    let lt = lo;
    let gt = hi - 1;
    let i = lo;
    while (i <= gt) {
      const c = byteAt(a[i], depth);
      if (c < pivot) {
        const t = a[lt];
        a[lt] = a[i];
        a[i] = t;
        lt++;
        i++;
      } else if (c > pivot) {
        const t = a[gt];
        a[gt] = a[i];
        a[i] = t;
        gt--;
      } else {
        i++;
      }
    }
    stack.push(lo, lt, depth);
    // Keys that end at `depth` (pivot -1) are equal and need no more sorting.
    if (pivot >= 0) stack.push(lt, gt + 1, depth + 1);
    stack.push(gt + 1, hi, depth);
  }
}

function median(x: number, y: number, z: number): number {
  if (x < y) return y < z ? y : x < z ? z : x;
  return x < z ? x : y < z ? z : y;
}

/** Keys in [lo, hi) agree on their first `depth` bytes; compares from there. */
function insertionSort(a: Uint32Array, lo: number, hi: number, depth: number, byteAt: (slot: number, depth: number) => number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && compareFrom(a[j], v, depth, byteAt) > 0) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function compareFrom(x: number, y: number, depth: number, byteAt: (slot: number, depth: number) => number): number {
  for (let d = depth; ; d++) {
    const bx = byteAt(x, d);
    const by = byteAt(y, d);
    if (bx !== by || bx < 0) return bx - by;
  }
}
