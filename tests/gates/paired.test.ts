import { describe, expect, it } from 'vitest';
import { caseId } from '../../src/model.js';
import { compareDocuments } from '../../src/gates/compare.js';
import { renderComparison } from '../../src/gates/compare-render.js';
import { comparePaired, isPairedRun, roundRatios } from '../../src/gates/paired.js';
import { resultsSchema, type CaseResult, type ResultsDocument } from '../../src/results/schema.js';
import { mulberry32, normal } from '../../src/stats/rng.js';
import { makeCase, makeDoc } from '../stats/helpers.js';

interface Spec {
  axes: Parameters<typeof makeCase>[1];
  base: number;
  /** head's throughput as a fraction of base's */
  factor: number;
}

/**
 * The two sides of a synthetic ab run: every round the machine's state multiplies both sides
 * alike (drift, lognormal SD `drift`), each sample adds its own noise (CV `cv`).
 */
function pairedRun(specs: Spec[], o: { rounds: number; perRound: number; drift: number; cv: number; seed: number }): { base: ResultsDocument; head: ResultsDocument } {
  const rng = mulberry32(o.seed);
  const sides = { base: [] as CaseResult[], head: [] as CaseResult[] };
  for (const s of specs) {
    const samples = { base: [] as number[], head: [] as number[] };
    const rounds: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const state = Math.exp(normal(rng, 0, o.drift));
      for (let j = 0; j < o.perRound; j++) {
        samples.base.push(s.base * state * (1 + normal(rng, 0, o.cv)));
        samples.head.push(s.base * s.factor * state * (1 + normal(rng, 0, o.cv)));
        rounds.push(r);
      }
    }
    sides.base.push({ ...makeCase(samples.base, s.axes), rounds });
    sides.head.push({ ...makeCase(samples.head, s.axes), rounds });
  }
  const pairing = (side: 'base' | 'head') => ({ id: `run-${o.seed}`, side, build: side === 'base' ? 'git 1111111111 (main)' : 'working tree', rounds: o.rounds, samplesPerRound: o.perRound, order: 'ABBA' });
  return { base: { ...makeDoc(sides.base), pairing: pairing('base') }, head: { ...makeDoc(sides.head), pairing: pairing('head') } };
}

const a = { strategy: 'baseline' } as const;
const b = { strategy: 'lock-free' } as const;
const c = { strategy: 'mem-opt' } as const;

