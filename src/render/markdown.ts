/** GitHub-flavoured markdown report, rendered only from the results document (+ SVG charts beside it). */
import { basename, dirname, extname, join } from 'node:path';
import { PEER_LABEL, PEERS } from '../model.js';
import type { ResultsDocument } from '../results/schema.js';
import { splitByDevice } from '../results/devices.js';
import { renderDevicesMarkdown } from './devices-markdown.js';
import { mergedNote, partialNote } from './merged-notes.js';
import { chartSpecs, renderSvg, type ChartSpec } from './charts.js';
import { fmtBytesPerSec, fmtMemory, fmtPerWrite, fmtInt, fmtNs, fmtPercent, fmtSpeedup } from '../format.js';
import { emulatedLegend, isEmulated, markChart, markTiming } from './emulated.js';
import type { Rendered, RenderedFile } from './index.js';
import { trafficMarkdown } from './traffic.js';
import type { GpuModel } from '../results/gpu-models.js';
import {
  buildMatrix,
  hasStrategyRows,
  isOptimizedFailure,
  NOISE_WARN,
  OUTLIER_WARN_SHARE,
  type ConflictTable,
  type Matrix,
  type Measured,
  type PeerFigure,
  type RateTable,
  type ScalingTable,
  type StrategyTable,
} from './matrix.js';

const NOISY = '⚠';

/** Escape what would break a table cell or inline formatting. */
function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

/** A GFM table; `align` per column: 'l' or 'r'. */
function mdTable(head: string[], rows: string[][], align: string): string {
  const sep = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(sep), ...rows.map(line)].join('\n');
}

/** `emu`: an emulated run's figures carry the mark (see ./emulated.ts). */
function ops(m: Measured | undefined, failed: boolean, emu: boolean): string {
  if (!m) return failed ? '**FAILED**' : '—';
  const v = markTiming(emu, fmtInt(m.opsPerSec));
  return m.noisy ? `${v} ${NOISY}` : v;
}

function caption(s: string): string {
  return `_${esc(s)}_`;
}

function environment(doc: ResultsDocument): string {
  const e = doc.environment;
  const rows: string[][] = [
    ['Backend', code(e.backend)],
    ['Host', esc(e.host)],
    ['CPU', `${esc(e.cpu)} (${e.cores} cores)`],
    ['OS', esc(e.os)],
    ['Node', esc(e.node)],
  ];
  for (const [k, v] of Object.entries(e.device)) {
    const shown =
      typeof v === 'number' && /BytesPerSec$/.test(k) ? fmtBytesPerSec(v) : typeof v === 'number' && /Bytes$/.test(k) ? fmtMemory(v) : v === null ? '—' : String(v);
    rows.push([`Device ${code(k)}`, esc(shown)]);
  }
  for (const peer of PEERS) {
    for (const [k, v] of Object.entries(e.peers?.[peer] ?? {})) rows.push([`${PEER_LABEL[peer]} ${code(k)}`, v === null ? '—' : esc(String(v))]);
  }
  return ['## Environment', '', mdTable(['Field', 'Value'], rows, 'll')].join('\n');
}

function profile(doc: ResultsDocument, m: Matrix): string {
  const p = doc.profile;
  const me = p.measurement;
  const s = m.summary;
  const noiseMax = s.noiseMaxId ? `, max ${fmtPercent(s.noiseMax)} (${code(s.noiseMaxId)})` : '';
  const lines = [
    '## Profile and Measurement',
    '',
    `- Profile: ${code(p.name)} from ${code(p.source)}`,
    `- Measurement: ${me.warmup} warmup runs, ${me.minSamples}–${me.maxSamples} samples, ${me.minTime}–${me.maxTime} s per case, stop at ${me.maxNoise}% noise (half-width of the median's 95% interval)`,
    `- Cases: ${s.cases} (${s.ok} ok, ${s.failed} failed)`,
    `- Samples per case: ${s.samplesMin}–${s.samplesMax} (median ${fmtInt(s.samplesMedian)})`,
    `- Noise (relative stdev of a case's samples): median ${fmtPercent(s.noiseMedian)}${noiseMax}`,
    `- Figures are medians of the samples. Speedup = a strategy's median over ${code('baseline')}'s in the same case, with its 95% interval in parentheses when the run computed one.`,
    ...(m.peers.length
      ? [`- Peers (${m.peers.map((p) => PEER_LABEL[p]).join(', ')}) ran the same keys, value bytes and verification, right after the strategies of each point; "vs" = the optimized figure over the peer's, with its 95% interval.`]
      : []),
    `- ${NOISY} marks a figure whose noise exceeds ${fmtPercent(NOISE_WARN, 0)} or whose samples are at least ${fmtPercent(OUTLIER_WARN_SHARE, 0)} outliers (see Warnings).`,
  ];
  return lines.join('\n');
}

