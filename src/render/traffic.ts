/**
 * The "Memory traffic" tables (terminal, markdown) and CSV columns, from each case's `memory`
 * object (counted by the emulator), and with `--gpu-model` the "Bandwidth bound (model)" table:
 * writes/s a named GPU's published DRAM and host-link bandwidths allow those counts, beside the
 * measured rate only when the results come from a real GPU. Counts are exact and valid without a
 * GPU: none of these figures carries the emulated-timing mark. Terminal tables fit 100 columns.
 */
import type { ChalkInstance } from 'chalk';
import { axesKey } from '../model.js';
import { fmtBytesPerSec, fmtInt, fmtPercent, fmtValueSize } from '../format.js';
import type { GpuModel } from '../results/gpu-models.js';
import { boundOf, hostLinkBytesPerWrite, type MemoryTraffic } from '../results/memory.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { DEFAULT_WIDTH, textTable, wrap } from '../screen.js';

type Counted = CaseResult & { memory: MemoryTraffic };

interface Group {
  label: string;
  cases: Counted[];
}

function counted(doc: ResultsDocument): Counted[] {
  return doc.cases.filter((c): c is Counted => c.memory !== undefined);
}

/** Cases grouped by their point (strategy left out), labelled by the axes that vary among them. */
function groups(cases: readonly Counted[]): Group[] {
  const varies = (f: (c: Counted) => string | number) => new Set(cases.map(f)).size > 1;
  const show = {
    value: true,
    batch: varies((c) => c.batchSize) || cases.some((c) => c.mode !== 'single'),
    threads: varies((c) => c.threads),
    dist: varies((c) => c.keyDist),
    lf: varies((c) => c.loadFactor),
    keys: varies((c) => `${c.mode}/${c.keys}`),
  };
  const label = (c: Counted): string =>
    [
      c.mode,
      fmtValueSize(c.valueSize),
      show.batch && c.mode !== 'single' ? `batch ${fmtInt(c.batchSize)}` : '',
      show.threads ? `${c.threads} thread${c.threads > 1 ? 's' : ''}` : '',
      show.dist ? c.keyDist : '',
      show.lf ? `lf ${c.loadFactor}` : '',
      show.keys ? `${fmtInt(c.keys)} keys` : '',
    ]
      .filter((s) => s !== '')
      .join(' · ');
  const out = new Map<string, Group>();
  for (const c of cases) {
    const k = axesKey(c);
    const g = out.get(k) ?? { label: label(c), cases: [] };
    g.cases.push(c);
    out.set(k, g);
  }
  return [...out.values()];
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

function bytes(n: number): string {
  return n >= 100 ? fmtInt(n) : fmtFixedTrim(n);
}

function fmtFixedTrim(n: number): string {
  return Number.isFinite(n) ? (Number.isInteger(n) ? String(n) : n.toFixed(1)) : '—';
}

/** writes/s with an SI prefix: 6.03e9 -> "6.03 G". */
function perSec(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const units = ['', 'k', 'M', 'G', 'T'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)}${units[i] ? ` ${units[i]}` : ''}`;
}

/** The traffic figures of one case, in table order (the heads are TRAFFIC_HEAD). */
function trafficCells(m: MemoryTraffic): string[] {
  const p = m.perWrite;
  return [
    bytes(p.globalBytes),
    fixed(m.loadSectorsPerRequest, 1),
    fixed(m.storeSectorsPerRequest, 1),
    fixed(p.atomics, 2),
    fixed(m.meanActiveLanes, 1),
    fixed(p.sharedBankConflicts, 2),
    fmtPercent(m.trafficEfficiency),
  ];
}

const TRAFFIC_HEAD: [string, string][] = [
  ['B moved', '/write'],
  ['ld sect', '/req'],
  ['st sect', '/req'],
  ['atomics', '/write'],
  ['lanes', '/req'],
  ['bank cf', '/write'],
  ['key+val', '/moved'],
];

const TRAFFIC_LEGEND =
  'B moved: device memory bytes per write (32-B sectors x 32); sect/req: sectors per warp request; ' +
  'lanes/req: active lanes per warp request; bank cf: extra shared-memory wavefronts (bank conflicts); ' +
  'key+val/moved: (8 + value bytes) / bytes moved.';

function countedCaption(cases: readonly Counted[]): string {
  const seeds = [...new Set(cases.map((c) => c.memory.emulatorSeed))];
  const variants = [...new Set(cases.map((c) => c.memory.kernelVariant))];
  return (
    `counted by the emulator over one sample per case (seed ${seeds.join(', ')}; ${variants.join(' and ')} kernels): ` +
    'exact counts, valid without a GPU, unlike the timings'
  );
}

interface BoundRow {
  dram: number;
  link: number;
  bound: number;
  limit: string;
  measured?: number;
}

/** The measured rate's share of the bound; small shares keep two significant digits (0.052%). */
function share(r: BoundRow): string {
  if (r.measured === undefined) return '—';
  const f = r.measured / r.bound;
  return f > 0 && f < 0.01 ? `${(f * 100).toPrecision(2)}%` : fmtPercent(f);
}

function boundRow(c: Counted, model: GpuModel, measured: boolean): BoundRow {
  const b = boundOf(c.memory, model);
  return {
    dram: b.dramWritesPerSec,
    link: b.hostLinkWritesPerSec,
    bound: b.writesPerSec,
    limit: b.limit,
    ...(measured && c.status === 'ok' ? { measured: c.opsPerSec } : {}),
  };
}

export function modelCaption(model: GpuModel): string {
  return (
    `${model.name}: ${model.memory} ${fmtBytesPerSec(model.dramBytesPerSec)}, ${model.hostLink} ` +
    `${fmtBytesPerSec(model.hostLinkBytesPerSec)} each way (published figures, sources in docs/memory-traffic.md)`
  );
}

/** Measured rates stand beside a bound only when they come from a GPU. */
function measuredOnGpu(doc: ResultsDocument): boolean {
  return doc.emulated !== true && doc.environment.backend === 'cuda';
}

/** Rows of a grouped table: the group's label on its first row only. */
function groupedRows(gs: readonly Group[], cells: (c: Counted) => string[]): string[][] {
  return gs.flatMap((g) => g.cases.map((k, i) => [i === 0 ? g.label : '', k.strategy, ...cells(k)]));
}

function caption(c: ChalkInstance, heading: string, note: string, text: string, width: number): string {
  return [`${c.bold(heading)} ${c.dim(note)}`, ...wrap(text, width).map((l) => c.dim(l))].join('\n');
}

/** The terminal's Memory traffic table; '' when nothing was counted. */
export function trafficTerminal(doc: ResultsDocument, c: ChalkInstance, width = DEFAULT_WIDTH): string {
  const cases = counted(doc);
  if (cases.length === 0) return '';
  const head = ['Case', 'Strategy', ...TRAFFIC_HEAD.map(([a, b]) => `${a}\n${b}`)].map((h) => c.bold(h));
  const t = textTable(head, groupedRows(groups(cases), (k) => trafficCells(k.memory)), { align: 'll' + 'r'.repeat(TRAFFIC_HEAD.length), width });
  return [caption(c, 'Memory traffic', '(counted by the emulator)', countedCaption(cases), width), t, ...wrap(TRAFFIC_LEGEND, width).map((l) => c.dim(l))].join('\n');
}

/** The terminal's bandwidth bound for `model`, with the measured rate beside it for GPU results; '' when nothing was counted. */
export function boundTerminal(doc: ResultsDocument, c: ChalkInstance, model: GpuModel, width = DEFAULT_WIDTH): string {
  const cases = counted(doc);
  if (cases.length === 0) return '';
  const measured = measuredOnGpu(doc);
  const head = ['Case', 'Strategy', 'DRAM\nwrites/s', 'host link\nwrites/s', 'bound\n(model)', 'limited\nby', ...(measured ? ['measured\nops/s', 'of\nbound'] : [])].map((h) => c.bold(h));
  const rows = groupedRows(groups(cases), (k) => {
    const r = boundRow(k, model, measured);
    return [perSec(r.dram), perSec(r.link), perSec(r.bound), r.limit, ...(measured ? [fmtInt(r.measured), share(r)] : [])];
  });
  const what = measured ? `measured on ${String(doc.environment.device['name'] ?? 'the GPU')} beside the bound` : 'no measured rate: these results are not from a GPU';
  const text = `${modelCaption(model)}. writes/s <= bandwidth / bytes per write, every counted sector moved once; ${what}.`;
  return [caption(c, 'Bandwidth bound (model)', `— ${model.id}`, text, width), textTable(head, rows, { align: 'llrrrl' + 'rr', width })].join('\n');
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(head: string[], rows: string[][], align: string): string {
  const sep = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(sep), ...rows.map(line)].join('\n');
}

/** The markdown report's "Memory traffic" section (and the bound with a model); '' when nothing was counted. */
export function trafficMarkdown(doc: ResultsDocument, model?: GpuModel): string {
  const cases = counted(doc);
  if (cases.length === 0) return '';
  // One table per point, its label above it: a Case column would squeeze the figures off the page.
  const head = ['Strategy', 'Kernels', ...TRAFFIC_HEAD.map(([a, b]) => `${a}${b}`)];
  const tables = groups(cases).flatMap((g) => [
    '',
    `**${esc(g.label)}**`,
    '',
    mdTable(head, g.cases.map((k) => [k.strategy, esc(k.memory.kernels.map((x) => `\`${x.name}\``).join(', ')), ...trafficCells(k.memory)]), 'll' + 'r'.repeat(head.length - 2)),
  ]);
  const out = ['## Memory traffic (counted by the emulator)', '', `_${esc(countedCaption(cases))}._ ${esc(TRAFFIC_LEGEND)}`, ...tables];
  if (model) out.push('', boundMarkdown(doc, model, '###'));
  return out.join('\n');
}

