/**
 * GitHub-flavoured markdown report, rendered only from the results document (+ SVG charts beside
 * it): the summary first, then the story's tables with their charts, conflicts and breakdown; the
 * measurement, the per-case noise list and the environment in an appendix.
 */
import { basename, dirname, extname, join } from 'node:path';
import { PEER_LABEL, PEERS } from '../model.js';
import type { ResultsDocument } from '../results/schema.js';
import { splitByDevice } from '../results/devices.js';
import { renderDevicesMarkdown } from './devices-markdown.js';
import { mergedNote, partialNote } from './merged-notes.js';
import { chartSpecs, renderSvg, type ChartSpec } from './charts.js';
import { fmtBytesPerSec, fmtMemory, fmtPerWrite, fmtInt, fmtNs, fmtPercent, fmtSpeedup } from '../format.js';
import { renderCheckMarkdown } from './check.js';
import { emulatedLegend, isEmulated, markTiming } from './emulated.js';
import { batchOf, buildSummary, noiseLine, SUMMARY_NOTE, type SummaryOptions } from './summary.js';
import { peerHow } from './peer-how.js';
import type { ChartThreshold } from '../results/claim-outcome.js';
import type { Rendered, RenderedFile } from './index.js';
import { trafficMarkdown } from './traffic.js';
import type { GpuModel } from '../results/gpu-models.js';
import {
  buildMatrix,
  hasStrategyRows,
  isOptimizedFailure,
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
  // A strategy file's strategy is known by its file and content: which kernel these figures are of.
  for (const f of doc.strategyFiles ?? []) {
    rows.push([`Strategy ${code(f.name)}`, `${code(f.path)}, sha256 ${code(f.sha256.slice(0, 16))}, order run ${f.orderRun}, block ${f.block}`]);
  }
  return ['### Environment', '', mdTable(['Field', 'Value'], rows, 'll')].join('\n');
}

function measurementSection(doc: ResultsDocument, m: Matrix): string {
  const p = doc.profile;
  const me = p.measurement;
  const s = m.summary;
  const noiseMax = s.noiseMaxId ? `, max ±${fmtPercent(s.noiseMax)} (${code(s.noiseMaxId)})` : '';
  const lines = [
    '### Profile and Measurement',
    '',
    `- Profile: ${code(p.name)} from ${code(p.source)}`,
    `- Measurement: ${me.warmup} warmup runs, ${me.minSamples}–${me.maxSamples} samples, ${me.minTime}–${me.maxTime} s per case, stop once the noise is within ±${me.maxNoise}%${me.maxNoise === 0 ? ' (noise rule off)' : ''}`,
    `- Noise: the half-width of the 95% interval of a case's median, as a percent of the median (the stopping rule's --max-noise). Median ±${fmtPercent(s.noiseMedian)}${noiseMax}.`,
    `- Cases: ${s.cases} (${s.ok} ok, ${s.failed} failed); samples per case: ${s.samplesMin}–${s.samplesMax} (median ${fmtInt(s.samplesMedian)})`,
    `- Figures are medians of the samples. Speedup = a strategy's median over ${code('baseline')}'s in the same case, with its 95% interval in parentheses when the run computed one.`,
    ...(m.peers.length
      ? [`- Peers (${m.peers.map((p) => PEER_LABEL[p]).join(', ')}) ran the same keys, value bytes and verification, right after the strategies of each point; "vs" = the optimized figure over the peer's, with its 95% interval.`]
      : []),
    `- ${NOISY} marks a figure noisier than ±${fmtPercent(m.noiseTarget)} (the profile's target${me.maxNoise === 0 ? '; 5% with the rule off' : ''}).`,
  ];
  return lines.join('\n');
}

/** A peer's column head: its rate, and how it was reached. */
function peerHead(doc: ResultsDocument, t: RateTable | ScalingTable, peer: PeerFigure['peer']): string {
  const perBatch = t.group.axis === 'batchSize' && t.rows.length > 1;
  return `${PEER_LABEL[peer]} (ops/sec; ${peerHow(doc, peer, t.group.mode, perBatch, batchOf(doc, t))})`;
}

/** The peers of a table in a table of their own: each peer's rate and the optimized figure over it. */
function peersSection(doc: ResultsDocument, t: RateTable | ScalingTable, vsHead: string | undefined, axisHead: string, emu: boolean): string {
  const peers = (t.rows[0]?.peers ?? []).map((f) => f.peer);
  if (peers.length === 0) return '';
  const head = [axisHead, ...peers.flatMap((p) => [peerHead(doc, t, p), ...(vsHead ? [`${vsHead} vs ${PEER_LABEL[p]}`] : [])])];
  const rows = t.rows.map((r) => [
    'label' in r ? r.label : String(r.threads),
    ...r.peers.flatMap((f) => [ops(f.measured, f.failed !== undefined, emu), ...(vsHead ? [markTiming(emu, fmtSpeedup(f.vs, 'x'))] : [])]),
  ]);
  return mdTable(head, rows, (t.group.axis === 'threads' ? 'r' : 'l') + 'r'.repeat(head.length - 1));
}