/** Per peer: its ops/sec, and beside strategies the optimized figure over it ("Optimized vs Redis"). */
function peerHeads(peers: readonly PeerFigure[], vsHead: string | undefined): string[] {
  return peers.flatMap((f) => [`${PEER_LABEL[f.peer]} (ops/sec)`, ...(vsHead ? [`${vsHead} vs ${PEER_LABEL[f.peer]}`] : [])]);
}

function peerCells(peers: readonly PeerFigure[], withVs: boolean, emu: boolean): string[] {
  return peers.flatMap((f) => [ops(f.measured, f.failed !== undefined, emu), ...(withVs ? [markTiming(emu, fmtSpeedup(f.vs, 'x'))] : [])]);
}

function rateSection(t: RateTable, axisHead: string, emu: boolean): string {
  const strat = hasStrategyRows(t.rows);
  const peers = t.rows[0]?.peers ?? [];
  const rows = t.rows.map((r) => {
    const baseFailed = r.failed.some((f) => f.strategy === 'baseline');
    const optFailed = !r.best && r.failed.some(isOptimizedFailure);
    const best = r.best ? `${ops(r.best, false, emu)} (${r.best.strategy})` : ops(undefined, optFailed, emu);
    return [r.label, ...(strat ? [ops(r.baseline, baseFailed, emu), best, markTiming(emu, fmtSpeedup(r.speedup, 'x'))] : []), ...peerCells(r.peers, strat, emu)];
  });
  const head = [axisHead, ...(strat ? ['Baseline (ops/sec)', 'Optimized (ops/sec)', 'Speedup'] : []), ...peerHeads(peers, strat ? 'Optimized' : undefined)];
  return [caption(t.group.caption), '', mdTable(head, rows, 'l' + 'r'.repeat(head.length - 1))].join('\n');
}

function scalingSection(t: ScalingTable, emu: boolean): string {
  const strat = hasStrategyRows(t.rows);
  const peers = t.rows[0]?.peers ?? [];
  const who = !strat ? 'Peers only' : t.strategy ? `Strategy: **${t.strategy}** (best total at ${t.maxThreads} threads)` : 'No strategy finished';
  const rows = t.rows.map((r) => [
    String(r.threads),
    ...(strat
      ? [
          ops(r.best, !r.best && r.failed.some((f) => f.strategy === t.strategy), emu),
          markTiming(emu, fmtInt(r.best?.opsPerSecPerThread)),
          markTiming(emu, fmtPercent(r.efficiency)),
          ops(r.baseline, r.failed.some((f) => f.strategy === 'baseline'), emu),
          markTiming(emu, fmtPercent(r.baselineEfficiency)),
        ]
      : []),
    ...(strat ? peerCells(r.peers, true, emu) : r.peers.flatMap((f) => [ops(f.measured, f.failed !== undefined, emu), fmtInt(f.measured?.opsPerSecPerThread), fmtPercent(f.efficiency)])),
  ]);
  const head = [
    'Threads',
    ...(strat ? ['Total (ops/sec)', 'Per Thread (ops/sec)', 'Scaling Efficiency', 'Baseline (ops/sec)', 'Baseline Scaling'] : []),
    ...(strat ? peerHeads(peers, t.strategy ?? 'Optimized') : peers.flatMap((f) => [`${PEER_LABEL[f.peer]} (ops/sec)`, 'Per Thread (ops/sec)', 'Scaling Efficiency'])),
  ];
  return [caption(t.group.caption), '', `${who}. Scaling efficiency = ops(T) / (T × ops(1)).`, '', mdTable(head, rows, 'r'.repeat(head.length))].join('\n');
}

