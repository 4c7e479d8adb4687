/**
 * A unified line diff (like `diff -u`) for showing how a value's YAML changed in a report. Plain LCS
 * over lines: values are Kubernetes objects of at most a few thousand lines, where O(n*m) is fine;
 * beyond `maxCells` it falls back to replacing the whole text rather than stall.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

function lcsOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] });
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) ops.push({ kind: '-', line: a[i++] });
    else ops.push({ kind: '+', line: b[j++] });
  }
  while (i < n) ops.push({ kind: '-', line: a[i++] });
  while (j < m) ops.push({ kind: '+', line: b[j++] });
  return ops;
}

/** Unified diff body (`@@` hunks with `context` lines around changes); '' when the texts are equal. */
export function unifiedDiff(before: string, after: string, opts: { context?: number; maxCells?: number } = {}): string {
  if (before === after) return '';
  const context = opts.context ?? 3;
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const ops =
    a.length * b.length > (opts.maxCells ?? 4_000_000)
      ? [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))]
      : lcsOps(a, b);
  const out: string[] = [];
  let k = 0;
  // Line numbers (1-based) before each op, for hunk headers.
  const posA: number[] = [];
  const posB: number[] = [];
  let la = 1;
  let lb = 1;
  for (const op of ops) {
    posA.push(la);
    posB.push(lb);
    if (op.kind !== '+') la++;
    if (op.kind !== '-') lb++;
  }
  while (k < ops.length) {
    if (ops[k].kind === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while the next change is within 2 * context unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end].kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap].kind === ' ' && gap - end < 2 * context) gap++;
      if (gap < ops.length && ops[gap].kind !== ' ') end = gap;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    const slice = ops.slice(start, end);
    const countA = slice.filter((o) => o.kind !== '+').length;
    const countB = slice.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${countA ? posA[start] : posA[start] - 1},${countA} +${countB ? posB[start] : posB[start] - 1},${countB} @@`);
    for (const o of slice) out.push(o.kind + o.line);
    k = end;
  }
  return out.join('\n') + '\n';
}
