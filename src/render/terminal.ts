/**
 * Terminal tables in the shape of the story's validation tables, each fitted to the screen
 * (src/screen.ts): a table per mode, the peers in a table of their own, single-write latency,
 * conflicts and the timing breakdown; under each table one line about its noise; the per-case
 * noise list with --verbose; and the summary last (./summary.ts).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { PEER_LABEL, type PeerName } from '../model.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { splitByDevice } from '../results/devices.js';
import { DEFAULT_WIDTH, textTable, wrap } from '../screen.js';
import { renderDevicesTerminal } from './devices-terminal.js';
import { mergedNote, partialNote } from './merged-notes.js';
import { fmtInt, fmtPerWrite, fmtNs, fmtPercent, fmtSpeedup } from '../format.js';
import { emulatedLegend, isEmulated, markTiming } from './emulated.js';
import { boundTerminal, trafficTerminal } from './traffic.js';
import type { GpuModel } from '../results/gpu-models.js';
import { peerHow } from './peer-how.js';
import { batchOf, buildSummary, noiseLine, SUMMARY_NOTE, type Summary, type SummaryOptions } from './summary.js';
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

export interface TerminalOptions {
  color: boolean;
  /** columns every table and line must fit (default 100) */
  width?: number;
  /** the per-case noise list */
  verbose?: boolean;
  /** the summary's claims and results path; false: no summary */
  summary?: SummaryOptions | false;
  /** --gpu-model: a bandwidth bound per case with memory-traffic counts (./traffic.ts) */
  gpuModel?: GpuModel;
}

interface Ctx {
  c: ChalkInstance;
  /** cuda-emu results: timings are marked as not performance figures */
  emu: boolean;
  width: number;
  doc: ResultsDocument;
  byId: Map<string, CaseResult>;
}

function timing(ctx: Ctx, text: string): string {
  return markTiming(ctx.emu, text);
}

/** `align`: one letter per column, 'l' or 'r'. */
function table(ctx: Ctx, head: string[], rows: string[][], align: string): string {
  return textTable(
    head.map((h) => ctx.c.bold(h)),
    rows,
    { align, width: ctx.width },
  );
}

function ops(ctx: Ctx, m: Measured | undefined, failed: boolean): string {
  if (!m) return failed ? ctx.c.red('FAILED') : '—';
  const v = timing(ctx, fmtInt(m.opsPerSec));
  return m.noisy ? `${v} ${ctx.c.yellow(NOISY)}` : v;
}

function title(ctx: Ctx, heading: string, caption: string): string {
  return [ctx.c.bold(heading), ...wrap(caption, ctx.width).map((l) => ctx.c.dim(l))].join('\n');
}

function failedLines(ctx: Ctx, failed: readonly FailedCase[]): string[] {
  // The error says what failed, verification counts included (results/consistency keeps them in step).
  return failed.flatMap((f) => wrap(`✗ FAILED ${f.id}: ${f.error}`, ctx.width, '  ').map((l) => ctx.c.red(l)));
}

function noiseWarning(ctx: Ctx, m: Matrix, t: RateTable | ScalingTable): string[] {
  if (ctx.emu || t.noise.noisy === 0) return [];
  return wrap(`${NOISY} ${noiseLine(m, t.noise)}`, ctx.width, '  ').map((l) => ctx.c.yellow(l));
}

/** A peer's column head: its rate, and how it was reached. */
function peerHead(ctx: Ctx, t: RateTable | ScalingTable, peer: PeerName): string {
  const perBatch = t.group.axis === 'batchSize' && t.rows.length > 1;
  return `${PEER_LABEL[peer]} (ops/sec)\n${peerHow(ctx.doc, peer, t.group.mode, perBatch, batchOf(ctx.doc, t))}`;
}

