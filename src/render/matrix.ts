/**
 * The story's validation matrix as a pure model of a results document: every renderer
 * (terminal, markdown, charts) and the claims gate read numbers from here, so they agree.
 */
import { median } from 'simple-statistics';
import { MODES, PEERS, STRATEGIES, type CaseStrategy, type Mode, type PeerName, type Strategy } from '../model.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { fmtBytes, fmtInt } from './format.js';

export type AxisName = 'valueSize' | 'batchSize' | 'threads';

/** The axis each mode's table is keyed by (the story's three tables). */
export const VARYING_AXIS: Record<Mode, AxisName> = { single: 'valueSize', batch: 'batchSize', concurrent: 'threads' };

/** Relative stdev above which a figure is flagged as noisy. */
export const NOISE_WARN = 0.05;
/** Outliers flagged when at least this share of samples (and at least 2) lie outside Tukey's fences. */
export const OUTLIER_WARN_SHARE = 0.1;

/** Sub-phases timed inside the kernel: shown, but not added to the per-write total. */
export const INNER_PHASES = ['probe', 'lock', 'copy', 'publish'] as const;
const PHASE_ORDER = ['stage', 'h2d', 'kernel', 'd2h', ...INNER_PHASES];

export interface FailedCase {
  id: string;
  strategy: CaseStrategy;
  peer?: PeerName;
  mode: Mode;
  error: string;
  lost: number;
  corrupted: number;
}

/** One per noisy case: what tripped (relative stdev, outliers) in words. */
export interface Warning {
  id: string;
  kinds: ('noise' | 'outliers')[];
  text: string;
}

export interface Measured {
  id: string;
  strategy: CaseStrategy;
  opsPerSec: number;
  opsPerSecPerThread: number;
  /** relNoise or outliers over the warning thresholds */
  noisy: boolean;
}

export interface SpeedupFigure {
  value: number;
  low?: number;
  high?: number;
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
}

export interface StrategyCell {
  measured?: Measured;
  speedup?: SpeedupFigure;
  failed?: FailedCase;
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
}

export function axisLabel(axis: AxisName, value: number): string {
  return axis === 'valueSize' ? fmtBytes(value) : fmtInt(value);
}

export function isNoisy(c: CaseResult): boolean {
  return c.stats.relNoise > NOISE_WARN || hasManyOutliers(c);
}

function hasManyOutliers(c: CaseResult): boolean {
  return c.stats.outliers >= 2 && c.stats.outliers >= OUTLIER_WARN_SHARE * c.stats.n;
}

export function failedCase(c: CaseResult): FailedCase {
  const v = c.verification;
  const error = c.error ?? (v.lost || v.corrupted ? `${v.lost} lost, ${v.corrupted} corrupted writes` : 'failed');
  return { id: c.id, strategy: c.strategy, ...(c.peer ? { peer: c.peer } : {}), mode: c.mode, error, lost: v.lost, corrupted: v.corrupted };
}

function measured(c: CaseResult): Measured {
  return { id: c.id, strategy: c.strategy, opsPerSec: c.opsPerSec, opsPerSecPerThread: c.opsPerSecPerThread, noisy: isNoisy(c) };
}

/** A case of one of writeprof's strategies (not a peer's). */
export type StrategyCase = CaseResult & { strategy: Strategy };

export function isStrategyCase(c: CaseResult): c is StrategyCase {
  return c.strategy !== 'peer';
}

/** A failure of an optimized strategy (not baseline's, not a peer's). */
export function isOptimizedFailure(f: FailedCase): boolean {
  return f.strategy !== 'baseline' && f.strategy !== 'peer';
}

/** The peer's case among cases of one axis point. */
export function peerCaseOf(cases: readonly CaseResult[], peer: PeerName): CaseResult | undefined {
  return cases.find((c) => c.strategy === 'peer' && c.peer === peer);
}

export function peersPresent(cases: readonly CaseResult[]): PeerName[] {
  return PEERS.filter((p) => cases.some((c) => c.strategy === 'peer' && c.peer === p));
}

/** `c` over the peer's case: the engine's interval when attached, else the ratio of medians. */
export function peerSpeedupOf(c: CaseResult, peerCase: CaseResult | undefined, peer: PeerName): SpeedupFigure | undefined {
  const attached = c.vsPeer?.[peer];
  if (attached) return { ...attached };
  if (!peerCase || peerCase.status !== 'ok' || peerCase.opsPerSec <= 0) return undefined;
  return { value: c.opsPerSec / peerCase.opsPerSec };
}

/** Whether a table has any case of writeprof's own strategies (else it shows peers only). */
export function hasStrategyRows(rows: readonly { baseline?: Measured; best?: Measured; failed: FailedCase[] }[]): boolean {
  return rows.some((r) => r.baseline || r.best || r.failed.some((f) => f.strategy !== 'peer'));
}

