/**
 * Every figure and choice derived from a results document, in one place: a strategy's speedup
 * over baseline and over a peer (the run's bootstrap interval when attached, else the ratio of
 * medians), conflicts per write and their reduction against baseline, scaling efficiency, the
 * best strategy of a point and of a scaling curve, noise flags, the timing breakdown and the
 * run's summary. The run attaches the intervals (attachSpeedups, attachPeerSpeedups); the
 * renderers (src/render/matrix.ts lays these out as the story's tables) and the gates only read
 * them, so a table and a claim about the same cases cannot disagree.
 */
import { median } from 'simple-statistics';
import { axesKey, isBuiltinStrategy, MODES, PEERS, STRATEGIES, streamName, type CaseStrategy, type Mode, type PeerName, type Strategy } from '../model.js';
import { bootstrapRatioOfMedians, DEFAULT_SEED } from '../stats/bootstrap.js';
import type { CaseResult } from './schema.js';

export interface SpeedupFigure {
  value: number;
  low?: number;
  high?: number;
}

/**
 * Noise, the one measure everywhere (the stopping rule's --max-noise, the ⚠ marks, the warnings,
 * the report): the half-width of the 95% interval of a case's median, as a fraction of the
 * median. "±2%" means the median is known to within 2% either way.
 */
export function noiseOf(c: CaseResult): number {
  const m = Math.abs(c.stats.median);
  return m > 0 && Number.isFinite(c.stats.ciLow) && Number.isFinite(c.stats.ciHigh) ? (c.stats.ciHigh - c.stats.ciLow) / 2 / m : Infinity;
}

/** The noise target when the profile turned the noise rule off (maxNoise 0): ±5%. */
export const NOISE_WARN = 0.05;

/** The noise a figure is held to: the profile's --max-noise target, or NOISE_WARN without one. */
export function noiseTarget(measurement: { maxNoise: number }): number {
  return measurement.maxNoise > 0 ? measurement.maxNoise / 100 : NOISE_WARN;
}

/** Outliers are noted when at least this share of samples (and at least 2) lie outside Tukey's fences. */
export const OUTLIER_WARN_SHARE = 0.1;

export function hasManyOutliers(c: CaseResult): boolean {
  return c.stats.outliers >= 2 && c.stats.outliers >= OUTLIER_WARN_SHARE * c.stats.n;
}

/** A figure noisier than the target: marked ⚠, counted in its table's warning line. */
export function isNoisy(c: CaseResult, target: number): boolean {
  return noiseOf(c) > target;
}

// ---------- which case is which ----------

/** A case of one of writeprof's strategies (not a peer's). */
export type StrategyCase = CaseResult & { strategy: Strategy };

export function isStrategyCase(c: CaseResult): c is StrategyCase {
  return c.strategy !== 'peer';
}

/** The peer's case among cases of one axis point. */
export function peerCaseOf(cases: readonly CaseResult[], peer: PeerName): CaseResult | undefined {
  return cases.find((c) => c.strategy === 'peer' && c.peer === peer);
}

export function peersPresent(cases: readonly CaseResult[]): PeerName[] {
  return PEERS.filter((p) => cases.some((c) => c.strategy === 'peer' && c.peer === p));
}

/** The built-in strategies in their order, then strategy files' in order of first appearance. */
export function strategiesPresent(cases: readonly CaseResult[]): Strategy[] {
  const files = [...new Set(cases.filter(isStrategyCase).map((c) => c.strategy).filter((s) => !isBuiltinStrategy(s)))];
  return [...STRATEGIES.filter((s) => cases.some((c) => c.strategy === s)), ...files];
}

/** Strategies in their order, then peers in theirs. */
export function sortByStrategy<T extends CaseResult>(cases: readonly T[]): T[] {
  // Built-ins in their order, then strategy files' (a stable sort keeps their order), then peers.
  const rank = (c: CaseResult): number =>
    isStrategyCase(c) ? (isBuiltinStrategy(c.strategy) ? STRATEGIES.indexOf(c.strategy) : STRATEGIES.length) : STRATEGIES.length + 1 + PEERS.indexOf(c.peer!);
  return [...cases].sort((a, b) => rank(a) - rank(b));
}