/** The peers of a table, in a table of their own: each peer's rate and the optimized figure over it. */
function peersTable(ctx: Ctx, t: RateTable | ScalingTable, vsHead: string | undefined, axisHead: string): string | undefined {
  const peers = (t.rows[0]?.peers ?? []).map((f) => f.peer);
  if (peers.length === 0) return undefined;
  const head = [axisHead, ...peers.flatMap((p) => [peerHead(ctx, t, p), ...(vsHead ? [`${vsHead}\nvs ${PEER_LABEL[p]}`] : [])])];
  const rows = t.rows.map((r) => {
    const cells = r.peers.flatMap((f: PeerFigure) => [ops(ctx, f.measured, f.failed !== undefined), ...(vsHead ? [f.vs ? ctx.c.green(timing(ctx, fmtSpeedup(f.vs, '×'))) : '—'] : [])]);
    return ['label' in r ? r.label : String(r.threads), ...cells];
  });
  const note = ctx.c.dim(`Peers beside ${vsHead ? `the fastest strategy (${vsHead})` : 'each other'}: same keys, values and verification`);
  return [note, table(ctx, head, rows, (t.group.axis === 'threads' ? 'r' : 'l') + 'r'.repeat(head.length - 1))].join('\n');
}

/** p50/p99/p99.9 per write of each row's baseline, best strategy and peers (single mode). */
function latencyTable(ctx: Ctx, t: RateTable): string | undefined {
  const rows: string[][] = [];
  for (const r of t.rows) {
    const ids = [r.baseline?.id, r.best?.id, ...r.peers.map((f) => f.measured?.id)].filter((x): x is string => x !== undefined);
    let first = true;
    for (const id of ids) {
      const c = ctx.byId.get(id);
      if (!c?.latency || c.latency.n === 0) continue;
      const l = c.latency;
      const who = c.peer ? PEER_LABEL[c.peer] : c.strategy;
      rows.push([first ? r.label : '', who, timing(ctx, fmtNs(l.p50)), timing(ctx, fmtNs(l.p99)), timing(ctx, fmtNs(l.p999)), fmtInt(l.n)]);
      first = false;
    }
  }
  if (rows.length === 0) return undefined;
  const head = ['Value Size', 'Strategy', 'p50 (ns)', 'p99 (ns)', 'p99.9 (ns)', 'writes timed'];
  return [title(ctx, 'Single-Write Latency', 'per write, baseline and the fastest strategy (and peers) of each value size'), table(ctx, head, rows, 'llrrrr')].join('\n');
}

function rateTable(ctx: Ctx, m: Matrix, t: RateTable, heading: string, axisHead: string): string {
  const strat = hasStrategyRows(t.rows);
  const parts: string[] = [title(ctx, heading, t.group.caption)];
  if (strat) {
    const head = [axisHead, 'Baseline (ops/sec)', 'Optimized (ops/sec)', 'Strategy', 'Speedup (95% CI)'];
    const rows = t.rows.map((r) => {
      const baseFailed = r.failed.some((f) => f.strategy === 'baseline');
      const optFailed = !r.best && r.failed.some(isOptimizedFailure);
      const speed = r.speedup ? ctx.c.green(timing(ctx, fmtSpeedup(r.speedup, '×'))) : '—';
      return [r.label, ops(ctx, r.baseline, baseFailed), ops(ctx, r.best, optFailed), r.best?.strategy ?? '—', speed];
    });
    parts.push(table(ctx, head, rows, 'lrrlr'));
  }
  const peers = peersTable(ctx, t, strat ? 'Optimized' : undefined, axisHead);
  if (peers) parts.push(peers);
  parts.push(...noiseWarning(ctx, m, t), ...failedLines(ctx, t.rows.flatMap((r) => r.failed)));
  return parts.join('\n');
}

