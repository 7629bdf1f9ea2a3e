/** Terminal tables (cli-table3) in the shape of the story's validation tables. */
import Table from 'cli-table3';
import { Chalk, type ChalkInstance } from 'chalk';
import { PEER_LABEL } from '../model.js';
import type { ResultsDocument } from '../results/schema.js';
import { splitByDevice } from '../results/devices.js';
import { renderDevicesTerminal } from './devices-terminal.js';
import { mergedNote, partialNote } from './merged-notes.js';
import { fmtInt, fmtPerWrite, fmtNs, fmtPercent, fmtSpeedup } from '../format.js';
import { emulatedLegend, isEmulated, markTiming } from './emulated.js';
import { boundTerminal, trafficTerminal } from './traffic.js';
import type { GpuModel } from '../results/gpu-models.js';
import {
  buildMatrix,
  hasStrategyRows,
  isOptimizedFailure,
  type ConflictTable,
  type FailedCase,
  type Matrix,
  type Measured,
  type PeerFigure,
  type RateTable,
  type ScalingTable,
} from './matrix.js';

const NOISY = '⚠';

interface Ctx {
  c: ChalkInstance;
  /** cuda-emu results: timings are marked as not performance figures */
  emu: boolean;
}

function timing(ctx: Ctx, text: string): string {
  return markTiming(ctx.emu, text);
}

/** `align`: one letter per column, 'l' or 'r'. */
function table(ctx: Ctx, head: string[], align: string): Table.Table {
  return new Table({
    head: head.map((h) => ctx.c.bold(h)),
    // Colours come from chalk only, so NO_COLOR / non-TTY output carries no escape codes.
    style: { head: [], border: [] },
    // No rule between body rows: the tables stay as tall as their data.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: head.map((_, i) => (align[i] === 'r' ? 'right' : 'left')),
  });
}

function ops(ctx: Ctx, m: Measured | undefined, failed: boolean): string {
  if (!m) return failed ? ctx.c.red('FAILED') : '—';
  const v = timing(ctx, fmtInt(m.opsPerSec));
  return m.noisy ? `${v} ${ctx.c.yellow(NOISY)}` : v;
}

function title(ctx: Ctx, heading: string, caption: string): string {
  return `${ctx.c.bold(heading)}\n${ctx.c.dim(caption)}`;
}

function failedLines(ctx: Ctx, failed: readonly FailedCase[]): string[] {
  return failed.map((f) => ctx.c.red(`✗ FAILED ${f.id}: ${f.error} (lost ${f.lost}, corrupted ${f.corrupted})`));
}

/** Per peer: its ops/sec, and (beside strategies) the optimized figure over it: "Optimized vs Redis". */
function peerHeads(peers: readonly PeerFigure[], withVs: boolean, vsHead: string): string[] {
  return peers.flatMap((f) => [`${PEER_LABEL[f.peer]} (ops/sec)`, ...(withVs ? [`${vsHead} vs ${PEER_LABEL[f.peer]}`] : [])]);
}

function peerCells(ctx: Ctx, peers: readonly PeerFigure[], withVs: boolean): string[] {
  return peers.flatMap((f) => [ops(ctx, f.measured, f.failed !== undefined), ...(withVs ? [f.vs ? ctx.c.green(timing(ctx, fmtSpeedup(f.vs, '×'))) : '—'] : [])]);
}

function rateTable(ctx: Ctx, t: RateTable, heading: string, axisHead: string): string {
  const strat = hasStrategyRows(t.rows);
  const peers = t.rows[0]?.peers ?? [];
  const head = [axisHead, ...(strat ? ['Baseline (ops/sec)', 'Optimized (ops/sec)', 'Strategy', 'Speedup'] : []), ...peerHeads(peers, strat, 'Optimized')];
  const tab = table(ctx, head, (strat ? 'lrrlr' : 'l') + 'r'.repeat(head.length));
  for (const r of t.rows) {
    const baseFailed = r.failed.some((f) => f.strategy === 'baseline');
    const optFailed = !r.best && r.failed.some(isOptimizedFailure);
    const speed = r.speedup ? ctx.c.green(timing(ctx, fmtSpeedup(r.speedup, '×'))) : '—';
    const mine = strat ? [ops(ctx, r.baseline, baseFailed), ops(ctx, r.best, optFailed), r.best?.strategy ?? '—', speed] : [];
    tab.push([r.label, ...mine, ...peerCells(ctx, r.peers, strat)]);
  }
  const failed = t.rows.flatMap((r) => r.failed);
  return [title(ctx, heading, t.group.caption), tab.toString(), ...failedLines(ctx, failed)].join('\n');
}