/** Key of the axes other than the strategy and `axis`: cases sharing it form one table (or scaling curve). */
export function groupKeyOf(c: CaseResult, axis: 'valueSize' | 'batchSize' | 'threads'): string {
  const parts: (string | number)[] = [c.mode];
  for (const a of ['valueSize', 'batchSize', 'threads'] as const) if (a !== axis) parts.push(c[a]);
  parts.push(streamName(c), c.loadFactor, c.keys);
  return parts.join('|');
}

// ---------- ratios ----------

/** Speedup of `c` over `base`: the engine's interval when attached, else the ratio of medians. */
export function speedupOf(c: CaseResult, base: CaseResult | undefined): SpeedupFigure | undefined {
  if (c.speedup) return { ...c.speedup };
  if (!base || base.status !== 'ok' || base.opsPerSec <= 0) return undefined;
  return { value: c.opsPerSec / base.opsPerSec };
}

/** `c` over the peer's case: the engine's interval when attached, else the ratio of medians. */
export function peerSpeedupOf(c: CaseResult, peerCase: CaseResult | undefined, peer: PeerName): SpeedupFigure | undefined {
  const attached = c.vsPeer?.[peer];
  if (attached) return { ...attached };
  if (!peerCase || peerCase.status !== 'ok' || peerCase.opsPerSec <= 0) return undefined;
  return { value: c.opsPerSec / peerCase.opsPerSec };
}

/** A case's throughput samples; a document without samples falls back to its median figure. */
function throughputSamples(c: CaseResult): number[] {
  return c.samples.length > 0 ? c.samples : [c.opsPerSec];
}

/**
 * Sets case.speedup on every non-baseline case that has a `baseline` case with the same axes:
 * median ops/s ratio (strategy / baseline) with its 95% percentile-bootstrap interval.
 * Cases without a baseline partner keep speedup unset. Deterministic for a given seed.
 */
export function attachSpeedups(cases: CaseResult[], seed: number = DEFAULT_SEED): void {
  const baselines = new Map<string, CaseResult>();
  for (const c of cases) if (c.strategy === 'baseline') baselines.set(axesKey(c), c);
  for (const c of cases) {
    if (c.strategy === 'baseline' || c.strategy === 'peer') continue;
    const base = baselines.get(axesKey(c));
    if (!base) continue;
    const r = bootstrapRatioOfMedians(throughputSamples(c), throughputSamples(base), { seed });
    // Results JSON cannot hold NaN (zero-throughput baseline): leave the figure out instead.
    if (Number.isFinite(r.value) && Number.isFinite(r.low) && Number.isFinite(r.high)) c.speedup = r;
    else delete c.speedup;
  }
}

/**
 * Sets case.vsPeer on every ok strategy case that has an ok case of a peer with the same axes
 * (measured in the same run): median ops/s ratio (strategy / peer) with its 95% bootstrap interval.
 */
export function attachPeerSpeedups(cases: CaseResult[], seed: number = DEFAULT_SEED): void {
  const refs = new Map<string, CaseResult>();
  for (const c of cases) if (c.strategy === 'peer' && c.peer && c.status === 'ok') refs.set(`${c.peer} ${axesKey(c)}`, c);
  for (const c of cases) {
    if (c.strategy === 'peer' || c.status !== 'ok') continue;
    const vs: NonNullable<CaseResult['vsPeer']> = {};
    for (const peer of PEERS) {
      const ref = refs.get(`${peer} ${axesKey(c)}`);
      if (!ref) continue;
      const r = bootstrapRatioOfMedians(throughputSamples(c), throughputSamples(ref), { seed });
      if (Number.isFinite(r.value) && Number.isFinite(r.low) && Number.isFinite(r.high)) vs[peer] = r;
    }
    if (Object.keys(vs).length > 0) c.vsPeer = vs;
    else delete c.vsPeer;
  }
}

// ---------- conflicts ----------

