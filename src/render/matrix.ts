/**
 * The story's validation matrix laid out from a results document: the tables every renderer
 * (terminal, markdown, charts, devices side by side) prints, their rows, labels and captions.
 * Every figure and choice in them comes from src/results/metrics.ts, which the gates read too.
 */
import { MODES, type CaseStrategy, type Mode, type PeerName, type Strategy } from '../model.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { verificationFailed, verificationText } from '../results/verification.js';
import {
  bestOptimized,
  breakdownOf,
  conflictReduction,
  conflictsPerWrite,
  efficiencyOf,
  groupKeyOf,
  hasManyOutliers,
  isNoisy,
  isStrategyCase,
  mean,
  noiseOf,
  noiseTarget,
  okBaseline,
  peerCaseOf,
  peerSpeedupOf,
  peersPresent,
  scalingStrategy,
  sortByStrategy,
  speedupOf,
  strategiesPresent,
  summaryOf,
  type BreakdownModel,
  type SpeedupFigure,
  type StrategyCase,
  type Summary,
} from '../results/metrics.js';
import { fmtValueSize, fmtInt, fmtPercent } from '../format.js';

export { NOISE_WARN, OUTLIER_WARN_SHARE, noiseOf, type BreakdownModel, type SpeedupFigure } from '../results/metrics.js';

export type AxisName = 'valueSize' | 'batchSize' | 'threads';

/** The axis each mode's table is keyed by (the story's three tables). */
export const VARYING_AXIS: Record<Mode, AxisName> = { single: 'valueSize', batch: 'batchSize', concurrent: 'threads' };

export interface FailedCase {
  id: string;
  strategy: CaseStrategy;
  peer?: PeerName;
  mode: Mode;
  error: string;
  writes: number;
  distinct: number;
  lost: number;
  stale: number;
  corrupted: number;
}

/** One per noisy case (noise above the target, or many outliers): what tripped, in words. */
export interface Warning {
  id: string;
  kinds: ('noise' | 'outliers')[];
  text: string;
}

/** A table's figures against the noise target: what its one warning line says. */
export interface TableNoise {
  /** ok cases in the table, and those noisier than the target */
  total: number;
  noisy: number;
  /** the noisiest case */
  worst?: { id: string; noise: number };
  /** how the noisy cases stopped (src/engine/stopping.ts); unknown: documents without it */
  stoppedBy: { maxSamples: number; maxTime: number; unknown: number };
}

export interface Measured {
  id: string;
  strategy: CaseStrategy;
  opsPerSec: number;
  opsPerSecPerThread: number;
  /** noise above the target (see noiseOf) */
  noisy: boolean;
  /** the half-width of the median's 95% interval over the median */
  noise: number;
  /** ciLow/ciHigh of the median, ops/s */
  low: number;
  high: number;
}

/** Cases of one mode sharing every axis but the strategy and the mode's varying axis. */
export interface Group {
  mode: Mode;
  axis: AxisName;
  key: string;
  /** the fixed axes in words, e.g. "64B values, uniform keys, load factor 0.5, 100,000 keys" */
  caption: string;
}

/** A peer beside a row of the story's tables: its own figure, and the row's optimized figure over it. */
export interface PeerFigure {
  peer: PeerName;
  measured?: Measured;
  failed?: FailedCase;
  /** the row's best strategy (scaling tables: the table's strategy) over the peer, with its interval when the run computed one */
  vs?: SpeedupFigure;
  /** scaling tables: the peer's own ops(T) / (T * ops(1)) */
  efficiency?: number;
}

export interface RateRow {
  axisValue: number;
  label: string;
  baseline?: Measured;
  /** best non-baseline strategy that finished ok */
  best?: Measured;
  speedup?: SpeedupFigure;
  /** one per peer of the document (Matrix.peers order) */
  peers: PeerFigure[];
  failed: FailedCase[];
}

export interface RateTable {
  group: Group;
  rows: RateRow[];
  noise: TableNoise;
}

export interface ScalingRow {
  threads: number;
  best?: Measured;
  /** ops(T) / (T * ops(1)) for the chosen strategy */
  efficiency?: number;
  baseline?: Measured;
  baselineEfficiency?: number;
  peers: PeerFigure[];
  failed: FailedCase[];
}

export interface ScalingTable {
  group: Group;
  /** strategy with the best total at the highest thread count (non-baseline when any ran ok) */
  strategy?: Strategy;
  maxThreads: number;
  rows: ScalingRow[];
  noise: TableNoise;
}

export interface StrategyCell {
  measured?: Measured;
  speedup?: SpeedupFigure;
  failed?: FailedCase;
  /** lock retries + CAS failures per write (ok cases) */
  conflictsPerWrite?: number;
}

