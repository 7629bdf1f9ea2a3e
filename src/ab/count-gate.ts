/**
 * `writeprof ab --strategy-file` on the emulator: a gate on counts, not times. An emulated timing
 * is not a performance figure, but what the emulator counts is real: each case's memory-traffic
 * pass (src/backends/traffic.ts: one instrumented sample, one worker, so a function of the
 * emulator seed) gives the global-memory requests and 32-byte sectors each version's kernel moves
 * per write, and the sample's verification. Per case, summed over the seeds, the head's requests
 * and sectors per write over the base's: `more` beyond +threshold percent (a regression),
 * `fewer` below -threshold, else `unchanged`. A head case that loses, holds stale or corrupts
 * writes, or whose kernel faults, fails the gate; the base doing so is bad input.
 */
import { caseLabels, type CaseSpec } from '../model.js';
import type { NativeCheckAddon } from '../backends/native.js';
import { countTrafficOnEmulator } from '../backends/traffic.js';
import type { RawTraffic } from '../backends/contract.js';
import { openOptionsFor } from '../engine/sweep.js';
import { verificationFailed, verificationText } from '../results/verification.js';
import { SIDES, type Side } from './interleave.js';
import type { CountCase, CountVerdict, MetricChange, SeedCount, SideCounts } from './count-document.js';

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

/** Global-memory requests and sectors of a counted sample, over every kernel it launched. */
export function globalTraffic(t: RawTraffic): { requests: number; sectors: number } {
  let requests = 0, sectors = 0;
  for (const k of t.kernels) {
    const g = k.global;
    requests += g.loadRequests + g.storeRequests + g.atomicRequests;
    sectors += g.loadSectors + g.storeSectors + g.atomicSectors;
  }
  return { requests, sectors };
}

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** One version's count of one case under one seed: the memory-traffic pass on its instrumented build. */
export async function countOnce(spec: CaseSpec, seed: number, addon: () => NativeCheckAddon, o: { keySeed: number; timeoutSec: number }): Promise<SeedCount> {
  const zero: SeedCount = {
    seed, writes: 0, requests: 0, sectors: 0,
    counters: { lockRetries: 0, casFailures: 0, probeSteps: 0 },
    verification: { writes: 0, distinct: 0, verified: 0, lost: 0, stale: 0, corrupted: 0, duplicates: 0 },
  };
  try {
    // The counting kernels (run's default): the conflict counters come from the counted sample; both versions alike.
    const t = await countTrafficOnEmulator(spec, openOptionsFor(spec, { countConflicts: true, seed: o.keySeed }, 0), { seed, workers: 1, timeoutSec: o.timeoutSec }, addon);
    return { seed, writes: t.writes, ...globalTraffic(t.traffic), counters: t.counters, verification: t.verification };
  } catch (err) {
    return { ...zero, error: firstLine(err) };
  }
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

export function analyse(cases: CountCase[], seeds: number[], threshold: number): CountAnalysis {
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

export interface CountOptions {
  seeds: number[];
  threshold: number;
  /** the key streams' seed (--seed) */
  keySeed: number;
  timeoutSec: number;
  signal?: AbortSignal;
  onCase?: (done: number, total: number, spec: CaseSpec, seconds: number) => void;
}

/**
 * Counts every case under every seed on both versions (base first; a deterministic count has no
 * order to balance) and compares them. Stops at a case boundary when `signal` aborts: the cases
 * counted so far come back, `aborted` says so.
 */
export async function countBoth(specs: readonly CaseSpec[], addons: Record<Side, () => NativeCheckAddon>, o: CountOptions): Promise<{ analysis: CountAnalysis; aborted: boolean }> {
  const cases: CountCase[] = [];
  const labels = caseLabels(specs);
  let aborted = false;
  for (const [i, spec] of specs.entries()) {
    if (o.signal?.aborted) {
      aborted = true;
      break;
    }
    const t0 = performance.now();
    const counts: Record<Side, SeedCount[]> = { base: [], head: [] };
    for (const seed of o.seeds) for (const side of SIDES) counts[side].push(await countOnce(spec, seed, addons[side], o));
    cases.push(compareCase(spec.id, labels[i]!, counts, o.threshold, !countsRace(spec)));
    o.onCase?.(i + 1, specs.length, spec, (performance.now() - t0) / 1000);
  }
  return { analysis: analyse(cases, o.seeds, o.threshold), aborted };
}
