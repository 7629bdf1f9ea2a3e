/**
 * The shortest edit script between two sequences of keys (Myers' O(ND) algorithm). The host and
 * device preprocessings of one file differ only where `__CUDA_ARCH__` selects, so D is small.
 */
export type Edit = { op: 'same'; a: number; b: number } | { op: 'del'; a: number } | { op: 'ins'; b: number };

export function diff(a: readonly number[], b: readonly number[]): Edit[] {
  // Common prefix and suffix first: the usual case is a few differing items in thousands.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const out: Edit[] = [];
  for (let k = 0; k < pre; k++) out.push({ op: 'same', a: k, b: k });
  out.push(...middle(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf), pre, pre));
  for (let k = suf; k > 0; k--) out.push({ op: 'same', a: a.length - k, b: b.length - k });
  return out;
}

function middle(a: readonly number[], b: readonly number[], offA: number, offB: number): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = max === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m).
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[max + k - 1]! < vd[max + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[max + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: 'same', a: offA + --x, b: offB + --y });
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: 'ins', b: offB + --y });
      else edits.push({ op: 'del', a: offA + --x });
    }
  }
  while (x > 0 && y > 0) edits.push({ op: 'same', a: offA + --x, b: offB + --y });
  return edits.reverse();
}