export interface StrategyRow {
  axisValue: number;
  label: string;
  cells: Partial<Record<Strategy, StrategyCell>>;
  /** the peers' own figures (no speedup: a peer is not measured against baseline) */
  peerCells: Partial<Record<PeerName, StrategyCell>>;
}

export interface StrategyTable {
  group: Group;
  strategies: Strategy[];
  peers: PeerName[];
  rows: StrategyRow[];
}

export interface ConflictRow {
  strategy: Strategy;
  /** ok cases averaged */
  cases: number;
  /** lockRetries + casFailures per write, mean over the group's ok cases */
  conflictsPerWrite: number;
  lockRetriesPerWrite: number;
  casFailuresPerWrite: number;
  probeStepsPerWrite: number;
  /** percent fewer conflicts per write than baseline over the axis values both ran ok; undefined when baseline had none */
  reductionPct?: number;
}

export interface ConflictTable {
  group: Group;
  rows: ConflictRow[];
}

export interface Matrix {
  /** peers with cases in the document, in PEERS order */
  peers: PeerName[];
  single: RateTable[];
  batch: RateTable[];
  concurrent: ScalingTable[];
  strategies: StrategyTable[];
  conflicts: ConflictTable[];
  breakdown: BreakdownModel;
  failed: FailedCase[];
  warnings: Warning[];
  summary: Summary;
  /** the noise figures are held to (fraction), and the measurement settings behind it */
  noiseTarget: number;
  measurement: ResultsDocument['profile']['measurement'];
  /** cases whose --max-samples ended them before --min-time was reached */
  minTimeCut: string[];
}

export function axisLabel(axis: AxisName, value: number): string {
  return axis === 'valueSize' ? fmtValueSize(value) : fmtInt(value);
}

export function failedCase(c: CaseResult): FailedCase {
  const v = c.verification;
  const error = c.error ?? (verificationFailed(v) ? verificationText(v) : 'failed');
  const counts = { writes: v.writes, distinct: v.distinct, lost: v.lost, stale: v.stale, corrupted: v.corrupted };
  return { id: c.id, strategy: c.strategy, ...(c.peer ? { peer: c.peer } : {}), mode: c.mode, error, ...counts };
}

/** `target`: the noise the figures are held to (noiseTarget of the document's measurement). */
function measured(c: CaseResult, target: number): Measured {
  return {
    id: c.id,
    strategy: c.strategy,
    opsPerSec: c.opsPerSec,
    opsPerSecPerThread: c.opsPerSecPerThread,
    noisy: isNoisy(c, target),
    noise: noiseOf(c),
    low: c.stats.ciLow,
    high: c.stats.ciHigh,
  };
}

/** How a set of cases (a table's) stands against the noise target. */
export function tableNoise(cases: readonly CaseResult[], noiseTargetOf: number): TableNoise {
  const ok = cases.filter((c) => c.status === 'ok');
  const noisy = ok.filter((c) => isNoisy(c, noiseTargetOf));
  const out: TableNoise = { total: ok.length, noisy: noisy.length, stoppedBy: { maxSamples: 0, maxTime: 0, unknown: 0 } };
  for (const c of noisy) {
    if (!c.stop) out.stoppedBy.unknown++;
    else if (c.stop.reason === 'maxSamples') out.stoppedBy.maxSamples++;
    else if (c.stop.reason === 'maxTime') out.stoppedBy.maxTime++;
    if (!out.worst || noiseOf(c) > out.worst.noise) out.worst = { id: c.id, noise: noiseOf(c) };
  }
  return out;
}

/** A failure of an optimized strategy (not baseline's, not a peer's). */
export function isOptimizedFailure(f: FailedCase): boolean {
  return f.strategy !== 'baseline' && f.strategy !== 'peer';
}

/** Whether a table has any case of writeprof's own strategies (else it shows peers only). */
export function hasStrategyRows(rows: readonly { baseline?: Measured; best?: Measured; failed: FailedCase[] }[]): boolean {
  return rows.some((r) => r.baseline || r.best || r.failed.some((f) => f.strategy !== 'peer'));
}

/** Each peer beside one axis point, with `optimized` (when any) measured against it. */
function peerFigures(peers: readonly PeerName[], list: readonly CaseResult[], optimized: CaseResult | undefined, target: number): PeerFigure[] {
  return peers.map((peer) => {
    const pc = peerCaseOf(list, peer);
    const f: PeerFigure = { peer };
    if (pc?.status === 'ok') f.measured = measured(pc, target);
    else if (pc) f.failed = failedCase(pc);
    const vs = optimized ? peerSpeedupOf(optimized, pc, peer) : undefined;
    if (vs) f.vs = vs;
    return f;
  });
}