/** Each peer beside one axis point, with `optimized` (when any) measured against it. */
function peerFigures(peers: readonly PeerName[], list: readonly CaseResult[], optimized: CaseResult | undefined): PeerFigure[] {
  return peers.map((peer) => {
    const pc = peerCaseOf(list, peer);
    const f: PeerFigure = { peer };
    if (pc?.status === 'ok') f.measured = measured(pc);
    else if (pc) f.failed = failedCase(pc);
    const vs = optimized ? peerSpeedupOf(optimized, pc, peer) : undefined;
    if (vs) f.vs = vs;
    return f;
  });
}

/** Speedup of `c` over `base`: the engine's interval when attached, else the ratio of medians. */
export function speedupOf(c: CaseResult, base: CaseResult | undefined): SpeedupFigure | undefined {
  if (c.speedup) return { ...c.speedup };
  if (!base || base.status !== 'ok' || base.opsPerSec <= 0) return undefined;
  return { value: c.opsPerSec / base.opsPerSec };
}

export function conflictsPerWrite(c: CaseResult): number {
  return c.countersPerWrite.lockRetries + c.countersPerWrite.casFailures;
}

/** Key of the axes other than the strategy and `axis`: cases sharing it form one table. */
export function groupKeyOf(c: CaseResult, axis: AxisName): string {
  const parts: (string | number)[] = [c.mode];
  for (const a of ['valueSize', 'batchSize', 'threads'] as const) if (a !== axis) parts.push(c[a]);
  parts.push(c.keyDist, c.loadFactor, c.keys);
  return parts.join('|');
}

function captionOf(c: CaseResult, axis: AxisName): string {
  const bits: string[] = [];
  if (axis !== 'valueSize') bits.push(`${fmtBytes(c.valueSize)} values`);
  if (axis !== 'batchSize' && (c.mode !== 'single' || c.batchSize !== 1)) bits.push(`batch ${fmtInt(c.batchSize)}`);
  if (axis !== 'threads' && c.threads !== 1) bits.push(`${c.threads} threads`);
  bits.push(c.keyDist === 'uniform' ? 'uniform keys' : `${c.keyDist} keys`);
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

/** Strategies in their order, then peers in theirs. */
function sortByStrategy<T extends CaseResult>(cases: readonly T[]): T[] {
  const rank = (c: CaseResult): number => (isStrategyCase(c) ? STRATEGIES.indexOf(c.strategy) : STRATEGIES.length + PEERS.indexOf(c.peer!));
  return [...cases].sort((a, b) => rank(a) - rank(b));
}

function rateTables(cases: readonly CaseResult[], mode: 'single' | 'batch', peers: readonly PeerName[]): RateTable[] {
  return groupsOf(cases, mode).map(({ group, byAxis }) => ({
    group,
    rows: [...byAxis.entries()].map(([axisValue, list]) => {
      const base = list.find((c) => c.strategy === 'baseline');
      const best = bestOptimized(list);
      const row: RateRow = {
        axisValue,
        label: axisLabel(group.axis, axisValue),
        peers: peerFigures(peers, list, best),
        failed: sortByStrategy(list).filter((c) => c.status !== 'ok').map(failedCase),
      };
      if (base?.status === 'ok') row.baseline = measured(base);
      if (best) {
        row.best = measured(best);
        const s = speedupOf(best, base);
        if (s) row.speedup = s;
      }
      return row;
    }),
  }));
}

/** Scaling efficiency ops(T) / (T * ops(1)) of one strategy; undefined without an ok 1-thread case. */
export function efficiencyOf(byThreads: Map<number, CaseResult[]>, strategy: CaseStrategy, threads: number, peer?: PeerName): number | undefined {
  const one = byThreads.get(1)?.find((c) => c.strategy === strategy && c.peer === peer && c.status === 'ok');
  const at = byThreads.get(threads)?.find((c) => c.strategy === strategy && c.peer === peer && c.status === 'ok');
  if (!one || !at || one.opsPerSec <= 0) return undefined;
  return at.opsPerSec / (threads * one.opsPerSec);
}

/** Strategy with the best total at the highest thread count (non-baseline first, baseline if alone). */
export function scalingStrategy(byThreads: Map<number, CaseResult[]>): Strategy | undefined {
  const top = Math.max(...byThreads.keys());
  const atTop = byThreads.get(top) ?? [];
  return bestOptimized(atTop)?.strategy ?? okBaseline(atTop)?.strategy;
}

function scalingTables(cases: readonly CaseResult[], peers: readonly PeerName[]): ScalingTable[] {
  return groupsOf(cases, 'concurrent').map(({ group, byAxis }) => {
    const strategy = scalingStrategy(byAxis);
    const rows: ScalingRow[] = [...byAxis.entries()].map(([threads, list]) => {
      const chosen = strategy === undefined ? undefined : list.find((c) => c.strategy === strategy && c.status === 'ok');
      const row: ScalingRow = {
        threads,
        peers: peerFigures(peers, list, chosen).map((f) => {
          const e = efficiencyOf(byAxis, 'peer', threads, f.peer);
          return e === undefined ? f : { ...f, efficiency: e };
        }),
        failed: sortByStrategy(list).filter((c) => c.status !== 'ok').map(failedCase),
      };
      if (chosen && strategy) {
        row.best = measured(chosen);
        const e = efficiencyOf(byAxis, strategy, threads);
        if (e !== undefined) row.efficiency = e;
      }
      const base = okBaseline(list);
      if (base) {
        row.baseline = measured(base);
        const e = efficiencyOf(byAxis, 'baseline', threads);
        if (e !== undefined) row.baselineEfficiency = e;
      }
      return row;
    });
    const t: ScalingTable = { group, maxThreads: Math.max(...byAxis.keys()), rows };
    if (strategy) t.strategy = strategy;
    return t;
  });
}

function strategiesPresent(cases: readonly CaseResult[]): Strategy[] {
  return STRATEGIES.filter((s) => cases.some((c) => c.strategy === s));
}

function strategyTables(cases: readonly CaseResult[]): StrategyTable[] {
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
          const cell: StrategyCell = c.status !== 'ok' ? { failed: failedCase(c) } : { measured: measured(c) };
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

const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

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
        const b = mean(pairs.map((p) => conflictsPerWrite(p[1])));
        const s = mean(pairs.map((p) => conflictsPerWrite(p[0])));
        if (strategy !== 'baseline' && pairs.length > 0 && b > 0) row.reductionPct = ((b - s) / b) * 100;
        rows.push(row);
      }
      out.push({ group, rows });
    }
  }
  return out;
}

