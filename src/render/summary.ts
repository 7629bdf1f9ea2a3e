/**
 * The answer first: the few lines `run` ends with and a report opens with. The run's outcome
 * (OK, FAILED, PARTIAL: what its exit code says), per table the winning strategy and its speedup
 * over baseline with the 95% interval (and over each peer), the claims checked, and the noise in
 * one line with the advice that helps. Every figure comes from the matrix (src/render/matrix.ts),
 * and the claims from `validate`'s own evaluation, handed in by the command.
 */
import { PEER_LABEL, type PeerName, type Strategy } from '../model.js';
import type { ClaimsChecked } from '../results/claim-outcome.js';
import type { ResultsDocument } from '../results/schema.js';
import { groupKeyOf } from '../results/metrics.js';
import { fmtInt, fmtPercent, fmtSpeedup } from '../format.js';
import { peerHow } from './peer-how.js';
import type { Matrix, RateTable, ScalingTable, SpeedupFigure, StrategyTable, TableNoise } from './matrix.js';

export type RunOutcome = 'OK' | 'FAILED' | 'PARTIAL';

/** What the summary's figures are. */
export const SUMMARY_NOTE = '(speedups: median over baseline, 95% interval)';

export interface SummaryLine {
  kind: 'verdict' | 'table' | 'claims' | 'noise' | 'note';
  /** the line's label ("single", "claims"); empty for a continuation */
  label: string;
  text: string;
  /** the outcome a verdict line states, and whether a claims line holds bad news */
  bad?: boolean;
}

export interface Summary {
  outcome: RunOutcome;
  lines: SummaryLine[];
  /** the figures are the emulator's: no speedup is shown */
  emulated: boolean;
}

const MODE_WORD = { single: 'single', batch: 'batch', concurrent: 'concurrent' } as const;
const AXIS_WORDS = { valueSize: 'sizes', batchSize: 'batch sizes', threads: 'thread counts' } as const;

function geomean(xs: readonly number[]): number {
  return xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN;
}

/** The strategy table laid out for the same cases as `t` (the per-strategy speedups). */
function strategyTableOf(m: Matrix, t: RateTable | ScalingTable): StrategyTable | undefined {
  return m.strategies.find((s) => s.group.key === t.group.key);
}

/** The lowest and highest of a strategy's speedups over a table's rows, with their rows. */
function range(points: readonly { label: string; s: SpeedupFigure }[]): string {
  if (points.length === 0) return '—';
  const sorted = [...points].sort((a, b) => a.s.value - b.s.value);
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  if (points.length === 1) return fmtSpeedup(lo.s, '×');
  return `${fmtSpeedup(lo.s, '×')} at ${lo.label} … ${fmtSpeedup(hi.s, '×')} at ${hi.label}`;
}

/** Whether no interval of the points clears 1×: the winner is not shown to beat baseline. */
function notClear(points: readonly { s: SpeedupFigure }[]): boolean {
  return points.length > 0 && points.every((p) => (p.s.low ?? p.s.value) <= 1);
}

/** What tells a table from the other tables of its mode: the parts of its caption they do not share. */
function distinct(t: RateTable | ScalingTable, tables: readonly (RateTable | ScalingTable)[]): string {
  const same = tables.filter((x) => x.group.mode === t.group.mode);
  if (same.length < 2) return '';
  const parts = (x: RateTable | ScalingTable): string[] => x.group.caption.split(', ');
  const shared = parts(t).filter((p) => same.every((x) => parts(x).includes(p)));
  const own = parts(t).filter((p) => !shared.includes(p));
  return own.length ? `(${own.join(', ')}) ` : '';
}

function rateLine(m: Matrix, t: RateTable, name: string, which: string): SummaryLine | undefined {
  const wins = new Map<Strategy, number>();
  for (const r of t.rows) if (r.best && r.best.strategy !== 'peer') wins.set(r.best.strategy, (wins.get(r.best.strategy) ?? 0) + 1);
  const st = strategyTableOf(m, t);
  const pointsOf = (s: Strategy): { label: string; s: SpeedupFigure }[] =>
    (st?.rows ?? []).flatMap((r) => (r.cells[s]?.speedup ? [{ label: r.label, s: r.cells[s]!.speedup! }] : []));
  const ranked = [...wins.entries()].sort((a, b) => b[1] - a[1] || geomean(pointsOf(b[0]).map((p) => p.s.value)) - geomean(pointsOf(a[0]).map((p) => p.s.value)));
  if (ranked.length === 0) return undefined;
  const [winner, k] = ranked[0]!;
  const points = pointsOf(winner);
  const where = t.rows.length > 1 ? ` fastest at ${k}/${t.rows.length} ${AXIS_WORDS[t.group.axis]}` : '';
  const unclear = notClear(points) ? ' (not shown faster: intervals reach 1×)' : '';
  return { kind: 'table', label: name, text: `${which}${winner}${where}: ${range(points)}${unclear}` };
}

