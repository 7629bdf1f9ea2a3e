/**
 * The "Memory traffic" tables (terminal, markdown) and CSV columns, from each case's `memory`
 * object (counted by the emulator), and with `--gpu-model` the "Bandwidth bound (model)" table:
 * writes/s a named GPU's published DRAM and host-link bandwidths allow those counts, beside the
 * measured rate only when the results come from a real GPU. Counts are exact and valid without a
 * GPU: none of these figures carries the emulated-timing mark. Terminal tables fit 100 columns.
 */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import { axesKey } from '../model.js';
import { fmtBytesPerSec, fmtInt, fmtPercent, fmtValueSize } from '../format.js';
import type { GpuModel } from '../results/gpu-models.js';
import { boundOf, hostLinkBytesPerWrite, type MemoryTraffic } from '../results/memory.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';

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

/** Terminal text wrapped at `width` columns on spaces. */
function wrap(text: string, width = 100): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join('\n');
}

function table(c: ChalkInstance, head: string[], align: string): Table.Table {
  return new Table({
    head: head.map((h) => c.bold(h)),
    // compact: no rule between body rows, and a group's label row spans the table cleanly
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (align[i] === 'r' ? 'right' : 'left')),
  });
}

function spanRow(c: ChalkInstance, text: string, width: number): Table.Cell[] {
  return [{ colSpan: width, content: c.dim(text) }];
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

/** The terminal's Memory traffic table; '' when nothing was counted. */
export function trafficTerminal(doc: ResultsDocument, c: ChalkInstance): string {
  const cases = counted(doc);
  if (cases.length === 0) return '';
  const head = ['Strategy', ...TRAFFIC_HEAD.map(([a, b]) => `${a}\n${b}`)];
  const t = table(c, head, 'l' + 'r'.repeat(head.length - 1));
  for (const g of groups(cases)) {
    t.push(spanRow(c, g.label, head.length));
    for (const k of g.cases) t.push([k.strategy, ...trafficCells(k.memory)]);
  }
  return [`${c.bold('Memory traffic')} ${c.dim('(counted by the emulator)')}\n${c.dim(wrap(countedCaption(cases)))}`, t.toString(), c.dim(wrap(TRAFFIC_LEGEND))].join('\n');
}

/** The terminal's bandwidth bound for `model`, with the measured rate beside it for GPU results; '' when nothing was counted. */
export function boundTerminal(doc: ResultsDocument, c: ChalkInstance, model: GpuModel): string {
  const cases = counted(doc);
  if (cases.length === 0) return '';
  const measured = measuredOnGpu(doc);
  const head = ['Strategy', 'DRAM\nwrites/s', 'host link\nwrites/s', 'bound\n(model)', 'limited by', ...(measured ? ['measured\nops/s', 'of\nbound'] : [])];
  const t = table(c, head, 'lrrrl' + 'rr');
  for (const g of groups(cases)) {
    t.push(spanRow(c, g.label, head.length));
    for (const k of g.cases) {
      const r = boundRow(k, model, measured);
      t.push([k.strategy, perSec(r.dram), perSec(r.link), perSec(r.bound), r.limit, ...(measured ? [fmtInt(r.measured), share(r)] : [])]);
    }
  }
  const what = measured ? `measured on ${String(doc.environment.device['name'] ?? 'the GPU')} beside the bound` : 'no measured rate: these results are not from a GPU';
  const caption = `${modelCaption(model)}. writes/s <= bandwidth / bytes per write, every counted sector moved once; ${what}.`;
  return [`${c.bold('Bandwidth bound (model)')} ${c.dim(`— ${model.id}`)}\n${c.dim(wrap(caption))}`, t.toString()].join('\n');
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
  const head = ['Case', 'Strategy', 'Kernels', ...TRAFFIC_HEAD.map(([a, b]) => `${a}${b}`), 'host link B/write'];
  const rows = groups(cases).flatMap((g) =>
    g.cases.map((k) => [esc(g.label), k.strategy, esc(k.memory.kernels.map((x) => `\`${x.name}\``).join(', ')), ...trafficCells(k.memory), bytes(hostLinkBytesPerWrite(k.memory))]),
  );
  const out = ['## Memory traffic (counted by the emulator)', '', `_${esc(countedCaption(cases))}._ ${esc(TRAFFIC_LEGEND)}`, '', mdTable(head, rows, 'lll' + 'r'.repeat(head.length - 3))];
  if (model) out.push('', boundMarkdown(doc, model, '###'));
  return out.join('\n');
}

/** The bandwidth bound for `model` as markdown (measured beside it for GPU results); '' when nothing was counted. */
export function boundMarkdown(doc: ResultsDocument, model: GpuModel, level = '##'): string {
  const cases = counted(doc);
  if (cases.length === 0) return '';
  const measured = measuredOnGpu(doc);
  const head = ['Case', 'Strategy', 'DRAM writes/s', 'host link writes/s', 'bound (model) writes/s', 'limited by', ...(measured ? ['measured ops/s', 'of bound'] : [])];
  const rows = groups(cases).flatMap((g) =>
    g.cases.map((k) => {
      const r = boundRow(k, model, measured);
      return [esc(g.label), k.strategy, perSec(r.dram), perSec(r.link), perSec(r.bound), r.limit, ...(measured ? [fmtInt(r.measured), share(r)] : [])];
    }),
  );
  return [
    `${level} Bandwidth bound (model): ${esc(model.name)}`,
    '',
    `${esc(modelCaption(model))}. A bound, not a measurement: writes/s <= bandwidth / bytes per write, every counted sector moved once` +
      `${measured ? '; measured on the GPU beside it' : ''}. DRAM: ${esc(model.dramSource)}. Host link: ${esc(model.hostLinkSource)}.`,
    '',
    mdTable(head, rows, 'll' + 'rrrl' + 'rr'),
  ].join('\n');
}

type Cell = string | number | boolean | undefined;

/** CSV columns (units in their names) for the cases' memory objects, and the bound with a model. */
export function trafficCsvColumns(doc: ResultsDocument, model?: GpuModel): [string, (c: CaseResult) => Cell][] {
  if (!doc.cases.some((c) => c.memory)) return [];
  const ops = [...new Set(doc.cases.flatMap((c) => Object.keys(c.memory?.perWrite.atomicsByOp ?? {})))].sort();
  const m = (f: (x: MemoryTraffic) => number) => (c: CaseResult) => (c.memory ? f(c.memory) : undefined);
  const cols: [string, (c: CaseResult) => Cell][] = [
    ['memory.countedBy', (c) => c.memory?.countedBy],
    ['memory.writes', m((x) => x.writes)],
    ['memory.globalBytesPerWrite_B', m((x) => x.perWrite.globalBytes)],
    ['memory.globalLoadRequestsPerWrite', m((x) => x.perWrite.globalLoadRequests)],
    ['memory.globalLoadSectorsPerWrite', m((x) => x.perWrite.globalLoadSectors)],
    ['memory.globalStoreRequestsPerWrite', m((x) => x.perWrite.globalStoreRequests)],
    ['memory.globalStoreSectorsPerWrite', m((x) => x.perWrite.globalStoreSectors)],
    ['memory.loadSectorsPerRequest', m((x) => x.loadSectorsPerRequest)],
    ['memory.storeSectorsPerRequest', m((x) => x.storeSectorsPerRequest)],
    ['memory.sectorsPerRequest', m((x) => x.sectorsPerRequest)],
    ['memory.atomicsPerWrite', m((x) => x.perWrite.atomics)],
    ...ops.map((op): [string, (c: CaseResult) => Cell] => [`memory.atomicsPerWrite.${op}`, m((x) => x.perWrite.atomicsByOp[op] ?? 0)]),
    ['memory.atomicsPerRequest', m((x) => x.atomicsPerRequest)],
    ['memory.sharedRequestsPerWrite', m((x) => x.perWrite.sharedRequests)],
    ['memory.sharedBankConflictsPerWrite', m((x) => x.perWrite.sharedBankConflicts)],
    ['memory.meanActiveLanes', m((x) => x.meanActiveLanes)],
    ['memory.trafficEfficiency_fraction', m((x) => x.trafficEfficiency)],
    ['memory.hostToDeviceBytesPerWrite_B', m((x) => x.perWrite.hostToDeviceBytes)],
    ['memory.deviceToHostBytesPerWrite_B', m((x) => x.perWrite.deviceToHostBytes)],
    ['memory.zeroCopyReadBytesPerWrite_B', m((x) => x.perWrite.zeroCopyReadBytes)],
    ['memory.zeroCopyWriteBytesPerWrite_B', m((x) => x.perWrite.zeroCopyWriteBytes)],
  ];
  if (model) {
    const b = (f: (r: ReturnType<typeof boundOf>) => number) => (c: CaseResult) => (c.memory ? f(boundOf(c.memory, model)) : undefined);
    cols.push(
      ['bound.model', (c) => (c.memory ? model.id : undefined)],
      ['bound.dramWritesPerSec_model', b((r) => r.dramWritesPerSec)],
      ['bound.hostLinkWritesPerSec_model', b((r) => r.hostLinkWritesPerSec)],
      ['bound.writesPerSec_model', b((r) => r.writesPerSec)],
    );
  }
  return cols;
}
