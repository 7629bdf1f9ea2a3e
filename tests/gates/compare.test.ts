import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { mergeRuns } from '../../src/gates/baseline.js';
import { checkComparable, compareDocuments, compareSamples, confirmRegressions, MIN_SAMPLES, SEPARATE_RUNS_FACTOR } from '../../src/gates/compare.js';
import { renderComparison } from '../../src/gates/compare-render.js';
import type { CaseResult } from '../../src/results/schema.js';
import { resultsSchema } from '../../src/results/schema.js';
import { makeCase, makeDoc, noisySamples } from '../stats/helpers.js';

const opts = { threshold: 5, alpha: 0.01 };

/** A baseline merged from 8 runs 1% apart: compare then knows the run-to-run drift. */
function stableBaseline(cases: Array<{ mean: number; axes: Parameters<typeof makeCase>[1] }>, seed: number) {
  const offsets = [-0.01, 0.005, 0, 0.01, -0.005, 0.002, -0.002, 0.004];
  return mergeRuns(offsets.map((o, k) => makeDoc(cases.map((c, i) => makeCase(noisySamples(20, c.mean * (1 + o), 0.02, seed + 10 * k + i), c.axes)))));
}

describe('compareSamples on synthetic samples (20 per side)', () => {
  it('equal distributions are unchanged, in every one of 20 seeded trials', () => {
    for (const cv of [0.02, 0.03]) {
      for (let t = 0; t < 20; t++) {
        const r = compareSamples(noisySamples(20, 1e6, cv, 10 + t), noisySamples(20, 1e6, cv, 50 + t), opts);
        expect(r.verdict, `cv ${cv} trial ${t}`).toBe('unchanged');
        expect(r.regression).toBe(false);
        expect(Math.abs(r.changePct)).toBeLessThan(5);
        expect(r.changeLowPct).toBeLessThan(r.changeHighPct);
      }
    }
  });

  it('a 10% slowdown at 2-3% CV is slower and a regression', () => {
    for (const cv of [0.02, 0.03]) {
      const r = compareSamples(noisySamples(20, 1e6, cv, 1), noisySamples(20, 0.9e6, cv, 2), opts);
      expect(r.verdict).toBe('slower');
      expect(r.regression).toBe(true);
      expect(r.p).toBeLessThan(0.001);
      expect(r.changePct).toBeGreaterThan(-14);
      expect(r.changePct).toBeLessThan(-6);
      expect(r.changeLowPct).toBeLessThan(-10);
      expect(r.changeHighPct).toBeGreaterThan(-10);
    }
  });

  it('a 10% speed-up is faster and not a regression', () => {
    const r = compareSamples(noisySamples(20, 1e6, 0.03, 3), noisySamples(20, 1.1e6, 0.03, 4), opts);
    expect(r.verdict).toBe('faster');
    expect(r.regression).toBe(false);
  });

  it('a 2% slowdown under a 5% threshold is not a regression even when significant', () => {
    const r = compareSamples(noisySamples(20, 1e6, 0.01, 5), noisySamples(20, 0.98e6, 0.01, 6), opts);
    expect(r.p).toBeLessThan(0.01); // real, detectable, but below the threshold
    expect(r.regression).toBe(false);
    expect(r.verdict).toBe('unchanged');
  });

  it('a 10% slowdown under 2% threshold vs 15% threshold', () => {
    const base = noisySamples(20, 1e6, 0.02, 7);
    const cur = noisySamples(20, 0.9e6, 0.02, 8);
    expect(compareSamples(base, cur, { threshold: 2, alpha: 0.01 }).regression).toBe(true);
    expect(compareSamples(base, cur, { threshold: 15, alpha: 0.01 }).regression).toBe(false);
  });

  it('noisy: wide interval without significance, or too few samples', () => {
    const wide = compareSamples(noisySamples(8, 1e6, 0.2, 9), noisySamples(8, 0.95e6, 0.2, 10), opts);
    expect(wide.verdict).toBe('noisy');
    expect(wide.reason).toMatch(/interval|not significant/);
    const few = compareSamples([1, 1, 1, 1], noisySamples(20, 0.5, 0.01, 11), opts);
    expect(few.verdict).toBe('noisy');
    expect(few.regression).toBe(false);
    expect(few.reason).toMatch(String(MIN_SAMPLES));
    expect(compareSamples([], [], opts).verdict).toBe('noisy');
  });
});