function scalingTable(ctx: Ctx, m: Matrix, t: ScalingTable): string {
  const strat = hasStrategyRows(t.rows);
  const who = !strat ? 'peers' : t.strategy ? `${t.strategy} (best total at ${t.maxThreads} threads)` : 'no strategy finished';
  const parts: string[] = [title(ctx, `Concurrent Write Performance — ${who}`, t.group.caption)];
  if (strat) {
    const head = ['Threads', 'ops/sec', 'per thread', 'scaling', 'Baseline (ops/sec)', 'Baseline scaling'];
    const rows = t.rows.map((r) => {
      const bestFailed = !r.best && r.failed.some((f) => f.strategy === t.strategy);
      const baseFailed = r.failed.some((f) => f.strategy === 'baseline');
      return [
        String(r.threads),
        ops(ctx, r.best, bestFailed),
        timing(ctx, fmtInt(r.best?.opsPerSecPerThread)),
        timing(ctx, fmtPercent(r.efficiency)),
        ops(ctx, r.baseline, baseFailed),
        timing(ctx, fmtPercent(r.baselineEfficiency)),
      ];
    });
    parts.push(table(ctx, head, rows, 'rrrrrr'));
    const peers = peersTable(ctx, t, t.strategy ?? 'Optimized', 'Threads');
    if (peers) parts.push(peers);
  } else {
    const peers = (t.rows[0]?.peers ?? []).map((f) => f.peer);
    const head = ['Threads', ...peers.flatMap((p) => [peerHead(ctx, t, p), 'per thread', 'scaling'])];
    const rows = t.rows.map((r) => [String(r.threads), ...r.peers.flatMap((f) => [ops(ctx, f.measured, f.failed !== undefined), fmtInt(f.measured?.opsPerSecPerThread), fmtPercent(f.efficiency)])]);
    parts.push(table(ctx, head, rows, 'r'.repeat(head.length)));
  }
  parts.push(...noiseWarning(ctx, m, t), ...failedLines(ctx, t.rows.flatMap((r) => r.failed)));
  return parts.join('\n');
}

function conflictTable(ctx: Ctx, t: ConflictTable): string {
  const rows = t.rows.map((r) => {
    const red = r.reductionPct === undefined ? (r.strategy === 'baseline' ? '' : 'n/a') : `${r.reductionPct >= 0 ? '-' : '+'}${Math.abs(r.reductionPct).toFixed(1)}%`;
    return [r.strategy, fmtPerWrite(r.conflictsPerWrite), fmtPerWrite(r.lockRetriesPerWrite), fmtPerWrite(r.casFailuresPerWrite), fmtPerWrite(r.probeStepsPerWrite), red];
  });
  const head = ['Strategy', 'conflicts', 'lock retries', 'CAS failures', 'probe steps', 'vs baseline'];
  return [title(ctx, `Atomic Conflicts per Write — ${t.group.mode}`, t.group.caption), table(ctx, head, rows, 'lrrrrr')].join('\n');
}

function breakdownTable(ctx: Ctx, m: Matrix): string {
  const { phases, innerPhases, rows } = m.breakdown;
  const head = ['Mode', 'Strategy', 'ns/write', ...phases];
  const body = rows.map((r) => [r.mode, r.label, timing(ctx, fmtNs(r.totalNs)), ...phases.map((p) => fmtPercent(r.share[p]))]);
  const heading = title(ctx, 'Timing Breakdown', "share of the time per write by phase; ns/write is the mean over each mode's cases");
  const parts = [heading, table(ctx, head, body, 'll' + 'r'.repeat(head.length - 2))];
  if (innerPhases.length) {
    // Timed inside the kernel: their own table, as shares of the time per write (part of `kernel`).
    const inner = rows.map((r) => [r.mode, r.label, ...innerPhases.map((p) => fmtPercent(r.share[p]))]);
    parts.push(ctx.c.dim('inside the kernel: part of its share, not added to ns/write'), table(ctx, ['Mode', 'Strategy', ...innerPhases], inner, 'll' + 'r'.repeat(innerPhases.length)));
  }
  return parts.join('\n');
}