describe('paired comparison of one ab run', () => {
  it('round ratios pair samples by round index and take each side\'s round median', () => {
    const base: CaseResult = { ...makeCase([10, 12, 11, 20, 22, 21]), rounds: [0, 0, 0, 1, 1, 1] };
    const head: CaseResult = { ...makeCase([9, 9, 9, 30, 30]), rounds: [0, 0, 0, 2, 2] };
    expect(roundRatios(base, head)).toEqual([9 / 11]); // round 1 lacks head, round 2 lacks base
  });

  it('drift that moves whole rounds by ±30% cancels: A/A unchanged, with an interval far narrower than unpaired', () => {
    const { base, head } = pairedRun([{ axes: a, base: 1e6, factor: 1 }, { axes: b, base: 2e6, factor: 1 }], { rounds: 30, perRound: 5, drift: 0.3, cv: 0.02, seed: 1 });
    expect(resultsSchema.safeParse(base).success && resultsSchema.safeParse(head).success).toBe(true);
    expect(isPairedRun(base, head)).toBe(true);
    const r = comparePaired(base, head, { threshold: 5 });
    expect(r.cases.map((x) => x.verdict)).toEqual(['unchanged', 'unchanged']);
    for (const x of r.cases) {
      expect(x.rounds).toBe(30);
      expect(x.changeHighPct - x.changeLowPct).toBeLessThan(4);
    }
    expect(r.failedGate).toBe(false);
    // The same samples unpaired (pooled per side): the drift stays in the interval.
    const plain = compareDocuments({ ...base, pairing: undefined }, { ...head, pairing: undefined }, { threshold: 5, alpha: 0.01 });
    plain.cases.forEach((x, i) => {
      const paired = r.cases[i]!;
      expect(x.changeHighPct - x.changeLowPct).toBeGreaterThan(3 * (paired.changeHighPct - paired.changeLowPct));
    });
  });

  it('a 9.1% slowdown under the same drift is slower: the whole interval beyond -5%', () => {
    const { base, head } = pairedRun([{ axes: a, base: 1e6, factor: 1 / 1.1 }, { axes: b, base: 2e6, factor: 1 }, { axes: c, base: 3e6, factor: 1.2 }], { rounds: 30, perRound: 5, drift: 0.3, cv: 0.03, seed: 2 });
    const r = comparePaired(base, head, { threshold: 5 });
    const [slow, same, fast] = r.cases;
    expect(slow!.verdict).toBe('slower');
    expect(slow!.regression).toBe(true);
    expect(slow!.changePct).toBeGreaterThan(-12);
    expect(slow!.changePct).toBeLessThan(-6.5);
    expect(slow!.changeHighPct).toBeLessThan(-5);
    expect(slow!.p).toBeLessThan(1e-6);
    expect(same!.verdict).toBe('unchanged');
    expect(fast!.verdict).toBe('faster');
    expect(r.regressions).toEqual([caseId(base.cases[0]!)]);
    expect(r.failedGate).toBe(true);
    const table = renderComparison(r, 'table', { verbose: true });
    expect(table).toContain('p (sign)');
    expect(table).toContain('1 slower, 1 faster, 1 unchanged, 0 inconclusive');
    expect(table).toContain('baseline build: git 1111111111 (main); current build: working tree');
    expect(table.split('\n')[0]).toMatch(/^REGRESSION: 1 case\(s\) slower than -5%/);
    expect(renderComparison(r, 'markdown')).toMatch(/^### writeprof ab: REGRESSION\n/);
  });

  it('inconclusive: an interval across the threshold, too few rounds, or a failed baseline side', () => {
    const wide = pairedRun([{ axes: a, base: 1e6, factor: 0.93 }], { rounds: 8, perRound: 1, drift: 0.3, cv: 0.1, seed: 3 });
    const w = comparePaired(wide.base, wide.head, { threshold: 5 }).cases[0]!;
    expect(w.verdict).toBe('inconclusive');
    expect(w.reason).toMatch(/reaches across ±5%/);
    const few = pairedRun([{ axes: a, base: 1e6, factor: 0.5 }], { rounds: 5, perRound: 3, drift: 0.01, cv: 0.01, seed: 4 });
    const f = comparePaired(few.base, few.head, { threshold: 5 }).cases[0]!;
    expect(f.verdict).toBe('inconclusive');
    expect(f.reason).toMatch(/5 paired rounds; a 95% interval needs at least 6/);
    const failed = pairedRun([{ axes: a, base: 1e6, factor: 0.5 }], { rounds: 10, perRound: 2, drift: 0.01, cv: 0.01, seed: 5 });
    failed.base.cases[0] = { ...failed.base.cases[0]!, status: 'failed', error: 'params: unknown field' };
    const r = comparePaired(failed.base, failed.head, { threshold: 5 });
    expect(r.cases[0]!).toMatchObject({ verdict: 'inconclusive', regression: false, baselineFailed: true });
    expect(r.cases[0]!.reason).toMatch(/baseline side failed: params: unknown field/);
    expect(r.failedGate).toBe(false);
    // undecided: INCONCLUSIVE with the ab run that decides the case (twice the rounds, at least 60)
    const wideReport = comparePaired(wide.base, wide.head, { threshold: 5 });
    const d = JSON.parse(renderComparison(wideReport, 'json'));
    expect(d).toMatchObject({ verdict: 'INCONCLUSIVE', exitCode: 2, undecided: [wideReport.cases[0]!.id] });
    expect(d.decideWith).toMatch(/^writeprof ab --base 1111111111 --rounds 60 --mode batch --strategy /);
  });

  it('a head case that lost writes fails the gate; documents of different runs are not paired', () => {
    const { base, head } = pairedRun([{ axes: a, base: 1e6, factor: 1 }], { rounds: 10, perRound: 2, drift: 0.05, cv: 0.01, seed: 6 });
    head.cases[0] = { ...head.cases[0]!, status: 'failed', error: 'verification: 3 lost' };
    const r = comparePaired(base, head, { threshold: 5 });
    expect(r.failed).toEqual([caseId(head.cases[0]!)]);
    expect(r.failedGate).toBe(true);
    expect(isPairedRun(base, { ...head, pairing: { ...head.pairing!, id: 'another' } })).toBe(false);
    expect(isPairedRun(base, base)).toBe(false);
    expect(isPairedRun(base, { ...head, pairing: undefined })).toBe(false);
  });
});