describe('compareDocuments', () => {
  const axes = [
    { strategy: 'baseline', valueSize: 64 },
    { strategy: 'lock-free', valueSize: 64 },
    { strategy: 'mem-opt', valueSize: 256 },
  ] as const;

  it('matches by axes, lists one-sided cases and flags the regression', () => {
    const base = stableBaseline(axes.map((a) => ({ mean: 1e6, axes: a })), 100);
    const cur = makeDoc([
      makeCase(noisySamples(20, 1e6, 0.02, 200), axes[0]),
      makeCase(noisySamples(20, 0.88e6, 0.02, 201), axes[1]),
      makeCase(noisySamples(20, 1e6, 0.02, 202), { strategy: 'write-combine', valueSize: 64 }),
    ]);
    expect(resultsSchema.safeParse(base).success).toBe(true);
    const r = compareDocuments(base, cur, opts);
    expect(r.cases.map((c) => [c.id, c.verdict])).toEqual([
      [base.cases[0]!.id, 'unchanged'],
      [base.cases[1]!.id, 'slower'],
    ]);
    expect(r.regressions).toEqual([base.cases[1]!.id]);
    expect(r.onlyInBaseline).toEqual([base.cases[2]!.id]);
    expect(r.onlyInCurrent).toEqual([cur.cases[2]!.id]);
    expect(r.failedGate).toBe(true);
    const table = renderComparison(r, 'table').replace(/\n {2,}(?=\S)/g, ' ');
    expect(table).toContain('only in baseline (1): batch/mem-opt/v256');
    expect(table).toContain('only in current (1): batch/write-combine/v64');
    expect(table.split('\n')[0]).toMatch(/^REGRESSION: 1 case\(s\) slower than -5%: batch lock-free -\d/);
    const md = renderComparison(r, 'markdown');
    expect(md).toMatch(/\| `batch lock-free` \| [\d,]+ \| [\d,]+ \| -\d+\.\d% \(/);
    expect(md).toContain('**REGRESSION**');
    const json = JSON.parse(renderComparison(r, 'json'));
    expect(json.regressions).toEqual(r.regressions);
    expect(json.verdict).toBe('REGRESSION');
  });

  it('adjusts p-values over the family of cases (Holm): one marginal case among many is not a regression', () => {
    // 5 vs 5 samples fully separated: exact two-sided p = 2/252 = 0.0079 < 0.01 alone.
    const b5 = [100, 101, 102, 103, 104];
    const c5 = [88, 89, 90, 91, 92];
    const alone = compareDocuments(makeDoc([makeCase(b5)]), makeDoc([makeCase(c5)]), opts);
    expect(alone.cases[0]!.p).toBeCloseTo(2 / 252, 12);
    // significant alone, yet two separate runs: -12% is within the drift between runs
    expect(alone.cases[0]!.verdict).toBe('inconclusive');
    const others = (seed: number) =>
      Array.from({ length: 9 }, (_, i) => makeCase(noisySamples(20, 1e6, 0.02, seed + i), { strategy: 'lock-free', valueSize: 64 * (i + 1) }));
    const r = compareDocuments(makeDoc([makeCase(b5), ...others(300)]), makeDoc([makeCase(c5), ...others(400)]), opts);
    const marginal = r.cases.find((c) => c.id === makeCase(b5).id)!;
    expect(marginal.p).toBeCloseTo(2 / 252, 12);
    expect(marginal.pAdjusted).toBeGreaterThan(0.01);
    expect(marginal.verdict).toBe('noisy');
    expect(r.regressions).toEqual([]);
  });

  it('a confirmation run keeps only the regressions it reproduces', () => {
    const a = { strategy: 'baseline' } as const;
    const b = { strategy: 'lock-free' } as const;
    const base = stableBaseline([{ mean: 1e6, axes: a }, { mean: 1e6, axes: b }], 1);
    // first run: both cases 12% slower; the re-run: only `b` still slower (a was a transient)
    const first = makeDoc([makeCase(noisySamples(20, 0.88e6, 0.02, 3), a), makeCase(noisySamples(20, 0.88e6, 0.02, 4), b)]);
    const again = makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 5), a), makeCase(noisySamples(20, 0.88e6, 0.02, 6), b)]);
    const r1 = compareDocuments(base, first, opts);
    expect(r1.regressions).toHaveLength(2);
    const r = confirmRegressions(r1, compareDocuments(base, again, opts));
    expect(r.regressions).toEqual([base.cases[1]!.id]);
    expect(r.failedGate).toBe(true);
    expect(r.confirmation!.notReproduced).toEqual([base.cases[0]!.id]);
    const transient = r.cases.find((c) => c.id === base.cases[0]!.id)!;
    // the re-run decided it: unchanged there, with the re-run's figures
    expect(transient.verdict).toBe('unchanged');
    expect(transient.reason).toMatch(/first run only/);
    // nothing reproduces: the gate passes
    const none = confirmRegressions(r1, compareDocuments(base, makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 7), a), makeCase(noisySamples(20, 1e6, 0.02, 8), b)]), opts));
    expect(none.failedGate).toBe(false);
    expect(renderComparison(none, 'table')).toContain('a regression must reproduce in both runs; 2 did not');
    // both cases decided by the confirmation run (unchanged there): the gate passes
    expect(none.cases.map((c) => c.verdict)).toEqual(['unchanged', 'unchanged']);
    expect(renderComparison(none, 'table').split('\n')[0]).toMatch(/^PASS: /);
  });

  it('a failed current case fails the gate even without a slowdown', () => {
    const base = makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 1), axes[0])]);
    const bad = makeCase(noisySamples(20, 1e6, 0.02, 2), axes[0]);
    bad.status = 'failed';
    bad.verification.lost = 3;
    const r = compareDocuments(base, makeDoc([bad]), opts);
    expect(r.regressions).toEqual([]);
    expect(r.failed).toEqual([bad.id]);
    expect(r.failedGate).toBe(true);
  });

  it('refuses different schema versions, backends and devices unless allowed', () => {
    const c = [makeCase(noisySamples(20, 1e6, 0.02, 1))];
    const a = makeDoc(c);
    expect(() => checkComparable(a, makeDoc(c, { schemaVersion: 3 }), true)).toThrow(/schemaVersion/);
    expect(() => checkComparable(a, makeDoc(c, { backend: 'cuda' }))).toThrow(UsageError);
    expect(() => checkComparable(a, makeDoc(c, { device: 'Other CPU' }))).toThrow(/environment.device.name.*--allow-env-mismatch/);
    expect(checkComparable(a, makeDoc(c, { device: 'Other CPU' }), true)).toHaveLength(1);
    expect(checkComparable(a, makeDoc(c))).toEqual([]);
  });

  it('two separate single runs: a change within the separate-runs factor is inconclusive, beyond it a verdict', () => {
    const a = { strategy: 'lock-free' } as const;
    const base = makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 1), a)]);
    const slow = compareDocuments(base, makeDoc([makeCase(noisySamples(20, 0.6e6, 0.02, 2), a)]), opts);
    expect(slow.cases[0]!.pSamples).toBeLessThan(1e-6);
    expect(slow.cases[0]!).toMatchObject({ verdict: 'inconclusive', regression: false });
    expect(slow.cases[0]!.reason).toMatch(/^separate runs; use `writeprof ab` or `--repeat`: .*20x/);
    expect(slow.failedGate).toBe(false);
    expect(renderComparison(slow, 'table')).toMatch(/inconclusive: separate runs; use `writeprof ab`/);
    expect(renderComparison(slow, 'table').split('\n')[0]).toMatch(/^INCONCLUSIVE: 1 of 1 cases undecided/);
    // an unchanged case between separate runs is no pass either: drift can hide a slowdown
    const same = compareDocuments(base, makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 9), a)]), opts);
    expect(same.cases[0]!.verdict).toBe('inconclusive');
    const fast = compareDocuments(base, makeDoc([makeCase(noisySamples(20, 1.5e6, 0.02, 3), a)]), opts);
    expect(fast.cases[0]!.verdict).toBe('inconclusive');
    // a collapse beyond the factor is still a regression
    const collapse = compareDocuments(base, makeDoc([makeCase(noisySamples(20, 1e6 / (SEPARATE_RUNS_FACTOR * 1.5), 0.02, 4), a)]), opts);
    expect(collapse.cases[0]!.verdict).toBe('slower');
    expect(collapse.failedGate).toBe(true);
    // several runs on either side give a run-level test: no longer "separate runs"
    const repeated = (k: number, mean: number): CaseResult => ({ ...makeCase(noisySamples(20, mean, 0.02, 5 + k), a), runMedians: [mean * 0.99, mean, mean * 1.01] });
    const r = compareDocuments(base, makeDoc([repeated(0, 0.6e6)]), opts);
    expect(Number.isFinite(r.cases[0]!.pRuns)).toBe(true);
    expect(r.cases[0]!.reason ?? '').not.toMatch(/separate runs/);
  });

  it('refuses a document holding the same case twice', () => {
    const c = makeCase(noisySamples(20, 1e6, 0.02, 1));
    expect(() => compareDocuments(makeDoc([c, c]), makeDoc([c]), opts)).toThrow(/appears twice/);
  });
});
