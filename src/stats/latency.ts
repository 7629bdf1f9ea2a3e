import { percentileSorted } from './bootstrap.js';

export interface LatencyPercentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  n: number;
}

/**
 * Per-write latency percentiles (ns) from sampled per-write timings, by linear interpolation
 * between closest ranks. No timings gives zeros with n = 0 (the results JSON holds no NaN).
 * With fewer than 1000 timings p99.9 is close to the maximum: read it with n in mind.
 */
export function latencyPercentiles(ns: ArrayLike<number>): LatencyPercentiles {
  const n = ns.length;
  if (n === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, n: 0 };
  const sorted = Float64Array.from(ns).sort();
  return {
    p50: percentileSorted(sorted, 0.5),
    p90: percentileSorted(sorted, 0.9),
    p99: percentileSorted(sorted, 0.99),
    p999: percentileSorted(sorted, 0.999),
    n,
  };
}