function noiseNote(m: Matrix, t: RateTable | ScalingTable, emu: boolean): string {
  return emu || t.noise.noisy === 0 ? '' : `${NOISY} ${esc(noiseLine(m, t.noise))}`;
}

/** p50/p99/p99.9 per write of each row's baseline, best strategy and peers (single mode). */
function latencySection(doc: ResultsDocument, t: RateTable, emu: boolean): string {
  const byId = new Map(doc.cases.map((c) => [c.id, c]));
  const rows: string[][] = [];
  for (const r of t.rows) {
    for (const id of [r.baseline?.id, r.best?.id, ...r.peers.map((f) => f.measured?.id)]) {
      const c = id === undefined ? undefined : byId.get(id);
      if (!c?.latency || c.latency.n === 0) continue;
      const l = c.latency;
      rows.push([r.label, code(c.peer ? PEER_LABEL[c.peer] : c.strategy), markTiming(emu, fmtNs(l.p50)), markTiming(emu, fmtNs(l.p99)), markTiming(emu, fmtNs(l.p999)), fmtInt(l.n)]);
    }
  }
  if (rows.length === 0) return '';
  return ['#### Single-write latency', '', 'Per write, baseline and the fastest strategy (and peers) of each value size.', '', mdTable(['Value Size', 'Strategy', 'p50 (ns)', 'p99 (ns)', 'p99.9 (ns)', 'Writes timed'], rows, 'llrrrr')].join('\n');
}

function rateSection(doc: ResultsDocument, m: Matrix, t: RateTable, axisHead: string, emu: boolean): string {
  const strat = hasStrategyRows(t.rows);
  const rows = t.rows.map((r) => {
    const baseFailed = r.failed.some((f) => f.strategy === 'baseline');
    const optFailed = !r.best && r.failed.some(isOptimizedFailure);
    const best = r.best ? `${ops(r.best, false, emu)} (${r.best.strategy})` : ops(undefined, optFailed, emu);
    return [r.label, ops(r.baseline, baseFailed, emu), best, markTiming(emu, fmtSpeedup(r.speedup, 'x'))];
  });
  const head = [axisHead, 'Baseline (ops/sec)', 'Optimized (ops/sec)', 'Speedup'];
  const parts = [caption(t.group.caption)];
  if (strat) parts.push(mdTable(head, rows, 'l' + 'r'.repeat(head.length - 1)));
  parts.push(peersSection(doc, t, strat ? 'Optimized' : undefined, axisHead, emu), noiseNote(m, t, emu));
  return parts.filter((x) => x !== '').join('\n\n');
}

function scalingSection(doc: ResultsDocument, m: Matrix, t: ScalingTable, emu: boolean): string {
  const strat = hasStrategyRows(t.rows);
  const who = !strat ? 'Peers only' : t.strategy ? `Strategy: **${t.strategy}** (best total at ${t.maxThreads} threads)` : 'No strategy finished';
  const parts = [caption(t.group.caption), `${who}. Scaling efficiency = ops(T) / (T × ops(1)).`];
  if (strat) {
    const rows = t.rows.map((r) => [
      String(r.threads),
      ops(r.best, !r.best && r.failed.some((f) => f.strategy === t.strategy), emu),
      markTiming(emu, fmtInt(r.best?.opsPerSecPerThread)),
      markTiming(emu, fmtPercent(r.efficiency)),
      ops(r.baseline, r.failed.some((f) => f.strategy === 'baseline'), emu),
      markTiming(emu, fmtPercent(r.baselineEfficiency)),
    ]);
    const head = ['Threads', 'Total (ops/sec)', 'Per Thread (ops/sec)', 'Scaling Efficiency', 'Baseline (ops/sec)', 'Baseline Scaling'];
    parts.push(mdTable(head, rows, 'r'.repeat(head.length)), peersSection(doc, t, t.strategy ?? 'Optimized', 'Threads', emu));
  } else {
    const peers = (t.rows[0]?.peers ?? []).map((f) => f.peer);
    const head = ['Threads', ...peers.flatMap((p) => [peerHead(doc, t, p), 'Per Thread (ops/sec)', 'Scaling Efficiency'])];
    const rows = t.rows.map((r) => [String(r.threads), ...r.peers.flatMap((f) => [ops(f.measured, f.failed !== undefined, emu), fmtInt(f.measured?.opsPerSecPerThread), fmtPercent(f.efficiency)])]);
    parts.push(mdTable(head, rows, 'r'.repeat(head.length)));
  }
  parts.push(noiseNote(m, t, emu));
  return parts.filter((x) => x !== '').join('\n\n');
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
  const rows = m.failed.map((f) => [code(f.id), esc(f.error), fmtInt(f.writes), fmtInt(f.distinct), String(f.lost), String(f.stale), String(f.corrupted)]);
  return ['## Failed Cases', '', mdTable(['Case', 'Error', 'Writes', 'Distinct keys', 'Lost', 'Stale', 'Corrupted'], rows, 'llrrrrr')].join('\n');
}