function captionOf(c: CaseResult, axis: AxisName): string {
  const bits: string[] = [];
  if (axis !== 'valueSize') bits.push(`${fmtValueSize(c.valueSize)} values`);
  if (axis !== 'batchSize' && (c.mode !== 'single' || c.batchSize !== 1)) bits.push(`batch ${fmtInt(c.batchSize)}`);
  if (axis !== 'threads' && c.threads !== 1) bits.push(`${c.threads} threads`);
  bits.push(c.keyDist === 'uniform' ? 'uniform keys' : `${c.keyDist} keys`);
  if (c.updateShare) bits.push(`${fmtPercent(c.updateShare, 0)} updates`);
  bits.push(`load factor ${c.loadFactor}`);
  bits.push(`${fmtInt(c.keys)} keys per sample`);
  return bits.join(', ');
}

/** Cases of a mode split into groups (first-appearance order), each with its cases by axis value. */
export function groupsOf(cases: readonly CaseResult[], mode: Mode): { group: Group; byAxis: Map<number, CaseResult[]> }[] {
  const axis = VARYING_AXIS[mode];
  const out = new Map<string, { group: Group; byAxis: Map<number, CaseResult[]> }>();
  for (const c of cases) {
    if (c.mode !== mode) continue;
    const key = groupKeyOf(c, axis);
    let g = out.get(key);
    if (!g) {
      g = { group: { mode, axis, key, caption: captionOf(c, axis) }, byAxis: new Map() };
      out.set(key, g);
    }
    const v = c[axis];
    const list = g.byAxis.get(v) ?? [];
    list.push(c);
    g.byAxis.set(v, list);
  }
  for (const g of out.values()) g.byAxis = new Map([...g.byAxis.entries()].sort((a, b) => a[0] - b[0]));
  return [...out.values()];
}

function rateTables(cases: readonly CaseResult[], mode: 'single' | 'batch', peers: readonly PeerName[], target: number): RateTable[] {
  return groupsOf(cases, mode).map(({ group, byAxis }) => ({
    group,
    noise: tableNoise([...byAxis.values()].flat(), target),
    rows: [...byAxis.entries()].map(([axisValue, list]) => {
      const base = list.find((c) => c.strategy === 'baseline');
      const best = bestOptimized(list);
      const row: RateRow = {
        axisValue,
        label: axisLabel(group.axis, axisValue),
        peers: peerFigures(peers, list, best, target),
        failed: sortByStrategy(list).filter((c) => c.status !== 'ok').map(failedCase),
      };
      if (base?.status === 'ok') row.baseline = measured(base, target);
      if (best) {
        row.best = measured(best, target);
        const s = speedupOf(best, base);
        if (s) row.speedup = s;
      }
      return row;
    }),
  }));
}

function scalingTables(cases: readonly CaseResult[], peers: readonly PeerName[], target: number): ScalingTable[] {
  return groupsOf(cases, 'concurrent').map(({ group, byAxis }) => {
    const strategy = scalingStrategy(byAxis);
    const rows: ScalingRow[] = [...byAxis.entries()].map(([threads, list]) => {
      const chosen = strategy === undefined ? undefined : list.find((c) => c.strategy === strategy && c.status === 'ok');
      const row: ScalingRow = {
        threads,
        peers: peerFigures(peers, list, chosen, target).map((f) => {
          const e = efficiencyOf(byAxis, 'peer', threads, f.peer);
          return e === undefined ? f : { ...f, efficiency: e };
        }),
        failed: sortByStrategy(list).filter((c) => c.status !== 'ok').map(failedCase),
      };
      if (chosen && strategy) {
        row.best = measured(chosen, target);
        const e = efficiencyOf(byAxis, strategy, threads);
        if (e !== undefined) row.efficiency = e;
      }
      const base = okBaseline(list);
      if (base) {
        row.baseline = measured(base, target);
        const e = efficiencyOf(byAxis, 'baseline', threads);
        if (e !== undefined) row.baselineEfficiency = e;
      }
      return row;
    });
    const t: ScalingTable = { group, maxThreads: Math.max(...byAxis.keys()), rows, noise: tableNoise([...byAxis.values()].flat(), target) };
    if (strategy) t.strategy = strategy;
    return t;
  });
}

