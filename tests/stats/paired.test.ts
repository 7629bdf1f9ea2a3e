import { describe, expect, it } from 'vitest';
import { medianInterval, medianRank, MIN_ROUNDS, signTest } from '../../src/stats/paired.js';
import { mulberry32, normal } from '../../src/stats/rng.js';

// Population median of the mixture the coverage test draws from, from a large seeded sample.
const trueMedian = (() => {
  const rng = mulberry32(99);
  const xs = Array.from({ length: 200_001 }, () => 0.9 * Math.exp(normal(rng, 0, 0.08) + (rng() < 0.15 ? -0.4 * rng() : 0)));
  return xs.sort((a, b) => a - b)[100_000]!;
})();

describe('exact order-statistic interval of the median', () => {
  it('picks the textbook ranks and coverages', () => {
    // Binomial(n, 1/2) tables: [x_(k), x_(n-k+1)] covers the median with 1 - 2 P(X <= k-1).
    expect(medianRank(5)).toEqual({ k: 0, coverage: 0 }); // 2 / 32 > 0.05: no 95% interval
    expect(medianRank(6).k).toBe(1);
    expect(medianRank(6).coverage).toBeCloseTo(1 - 2 / 64, 12);
    expect(medianRank(20).k).toBe(6);
    expect(medianRank(20).coverage).toBeCloseTo(0.958611, 5);
    expect(medianRank(30).k).toBe(10);
    expect(medianRank(30).coverage).toBeCloseTo(0.957226, 5);
    expect(medianRank(30, 0.99).k).toBe(8);
    expect(MIN_ROUNDS).toBe(6);
  });

  it('sign test p-values', () => {
    expect(signTest(Array(10).fill(0.9))).toBeCloseTo(2 / 1024, 12);
    expect(signTest([0.9, 1.1])).toBe(1);
    expect(signTest([1, 1, 1])).toBe(1); // ties at the centre carry no sign
    expect(signTest([0.9, 0.9, 0.9, 0.9, 0.9, 1.1])).toBeCloseTo((2 * 7) / 64, 12);
  });

  it('interval of given ratios: sorted order statistics around the median', () => {
    const xs = [1.05, 0.97, 1.0, 0.99, 1.02, 0.98, 1.01, 1.03, 0.96, 1.04];
    const iv = medianInterval(xs);
    expect(iv.n).toBe(10);
    expect(iv.median).toBeCloseTo(1.005, 12);
    // n = 10: k = 2 (P(X <= 1) = 11/1024 <= 0.025 < P(X <= 2) = 56/1024)
    expect(iv.low).toBe(0.97);
    expect(iv.high).toBe(1.04);
    expect(medianInterval([1, 1, 1]).low).toBeNaN();
    expect(medianInterval([]).median).toBeNaN();
  });

  it('covers the true median at least 95% of the time on skewed, heavy-tailed ratios', () => {
    const rng = mulberry32(12);
    let covered = 0;
    const trials = 600;
    for (let t = 0; t < trials; t++) {
      // log-ratios: normal body plus occasional load bursts on one side (true median 0.9)
      const xs = Array.from({ length: 30 }, () => 0.9 * Math.exp(normal(rng, 0, 0.08) + (rng() < 0.15 ? -0.4 * rng() : 0)));
      const iv = medianInterval(xs);
      // the population median of this mixture, found by simulation below
      if (iv.low <= trueMedian && trueMedian <= iv.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.99);
  });
});

