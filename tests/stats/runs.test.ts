import { describe, expect, it } from 'vitest';
import { runLevelTest } from '../../src/stats/runs.js';

describe('runLevelTest', () => {
  it('prediction interval for one new run: t = (y - mean) / (s * sqrt(1 + 1/K)), df = K - 1', () => {
    // log medians 0, ±d: mean 0, s = d; a new run at log y: t = y / (d * sqrt(4/3))
    const d = 0.02;
    const base = [Math.exp(-d), 1, Math.exp(d)];
    const r = runLevelTest(base, [Math.exp(-0.1)])!;
    expect(r.kBaseline).toBe(3);
    expect(r.spreadPct).toBeCloseTo(2, 10);
    const t = 0.1 / (d * Math.sqrt(4 / 3));
    // two-sided t with 2 df has a closed form: p = 1 - t / sqrt(2 + t^2)
    expect(r.p).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12);
  });

  it('two-sample pooled t when the current side has several runs', () => {
    const r = runLevelTest([1, 1.02, 0.98, 1.01], [0.9, 0.91, 0.89])!;
    expect(r.kCurrent).toBe(3);
    expect(r.p).toBeLessThan(1e-3);
    expect(runLevelTest([1, 1.02, 0.98, 1.01], [1.0, 1.01, 0.99])!.p).toBeGreaterThan(0.5);
  });

  it('needs three baseline runs; zero spread is exact', () => {
    expect(runLevelTest([1, 1.1], [1])).toBeNull();
    expect(runLevelTest([2, 2, 2], [2])!.p).toBe(1);
    expect(runLevelTest([2, 2, 2], [1.9])!.p).toBe(0);
  });
});
