/**
 * Charts for the reports: vega-lite specs compiled to vega and rendered headless (renderer
 * 'none' + toSVG), so no browser or canvas is needed. Charts a reader can trust:
 *  - every speedup and throughput is a point with its 95% interval drawn as an error bar;
 *  - speedup charts carry a 1× line and the claim's threshold (from the claims file);
 *  - a log axis wherever the values span more than 10x (libcuckoo beside Redis stays readable);
 *  - emulated runs get no timing chart: their conflict counts instead (real figures).
 */
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { View, parse, resetSVGDefIds } from 'vega';
import { isBuiltinStrategy, PEER_LABEL, type BuiltinStrategy, type Mode, type PeerName, type Strategy } from '../model.js';
import type { ChartThreshold } from '../results/claim-outcome.js';
import type { Matrix, RateTable, ScalingTable, StrategyTable } from './matrix.js';

export interface ChartSpec {
  /** file-name stem suffix, e.g. "speedup-value-size" */
  slug: string;
  /** alt text and link title */
  title: string;
  spec: TopLevelSpec;
  /** data points drawn, one mark each (what the tests count) */
  points: number;
}

const WIDTH = 480;
const HEIGHT = 260;
/** Values spanning more than this ratio get a log axis. */
export const LOG_SPAN = 10;
const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  // Fonts named explicitly: headless text measurement is estimated, this keeps output stable.
  config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } },
} as const;

/** One colour per strategy in every chart (tableau10), whichever strategies a chart shows. */
const BUILTIN_COLOR: Record<BuiltinStrategy, string> = {
  baseline: '#4c78a8',
  'warp-coop': '#f58518',
  'lock-free': '#e45756',
  'mem-opt': '#72b7b2',
  'write-combine': '#54a24b',
};
/** Strategy files' strategies: tableau10's last colours (the peers have the two before), by name. */
const FILE_COLORS = ['#eeca3b', '#ff9da6', '#bab0ac', '#79706e'];

function strategyColor(s: Strategy): string {
  if (isBuiltinStrategy(s)) return BUILTIN_COLOR[s];
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return FILE_COLORS[h % FILE_COLORS.length]!;
}

/** Peers drawn beside the strategies, in colours of their own (tableau10's next two). */
const PEER_COLOR: Record<PeerName, string> = { redis: '#b279a2', libcuckoo: '#9d755d' };

/** A figure with its 95% interval; low/high equal the value where the run computed none. */
interface Point {
  x: string | number;
  series: string;
  value: number;
  low: number;
  high: number;
}

/** A dashed horizontal line across the chart: 1×, or a claim's threshold. */
interface Reference {
  y: number;
  label: string;
}

/** A chart: the report's common frame (white, fonts, width, title and subtitle) around a spec's body. */
function chart(slug: string, title: string, subtitle: string | string[], points: number, body: Record<string, unknown>): ChartSpec {
  return { slug, title, points, spec: { ...BASE, title: { text: title, subtitle }, width: WIDTH, ...body } as TopLevelSpec };
}

/** A log axis when everything drawn spans more than LOG_SPAN. */
export function needsLog(values: readonly number[]): boolean {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  return pos.length > 1 && Math.max(...pos) / Math.min(...pos) > LOG_SPAN;
}

function yScale(points: readonly Point[], refs: readonly Reference[]): { type: 'log' | 'linear'; zero?: boolean } {
  const all = [...points.flatMap((p) => [p.value, p.low, p.high]), ...refs.map((r) => r.y)];
  return needsLog(all) ? { type: 'log' } : { type: 'linear', zero: true };
}

