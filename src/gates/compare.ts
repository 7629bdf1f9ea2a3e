/**
 * The regression gate: baseline vs current results, case by case.
 *
 * Figures are throughput (ops/s samples), so a negative change is a slowdown:
 *   change% = (median(current) / median(baseline) - 1) * 100,
 * with a 95% percentile-bootstrap interval of that ratio of medians. The test is two-sided:
 *  - Mann–Whitney U on the two sample sets (src/stats/mannwhitney.ts: exact or normal approx.);
 *  - and, when the baseline was merged from several runs (`runMedians`, see ./baseline.ts), a
 *    Student-t test of the current run's median against the baseline's run medians
 *    (src/stats/runs.ts): samples within one process are not independent replicates of a run,
 *    and on a shared machine run-to-run shifts of several percent are common.
 *  A case's p is the larger of the two (significant only when both are: an intersection-union
 *  test, still level alpha). Across the cases of one comparison the p-values are Holm–Bonferroni
 *  adjusted, so `significant` means family-wise at alpha: with dozens of cases, a per-case 1% level
 *  would flag a noise-only "regression" in a large share of runs. Verdicts, in this order:
 *   noisy      either side has fewer than MIN_SAMPLES samples (no test can reach alpha = 0.01 then);
 *   slower     p < alpha and change < -threshold            (this is a regression: exit 1);
 *   faster     p < alpha and change > +threshold;
 *   noisy      otherwise, when the change is beyond ±threshold but not significant, or the 95%
 *              interval is wider than the threshold on either side ((high - low) / 2 > threshold):
 *              the data can neither confirm nor rule out a change of threshold size;
 *   unchanged  otherwise: the change is within ±threshold and measured tightly enough to say so
 *              (a significant change smaller than the threshold is `unchanged`, by design);
 *   inconclusive  replaces slower/faster/unchanged when neither side holds several runs (two
 *              separate runs: no estimate of the drift between them) and the change is within
 *              SEPARATE_RUNS_FACTOR (see separateRunsVerdict). `writeprof ab` measures both
 *              builds interleaved instead (./paired.ts).
 * A current case whose verification failed (lost, stale or corrupted writes) also fails the gate.
 * With a confirmation run (a second current document measured after the first), a regression
 * must reproduce against the baseline in both; one that does not becomes `noisy` (see
 * confirmRegressions): transient load on a shared machine rarely hits the same case twice.
 */
import { caseId } from '../model.js';
import { UsageError } from '../errors.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { deviceLabel, environmentOf, splitByDevice } from '../results/devices.js';
import { bootstrapRatioOfMedians, medianOf } from '../stats/bootstrap.js';
import { mannWhitneyU } from '../stats/mannwhitney.js';
import { holmAdjust } from '../stats/multiple.js';
import { runLevelTest } from '../stats/runs.js';

export const DEFAULT_THRESHOLD = 5;
export const DEFAULT_ALPHA = 0.01;
/** Below 5 samples per side the exact two-sided MWU p-value cannot go under 0.01. */
export const MIN_SAMPLES = 5;
export const TEST_NAME =
  'two-sided Mann–Whitney U on the samples (exact without ties when n1+n2 <= 50, else normal approximation with tie and continuity correction), ' +
  'and Student t on run medians when the baseline holds several runs (p = the larger); Holm–Bonferroni adjusted across cases';

