/**
 * Two-sided Mann–Whitney U test (Wilcoxon rank-sum) of two independent sample sets.
 *
 * Method, stated once here and in every report that prints a p-value:
 *  - exact null distribution of U when there are no ties and n1 + n2 <= EXACT_MAX_N
 *    (same choice of exact vs. asymptotic as SciPy's `method="auto"` family, with a larger cut-off);
 *  - otherwise the normal approximation with the tie correction of the variance and a 0.5
 *    continuity correction (SciPy `method="asymptotic", use_continuity=True`).
 * Two-sided p = 2 * min(P(U <= u), P(U >= u)), capped at 1.
 */
export const EXACT_MAX_N = 50;

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counted 1/2 */
  u1: number;
  u2: number;
  /** two-sided p-value */
  p: number;
  method: 'exact' | 'asymptotic';
  /** z of the normal approximation (0 on the exact path) */
  z: number;
}

/** Midranks (1-based) of the pooled samples, plus sum over tie groups of t^3 - t. */
function midranks(pooled: Float64Array): { ranks: Float64Array; tieTerm: number; order: Int32Array } {
  const n = pooled.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => pooled[a]! - pooled[b]!);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && pooled[order[j]!] === pooled[order[i]!]) j++;
    const rank = (i + 1 + j) / 2; // average of ranks i+1 .. j
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  return { ranks, tieTerm, order };
}

/**
 * Counts of U = 0..m*n under the null (no ties): coefficients of the Gaussian binomial
 * [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Exact in doubles for m+n <= 50.
 */
export function exactUCounts(m: number, n: number): Float64Array {
  const size = m * n + 1;
  const c = new Float64Array(size);
  c[0] = 1;
  for (let i = 1; i <= m; i++) {
    const a = n + i;
    for (let k = size - 1; k >= a; k--) c[k] = c[k]! - c[k - a]!; // times (1 - q^a)
    for (let k = i; k < size; k++) c[k] = c[k]! + c[k - i]!; // divided by (1 - q^i)
  }
  return c;
}

/** Standard normal upper tail, Q(z) = 1 - Phi(z), accurate to ~1e-15 (via erfc). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Complementary error function: Taylor series of erf below 2, Laplace's continued fraction
 * (modified Lentz) above. Near double precision, so small p-values keep their digits.
 */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf series: erf(x) = 2/sqrt(pi) * sum_k (-1)^k x^(2k+1) / (k! (2k+1))
    let sum = x;
    let term = x;
    const x2 = x * x;
    for (let k = 1; k < 200; k++) {
      term *= -x2 / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction (Lentz) for erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = D === 0 ? tiny : D;
    C = x + a / C;
    C = C === 0 ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

export function mannWhitneyU(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  method: 'auto' | 'exact' | 'asymptotic' = 'auto',
): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u1: NaN, u2: NaN, p: NaN, method: 'asymptotic', z: NaN };
  const pooled = new Float64Array(n1 + n2);
  for (let i = 0; i < n1; i++) pooled[i] = x[i]!;
  for (let i = 0; i < n2; i++) pooled[n1 + i] = y[i]!;
  const { ranks, tieTerm } = midranks(pooled);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const n = n1 + n2;

  const exactOk = tieTerm === 0 && n <= EXACT_MAX_N;
  if (method === 'exact' && !exactOk) throw new RangeError('exact Mann–Whitney needs no ties and n1 + n2 <= 50');
  if (exactOk && method !== 'asymptotic') {
    const counts = exactUCounts(n1, n2);
    let total = 0;
    for (const v of counts) total += v;
    // U is symmetric about n1*n2/2, so P(U >= u) = P(U <= n1*n2 - u): use the smaller U's lower tail.
    const uMin = Math.min(u1, u2);
    let lower = 0;
    for (let k = 0; k <= uMin; k++) lower += counts[k]!;
    return { u1, u2, p: Math.min(1, (2 * lower) / total), method: 'exact', z: 0 };
  }

  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u1, u2, p: 1, method: 'asymptotic', z: 0 }; // every value tied
  const z = (Math.abs(u1 - mu) - 0.5) / Math.sqrt(variance);
  const p = Math.min(1, 2 * normalUpperTail(Math.max(0, z)));
  return { u1, u2, p, method: 'asymptotic', z: u1 >= mu ? z : -z };
}