function referenceLayers(refs: readonly Reference[]): object[] {
  if (refs.length === 0) return [];
  return [
    { data: { values: refs }, mark: { type: 'rule', strokeDash: [5, 4], color: '#444' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    {
      data: { values: refs },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, color: '#444', fontSize: 10 },
      encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

interface Dots {
  slug: string;
  title: string;
  caption: string;
  axisTitle: string;
  /** axis values in order */
  labels: string[];
  points: Point[];
  series: { title: string; domain: string[]; range: string[] };
  yTitle: string;
  refs: Reference[];
}

/** Points with error bars, one group per axis value and one point per series, over reference lines. */
function dotChart(b: Dots): ChartSpec | undefined {
  if (b.points.length === 0) return undefined;
  const scale = yScale(b.points, b.refs);
  const x = { field: 'x', type: 'nominal', title: b.axisTitle, sort: b.labels, axis: { labelAngle: 0 } };
  const xOffset = { field: 'series', type: 'nominal', sort: b.series.domain, scale: { domain: b.series.domain, paddingOuter: 0.3 } };
  const color = { field: 'series', type: 'nominal', title: b.series.title, scale: { domain: b.series.domain, range: b.series.range }, sort: b.series.domain };
  const subtitle = [b.caption, `points: medians; bars: 95% intervals${scale.type === 'log' ? '; log scale' : ''}`];
  return chart(b.slug, b.title, subtitle, b.points.length, {
    height: HEIGHT,
    layer: [
      ...referenceLayers(b.refs),
      { data: { values: b.points }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, xOffset, y: { field: 'low', type: 'quantitative', scale }, y2: { field: 'high' }, color } },
      {
        data: { values: b.points },
        mark: { type: 'point', filled: true, size: 55, opacity: 1 },
        encoding: { x, xOffset, y: { field: 'value', type: 'quantitative', title: b.yTitle, scale }, color },
      },
    ],
  });
}

const interval = (s: { value: number; low?: number; high?: number }): { value: number; low: number; high: number } => ({
  value: s.value,
  low: s.low ?? s.value,
  high: s.high ?? s.value,
});

/** The claim thresholds that apply to a chart: speedup claims of its mode, or peer claims of its peers. */
function claimRefs(thresholds: readonly ChartThreshold[], kind: ChartThreshold['kind'], mode: Mode, peers: readonly string[] = []): Reference[] {
  return thresholds
    .filter((t) => t.kind === kind && (t.modes === undefined || t.modes.includes(mode)) && (kind !== 'vsPeer' || peers.includes(t.peer ?? '')))
    .map((t) => ({ y: t.min, label: `claim ${t.id}: ${t.min}×${t.peer ? ` over ${PEER_LABEL[t.peer]}` : ''}` }));
}

const ONE: Reference = { y: 1, label: '1× (no change)' };

/** The row's best strategy over each peer, per axis value (run with --peer). */
function vsPeersChart(table: RateTable, axisTitle: string, slug: string, thresholds: readonly ChartThreshold[]): ChartSpec | undefined {
  const points: Point[] = [];
  for (const r of table.rows) for (const f of r.peers) if (f.vs && Number.isFinite(f.vs.value)) points.push({ x: r.label, series: PEER_LABEL[f.peer], ...interval(f.vs) });
  const peers = (table.rows[0]?.peers ?? []).map((f) => f.peer);
  return dotChart({
    slug,
    title: `Best strategy over each peer by ${axisTitle.toLowerCase()}`,
    caption: table.group.caption,
    axisTitle,
    labels: table.rows.map((r) => r.label),
    points,
    series: { title: 'peer', domain: peers.map((p) => PEER_LABEL[p]), range: peers.map((p) => PEER_COLOR[p]) },
    yTitle: 'speedup over the peer (×)',
    refs: [ONE, ...claimRefs(thresholds, 'vsPeer', table.group.mode, peers)],
  });
}

/** Speedup of every non-baseline strategy over baseline per axis value, with its interval. */
function speedupChart(table: StrategyTable, axisTitle: string, slug: string, thresholds: readonly ChartThreshold[]): ChartSpec | undefined {
  const points: Point[] = [];
  for (const r of table.rows) {
    for (const s of table.strategies) {
      const sp = r.cells[s]?.speedup;
      if (s !== 'baseline' && sp && Number.isFinite(sp.value)) points.push({ x: r.label, series: s, ...interval(sp) });
    }
  }
  const strategies = table.strategies.filter((s) => s !== 'baseline');
  return dotChart({
    slug,
    title: `Speedup over baseline by ${axisTitle.toLowerCase()}`,
    caption: table.group.caption,
    axisTitle,
    labels: table.rows.map((r) => r.label),
    points,
    series: { title: 'strategy', domain: strategies, range: strategies.map((x) => strategyColor(x)) },
    yTitle: 'speedup over baseline (×)',
    refs: [ONE, ...claimRefs(thresholds, 'speedup', table.group.mode)],
  });
}

/** Total ops/s by thread count, every strategy and peer, each point with its median's interval. */
function scalingChart(table: StrategyTable, caption: string, slug: string): ChartSpec | undefined {
  const points: Point[] = [];
  for (const r of table.rows) {
    for (const s of table.strategies) {
      const m = r.cells[s]?.measured;
      if (m) points.push({ x: r.axisValue, series: s, value: m.opsPerSec, low: m.low, high: m.high });
    }
    for (const p of table.peers) {
      const m = r.peerCells[p]?.measured;
      if (m) points.push({ x: r.axisValue, series: PEER_LABEL[p], value: m.opsPerSec, low: m.low, high: m.high });
    }
  }
  if (points.length === 0) return undefined;
  const title = 'Total throughput by threads';
  const scale = yScale(points, []);
  const domain = [...table.strategies, ...table.peers.map((p) => PEER_LABEL[p])];
  const range = [...table.strategies.map((s) => strategyColor(s)), ...table.peers.map((p) => PEER_COLOR[p])];
  const color = { field: 'series', type: 'nominal', title: 'strategy', scale: { domain, range }, sort: domain };
  const x = { field: 'x', type: 'quantitative', title: 'threads', scale: { type: 'log', base: 2 }, axis: { values: table.rows.map((r) => r.axisValue), format: 'd' } };
  return chart(slug, title, [caption, `points: medians; bars: 95% intervals${scale.type === 'log' ? '; log scale' : ''}`], points.length, {
    height: HEIGHT,
    data: { values: points },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'low', type: 'quantitative', scale }, y2: { field: 'high' }, color } },
      { mark: { type: 'line', point: { filled: true, size: 40 } }, encoding: { x, y: { field: 'value', type: 'quantitative', title: 'writes per second', scale, axis: { format: '~s' } }, color } },
    ],
  });
}

