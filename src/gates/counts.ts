/**
 * The gate of `writeprof ab --strategy-file` on the emulator: counts, not times (an emulated time
 * is not a performance figure; what the emulator counts is real). Per case, summed over the
 * emulator seeds, the head's global-memory sectors and requests per write over the base's:
 * `more` beyond +threshold percent (a regression), `fewer` below -threshold, else `unchanged`.
 * A head case that loses, holds stale or corrupts writes, or whose kernel faults, fails the gate;
 * the base doing so is bad input. What is counted: src/ab/counts.ts.
 */
import { caseLabels, type CaseSpec } from '../model.js';
import { verificationFailed, verificationText } from '../results/verification.js';
import type { CountCase, CountVerdict, MetricChange, SeedCount, SideCounts } from './count-document.js';

type Side = 'base' | 'head';

/**
 * Percent. For a seed the counts are exact (an A/A run: 0.0% in every case), but an edit that moves
 * no more data still changes how the emulator interleaves warps, and that moves contended counts
 * as another seed does: from seed to seed a case's sectors per write moved by up to 0.8% and its
 * requests per write by up to 4% (coop4-cas on the quick profile, the test kernel on check), and
 * the sum over three seeds by less. One more load of a bucket per probe step moved every case by
 * +7.6% (sectors) to +60% (requests).
 */
export const DEFAULT_COUNT_THRESHOLD = 5;

export interface CountAnalysis {
  verdict: 'PASS' | 'REGRESSION';
  exitCode: 0 | 1;
  threshold: number;
  seeds: number[];
  cases: CountCase[];
  /** cases the base failed: no comparison is made (bad input) */
  baseFailed: string[];
}

function sideOf(seeds: SeedCount[]): SideCounts {
  const sum = (f: (s: SeedCount) => number): number => seeds.reduce((a, s) => a + f(s), 0);
  const writes = sum((s) => s.writes);
  const per = (n: number): number => (writes > 0 ? n / writes : 0);
  const bad = seeds.find((s) => s.error !== undefined || verificationFailed(s.verification));
  const failed = bad === undefined ? undefined : bad.error !== undefined ? `seed ${bad.seed}: ${bad.error}` : `seed ${bad.seed}: verification: ${verificationText(bad.verification)}`;
  return {
    seeds,
    requestsPerWrite: per(sum((s) => s.requests)),
    sectorsPerWrite: per(sum((s) => s.sectors)),
    perWrite: { lockRetries: per(sum((s) => s.counters.lockRetries)), casFailures: per(sum((s) => s.counters.casFailures)), probeSteps: per(sum((s) => s.counters.probeSteps)) },
    ...(failed !== undefined ? { failed } : {}),
  };
}

export function change(base: number, head: number, threshold: number): MetricChange {
  if (base === 0) return { base, head, changePct: head > 0 ? null : 0, verdict: head > 0 ? 'more' : 'unchanged' };
  const changePct = (head / base - 1) * 100;
  return { base, head, changePct, verdict: changePct > threshold ? 'more' : changePct < -threshold ? 'fewer' : 'unchanged' };
}

/**
 * Host threads submitting at once (concurrent mode, 2+ threads) race each other, so such a case's
 * counts vary from run to run under one seed (an A/A run of the example moved one by 15%): its
 * counts are shown, not gated; its verification is.
 */
export function countsRace(spec: Pick<CaseSpec, 'mode' | 'threads'>): boolean {
  return spec.mode === 'concurrent' && spec.threads > 1;
}

/** A case's verdict from both versions' counts, each summed over the seeds; `gated`: its counts decide. */
export function compareCase(id: string, label: string, counts: Record<Side, SeedCount[]>, threshold: number, gated = true): CountCase {
  const base = sideOf(counts.base), head = sideOf(counts.head);
  if (head.failed !== undefined || base.failed !== undefined) return { id, label, base, head, verdict: 'failed', regression: head.failed !== undefined };
  const sectors = change(base.sectorsPerWrite, head.sectorsPerWrite, threshold);
  const requests = change(base.requestsPerWrite, head.requestsPerWrite, threshold);
  if (!gated) return { id, label, base, head, sectors, requests, verdict: 'ungated', regression: false };
  const both = [sectors.verdict, requests.verdict];
  const verdict: CountVerdict = both.includes('more') ? 'more' : both.includes('fewer') ? 'fewer' : 'unchanged';
  return { id, label, base, head, sectors, requests, verdict, regression: verdict === 'more' };
}

/** The gate over every case's counts, both versions' seeds alike. */
export function analyse(counted: readonly { spec: CaseSpec; counts: Record<Side, SeedCount[]> }[], seeds: number[], threshold: number): CountAnalysis {
  const labels = caseLabels(counted.map((c) => c.spec));
  const cases = counted.map((c, i) => compareCase(c.spec.id, labels[i]!, c.counts, threshold, !countsRace(c.spec)));
  const regression = cases.some((c) => c.regression);
  return {
    verdict: regression ? 'REGRESSION' : 'PASS',
    exitCode: regression ? 1 : 0,
    threshold,
    seeds,
    cases,
    baseFailed: cases.filter((c) => c.base.failed !== undefined).map((c) => c.id),
  };
}