/** --verbose: every noisy case, one line each. */
function warningLines(ctx: Ctx, m: Matrix): string[] {
  if (m.warnings.length === 0) return [];
  const head = ctx.c.yellow(`${NOISY} Noisy figures (noise: half-width of the median's 95% interval; target ±${fmtPercent(m.noiseTarget)}):`);
  return [head, ...m.warnings.flatMap((w) => wrap(`  ${w.id}: ${w.text}`, ctx.width, '    ').map((l) => ctx.c.yellow(l)))];
}

/** The summary as terminal lines: label column, each line wrapped under its text. */
export function summaryText(s: Summary, c: ChalkInstance, width: number): string {
  const pad = 1 + Math.max(0, ...s.lines.map((l) => l.label.length));
  const out = [s.emulated ? c.bold('Summary') : `${c.bold('Summary')} ${c.dim(SUMMARY_NOTE)}`];
  for (const l of s.lines) {
    const lines = wrap(l.text, width - pad, '  ');
    const paint = l.kind === 'verdict' ? (l.bad ? c.red.bold : c.green.bold) : l.bad ? c.yellow : (x: string) => x;
    lines.forEach((t, i) => out.push(`${(i === 0 ? l.label : '').padEnd(pad)}${paint(t)}`));
  }
  return out.join('\n');
}

/** The validation tables, conflicts, breakdown and summary for a terminal; `color` false gives plain text. */
export function renderTerminal(doc: ResultsDocument, o: TerminalOptions): string {
  const width = o.width ?? DEFAULT_WIDTH;
  const ctx: Ctx = { c: new Chalk({ level: o.color ? 1 : 0 }), emu: isEmulated(doc), width, doc, byId: new Map(doc.cases.map((c) => [c.id, c])) };
  const parts = splitByDevice(doc);
  if (parts.length > 1) return renderDevicesTerminal(doc, parts, ctx.c, width, (d) => renderTerminal(d, { ...o, summary: false }));
  const m = buildMatrix(doc);
  const blocks: string[] = [];
  const env = doc.environment;
  const dev = typeof env.device['name'] === 'string' ? env.device['name'] : env.backend;
  blocks.push(wrap(`writeprof ${doc.tool.version} · backend ${env.backend} · ${dev} · profile ${doc.profile.name} · ${m.summary.cases} cases`, width, '  ').map((l) => ctx.c.dim(l)).join('\n'));
  const merged = mergedNote(doc, parts[0]!.hosts);
  if (merged) blocks.push(ctx.c.dim(wrap(merged, width).join('\n')));
  if (doc.partial) blocks.push(ctx.c.yellow(wrap(partialNote(doc), width).join('\n')));
  if (ctx.emu) blocks.push(ctx.c.magenta(wrap(emulatedLegend(doc), width).join('\n')));
  for (const t of m.single) {
    blocks.push(rateTable(ctx, m, t, 'Single Write Performance', 'Value Size'));
    const lat = latencyTable(ctx, t);
    if (lat) blocks.push(lat);
  }
  for (const t of m.batch) blocks.push(rateTable(ctx, m, t, 'Batch Write Performance', 'Batch Size'));
  for (const t of m.concurrent) blocks.push(scalingTable(ctx, m, t));
  for (const t of m.conflicts) blocks.push(conflictTable(ctx, t));
  if (m.breakdown.rows.length) blocks.push(breakdownTable(ctx, m));
  const traffic = trafficTerminal(doc, ctx.c, width);
  if (traffic) blocks.push(traffic);
  const bound = o.gpuModel ? boundTerminal(doc, ctx.c, o.gpuModel, width) : '';
  if (bound) blocks.push(bound);
  if (o.verbose) {
    const warn = warningLines(ctx, m);
    if (warn.length) blocks.push(warn.join('\n'));
  }
  if (o.summary !== false) blocks.push(summaryText(buildSummary(doc, m, o.summary ?? {}), ctx.c, width));
  return blocks.join('\n\n') + '\n';
}