/** Stacked horizontal bars: each mode × strategy's per-write time split into top-level phases (percent). */
function breakdownChart(m: Matrix, slug: string): ChartSpec | undefined {
  const { phases, rows } = m.breakdown;
  const values: { row: string; phase: string; percent: number }[] = [];
  for (const r of rows) for (const p of phases) values.push({ row: `${r.mode} · ${r.label}`, phase: p, percent: (r.share[p] ?? 0) * 100 });
  if (values.length === 0) return undefined;
  return chart(slug, 'Timing breakdown per write', 'share of the time per write by phase, mean over each mode\'s cases', values.length, {
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'row', type: 'nominal', title: null, sort: rows.map((r) => `${r.mode} · ${r.label}`), axis: { labelLimit: 0 } },
      x: { field: 'percent', type: 'quantitative', title: 'share of time per write (%)', stack: 'zero', scale: { domain: [0, 100] } },
      color: { field: 'phase', type: 'nominal', title: 'phase', scale: { domain: phases }, sort: phases },
      order: { field: 'phaseOrder', type: 'quantitative' },
    },
    transform: [{ calculate: `indexof(${JSON.stringify(phases)}, datum.phase)`, as: 'phaseOrder' }],
  });
}

/** Emulated runs: conflicts per write (lock retries + CAS failures) by strategy per axis value: counts, real. */
function conflictsChart(table: StrategyTable, axisTitle: string, slug: string): ChartSpec | undefined {
  const values: { x: string; series: string; conflicts: number }[] = [];
  for (const r of table.rows) {
    for (const s of table.strategies) {
      const c = r.cells[s]?.conflictsPerWrite;
      if (c !== undefined) values.push({ x: r.label, series: s, conflicts: c });
    }
  }
  if (values.length === 0 || values.every((v) => v.conflicts === 0)) return undefined;
  return chart(slug, `Conflicts per write by ${axisTitle.toLowerCase()}`, [table.group.caption, 'lock retries + CAS failures per write (counted, not timed)'], values.length, {
    height: HEIGHT,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'x', type: 'nominal', title: axisTitle, sort: table.rows.map((r) => r.label), axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: table.strategies },
      y: { field: 'conflicts', type: 'quantitative', title: 'conflicts per write' },
      color: { field: 'series', type: 'nominal', title: 'strategy', scale: { domain: table.strategies, range: table.strategies.map((s) => strategyColor(s)) }, sort: table.strategies },
    },
  });
}

function suffix(i: number): string {
  return i === 0 ? '' : `-${i + 1}`;
}

function tablesOf(m: Matrix, tables: readonly (RateTable | ScalingTable)[]): StrategyTable[] {
  const keys = new Set(tables.map((t) => t.group.key));
  return m.strategies.filter((t) => keys.has(t.group.key));
}

const AXIS_TITLE = { valueSize: 'Value Size', batchSize: 'Batch Size', threads: 'Threads' } as const;
const AXIS_SLUG = { valueSize: 'value-size', batchSize: 'batch-size', threads: 'threads' } as const;

/**
 * Every chart a report links: speedup by value and batch size (and over peers), throughput by
 * threads, the breakdown; for an emulated run only the conflict counts.
 */
export function chartSpecs(m: Matrix, o: { emulated?: boolean; thresholds?: readonly ChartThreshold[] } = {}): ChartSpec[] {
  const out: (ChartSpec | undefined)[] = [];
  const th = o.thresholds ?? [];
  if (o.emulated) {
    for (const mode of ['single', 'batch', 'concurrent'] as const) {
      m.strategies.filter((t) => t.group.mode === mode).forEach((t, i) => out.push(conflictsChart(t, AXIS_TITLE[t.group.axis], `conflicts-${AXIS_SLUG[t.group.axis]}${suffix(i)}`)));
    }
    return out.filter((c): c is ChartSpec => c !== undefined);
  }
  tablesOf(m, m.single).forEach((t, i) => out.push(speedupChart(t, 'Value Size', `speedup-value-size${suffix(i)}`, th)));
  tablesOf(m, m.batch).forEach((t, i) => out.push(speedupChart(t, 'Batch Size', `speedup-batch-size${suffix(i)}`, th)));
  m.single.forEach((t, i) => out.push(vsPeersChart(t, 'Value Size', `vs-peers-value-size${suffix(i)}`, th)));
  m.batch.forEach((t, i) => out.push(vsPeersChart(t, 'Batch Size', `vs-peers-batch-size${suffix(i)}`, th)));
  tablesOf(m, m.concurrent).forEach((t, i) => out.push(scalingChart(t, t.group.caption, `scaling-threads${suffix(i)}`)));
  out.push(breakdownChart(m, 'breakdown'));
  return out.filter((c): c is ChartSpec => c !== undefined);
}

/** vega-lite → vega → SVG string, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  // Deterministic ids for clip paths and gradients, so the same document gives the same file.
  resetSVGDefIds();
  const view = new View(parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