function phaseRank(p: string): number {
  const i = PHASE_ORDER.indexOf(p);
  return i < 0 ? PHASE_ORDER.length : i;
}

function sortPhases(ps: Iterable<string>): string[] {
  return [...new Set(ps)].sort((a, b) => phaseRank(a) - phaseRank(b) || a.localeCompare(b));
}

export function isInnerPhase(p: string): boolean {
  return (INNER_PHASES as readonly string[]).includes(p);
}

function breakdownModel(cases: readonly CaseResult[], peers: readonly PeerName[]): BreakdownModel {
  const ok = cases.filter((c) => c.status === 'ok');
  const all = sortPhases(ok.flatMap((c) => Object.keys(c.breakdown)));
  const phases = all.filter((p) => !isInnerPhase(p));
  const innerPhases = all.filter(isInnerPhase);
  const rows: BreakdownRow[] = [];
  const who: { strategy: CaseStrategy; peer?: PeerName; label: string }[] = [
    ...STRATEGIES.map((strategy) => ({ strategy, label: strategy })),
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

function warningsOf(cases: readonly CaseResult[]): Warning[] {
  const out: Warning[] = [];
  for (const c of cases) {
    if (c.status !== 'ok') continue;
    const w: Warning = { id: c.id, kinds: [], text: '' };
    const parts: string[] = [];
    if (c.stats.relNoise > NOISE_WARN) {
      w.kinds.push('noise');
      parts.push(`noise ${(c.stats.relNoise * 100).toFixed(1)}% (relative stdev over ${c.stats.n} samples)`);
    }
    if (hasManyOutliers(c)) {
      w.kinds.push('outliers');
      parts.push(`${c.stats.outliers} of ${c.stats.n} samples are outliers`);
    }
    if (parts.length) out.push({ ...w, text: parts.join('; ') });
  }
  return out;
}

function summaryOf(cases: readonly CaseResult[]): Summary {
  const ok = cases.filter((c) => c.status === 'ok');
  const ns = cases.map((c) => c.stats.n);
  const noise = ok.map((c) => c.stats.relNoise);
  const noisiest = ok.reduce<CaseResult | undefined>((a, c) => (!a || c.stats.relNoise > a.stats.relNoise ? c : a), undefined);
  const s: Summary = {
    cases: cases.length,
    ok: ok.length,
    failed: cases.length - ok.length,
    samplesMin: ns.length ? Math.min(...ns) : 0,
    samplesMax: ns.length ? Math.max(...ns) : 0,
    samplesMedian: ns.length ? median(ns) : 0,
    noiseMedian: noise.length ? median(noise) : NaN,
    noiseMax: noisiest?.stats.relNoise ?? NaN,
  };
  if (noisiest) s.noiseMaxId = noisiest.id;
  return s;
}

export function buildMatrix(doc: ResultsDocument): Matrix {
  const cases = doc.cases;
  const peers = peersPresent(cases);
  return {
    peers,
    single: rateTables(cases, 'single', peers),
    batch: rateTables(cases, 'batch', peers),
    concurrent: scalingTables(cases, peers),
    strategies: strategyTables(cases),
    conflicts: conflictTables(cases.filter(isStrategyCase)),
    breakdown: breakdownModel(cases, peers),
    failed: cases.filter((c) => c.status !== 'ok').map(failedCase),
    warnings: warningsOf(cases),
    summary: summaryOf(cases),
  };
}