const AXIS_HEAD = { valueSize: 'Value Size', batchSize: 'Batch Size', threads: 'Threads' } as const;
const MODE_TITLE = { single: 'Single writes', batch: 'Batch writes', concurrent: 'Concurrent writes' } as const;

function strategySection(t: StrategyTable, emu: boolean): string {
  const rows = t.rows.map((r) => [
    r.label,
    ...t.strategies.map((s) => {
      const cell = r.cells[s];
      if (!cell) return '—';
      if (cell.failed) return '**FAILED**';
      const base = ops(cell.measured, false, emu);
      return cell.speedup ? `${base} (${markTiming(emu, fmtSpeedup({ value: cell.speedup.value }, 'x'))})` : base;
    }),
    ...t.peers.map((p) => {
      const cell = r.peerCells[p];
      return !cell ? '—' : cell.failed ? '**FAILED**' : ops(cell.measured, false, emu);
    }),
  ]);
  const columns = [...t.strategies.map((s) => `${s} (ops/sec)`), ...t.peers.map((p) => `${PEER_LABEL[p]} (ops/sec)`)];
  return [
    `### ${MODE_TITLE[t.group.mode]}`,
    '',
    caption(t.group.caption),
    '',
    mdTable([AXIS_HEAD[t.group.axis], ...columns], rows, 'l' + 'r'.repeat(columns.length)),
  ].join('\n');
}

function reduction(pct: number | undefined, strategy: string): string {
  if (strategy === 'baseline') return '—';
  if (pct === undefined) return 'n/a (baseline had none)';
  return pct >= 0 ? `${pct.toFixed(1)}% fewer` : `${(-pct).toFixed(1)}% more`;
}

function conflictSection(t: ConflictTable): string {
  const rows = t.rows.map((r) => [
    code(r.strategy),
    fmtPerWrite(r.conflictsPerWrite),
    fmtPerWrite(r.lockRetriesPerWrite),
    fmtPerWrite(r.casFailuresPerWrite),
    fmtPerWrite(r.probeStepsPerWrite),
    reduction(r.reductionPct, r.strategy),
  ]);
  return [
    `### ${MODE_TITLE[t.group.mode]}`,
    '',
    caption(t.group.caption),
    '',
    mdTable(['Strategy', 'Conflicts/write', 'Lock retries/write', 'CAS failures/write', 'Probe steps/write', 'vs baseline'], rows, 'lrrrrr'),
  ].join('\n');
}

function breakdownSection(m: Matrix, emu: boolean): string {
  const { phases, innerPhases, rows } = m.breakdown;
  const body = rows.map((r) => [r.mode, code(r.label), markTiming(emu, fmtNs(r.totalNs)), ...[...phases, ...innerPhases].map((p) => fmtPercent(r.share[p]))]);
  const head = ['Mode', 'Strategy', 'ns/write', ...phases.map(code), ...innerPhases.map((p) => `${code(p)}*`)];
  const lines = [
    '## Timing Breakdown',
    '',
    'Share of the time per write by phase (mean ns per write over each mode\'s cases; `ns/write` sums the top-level phases).',
    '',
    mdTable(head, body, 'll' + 'r'.repeat(head.length - 2)),
  ];
  if (innerPhases.length) lines.push('', '\\* timed inside `kernel`: part of the kernel\'s share, not added to the total.');
  return lines.join('\n');
}

function chartLink(files: Map<string, string>, slug: string, chart: ChartSpec | undefined): string[] {
  const file = files.get(slug);
  return file && chart ? ['', `![${esc(chart.title)}](${encodeURI(file)})`] : [];
}

function failures(m: Matrix): string {
  if (m.failed.length === 0) return '';
  const rows = m.failed.map((f) => [code(f.id), esc(f.error), String(f.lost), String(f.corrupted)]);
  return ['## Failed Cases', '', mdTable(['Case', 'Error', 'Lost', 'Corrupted'], rows, 'llrr')].join('\n');
}

function warnings(m: Matrix): string {
  if (m.warnings.length === 0) return '';
  return ['## Warnings', '', ...m.warnings.map((w) => `- ${NOISY} ${code(w.id)}: ${esc(w.text)}`)].join('\n');
}

