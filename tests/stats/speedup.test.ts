import { describe, expect, it } from 'vitest';
import { attachSpeedups } from '../../src/results/metrics.js';
import { bootstrapRatioOfMedians } from '../../src/stats/bootstrap.js';
import { medianOf } from '../../src/stats/bootstrap.js';
import { mulberry32 } from '../../src/stats/rng.js';
import { latencyPercentiles } from '../../src/stats/latency.js';
import { makeCase, noisySamples } from './helpers.js';

describe('bootstrapRatioOfMedians', () => {
  it('interval contains the true ratio and is narrow with low noise', () => {
    const base = noisySamples(30, 1_000_000, 0.03, 1);
    const fast = noisySamples(30, 2_500_000, 0.03, 2);
    const r = bootstrapRatioOfMedians(fast, base);
    expect(r.low).toBeLessThanOrEqual(2.5);
    expect(r.high).toBeGreaterThanOrEqual(2.5);
    expect(r.low).toBeLessThanOrEqual(r.value);
    expect(r.high).toBeGreaterThanOrEqual(r.value);
    expect((r.high - r.low) / r.value).toBeLessThan(0.1);
  });

  it('covers the true ratio in most of many independent trials (~95% nominal)', () => {
    let covered = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      const a = noisySamples(20, 1.1e6, 0.03, 100 + t);
      const b = noisySamples(20, 1.0e6, 0.03, 900 + t);
      const r = bootstrapRatioOfMedians(a, b, { resamples: 500, seed: t });
      if (r.low <= 1.1 && r.high >= 1.1) covered++;
    }
    // Percentile bootstrap of medians with n=20 is slightly liberal; 85% is a safe floor.
    expect(covered / trials).toBeGreaterThan(0.85);
  });

  it('is deterministic for a seed and exact for constant samples', () => {
    const a = noisySamples(15, 10, 0.05, 3);
    const b = noisySamples(15, 5, 0.05, 4);
    expect(bootstrapRatioOfMedians(a, b, { seed: 7 })).toEqual(bootstrapRatioOfMedians(a, b, { seed: 7 }));
    expect(bootstrapRatioOfMedians([6, 6, 6], [2, 2])).toEqual({ value: 3, low: 3, high: 3 });
  });

  it('gives NaN for empty input or a zero denominator', () => {
    expect(bootstrapRatioOfMedians([], [1]).value).toBeNaN();
    expect(bootstrapRatioOfMedians([1], [0, 0]).value).toBeNaN();
  });
});

describe('attachSpeedups', () => {
  it('sets speedup on non-baseline cases with a baseline partner only', () => {
    const base = makeCase(noisySamples(20, 1e6, 0.02, 11), { strategy: 'baseline' });
    const lf = makeCase(noisySamples(20, 3e6, 0.02, 12), { strategy: 'lock-free' });
    const orphan = makeCase(noisySamples(20, 2e6, 0.02, 13), { strategy: 'mem-opt', valueSize: 4096 });
    const cases = [lf, base, orphan];
    const t0 = performance.now();
    attachSpeedups(cases);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(base.speedup).toBeUndefined();
    expect(orphan.speedup).toBeUndefined();
    expect(lf.speedup).toBeDefined();
    expect(lf.speedup!.value).toBeCloseTo(lf.stats.median / base.stats.median, 10);
    expect(lf.speedup!.low).toBeLessThan(3);
    expect(lf.speedup!.high).toBeGreaterThan(3);
  });
});

describe('latencyPercentiles', () => {
  it('matches linear-interpolation percentiles on 1..1000', () => {
    const ns = Array.from({ length: 1000 }, (_, i) => 1000 - i); // reversed: must sort
    const p = latencyPercentiles(ns);
    expect(p.n).toBe(1000);
    expect(p.p50).toBeCloseTo(500.5, 10);
    expect(p.p90).toBeCloseTo(900.1, 10);
    expect(p.p99).toBeCloseTo(990.01, 10);
    expect(p.p999).toBeCloseTo(999.001, 10);
  });

  it('handles typed arrays, one value and none', () => {
    expect(latencyPercentiles(Float64Array.of(42))).toEqual({ p50: 42, p90: 42, p99: 42, p999: 42, n: 1 });
    expect(latencyPercentiles([])).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, n: 0 });
  });
});

describe('medianOf (quickselect)', () => {
  it('agrees with a sorted median on random, sorted, constant and duplicate-heavy inputs', () => {
    const rng = mulberry32(99);
    const sortedMedian = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    };
    for (let n = 1; n <= 60; n++) {
      const inputs = [
        Array.from({ length: n }, () => rng()),
        Array.from({ length: n }, (_, i) => i),
        Array.from({ length: n }, (_, i) => n - i),
        Array.from({ length: n }, () => 7),
        Array.from({ length: n }, () => Math.floor(rng() * 3)),
      ];
      for (const xs of inputs) expect(medianOf(xs)).toBe(sortedMedian(xs));
    }
  });
});