/** The bandwidth bound for `model` as markdown (measured beside it for GPU results); '' when nothing was counted. */
export function boundMarkdown(doc: ResultsDocument, model: GpuModel, level = '##'): string {
  const cases = counted(doc);
  if (cases.length === 0) return '';
  const measured = measuredOnGpu(doc);
  const head = ['Case', 'Strategy', 'host link B/write', 'DRAM writes/s', 'host link writes/s', 'bound (model) writes/s', 'limited by', ...(measured ? ['measured ops/s', 'of bound'] : [])];
  const rows = groups(cases).flatMap((g) =>
    g.cases.map((k) => {
      const r = boundRow(k, model, measured);
      return [esc(g.label), k.strategy, bytes(hostLinkBytesPerWrite(k.memory)), perSec(r.dram), perSec(r.link), perSec(r.bound), r.limit, ...(measured ? [fmtInt(r.measured), share(r)] : [])];
    }),
  );
  return [
    `${level} Bandwidth bound (model): ${esc(model.name)}`,
    '',
    `${esc(modelCaption(model))}. A bound, not a measurement: writes/s <= bandwidth / bytes per write, every counted sector moved once` +
      `${measured ? '; measured on the GPU beside it' : ''}. DRAM: ${esc(model.dramSource)}. Host link: ${esc(model.hostLinkSource)}.`,
    '',
    mdTable(head, rows, 'll' + 'rrrrl' + 'rr'),
  ].join('\n');
}