export function conflictsPerWrite(c: CaseResult): number {
  return c.countersPerWrite.lockRetries + c.countersPerWrite.casFailures;
}

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Percent fewer conflicts per write than baseline, over pairs of a strategy's case and the
 * baseline case beside it (means over the pairs); undefined without a pair or when baseline
 * had no conflicts to reduce.
 */
export function conflictReduction(pairs: readonly (readonly [strategy: CaseResult, baseline: CaseResult])[]): number | undefined {
  if (pairs.length === 0) return undefined;
  const b = mean(pairs.map((p) => conflictsPerWrite(p[1])));
  const s = mean(pairs.map((p) => conflictsPerWrite(p[0])));
  return b > 0 ? ((b - s) / b) * 100 : undefined;
}

// ---------- choices ----------

/** The fastest ok non-baseline strategy case of a set, peers aside (ties: strategy order). */
export function bestOptimized(cases: readonly CaseResult[]): StrategyCase | undefined {
  let best: StrategyCase | undefined;
  for (const c of sortByStrategy(cases.filter(isStrategyCase))) {
    if (c.strategy === 'baseline' || c.status !== 'ok') continue;
    if (!best || c.opsPerSec > best.opsPerSec) best = c;
  }
  return best;
}

export function okBaseline(cases: readonly CaseResult[]): StrategyCase | undefined {
  return cases.filter(isStrategyCase).find((c) => c.strategy === 'baseline' && c.status === 'ok');
}

// ---------- scaling ----------

/** One scaling curve: the concurrent cases sharing every axis but threads and strategy. */
export interface ScalingCurve {
  key: string;
  /** the curve's axes in the case-id spelling without the thread count: concurrent/v64/b1000/uniform/lf0.5/k20000 */
  label: string;
  /** its cases by thread count, in first-appearance order */
  byThreads: Map<number, CaseResult[]>;
}

/** The concurrent cases of `cases` as scaling curves, in first-appearance order. */
export function scalingCurves(cases: readonly CaseResult[]): ScalingCurve[] {
  const out = new Map<string, ScalingCurve>();
  for (const c of cases) {
    if (c.mode !== 'concurrent') continue;
    const key = groupKeyOf(c, 'threads');
    let curve = out.get(key);
    if (!curve) {
      curve = { key, label: axesKey(c, 'threads'), byThreads: new Map() };
      out.set(key, curve);
    }
    curve.byThreads.set(c.threads, [...(curve.byThreads.get(c.threads) ?? []), c]);
  }
  return [...out.values()];
}

/** Scaling efficiency ops(T) / (T * ops(1)) of one strategy; undefined without an ok 1-thread case. */
export function efficiencyOf(byThreads: Map<number, CaseResult[]>, strategy: CaseStrategy, threads: number, peer?: PeerName): number | undefined {
  const one = byThreads.get(1)?.find((c) => c.strategy === strategy && c.peer === peer && c.status === 'ok');
  const at = byThreads.get(threads)?.find((c) => c.strategy === strategy && c.peer === peer && c.status === 'ok');
  if (!one || !at || one.opsPerSec <= 0) return undefined;
  return at.opsPerSec / (threads * one.opsPerSec);
}

/** The strategy a scaling curve is shown for: the best total at the highest thread count (non-baseline first, baseline if alone). */
export function scalingStrategy(byThreads: Map<number, CaseResult[]>): Strategy | undefined {
  const top = Math.max(...byThreads.keys());
  const atTop = byThreads.get(top) ?? [];
  return bestOptimized(atTop)?.strategy ?? okBaseline(atTop)?.strategy;
}

// ---------- timing breakdown ----------

/** Sub-phases timed inside the kernel: shown, but not added to the per-write total. */
export const INNER_PHASES = ['probe', 'lock', 'copy', 'publish'] as const;
const PHASE_ORDER = ['stage', 'h2d', 'kernel', 'd2h', ...INNER_PHASES];

export function isInnerPhase(p: string): boolean {
  return (INNER_PHASES as readonly string[]).includes(p);
}

function phaseRank(p: string): number {
  const i = PHASE_ORDER.indexOf(p);
  return i < 0 ? PHASE_ORDER.length : i;
}