function scalingLine(m: Matrix, t: ScalingTable, name: string, which: string): SummaryLine | undefined {
  if (!t.strategy || t.strategy === 'baseline') return undefined;
  const top = t.rows.find((r) => r.threads === t.maxThreads);
  const st = strategyTableOf(m, t);
  const cell = st?.rows.find((r) => r.axisValue === t.maxThreads)?.cells[t.strategy];
  const speed = cell?.speedup ? fmtSpeedup(cell.speedup, '×') : 'no baseline beside it';
  const eff = top?.efficiency !== undefined ? `, ${fmtPercent(top.efficiency, 0)} of linear scaling` : '';
  return { kind: 'table', label: name, text: `${which}${t.strategy} at ${t.maxThreads} threads: ${speed}${eff}` };
}

/** The batch size of a table's cases (one, unless the table is keyed by it). */
export function batchOf(doc: ResultsDocument, t: RateTable | ScalingTable): number | undefined {
  return doc.cases.find((c) => c.mode === t.group.mode && groupKeyOf(c, t.group.axis) === t.group.key)?.batchSize;
}

/** The best strategy over each peer across a table's rows, and how the peer was reached. */
function peerLine(doc: ResultsDocument, t: RateTable | ScalingTable): SummaryLine | undefined {
  const peers = (t.rows[0]?.peers ?? []).map((f) => f.peer);
  const parts: string[] = [];
  for (const peer of peers) {
    const pts = t.rows.flatMap((r) => {
      const f = r.peers.find((x) => x.peer === peer);
      const at = 'label' in r ? r.label : `${r.threads} threads`;
      return f?.vs ? [{ label: at, s: f.vs }] : [];
    });
    if (pts.length) parts.push(`vs ${PEER_LABEL[peer as PeerName]} ${range(pts)} (${peerHow(doc, peer, t.group.mode, t.rows.length > 1 && t.group.axis === 'batchSize', batchOf(doc, t))})`);
  }
  return parts.length ? { kind: 'table', label: 'peers', text: parts.join('; ') } : undefined;
}

/** A table of peers only (a peer as the run's backend): their rates. */
function peersOnlyLine(doc: ResultsDocument, t: RateTable | ScalingTable, name: string, which: string): SummaryLine | undefined {
  const peers = (t.rows[0]?.peers ?? []).map((f) => f.peer);
  const parts = peers.flatMap((peer) => {
    const rates = t.rows.flatMap((r) => r.peers.find((x) => x.peer === peer)?.measured?.opsPerSec ?? []);
    if (!rates.length) return [];
    const lo = Math.min(...rates);
    const hi = Math.max(...rates);
    const span = lo === hi ? fmtInt(lo) : `${fmtInt(lo)} to ${fmtInt(hi)}`;
    return [`${PEER_LABEL[peer]} ${span} ops/s (${peerHow(doc, peer, t.group.mode, t.rows.length > 1 && t.group.axis === 'batchSize', batchOf(doc, t))})`];
  });
  return parts.length ? { kind: 'table', label: name, text: which + parts.join('; ') } : undefined;
}

function claimLines(claims: ClaimsChecked | undefined): SummaryLine[] {
  if (!claims) return [];
  const o = claims.outcomes;
  const pass = o.filter((c) => c.verdict === 'PASS');
  const fail = o.filter((c) => c.verdict === 'FAIL');
  const na = o.filter((c) => c.verdict === 'N/A');
  const parts = [`${claims.name}: ${pass.length}/${o.length} hold`];
  if (fail.length) parts.push(`fail ${fail.map((c) => `${c.id} ${c.measuredText} (needs ${c.requiredText})`).join(', ')}`);
  if (na.length) parts.push(`n/a ${na.map((c) => c.id).join(', ')} (writeprof validate says why)`);
  return [{ kind: 'claims', label: 'claims', bad: fail.length > 0, text: parts.join('; ') }];
}

