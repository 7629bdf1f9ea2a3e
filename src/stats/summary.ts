import { mean, median, quantileSorted, sampleStandardDeviation } from 'simple-statistics';

/** A sample set summarized (results.cases[].stats: src/results/schema.ts holds it to this shape). */
export interface Stats {
  n: number;
  median: number;
  mean: number;
  stdev: number;
  min: number;
  max: number;
  /** stdev / mean */
  relNoise: number;
  /** 95% confidence interval of the median */
  ciLow: number;
  ciHigh: number;
  /** samples outside Tukey's fences (1.5 IQR) */
  outliers: number;
}

/**
 * Distribution-free 95% confidence interval of the median from order statistics
 * (binomial(n, 1/2) with the normal approximation): ranks n/2 -/+ 1.96*sqrt(n)/2.
 * With few samples the interval widens to the sample range.
 */
export function medianCI(sorted: readonly number[], z = 1.959964): { low: number; high: number } {
  const n = sorted.length;
  if (n === 0) return { low: NaN, high: NaN };
  const half = (z * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return { low: sorted[lo]!, high: sorted[Math.max(lo, hi)]! };
}

/** Tukey's fences: samples beyond 1.5 IQR from the quartiles. */
export function countOutliers(sorted: readonly number[]): number {
  if (sorted.length < 4) return 0;
  const q1 = quantileSorted(sorted as number[], 0.25);
  const q3 = quantileSorted(sorted as number[], 0.75);
  const iqr = q3 - q1;
  return sorted.filter((x) => x < q1 - 1.5 * iqr || x > q3 + 1.5 * iqr).length;
}

/** Relative half-width of the median's 95% CI: the stopping rule's noise measure. */
export function relativeHalfWidth(samples: readonly number[]): number {
  if (samples.length < 2) return Infinity;
  const sorted = [...samples].sort((a, b) => a - b);
  const ci = medianCI(sorted);
  const m = median(sorted);
  return m === 0 ? Infinity : (ci.high - ci.low) / 2 / Math.abs(m);
}

export function summarize(samples: readonly number[]): Stats {
  const n = samples.length;
  if (n === 0) {
    return { n: 0, median: 0, mean: 0, stdev: 0, min: 0, max: 0, relNoise: 0, ciLow: 0, ciHigh: 0, outliers: 0 };
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const m = mean(sorted);
  const sd = n > 1 ? sampleStandardDeviation(sorted) : 0;
  const ci = medianCI(sorted);
  return {
    n,
    median: median(sorted),
    mean: m,
    stdev: sd,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    relNoise: m === 0 ? 0 : sd / m,
    ciLow: ci.low,
    ciHigh: ci.high,
    outliers: countOutliers(sorted),
  };
}
