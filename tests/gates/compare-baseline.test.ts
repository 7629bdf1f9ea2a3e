import { describe, expect, it } from 'vitest';
import { mergeRuns } from '../../src/gates/baseline.js';
import { compareDocuments, compareSamples } from '../../src/gates/compare.js';
import { resultsSchema } from '../../src/results/schema.js';
import { mulberry32, normal } from '../../src/stats/rng.js';
import { makeCase, makeDoc, noisySamples } from '../stats/helpers.js';

const opts = { threshold: 5, alpha: 0.01 };

/** One synthetic run: its own run-level offset (SD runSd) plus 2% sample noise. */
function runSamples(mean: number, runSd: number, rng: () => number, seed: number): number[] {
  return noisySamples(40, mean * (1 + normal(rng, 0, runSd)), 0.02, seed);
}

describe('merged multi-run baselines', () => {
  it('mergeRuns pools samples, keeps each run median and satisfies the schema', () => {
    const axes = { strategy: 'lock-free' } as const;
    const runs = [1, 2, 3].map((k) => makeDoc([makeCase(noisySamples(20, 1e6 * (1 + k / 100), 0.01, k), axes)]));
    const m = mergeRuns(runs);
    expect(resultsSchema.safeParse(m).success).toBe(true);
    const c = m.cases[0]!;
    expect(c.samples).toHaveLength(60);
    expect(c.runMedians).toHaveLength(3);
    expect(c.runMedians![2]! / c.runMedians![0]!).toBeCloseTo(1.02, 1);
    expect(c.stats.n).toBe(60);
    expect(c.opsPerSec).toBe(c.stats.median);
    expect(c.notes).toContain('baseline merged from 3 runs');
    // merging a merged baseline with one more run keeps all run medians
    expect(mergeRuns([m, runs[0]!]).cases[0]!.runMedians).toHaveLength(4);
    expect(() => mergeRuns([runs[0]!, makeDoc(runs[0]!.cases, { backend: 'cuda' })])).toThrow(/environment.backend/);
  });

  it('a run-to-run shift that the sample test calls significant is not a regression against a multi-run baseline', () => {
    // Baseline runs sit up to ±4% apart (SD ~2.9%); one new run that happens to sit 7% low.
    const offsets = [-0.04, -0.02, 0, 0.02, 0.04, -0.03, 0.03, 0];
    const runs = offsets.map((o, k) => noisySamples(40, 1e6 * (1 + o), 0.01, 10 + k));
    const pooled = runs.flat();
    const medians = runs.map((r) => [...r].sort((a, b) => a - b)[20]!);
    const unlucky = noisySamples(40, 0.93e6, 0.01, 99);
    const naive = compareSamples(pooled, unlucky, opts);
    expect(naive.regression).toBe(true); // samples alone: "significant"
    const aware = compareSamples(pooled, unlucky, opts, { baseline: medians });
    expect(aware.pSamples).toBeLessThan(1e-6);
    expect(aware.pRuns).toBeGreaterThan(0.01);
    expect(aware.regression).toBe(false);
    expect(aware.verdict).toBe('noisy');
    expect(aware.reason).toMatch(/runs spread/);
  });

  it('a 10% slowdown is still caught when the baseline runs are stable (1% run-to-run)', () => {
    const rng = mulberry32(6);
    const docs = Array.from({ length: 8 }, (_, k) =>
      makeDoc([makeCase(runSamples(1e6, 0.01, rng, 30 + k)), makeCase(runSamples(2e6, 0.01, rng, 60 + k), { strategy: 'mem-opt' })]),
    );
    const base = mergeRuns(docs);
    const slowed = makeDoc([makeCase(noisySamples(40, 0.9e6, 0.02, 7)), makeCase(noisySamples(40, 1.8e6, 0.02, 8), { strategy: 'mem-opt' })]);
    const r = compareDocuments(base, slowed, opts);
    expect(r.regressions).toHaveLength(2);
    for (const c of r.cases) {
      expect(c.runs).toMatchObject({ baseline: 8, current: 1 });
      expect(c.pRuns).toBeLessThan(1e-3);
    }
    const same = makeDoc([makeCase(noisySamples(40, 1e6, 0.02, 9)), makeCase(noisySamples(40, 2e6, 0.02, 10), { strategy: 'mem-opt' })]);
    expect(compareDocuments(base, same, opts).failedGate).toBe(false);
  });
});