/** Stem of the chart files: the report's name without extension. */
function chartStem(outputPath: string): string {
  const b = basename(outputPath);
  const ext = extname(b);
  return ext ? b.slice(0, -ext.length) : b;
}

/**
 * Render the report. With `outputPath`, the charts come back as SVG files beside it, linked by
 * relative file name; without it the report says that no charts were drawn.
 */
export async function renderMarkdown(doc: ResultsDocument, outputPath?: string, model?: GpuModel): Promise<Rendered> {
  const parts = splitByDevice(doc);
  if (parts.length > 1) return renderDevicesMarkdown(doc, parts, outputPath, (d, o) => renderMarkdown(d, o, model));
  const m = buildMatrix(doc);
  const emu = isEmulated(doc);
  const charts = new Map<string, ChartSpec>();
  const files = new Map<string, string>();
  const written: RenderedFile[] = [];
  if (outputPath) {
    const stem = chartStem(outputPath);
    for (const c of emu ? chartSpecs(m).map(markChart) : chartSpecs(m)) {
      const file = `${stem}-${c.slug}.svg`;
      written.push({ path: join(dirname(outputPath), file), data: await renderSvg(c.spec) });
      charts.set(c.slug, c);
      files.set(c.slug, file);
    }
  }
  const link = (slug: string) => chartLink(files, slug, charts.get(slug));
  const suffix = (i: number) => (i === 0 ? '' : `-${i + 1}`);

  const out: string[] = [];
  out.push(`# writeprof report: ${esc(doc.profile.name)}`);
  out.push(
    `Rendered from the results of a ${esc(doc.tool.name)} ${esc(doc.tool.version)} run at ${esc(doc.createdAt)} (results schema ${doc.schemaVersion}).`,
  );
  const merged = mergedNote(doc, parts[0]!.hosts);
  if (merged) out.push(esc(merged));
  if (doc.partial) out.push(doc.merged ? `> **${esc(partialNote(doc))}**` : `> **Partial results:** the run was interrupted; ${doc.cases.length} cases had finished.`);
  if (emu) out.push(`> **${esc(emulatedLegend(doc))}**`);
  if (!outputPath) out.push('_Charts: not drawn. They are written as SVG files beside a report file; render with an output path (`writeprof report <results.json> --output <file.md>`)._');
  out.push(environment(doc));
  out.push(profile(doc, m));
  out.push('## Validation Results');
  if (m.single.length + m.batch.length + m.concurrent.length === 0) out.push('_No cases._');
  m.single.forEach((t, i) =>
    out.push(['### Single Write Performance', '', rateSection(t, 'Value Size', emu), ...link(`speedup-value-size${suffix(i)}`), ...link(`vs-peers-value-size${suffix(i)}`)].join('\n')),
  );
  m.batch.forEach((t, i) =>
    out.push(['### Batch Write Performance', '', rateSection(t, 'Batch Size', emu), ...link(`speedup-batch-size${suffix(i)}`), ...link(`vs-peers-batch-size${suffix(i)}`)].join('\n')),
  );
  m.concurrent.forEach((t, i) => out.push(['### Concurrent Write Performance', '', scalingSection(t, emu), ...link(`scaling-threads${suffix(i)}`)].join('\n')));
  if (m.strategies.length) {
    out.push(`## Per-Strategy Throughput\n\nEvery strategy's median ops/sec, with its speedup over baseline${m.peers.length ? ', and each peer\'s' : ''}.`);
    for (const t of m.strategies) out.push(strategySection(t, emu));
  }
  if (m.conflicts.length) {
    out.push(
      '## Atomic Conflicts\n\nConflicts per write = lock retries + CAS failures per write, mean over the workload\'s cases; ' +
        'the reduction against baseline compares the cases both ran successfully.',
    );
    for (const t of m.conflicts) out.push(conflictSection(t));
  }
  if (m.breakdown.rows.length) out.push([breakdownSection(m, emu), ...link('breakdown')].join('\n'));
  const traffic = trafficMarkdown(doc, model);
  if (traffic) out.push(traffic);
  for (const s of [failures(m), warnings(m)]) if (s) out.push(s);
  return { text: out.join('\n\n') + '\n', files: written };
}