function scalingTable(ctx: Ctx, t: ScalingTable): string {
  const strat = hasStrategyRows(t.rows);
  const peers = t.rows[0]?.peers ?? [];
  const who = !strat ? 'peers' : t.strategy ? `${t.strategy} (best total at ${t.maxThreads} threads)` : 'no strategy finished';
  // Beside strategies a peer shows its total and the strategy over it; alone, its own scaling.
  const peerHead = strat
    ? peerHeads(peers, true, t.strategy ?? 'Optimized')
    : peers.flatMap((f) => [`${PEER_LABEL[f.peer]} (ops/sec)`, 'per thread', 'scaling']);
  const head = ['Threads', ...(strat ? ['ops/sec', 'per thread', 'scaling', 'Baseline (ops/sec)', 'Baseline scaling'] : []), ...peerHead];
  const tab = table(ctx, head, 'r'.repeat(head.length));
  for (const r of t.rows) {
    const bestFailed = !r.best && r.failed.some((f) => f.strategy === t.strategy);
    const baseFailed = r.failed.some((f) => f.strategy === 'baseline');
    const mine = strat
      ? [
          ops(ctx, r.best, bestFailed),
          timing(ctx, fmtInt(r.best?.opsPerSecPerThread)),
          timing(ctx, fmtPercent(r.efficiency)),
          ops(ctx, r.baseline, baseFailed),
          timing(ctx, fmtPercent(r.baselineEfficiency)),
        ]
      : [];
    const theirs = strat
      ? peerCells(ctx, r.peers, true)
      : r.peers.flatMap((f) => [ops(ctx, f.measured, f.failed !== undefined), fmtInt(f.measured?.opsPerSecPerThread), fmtPercent(f.efficiency)]);
    tab.push([String(r.threads), ...mine, ...theirs]);
  }
  const failed = t.rows.flatMap((r) => r.failed);
  return [title(ctx, `Concurrent Write Performance — ${who}`, t.group.caption), tab.toString(), ...failedLines(ctx, failed)].join('\n');
}

function conflictTable(ctx: Ctx, t: ConflictTable): string {
  const tab = table(ctx, ['Strategy', 'conflicts/write', 'lock retries/write', 'CAS failures/write', 'probe steps/write', 'vs baseline'], 'lrrrrr');
  for (const r of t.rows) {
    const red = r.reductionPct === undefined ? (r.strategy === 'baseline' ? '' : 'n/a') : `${r.reductionPct >= 0 ? '-' : '+'}${Math.abs(r.reductionPct).toFixed(1)}%`;
    tab.push([
      r.strategy,
      fmtPerWrite(r.conflictsPerWrite),
      fmtPerWrite(r.lockRetriesPerWrite),
      fmtPerWrite(r.casFailuresPerWrite),
      fmtPerWrite(r.probeStepsPerWrite),
      red,
    ]);
  }
  return [title(ctx, `Atomic Conflicts — ${t.group.mode}`, t.group.caption), tab.toString()].join('\n');
}

function breakdownTable(ctx: Ctx, m: Matrix): string {
  const { phases, innerPhases, rows } = m.breakdown;
  const inner = innerPhases.map((p) => `${p}*`);
  const head = ['Mode', 'Strategy', 'ns/write', ...phases, ...inner];
  const tab = table(ctx, head, 'll' + 'r'.repeat(head.length - 2));
  for (const r of rows) {
    tab.push([r.mode, r.label, timing(ctx, fmtNs(r.totalNs)), ...[...phases, ...innerPhases].map((p) => fmtPercent(r.share[p]))]);
  }
  const note = innerPhases.length ? ctx.c.dim('* timed inside kernel: part of its share, not added to ns/write') : '';
  const heading = title(ctx, 'Timing Breakdown', 'share of the time per write by phase; ns/write is the mean over each mode\'s cases');
  return [heading, tab.toString(), note].filter((s) => s !== '').join('\n');
}

function warningLines(ctx: Ctx, m: Matrix): string[] {
  if (m.warnings.length === 0) return [];
  return [ctx.c.yellow(`${NOISY} Noisy measurements (figures marked ${NOISY}):`), ...m.warnings.map((w) => ctx.c.yellow(`  ${w.id}: ${w.text}`))];
}

/** The validation tables, conflicts and breakdown for a terminal; `color` false gives plain text. */
export function renderTerminal(doc: ResultsDocument, color: boolean, model?: GpuModel): string {
  const ctx: Ctx = { c: new Chalk({ level: color ? 1 : 0 }), emu: isEmulated(doc) };
  const parts = splitByDevice(doc);
  if (parts.length > 1) return renderDevicesTerminal(doc, parts, ctx.c, (d) => renderTerminal(d, color, model));
  const m = buildMatrix(doc);
  const blocks: string[] = [];
  const env = doc.environment;
  const dev = typeof env.device['name'] === 'string' ? env.device['name'] : env.backend;
  blocks.push(ctx.c.dim(`writeprof ${doc.tool.version} · backend ${env.backend} · ${dev} · profile ${doc.profile.name} · ${m.summary.cases} cases`));
  const merged = mergedNote(doc, parts[0]!.hosts);
  if (merged) blocks.push(ctx.c.dim(merged));
  if (doc.partial) blocks.push(ctx.c.yellow(partialNote(doc)));
  if (ctx.emu) blocks.push(ctx.c.magenta(emulatedLegend(doc)));
  for (const t of m.single) blocks.push(rateTable(ctx, t, 'Single Write Performance', 'Value Size'));
  for (const t of m.batch) blocks.push(rateTable(ctx, t, 'Batch Write Performance', 'Batch Size'));
  for (const t of m.concurrent) blocks.push(scalingTable(ctx, t));
  for (const t of m.conflicts) blocks.push(conflictTable(ctx, t));
  if (m.breakdown.rows.length) blocks.push(breakdownTable(ctx, m));
  const traffic = trafficTerminal(doc, ctx.c);
  if (traffic) blocks.push(traffic);
  const bound = model ? boundTerminal(doc, ctx.c, model) : '';
  if (bound) blocks.push(bound);
  const warn = warningLines(ctx, m);
  if (warn.length) blocks.push(warn.join('\n'));
  if (m.failed.length) blocks.push(ctx.c.red.bold(`${m.failed.length} case(s) failed verification or did not run; see ✗ lines above.`));
  return blocks.join('\n\n') + '\n';
}