/** The advice that helps against the noise a set of figures shows: what ended them, and what to raise. */
function noiseAdvice(m: Matrix, noise: TableNoise): string {
  const me = m.measurement;
  const fixes: string[] = [];
  const { maxSamples, maxTime, unknown } = noise.stoppedBy;
  if (maxSamples > 0) fixes.push(`${maxSamples} stopped at --max-samples ${me.maxSamples}${m.minTimeCut.length ? ' before --min-time' : ''}: raise it`);
  if (maxTime > 0) fixes.push(`${maxTime} at --max-time ${me.maxTime} s: raise it`);
  if (unknown > 0 && maxSamples + maxTime === 0) fixes.push('raise --min-time or --max-samples');
  return `${fixes.join('; ')}${fixes.length ? ', ' : ''}or --repeat 3`;
}

/** The noise of a set of figures in one line: how many missed the target, the worst, what helps. */
export function noiseLine(m: Matrix, noise: TableNoise): string {
  const target = `±${fmtPercent(m.noiseTarget, m.noiseTarget * 100 >= 1 ? 0 : 1)}`;
  if (noise.noisy === 0) return `all ${noise.total} figures within ${target} (half-width of the median's 95% interval)`;
  const worst = noise.worst ? ` (worst ±${fmtPercent(noise.worst.noise)})` : '';
  return `${noise.noisy}/${noise.total} noisier than ${target}${worst}: ${noiseAdvice(m, noise)}`;
}

function sumNoise(tables: readonly TableNoise[]): TableNoise {
  const out: TableNoise = { total: 0, noisy: 0, stoppedBy: { maxSamples: 0, maxTime: 0, unknown: 0 } };
  for (const t of tables) {
    out.total += t.total;
    out.noisy += t.noisy;
    out.stoppedBy.maxSamples += t.stoppedBy.maxSamples;
    out.stoppedBy.maxTime += t.stoppedBy.maxTime;
    out.stoppedBy.unknown += t.stoppedBy.unknown;
    if (t.worst && (!out.worst || t.worst.noise > out.worst.noise)) out.worst = t.worst;
  }
  return out;
}

export function outcomeOf(doc: ResultsDocument, m: Matrix): RunOutcome {
  if (m.failed.length) return 'FAILED';
  return doc.partial ? 'PARTIAL' : 'OK';
}

function verdictLine(doc: ResultsDocument, m: Matrix, outcome: RunOutcome): SummaryLine {
  const n = m.summary.cases;
  const text =
    outcome === 'FAILED'
      ? `FAILED (exit 1): ${m.failed.length} of ${n} cases lost writes or did not run: ${m.failed.slice(0, 2).map((f) => f.id).join(', ')}${m.failed.length > 2 ? ' ...' : ''}`
      : outcome === 'PARTIAL'
        ? `PARTIAL: ${n} cases finished before the run stopped; what is missing cannot pass a claim`
        : `OK: ${n} cases ran, every write verified`;
  return { kind: 'verdict', label: 'run', text, bad: outcome !== 'OK' };
}

export interface SummaryOptions {
  claims?: ClaimsChecked;
  /** where the results are */
  resultsPath?: string;
}

export function buildSummary(doc: ResultsDocument, m: Matrix, o: SummaryOptions = {}): Summary {
  const outcome = outcomeOf(doc, m);
  const lines: SummaryLine[] = [verdictLine(doc, m, outcome)];
  const emulated = doc.emulated === true;
  if (emulated) {
    lines.push({ kind: 'note', label: 'emulated', text: 'no speed figures: the kernels ran on the host SIMT emulator (timings are its own); writes and conflict counters are real' });
  } else {
    const rate = [...m.single, ...m.batch];
    for (const t of rate) {
      const name = MODE_WORD[t.group.mode];
      const which = distinct(t, rate);
      const won = rateLine(m, t, name, which);
      const line = won ?? peersOnlyLine(doc, t, name, which);
      if (line) lines.push(line);
      const peers = won ? peerLine(doc, t) : undefined;
      if (peers) lines.push(peers);
    }
    for (const t of m.concurrent) {
      const name = MODE_WORD[t.group.mode];
      const which = distinct(t, m.concurrent);
      const won = scalingLine(m, t, name, which);
      const line = won ?? peersOnlyLine(doc, t, name, which);
      if (line) lines.push(line);
      const peers = won ? peerLine(doc, t) : undefined;
      if (peers) lines.push(peers);
    }
  }
  lines.push(...claimLines(o.claims));
  if (!emulated) {
    const noise = sumNoise([...m.single, ...m.batch, ...m.concurrent].map((t) => t.noise));
    if (noise.total) lines.push({ kind: 'noise', label: 'noise', text: noiseLine(m, noise), bad: noise.noisy > 0 });
  }
  return { outcome, lines, emulated };
}