function sortPhases(ps: Iterable<string>): string[] {
  return [...new Set(ps)].sort((a, b) => phaseRank(a) - phaseRank(b) || a.localeCompare(b));
}

export interface BreakdownRow {
  mode: Mode;
  strategy: CaseStrategy;
  peer?: PeerName;
  /** the strategy, or the peer's name */
  label: string;
  cases: number;
  /** mean ns per write per phase over the mode's ok cases that timed it (absent: never timed) */
  nsPerWrite: Record<string, number>;
  /** sum of the top-level phases (inner phases are part of `kernel`) */
  totalNs: number;
  /** share of totalNs per phase, 0..1 (absent with the phase) */
  share: Record<string, number>;
}

export interface BreakdownModel {
  /** top-level phases present, in pipeline order */
  phases: string[];
  /** in-kernel phases present */
  innerPhases: string[];
  rows: BreakdownRow[];
}

/** Mean ns per write by phase, per mode and strategy (then peer), over the ok cases. */
export function breakdownOf(cases: readonly CaseResult[], peers: readonly PeerName[]): BreakdownModel {
  const ok = cases.filter((c) => c.status === 'ok');
  const all = sortPhases(ok.flatMap((c) => Object.keys(c.breakdown)));
  const phases = all.filter((p) => !isInnerPhase(p));
  const innerPhases = all.filter(isInnerPhase);
  const rows: BreakdownRow[] = [];
  const who: { strategy: CaseStrategy; peer?: PeerName; label: string }[] = [
    ...strategiesPresent(ok).map((strategy) => ({ strategy, label: strategy })),
    ...peers.map((peer) => ({ strategy: 'peer' as const, peer, label: peer })),
  ];
  for (const mode of MODES) {
    for (const { strategy, peer, label } of who) {
      const mine = ok.filter((c) => c.mode === mode && c.strategy === strategy && c.peer === peer);
      if (mine.length === 0) continue;
      // A phase this strategy never timed stays absent (shown as "—"), not a measured zero.
      const nsPerWrite: Record<string, number> = {};
      for (const p of all) {
        const timed = mine.filter((c) => c.breakdown[p] !== undefined);
        if (timed.length) nsPerWrite[p] = mean(timed.map((c) => c.breakdown[p]!));
      }
      const totalNs = phases.reduce((a, p) => a + (nsPerWrite[p] ?? 0), 0);
      const share: Record<string, number> = {};
      for (const p of all) if (nsPerWrite[p] !== undefined && totalNs > 0) share[p] = nsPerWrite[p]! / totalNs;
      rows.push({ mode, strategy, ...(peer ? { peer } : {}), label, cases: mine.length, nsPerWrite, totalNs, share });
    }
  }
  return { phases, innerPhases, rows };
}

// ---------- the run as a whole ----------

export interface Summary {
  cases: number;
  ok: number;
  failed: number;
  samplesMin: number;
  samplesMax: number;
  samplesMedian: number;
  noiseMedian: number;
  noiseMax: number;
  noiseMaxId?: string;
}

export function summaryOf(cases: readonly CaseResult[]): Summary {
  const ok = cases.filter((c) => c.status === 'ok');
  const ns = cases.map((c) => c.stats.n);
  const noise = ok.map(noiseOf).filter(Number.isFinite);
  const noisiest = ok.filter((c) => Number.isFinite(noiseOf(c))).reduce<CaseResult | undefined>((a, c) => (!a || noiseOf(c) > noiseOf(a) ? c : a), undefined);
  const s: Summary = {
    cases: cases.length,
    ok: ok.length,
    failed: cases.length - ok.length,
    samplesMin: ns.length ? Math.min(...ns) : 0,
    samplesMax: ns.length ? Math.max(...ns) : 0,
    samplesMedian: ns.length ? median(ns) : 0,
    noiseMedian: noise.length ? median(noise) : NaN,
    noiseMax: noisiest ? noiseOf(noisiest) : NaN,
  };
  if (noisiest) s.noiseMaxId = noisiest.id;
  return s;
}