function strategyTables(cases: readonly CaseResult[], target: number): StrategyTable[] {
  const out: StrategyTable[] = [];
  for (const mode of MODES) {
    for (const { group, byAxis } of groupsOf(cases, mode)) {
      const all = [...byAxis.values()].flat();
      const strategies = strategiesPresent(all);
      const peers = peersPresent(all);
      const rows = [...byAxis.entries()].map(([axisValue, list]) => {
        const base = list.find((c) => c.strategy === 'baseline');
        const cells: Partial<Record<Strategy, StrategyCell>> = {};
        const peerCells: Partial<Record<PeerName, StrategyCell>> = {};
        for (const c of list) {
          const cell: StrategyCell = c.status !== 'ok' ? { failed: failedCase(c) } : { measured: measured(c, target), conflictsPerWrite: conflictsPerWrite(c) };
          if (!isStrategyCase(c)) {
            if (c.peer) peerCells[c.peer] = cell;
            continue;
          }
          const s = c.status !== 'ok' || c.strategy === 'baseline' ? undefined : speedupOf(c, base);
          if (s) cell.speedup = s;
          cells[c.strategy] = cell;
        }
        return { axisValue, label: axisLabel(group.axis, axisValue), cells, peerCells };
      });
      out.push({ group, strategies, peers, rows });
    }
  }
  return out;
}

function conflictTables(cases: readonly CaseResult[]): ConflictTable[] {
  const out: ConflictTable[] = [];
  for (const mode of MODES) {
    for (const { group, byAxis } of groupsOf(cases, mode)) {
      const all = [...byAxis.values()].flat().filter((c) => c.status === 'ok');
      const rows: ConflictRow[] = [];
      for (const strategy of strategiesPresent(all)) {
        const mine = all.filter((c) => c.strategy === strategy);
        const row: ConflictRow = {
          strategy,
          cases: mine.length,
          conflictsPerWrite: mean(mine.map(conflictsPerWrite)),
          lockRetriesPerWrite: mean(mine.map((c) => c.countersPerWrite.lockRetries)),
          casFailuresPerWrite: mean(mine.map((c) => c.countersPerWrite.casFailures)),
          probeStepsPerWrite: mean(mine.map((c) => c.countersPerWrite.probeSteps)),
        };
        // Compare like with like: only axis values where both this strategy and baseline ran ok.
        const pairs = [...byAxis.values()]
          .map((list) => [list.find((c) => c.strategy === strategy && c.status === 'ok'), okBaseline(list)] as const)
          .filter((p): p is readonly [CaseResult, StrategyCase] => p[0] !== undefined && p[1] !== undefined);
        const reduction = strategy === 'baseline' ? undefined : conflictReduction(pairs);
        if (reduction !== undefined) row.reductionPct = reduction;
        rows.push(row);
      }
      out.push({ group, rows });
    }
  }
  return out;
}

const STOPPED: Record<NonNullable<CaseResult['stop']>['reason'], string> = { maxSamples: 'stopped at --max-samples', maxTime: 'stopped at --max-time', noise: 'reached the target' };

function warningsOf(cases: readonly CaseResult[], target: number): Warning[] {
  const out: Warning[] = [];
  for (const c of cases) {
    if (c.status !== 'ok') continue;
    const w: Warning = { id: c.id, kinds: [], text: '' };
    const parts: string[] = [];
    if (isNoisy(c, target)) {
      w.kinds.push('noise');
      const how = c.stop ? `, ${STOPPED[c.stop.reason]} after ${c.stop.seconds.toFixed(2)} s` : '';
      parts.push(`noise ±${(noiseOf(c) * 100).toFixed(1)}% over ${c.stats.n} samples${how}`);
    }
    if (hasManyOutliers(c)) {
      w.kinds.push('outliers');
      parts.push(`${c.stats.outliers} of ${c.stats.n} samples are outliers`);
    }
    if (parts.length) out.push({ ...w, text: parts.join('; ') });
  }
  return out;
}

export function buildMatrix(doc: ResultsDocument): Matrix {
  const cases = doc.cases;
  const peers = peersPresent(cases);
  const measurement = doc.profile.measurement;
  const target = noiseTarget(measurement);
  return {
    noiseTarget: target,
    measurement,
    minTimeCut: cases.filter((c) => c.stop?.reason === 'maxSamples' && c.stop.seconds < measurement.minTime).map((c) => c.id),
    peers,
    single: rateTables(cases, 'single', peers, target),
    batch: rateTables(cases, 'batch', peers, target),
    concurrent: scalingTables(cases, peers, target),
    strategies: strategyTables(cases, target),
    conflicts: conflictTables(cases.filter(isStrategyCase)),
    breakdown: breakdownOf(cases, peers),
    failed: cases.filter((c) => c.status !== 'ok').map(failedCase),
    warnings: warningsOf(cases, target),
    summary: summaryOf(cases),
  };
}