export const VERDICTS = ['faster', 'slower', 'unchanged', 'noisy', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface CompareOptions {
  /** percent, in (0, 100) */
  threshold: number;
  /** significance level, in (0, 1) */
  alpha: number;
  allowEnvMismatch?: boolean;
  /** bootstrap seed (deterministic output) */
  seed?: number;
}

export interface SampleComparison {
  nBaseline: number;
  nCurrent: number;
  baselineMedian: number;
  currentMedian: number;
  /** percent change of the median; negative = slower */
  changePct: number;
  changeLowPct: number;
  changeHighPct: number;
  /** p-value of this case alone: max(pSamples, pRuns) */
  p: number;
  /** two-sided Mann–Whitney U p-value on the samples */
  pSamples: number;
  /** two-sided run-level t-test p-value (NaN when the baseline holds fewer than 3 runs) */
  pRuns: number;
  /** runs behind each side, and the baseline's run-to-run spread (SD of log medians, %) */
  runs: { baseline: number; current: number; spreadPct: number };
  /** p after the Holm–Bonferroni adjustment over all compared cases (= p for one case) */
  pAdjusted: number;
  verdict: Verdict;
  /** slower beyond the threshold and significant */
  regression: boolean;
  /** why the verdict is noisy or inconclusive, when it is */
  reason?: string;
  /** paired (`writeprof ab`) comparisons: the rounds behind the figure (see ./paired.ts) */
  rounds?: number;
}

export interface CaseComparison extends SampleComparison {
  id: string;
  /** the current case failed verification (lost, stale or corrupted writes) */
  currentFailed: boolean;
  baselineFailed: boolean;
}

export interface ComparisonReport {
  threshold: number;
  alpha: number;
  test: string;
  baseline: { createdAt: string; backend: string; device: string; profile: string };
  current: { createdAt: string; backend: string; device: string; profile: string; partial: boolean };
  /** environment differences accepted by --allow-env-mismatch */
  envMismatch: string[];
  cases: CaseComparison[];
  onlyInBaseline: string[];
  onlyInCurrent: string[];
  regressions: string[];
  /** current cases that failed verification */
  failed: string[];
  /** true when the gate fails: any regression or failed current case */
  failedGate: boolean;
  /** present when a confirmation run was given (see confirmRegressions) */
  confirmation?: { createdAt: string; regressions: string[]; notReproduced: string[]; partial?: boolean };
  /** present for the two sides of one `writeprof ab` run (see ./paired.ts) */
  pairing?: { id: string; rounds: number; samplesPerRound: number; order: string; baseline: string; current: string };
}

const pct = (ratio: number): number => (ratio - 1) * 100;

type Measured = Omit<SampleComparison, 'verdict' | 'regression' | 'reason' | 'pAdjusted'>;


/** What one side of a case contributes: its samples and, for merged baselines, its run medians. */
export interface SideSamples {
  samples: readonly number[];
  runMedians?: readonly number[];
}

/** Effect size, its interval and the raw tests of one case; the verdict needs the family's p. */
function measure(baseline: SideSamples, current: SideSamples, seed?: number): Measured {
  const nBaseline = baseline.samples.length;
  const nCurrent = current.samples.length;
  const ratio = bootstrapRatioOfMedians(current.samples, baseline.samples, { seed });
  const testable = nBaseline >= MIN_SAMPLES && nCurrent >= MIN_SAMPLES && Number.isFinite(ratio.value);
  const currentMedian = nCurrent ? medianOf(current.samples) : NaN;
  const baselineMedian = nBaseline ? medianOf(baseline.samples) : NaN;
  const pSamples = testable ? mannWhitneyU(current.samples, baseline.samples).p : NaN;
  // Run-to-run variation is known when either side holds several runs (a merged baseline, or
  // `run --repeat`); a single run is then tested against the other side's runs.
  const runTest = !testable
    ? null
    : (baseline.runMedians ? runLevelTest(baseline.runMedians, current.runMedians?.length ? current.runMedians : [currentMedian]) : null) ??
      (current.runMedians ? runLevelTest(current.runMedians, [baselineMedian]) : null);
  const pRuns = runTest ? runTest.p : NaN;
  return {
    nBaseline,
    nCurrent,
    baselineMedian,
    currentMedian,
    changePct: pct(ratio.value),
    changeLowPct: pct(ratio.low),
    changeHighPct: pct(ratio.high),
    p: runTest ? Math.max(pSamples, pRuns) : pSamples,
    pSamples,
    pRuns,
    runs: {
      baseline: baseline.runMedians?.length || 1,
      current: current.runMedians?.length || 1,
      spreadPct: runTest ? runTest.spreadPct : NaN,
    },
  };
}

function decide(m: Measured, pAdjusted: number, opts: CompareOptions): SampleComparison {
  const { threshold, alpha } = opts;
  const base = { ...m, pAdjusted };
  if (m.nBaseline < MIN_SAMPLES || m.nCurrent < MIN_SAMPLES) {
    return { ...base, verdict: 'noisy', regression: false, reason: `fewer than ${MIN_SAMPLES} samples (baseline ${m.nBaseline}, current ${m.nCurrent})` };
  }
  if (!Number.isFinite(m.changePct)) return { ...base, verdict: 'noisy', regression: false, reason: 'baseline median is zero' };
  const significant = pAdjusted < alpha;
  if (significant && m.changePct < -threshold) return { ...base, verdict: 'slower', regression: true };
  if (significant && m.changePct > threshold) return { ...base, verdict: 'faster', regression: false };
  if (Math.abs(m.changePct) > threshold) {
    const spread = m.pRuns > m.pSamples ? `; the baseline's runs spread ±${m.runs.spreadPct.toFixed(1)}% (SD) from run to run` : '';
    return { ...base, verdict: 'noisy', regression: false, reason: `change beyond ±${threshold}% but not significant (adjusted p = ${pAdjusted.toPrecision(2)} >= ${alpha}${spread})` };
  }
  const halfWidth = (m.changeHighPct - m.changeLowPct) / 2;
  if (!(halfWidth <= threshold)) {
    return { ...base, verdict: 'noisy', regression: false, reason: `95% interval half-width ${halfWidth.toFixed(1)}% exceeds the ${threshold}% threshold` };
  }
  return { ...base, verdict: 'unchanged', regression: false };
}

/**
 * Two separate runs, neither holding several runs, say nothing about the drift between them:
 * the samples of one run share that moment's machine (neighbours' load, clocks, placement), so
 * a sample-level test calls that drift significant. On this project's 2-core shared machine the
 * median of one case moved between -52% and +108% from one quiet run of the same code to the
 * next (12 runs of the quick profile, 550 case pairs), and between -91.5% (11.8x) and +680% with
 * one core kept busy (bench/ab-calibration, 300 case pairs). So between separate runs a significant change is only reported as
 * slower (or faster) when the median moved by more than this factor (below 1/20 or above 20x the
 * baseline's: a collapse, not a regression); anything smaller is `inconclusive`.
 */
export const SEPARATE_RUNS_FACTOR = 20;
export const SEPARATE_RUNS_REASON = 'separate runs; use `writeprof ab` or `--repeat`';

/**
 * Applies SEPARATE_RUNS_FACTOR to a verdict reached without a run-level test. `unchanged` too:
 * a tight interval within one run says nothing of the drift between two, which can hide a real
 * slowdown as well as fake one.
 */
export function separateRunsVerdict<T extends SampleComparison>(c: T): T {
  if (Number.isFinite(c.pRuns) || (c.verdict !== 'slower' && c.verdict !== 'faster' && c.verdict !== 'unchanged')) return c;
  const ratio = 1 + c.changePct / 100;
  if (c.verdict !== 'unchanged' && (ratio < 1 / SEPARATE_RUNS_FACTOR || ratio > SEPARATE_RUNS_FACTOR)) return c;
  const bound = ((1 - 1 / SEPARATE_RUNS_FACTOR) * 100).toFixed(0);
  return {
    ...c,
    verdict: 'inconclusive',
    regression: false,
    reason: `${SEPARATE_RUNS_REASON}: between separate runs only a change beyond ${SEPARATE_RUNS_FACTOR}x (-${bound}% or +${(SEPARATE_RUNS_FACTOR - 1) * 100}%) is told from drift`,
  };
}

/**
 * Compares the two sample sets (ops/s) of one case on its own (a family of one: no adjustment);
 * run medians, when given, add the run-level test.
 */
export function compareSamples(
  baseline: readonly number[],
  current: readonly number[],
  opts: CompareOptions,
  runMedians: { baseline?: readonly number[]; current?: readonly number[] } = {},
): SampleComparison {
  const m = measure({ samples: baseline, runMedians: runMedians.baseline }, { samples: current, runMedians: runMedians.current }, opts.seed);
  return decide(m, m.p, opts);
}

function deviceName(doc: ResultsDocument): string {
  const parts = splitByDevice(doc);
  if (parts.length > 1) return parts.map((p) => p.label).join(' + ');
  const n = doc.environment.device['name'];
  return n === undefined || n === null ? '' : String(n);
}

/**
 * Throws UsageError when the documents cannot be compared; returns the environment differences
 * that --allow-env-mismatch accepted (empty when they match).
 */
export function checkComparable(baseline: ResultsDocument, current: ResultsDocument, allowEnvMismatch = false): string[] {
  if (baseline.schemaVersion !== current.schemaVersion) {
    throw new UsageError(
      `schemaVersion: baseline has ${baseline.schemaVersion}, current has ${current.schemaVersion}; both documents must have the same schema version (re-run the baseline with this writeprof)`,
    );
  }
  if (byDevice(baseline, current)) return checkDevicesOverlap(baseline, current);
  const diffs: string[] = [];
  if (baseline.environment.backend !== current.environment.backend) {
    diffs.push(`environment.backend: baseline "${baseline.environment.backend}", current "${current.environment.backend}"`);
  }
  if (deviceName(baseline) !== deviceName(current)) {
    diffs.push(`environment.device.name: baseline "${deviceName(baseline)}", current "${deviceName(current)}"`);
  }
  if (diffs.length > 0 && !allowEnvMismatch) {
    throw new UsageError(`incompatible environments: ${diffs.join('; ')}; pass --allow-env-mismatch to compare anyway`);
  }
  return diffs;
}

/** Merged results from several devices are compared device by device: cases match on device and axes. */
function byDevice(baseline: ResultsDocument, current: ResultsDocument): boolean {
  return splitByDevice(baseline).length > 1 || splitByDevice(current).length > 1;
}

function checkDevicesOverlap(baseline: ResultsDocument, current: ResultsDocument): string[] {
  const b = splitByDevice(baseline);
  const c = splitByDevice(current);
  if (!b.some((x) => c.some((y) => y.key === x.key))) {
    const names = (ps: typeof b) => ps.map((p) => p.label).join(', ');
    throw new UsageError(`no device in common: baseline has ${names(b)}, current has ${names(c)}`);
  }
  return [];
}


/** How a report names its two documents. */
export function describeSides(baseline: ResultsDocument, current: ResultsDocument): Pick<ComparisonReport, 'baseline' | 'current'> {
  return {
    baseline: { createdAt: baseline.createdAt, backend: baseline.environment.backend, device: deviceName(baseline), profile: baseline.profile.name },
    current: {
      createdAt: current.createdAt,
      backend: current.environment.backend,
      device: deviceName(current),
      profile: current.profile.name,
      partial: current.partial === true,
    },
  };
}

export function indexCases(doc: ResultsDocument, side: string, perDevice = false): Map<string, CaseResult> {
  const byId = new Map<string, CaseResult>();
  for (const c of doc.cases) {
    // Match on the axes themselves, not on a stored id that an older writer may have spelled differently.
    const id = perDevice ? `${deviceLabel(environmentOf(doc, c))}: ${caseId(c)}` : caseId(c);
    if (byId.has(id)) throw new UsageError(`${side}: case ${id} appears twice; each case may appear once`);
    byId.set(id, c);
  }
  return byId;
}

/** Baseline and current cases paired by id (in baseline order), and the ids found on one side only. */
export function matchCases(
  baseCases: ReadonlyMap<string, CaseResult>,
  curCases: ReadonlyMap<string, CaseResult>,
): { matched: { id: string; b: CaseResult; c: CaseResult }[]; onlyInBaseline: string[]; onlyInCurrent: string[] } {
  const matched: { id: string; b: CaseResult; c: CaseResult }[] = [];
  const onlyInBaseline: string[] = [];
  for (const [id, b] of baseCases) {
    const c = curCases.get(id);
    if (c) matched.push({ id, b, c });
    else onlyInBaseline.push(id);
  }
  return { matched, onlyInBaseline, onlyInCurrent: [...curCases.keys()].filter((id) => !baseCases.has(id)) };
}

/**
 * What fails a gate, for compare and ab alike: the regressions, and every current case that failed
 * (the compared ones first, then those only in the current run).
 */
export function gateOutcome(
  cases: readonly CaseComparison[],
  curCases: ReadonlyMap<string, CaseResult>,
  onlyInCurrent: readonly string[],
): Pick<ComparisonReport, 'regressions' | 'failed' | 'failedGate'> {
  const regressions = cases.filter((c) => c.regression).map((c) => c.id);
  const failed = [...cases.filter((c) => c.currentFailed).map((c) => c.id), ...onlyInCurrent.filter((id) => curCases.get(id)!.status === 'failed')];
  return { regressions, failed, failedGate: regressions.length > 0 || failed.length > 0 };
}

export function compareDocuments(baseline: ResultsDocument, current: ResultsDocument, opts: CompareOptions): ComparisonReport {
  const envMismatch = checkComparable(baseline, current, opts.allowEnvMismatch);
  const perDevice = byDevice(baseline, current);
  const baseCases = indexCases(baseline, 'baseline', perDevice);
  const curCases = indexCases(current, 'current', perDevice);
  const { matched: pairs, onlyInBaseline, onlyInCurrent } = matchCases(baseCases, curCases);
  const matched = pairs.map((x) => ({ ...x, m: measure(x.b, x.c, opts.seed) }));
  const adjusted = holmAdjust(matched.map((x) => x.m.p));
  const cases: CaseComparison[] = matched.map(({ id, b, c, m }, i) => ({
    id,
    ...separateRunsVerdict(decide(m, adjusted[i]!, opts)),
    currentFailed: c.status === 'failed',
    baselineFailed: b.status === 'failed',
  }));
  return {
    threshold: opts.threshold,
    alpha: opts.alpha,
    test: TEST_NAME,
    ...describeSides(baseline, current),
    envMismatch,
    cases,
    onlyInBaseline,
    onlyInCurrent,
    ...gateOutcome(cases, curCases, onlyInCurrent),
  };
}

/**
 * Keeps only the regressions of `first` that `second` (the same comparison against a fresh
 * re-run) reproduces; the others take the re-run's verdict when it decided them (unchanged,
 * faster), else become `noisy`. Verification failures of either run count.
 */
export function confirmRegressions(first: ComparisonReport, second: ComparisonReport, secondCreatedAt = second.current.createdAt): ComparisonReport {
  const again = new Set(second.regressions);
  const notReproduced: string[] = [];
  const cases = first.cases.map((c): CaseComparison => {
    if (!c.regression || again.has(c.id)) return c;
    const re = second.cases.find((x) => x.id === c.id);
    // A confirmation run that did not measure the case (absent, failed, too few samples) cannot
    // clear it: the regression stands.
    if (!re || re.currentFailed || re.nCurrent < MIN_SAMPLES || !Number.isFinite(re.changePct)) {
      return { ...c, reason: 'the confirmation run did not measure this case, so it cannot clear the regression' };
    }
    notReproduced.push(c.id);
    const seen = `${re.changePct.toFixed(1)}%, ${re.verdict}`;
    // The confirmation run decided the case (unchanged or faster): its figures are the evidence.
    if (re.verdict === 'unchanged' || re.verdict === 'faster') return { ...re, reason: `slower in the first run only (${c.changePct.toFixed(1)}%); the confirmation run measured ${seen}` };
    return { ...c, verdict: 'noisy', regression: false, reason: `slower in the first run only; the confirmation run measured ${seen}` };
  });
  const regressions = cases.filter((c) => c.regression).map((c) => c.id);
  const failed = [...new Set([...first.failed, ...second.failed])];
  return {
    ...first,
    cases,
    regressions,
    failed,
    failedGate: regressions.length > 0 || failed.length > 0,
    confirmation: { createdAt: secondCreatedAt, regressions: second.regressions, notReproduced, ...(second.current.partial ? { partial: true } : {}) },
  };
}
