/**
 * The gate for the two sides of one `writeprof ab` run (src/ab/): both builds were measured in
 * the same rounds, interleaved, so each round gives a ratio current/baseline in which the
 * machine's state at that moment (neighbours' load, clocks, steal time) cancels. Drift between
 * rounds only widens the spread of the ratios; it cannot masquerade as a change.
 *
 *   ratio_r  = median(current samples of round r) / median(baseline samples of round r)
 *   change%  = (median over rounds of ratio_r - 1) * 100, with a 95% interval from order
 *              statistics (src/stats/paired.ts: exact, distribution-free)
 *   verdict  slower        the whole interval is below -threshold   (a regression: exit 1)
 *            faster        the whole interval is above +threshold
 *            unchanged     the whole interval lies within ±threshold
 *            inconclusive  the interval reaches across ±threshold, too few rounds, or the
 *                          baseline side failed
 * A current case that failed verification fails the gate, as in compare.
 */
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { median } from 'simple-statistics';
import { medianInterval, MIN_ROUNDS, type MedianInterval } from '../stats/paired.js';
import { checkComparable, describeSides, gateOutcome, indexCases, matchCases, type CaseComparison, type ComparisonReport, type Verdict } from './compare.js';

export const PAIRED_TEST =
  'paired rounds (both builds interleaved in randomized order within each round); per round the ratio of medians current/baseline; ' +
  'median of the ratios with a 95% order-statistic interval (exact sign test); a verdict needs the whole interval beyond or within the threshold';

export interface PairedOptions {
  /** percent, in (0, 100) */
  threshold: number;
  /** interval confidence, default 0.95 */
  confidence?: number;
}

/** True when the two documents are the two sides of one `writeprof ab` run. */
export function isPairedRun(baseline: ResultsDocument, current: ResultsDocument): boolean {
  const a = baseline.pairing;
  const b = current.pairing;
  return a !== undefined && b !== undefined && a.id === b.id && a.side !== b.side;
}

function byRound(c: CaseResult): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const rounds = c.rounds ?? [];
  c.samples.forEach((x, i) => {
    const r = rounds[i];
    if (r === undefined) return;
    const list = out.get(r);
    if (list) list.push(x);
    else out.set(r, [x]);
  });
  return out;
}

/** One ratio current/baseline per round that both sides measured, in round order. */
export function roundRatios(baseline: CaseResult, current: CaseResult): number[] {
  const b = byRound(baseline);
  const c = byRound(current);
  const ratios: number[] = [];
  for (const r of [...b.keys()].sort((x, y) => x - y)) {
    const cs = c.get(r);
    if (!cs) continue;
    const den = median(b.get(r)!);
    if (den > 0) ratios.push(median(cs) / den);
  }
  return ratios;
}

const pct = (ratio: number): number => (ratio - 1) * 100;

function decide(iv: MedianInterval, threshold: number, baselineError: string | undefined): { verdict: Verdict; regression: boolean; reason?: string } {
  if (iv.n < MIN_ROUNDS) return { verdict: 'inconclusive', regression: false, reason: `${iv.n} paired rounds; a 95% interval needs at least ${MIN_ROUNDS}` };
  if (baselineError !== undefined) return { verdict: 'inconclusive', regression: false, reason: `the baseline side failed: ${baselineError}` };
  const low = pct(iv.low);
  const high = pct(iv.high);
  if (high < -threshold) return { verdict: 'slower', regression: true };
  if (low > threshold) return { verdict: 'faster', regression: false };
  if (low >= -threshold && high <= threshold) return { verdict: 'unchanged', regression: false };
  return {
    verdict: 'inconclusive',
    regression: false,
    reason: `the 95% interval (${low.toFixed(1)}% … ${high.toFixed(1)}%) reaches across ±${threshold}%; more rounds (--rounds) would narrow it`,
  };
}

function compareCase(id: string, b: CaseResult, c: CaseResult, opts: PairedOptions): CaseComparison {
  const iv = medianInterval(roundRatios(b, c), opts.confidence ?? 0.95);
  const baselineError = b.status === 'failed' ? (b.error ?? 'failed') : undefined;
  return {
    id,
    nBaseline: b.samples.length,
    nCurrent: c.samples.length,
    baselineMedian: b.samples.length ? median(b.samples) : NaN,
    currentMedian: c.samples.length ? median(c.samples) : NaN,
    changePct: pct(iv.median),
    changeLowPct: pct(iv.low),
    changeHighPct: pct(iv.high),
    p: iv.pSign,
    pSamples: NaN,
    pRuns: NaN,
    runs: { baseline: 1, current: 1, spreadPct: NaN },
    pAdjusted: iv.pSign,
    rounds: iv.n,
    ...decide(iv, opts.threshold, baselineError),
    currentFailed: c.status === 'failed',
    baselineFailed: b.status === 'failed',
  };
}

/** The paired report of one ab run's two sides (callers check isPairedRun first). */
export function comparePaired(baseline: ResultsDocument, current: ResultsDocument, opts: PairedOptions): ComparisonReport {
  // Same process, same machine: this only checks the schema versions (and refuses edited files).
  checkComparable(baseline, current);
  const cur = indexCases(current, 'current');
  const base = indexCases(baseline, 'baseline');
  const { matched, onlyInBaseline, onlyInCurrent } = matchCases(base, cur);
  const cases: CaseComparison[] = matched.map(({ id, b, c }) => compareCase(id, b, c, opts));
  const pb = baseline.pairing!;
  const pc = current.pairing!;
  return {
    threshold: opts.threshold,
    alpha: 1 - (opts.confidence ?? 0.95),
    test: PAIRED_TEST,
    ...describeSides(baseline, current),
    envMismatch: [],
    cases,
    onlyInBaseline,
    onlyInCurrent,
    ...gateOutcome(cases, cur, onlyInCurrent),
    pairing: { id: pb.id, rounds: Math.min(pb.rounds, pc.rounds), samplesPerRound: pb.samplesPerRound, order: pb.order, baseline: pb.build, current: pc.build },
  };
}
