/**
 * Paired analysis of an interleaved A/B run: one ratio head/base per round, the median of those
 * ratios, and an exact distribution-free 95% interval of that median.
 *
 * The interval inverts the sign test: with n independent rounds, the number of ratios below the
 * true median is binomial(n, 1/2), so [x_(k), x_(n-k+1)] (order statistics, 1-based) covers the
 * median with probability 1 - 2 P(X <= k-1). k is the largest rank keeping that at or above the
 * confidence asked; the binomial comes from simple-statistics. It needs no resampling (so no
 * seed and no small-sample bootstrap undercoverage), nothing about the shape of the ratios'
 * distribution, and it is an interval for the median itself (Wilcoxon's Hodges-Lehmann interval
 * is for the pseudo-median, and a library for it would bring ~240 packages for 20 lines).
 */
import { binomialDistribution, median } from 'simple-statistics';

/** Fewest rounds for a two-sided 95% interval: 2 * 0.5^n must be at most 0.05. */
export const MIN_ROUNDS = 6;

export interface MedianInterval {
  /** rounds behind the figure */
  n: number;
  median: number;
  low: number;
  high: number;
  /** actual coverage of [low, high] (at least the confidence asked) */
  coverage: number;
  /** two-sided exact sign test of "median = 1" (rounds exactly at 1 left out) */
  pSign: number;
}

/** P(X <= x) for X ~ binomial(n, 1/2). */
function binomialCdfHalf(n: number, x: number): number {
  if (x < 0) return 0;
  if (x >= n) return 1;
  const pmf = binomialDistribution(n, 0.5) ?? [];
  let s = 0;
  // simple-statistics stops the table once the remaining upper tail is below its epsilon.
  for (let i = 0; i <= x && i < pmf.length; i++) s += pmf[i]!;
  return Math.min(1, s);
}

/**
 * The 1-based rank k of the interval [x_(k), x_(n-k+1)] for n observations, and its coverage;
 * k = 0 when n is too small for the confidence (no interval).
 */
export function medianRank(n: number, confidence = 0.95): { k: number; coverage: number } {
  const tail = (1 - confidence) / 2;
  let k = 0;
  // P(X <= k-1) grows with k: take the largest k whose tail still fits.
  while (k + 1 <= Math.ceil(n / 2) && binomialCdfHalf(n, k) <= tail + 1e-12) k++;
  return { k, coverage: k === 0 ? 0 : 1 - 2 * binomialCdfHalf(n, k - 1) };
}

/** Two-sided exact sign test that the median of `xs` is `center`. */
export function signTest(xs: readonly number[], center = 1): number {
  const below = xs.filter((x) => x < center).length;
  const above = xs.filter((x) => x > center).length;
  const n = below + above;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialCdfHalf(n, Math.min(below, above)));
}

/** Median of `ratios` with its exact order-statistic interval; NaN bounds below MIN_ROUNDS. */
export function medianInterval(ratios: readonly number[], confidence = 0.95): MedianInterval {
  const finite = ratios.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { n, median: NaN, low: NaN, high: NaN, coverage: 0, pSign: NaN };
  const sorted = [...finite].sort((a, b) => a - b);
  const { k, coverage } = medianRank(n, confidence);
  return {
    n,
    median: median(sorted),
    low: k > 0 ? sorted[k - 1]! : NaN,
    high: k > 0 ? sorted[n - k]! : NaN,
    coverage,
    pSign: signTest(sorted),
  };
}