function noisyFigures(m: Matrix): string {
  if (m.warnings.length === 0) return '';
  return [
    '### Noisy figures',
    '',
    `Noise is the half-width of the 95% interval of a case's median; the target is ±${fmtPercent(m.noiseTarget)}. Outliers lie outside Tukey's fences; at least ${fmtPercent(OUTLIER_WARN_SHARE, 0)} of the samples (and 2) are noted.`,
    '',
    ...m.warnings.map((w) => `- ${NOISY} ${code(w.id)}: ${esc(w.text)}`),
  ].join('\n');
}

/** Stem of the chart files: the report's name without extension. */
function chartStem(outputPath: string): string {
  const b = basename(outputPath);
  const ext = extname(b);
  return ext ? b.slice(0, -ext.length) : b;
}

export interface MarkdownOptions {
  /** where the report will be written: its SVG charts come back as files beside it */
  outputPath?: string;
  /** the summary's claims and results path; false: no summary */
  summary?: SummaryOptions | false;
  /** the summary and the story's tables only (a CI job summary) */
  brief?: boolean;
  /** --gpu-model: a bandwidth bound per case with memory-traffic counts (./traffic.ts) */
  gpuModel?: GpuModel;
}

function summarySection(doc: ResultsDocument, m: Matrix, o: SummaryOptions): string {
  const s = buildSummary(doc, m, o);
  const lines = s.lines.map((l) => (l.label ? `- **${esc(l.label)}** ${esc(l.text)}` : `  - ${esc(l.text)}`));
  const note = s.emulated ? [] : [`_${SUMMARY_NOTE.slice(1, -1).replace(/^./, (c) => c.toUpperCase())}._`, ''];
  return ['## Summary', '', ...note, ...lines].join('\n');
}

/**
 * Render the report. With `outputPath`, the charts come back as SVG files beside it, linked by
 * relative file name; without it the report says that no charts were drawn.
 */
export async function renderMarkdown(doc: ResultsDocument, o: MarkdownOptions = {}): Promise<Rendered> {
  if (doc.check) return { text: renderCheckMarkdown(doc), files: [] };  // `writeprof check`: findings, no case
  const parts = splitByDevice(doc);
  if (parts.length > 1) return renderDevicesMarkdown(doc, parts, o.outputPath, (d, path) => renderMarkdown(d, { ...o, ...(path ? { outputPath: path } : {}), summary: o.summary === false ? false : {} }));
  const m = buildMatrix(doc);
  const emu = isEmulated(doc);
  const charts = new Map<string, ChartSpec>();
  const files = new Map<string, string>();
  const written: RenderedFile[] = [];
  const thresholds: ChartThreshold[] = o.summary ? (o.summary.claims?.thresholds ?? []) : [];
  if (o.outputPath && !o.brief) {
    const stem = chartStem(o.outputPath);
    for (const c of chartSpecs(m, { emulated: emu, thresholds })) {
      const file = `${stem}-${c.slug}.svg`;
      written.push({ path: join(dirname(o.outputPath), file), data: await renderSvg(c.spec) });
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
  if (o.summary !== false) out.push(summarySection(doc, m, o.summary ?? {}));
  if (!o.outputPath && !o.brief) out.push('_Charts: not drawn. They are written as SVG files beside a report file; render with an output path (`writeprof report <results.json> --output <file.md>`)._');
  out.push('## Validation Results');
  if (m.single.length + m.batch.length + m.concurrent.length === 0) out.push('_No cases._');
  m.single.forEach((t, i) =>
    out.push(
      [
        '### Single Write Performance',
        '',
        rateSection(doc, m, t, 'Value Size', emu),
        ...link(`speedup-value-size${suffix(i)}`),
        ...link(`vs-peers-value-size${suffix(i)}`),
        ...[latencySection(doc, t, emu)].filter((x) => x !== '').flatMap((x) => ['', x]),
        ...link(`conflicts-value-size${suffix(i)}`),
      ].join('\n'),
    ),
  );
  m.batch.forEach((t, i) =>
    out.push(
      ['### Batch Write Performance', '', rateSection(doc, m, t, 'Batch Size', emu), ...link(`speedup-batch-size${suffix(i)}`), ...link(`vs-peers-batch-size${suffix(i)}`), ...link(`conflicts-batch-size${suffix(i)}`)].join('\n'),
    ),
  );
  m.concurrent.forEach((t, i) =>
    out.push(['### Concurrent Write Performance', '', scalingSection(doc, m, t, emu), ...link(`scaling-threads${suffix(i)}`), ...link(`conflicts-threads${suffix(i)}`)].join('\n')),
  );
  if (o.brief) return { text: out.join('\n\n') + '\n', files: [] };
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
  const traffic = trafficMarkdown(doc, o.gpuModel);
  if (traffic) out.push(traffic);
  const failed = failures(m);
  if (failed) out.push(failed);
  out.push('## Appendix');
  out.push(measurementSection(doc, m));
  const noisy = noisyFigures(m);
  if (noisy) out.push(noisy);
  out.push(environment(doc));
  return { text: out.join('\n\n') + '\n', files: written };
}