type Cell = string | number | boolean | undefined;

/** The unit of a memory-traffic or bound CSV column, by its name (csv.ts's unitOf asks here last). */
export function trafficUnitOf(column: string): string | undefined {
  if (/^memory\.perWrite\..*Bytes$/.test(column)) return 'B/write';
  if (column.startsWith('memory.perWrite.')) return 'per write';
  if (/^memory\..*PerRequest$/.test(column)) return 'per request';
  if (column === 'memory.meanActiveLanes') return 'lanes';
  if (column === 'memory.trafficEfficiency') return 'fraction';
  if (column.startsWith('bound.') && /[wW]ritesPerSec$/.test(column)) return 'writes/s (model)';
  return undefined;
}

/** CSV columns for the cases' memory objects (their units: trafficUnitOf), and the bound with a model. */
export function trafficCsvColumns(doc: ResultsDocument, model?: GpuModel): [string, (c: CaseResult) => Cell][] {
  if (!doc.cases.some((c) => c.memory)) return [];
  const ops = [...new Set(doc.cases.flatMap((c) => Object.keys(c.memory?.perWrite.atomicsByOp ?? {})))].sort();
  const m = (f: (x: MemoryTraffic) => number) => (c: CaseResult) => (c.memory ? f(c.memory) : undefined);
  const perWrite = (k: Exclude<keyof MemoryTraffic['perWrite'], 'atomicsByOp'>): [string, (c: CaseResult) => Cell] => [`memory.perWrite.${k}`, m((x) => x.perWrite[k])];
  const cols: [string, (c: CaseResult) => Cell][] = [
    ['memory.countedBy', (c) => c.memory?.countedBy],
    ['memory.writes', m((x) => x.writes)],
    perWrite('globalBytes'),
    perWrite('globalLoadRequests'),
    perWrite('globalLoadSectors'),
    perWrite('globalStoreRequests'),
    perWrite('globalStoreSectors'),
    perWrite('globalAtomicRequests'),
    perWrite('atomics'),
    ...ops.map((op): [string, (c: CaseResult) => Cell] => [`memory.perWrite.atomicsByOp.${op}`, m((x) => x.perWrite.atomicsByOp[op] ?? 0)]),
    perWrite('hostToDeviceBytes'),
    perWrite('deviceToHostBytes'),
    perWrite('zeroCopyReadBytes'),
    perWrite('zeroCopyWriteBytes'),
    perWrite('sharedRequests'),
    perWrite('sharedBankConflicts'),
    ['memory.loadSectorsPerRequest', m((x) => x.loadSectorsPerRequest)],
    ['memory.storeSectorsPerRequest', m((x) => x.storeSectorsPerRequest)],
    ['memory.sectorsPerRequest', m((x) => x.sectorsPerRequest)],
    ['memory.atomicsPerRequest', m((x) => x.atomicsPerRequest)],
    ['memory.meanActiveLanes', m((x) => x.meanActiveLanes)],
    ['memory.trafficEfficiency', m((x) => x.trafficEfficiency)],
  ];
  if (model) {
    const b = (f: (r: ReturnType<typeof boundOf>) => number) => (c: CaseResult) => (c.memory ? f(boundOf(c.memory, model)) : undefined);
    cols.push(
      ['bound.model', (c) => (c.memory ? model.id : undefined)],
      ['bound.dramWritesPerSec', b((r) => r.dramWritesPerSec)],
      ['bound.hostLinkWritesPerSec', b((r) => r.hostLinkWritesPerSec)],
      ['bound.writesPerSec', b((r) => r.writesPerSec)],
    );
  }
  return cols;
}
