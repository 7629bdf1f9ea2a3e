/**
 * CSV: one row per case, every scalar field flattened to a dotted column (RFC 4180 quoting), its
 * unit in brackets in the header ("opsPerSec [ops/s]"): a spreadsheet needs no source to read it.
 */
import { PEERS } from '../model.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import type { GpuModel } from '../results/gpu-models.js';
import { trafficCsvColumns, trafficUnitOf } from './traffic.js';
import { noiseOf } from '../results/metrics.js';

type Cell = string | number | boolean | undefined;

const FIXED: [string, (c: CaseResult) => Cell][] = [
  ['id', (c) => c.id],
  ['strategy', (c) => c.strategy],
  ['peer', (c) => c.peer],
  ['mode', (c) => c.mode],
  ['valueSize', (c) => c.valueSize],
  ['batchSize', (c) => c.batchSize],
  ['threads', (c) => c.threads],
  ['keyDist', (c) => c.keyDist],
  ['updateShare', (c) => c.updateShare],
  ['loadFactor', (c) => c.loadFactor],
  ['keys', (c) => c.keys],
  ['status', (c) => c.status],
  ['error', (c) => c.error],
  ['opsPerSec', (c) => c.opsPerSec],
  ['opsPerSecPerThread', (c) => c.opsPerSecPerThread],
  ['bytesPerSec', (c) => c.bytesPerSec],
  // The one noise measure (half-width of the median's 95% interval over the median), as --max-noise.
  ['noise', (c) => noiseOf(c)],
  ['speedup.value', (c) => c.speedup?.value],
  ['speedup.low', (c) => c.speedup?.low],
  ['speedup.high', (c) => c.speedup?.high],
  ...(['n', 'median', 'mean', 'stdev', 'min', 'max', 'relNoise', 'ciLow', 'ciHigh', 'outliers'] as const).map(
    (k): [string, (c: CaseResult) => Cell] => [`stats.${k}`, (c) => c.stats[k]],
  ),
  ...(['lockRetries', 'casFailures', 'probeSteps'] as const).flatMap((k): [string, (c: CaseResult) => Cell][] => [
    [`counters.${k}`, (c) => c.counters[k]],
    [`countersPerWrite.${k}`, (c) => c.countersPerWrite[k]],
  ]),
  ...(['p50', 'p90', 'p99', 'p999', 'n'] as const).map((k): [string, (c: CaseResult) => Cell] => [`latency.${k}`, (c) => c.latency?.[k]]),
  ...(['writes', 'distinct', 'verified', 'lost', 'stale', 'corrupted', 'duplicates'] as const).map((k): [string, (c: CaseResult) => Cell] => [`verification.${k}`, (c) => c.verification[k]]),
  ['stop.reason', (c) => c.stop?.reason],
  ['stop.seconds', (c) => c.stop?.seconds],
  // Arrays are not scalars: the note list is joined, the samples are summarized by stats.*.
  ['notes', (c) => c.notes?.join('; ')],
];

/** Quote a field when it holds a comma, quote, CR or LF; double embedded quotes (RFC 4180 §2). */
export function csvField(v: Cell): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function keysOf(cases: readonly CaseResult[], pick: (c: CaseResult) => Record<string, number> | undefined): string[] {
  return [...new Set(cases.flatMap((c) => Object.keys(pick(c) ?? {})))].sort();
}

/** The unit of a column, by its name; none for labels, flags and plain counts. */
export function unitOf(column: string): string | undefined {
  if (column === 'valueSize') return 'B';
  if (column === 'bytesPerSec') return 'B/s';
  if (column === 'noise' || column === 'stats.relNoise' || column.startsWith('bandwidth.')) return 'fraction';
  if (/^(opsPerSec|opsPerSecPerThread)$/.test(column) || /^stats\.(median|mean|stdev|min|max|ciLow|ciHigh)$/.test(column)) return 'ops/s';
  if (/^(speedup|vsPeer)\./.test(column)) return 'x';
  if (/^latency\.p/.test(column)) return 'ns';
  if (column.startsWith('breakdown.')) return 'ns/write';
  if (column.startsWith('countersPerWrite.')) return 'per write';
  if (column === 'stop.seconds') return 's';
  return trafficUnitOf(column);
}

function header(column: string): string {
  const unit = unitOf(column);
  return unit ? `${column} [${unit}]` : column;
}

export function renderCsv(doc: ResultsDocument, model?: GpuModel): string {
  const phases = keysOf(doc.cases, (c) => c.breakdown);
  const refs = keysOf(doc.cases, (c) => c.bandwidth);
  const columns: [string, (c: CaseResult) => Cell][] = [
    ...FIXED,
    // cuda-emu: the timing columns of these rows are the emulator's, not performance figures.
    ['emulated', () => doc.emulated === true],
    ...phases.map((p): [string, (c: CaseResult) => Cell] => [`breakdown.${p}`, (c) => c.breakdown[p]]),
    ...refs.map((r): [string, (c: CaseResult) => Cell] => [`bandwidth.${r}`, (c) => c.bandwidth?.[r]]),
    // One interval per peer measured in the run: vsPeer.redis.value, .low, .high.
    ...PEERS.filter((p) => doc.cases.some((c) => c.vsPeer?.[p])).flatMap((p) =>
      (['value', 'low', 'high'] as const).map((k): [string, (c: CaseResult) => Cell] => [`vsPeer.${p}.${k}`, (c) => c.vsPeer?.[p]?.[k]]),
    ),
    // Counted by the emulator (exact, valid without a GPU).
    ...trafficCsvColumns(doc, model),
  ];
  const lines = [columns.map(([name]) => csvField(header(name))).join(',')];
  for (const c of doc.cases) lines.push(columns.map(([, get]) => csvField(get(c))).join(','));
  // RFC 4180 lines end in CRLF.
  return lines.join('\r\n') + '\r\n';
}
