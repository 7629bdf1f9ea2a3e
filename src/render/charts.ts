/**
 * Charts for the markdown report: vega-lite specs compiled to vega and rendered headless
 * (renderer 'none' + toSVG), so no browser or canvas is needed.
 */
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { View, parse, resetSVGDefIds } from 'vega';
import { PEER_LABEL, type PeerName, type Strategy } from '../model.js';
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
const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  // Fonts named explicitly: headless text measurement is estimated, this keeps output stable.
  config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } },
} as const;

/** One colour per strategy in every chart (tableau10), whichever strategies a chart shows. */
const STRATEGY_COLOR: Record<Strategy, string> = {
  baseline: '#4c78a8',
  'warp-coop': '#f58518',
  'lock-free': '#e45756',
  'mem-opt': '#72b7b2',
  'write-combine': '#54a24b',
};

/** Peers drawn beside the strategies, in colours of their own (tableau10's next two). */
const PEER_COLOR: Record<PeerName, string> = { redis: '#b279a2', libcuckoo: '#9d755d' };

function strategyColor(strategies: Strategy[], peers: readonly PeerName[] = []) {
  const domain = [...strategies, ...peers];
  const range = [...strategies.map((s) => STRATEGY_COLOR[s]), ...peers.map((p) => PEER_COLOR[p])];
  return { field: 'strategy', type: 'nominal' as const, title: 'strategy', scale: { domain, range }, sort: domain };
}

/** A grouped bar chart of ratios: one group per axis value, one bar per series (strategy or peer). */
interface GroupedBars {
  slug: string;
  title: string;
  caption: string;
  axisTitle: string;
  /** axis values in order */
  labels: string[];
  values: { x: string; series: string; speedup: number }[];
  series: { title: string; domain: string[]; range: string[] };
  yTitle: string;
}

function groupedBars(b: GroupedBars): ChartSpec | undefined {
  if (b.values.length === 0) return undefined;
  return {
    slug: b.slug,
    title: b.title,
    points: b.values.length,
    spec: {
      ...BASE,
      title: { text: b.title, subtitle: b.caption },
      width: WIDTH,
      height: HEIGHT,
      data: { values: b.values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'x', type: 'nominal', title: b.axisTitle, sort: b.labels, axis: { labelAngle: 0 } },
        xOffset: { field: 'series', type: 'nominal', title: b.series.title, sort: b.series.domain, scale: { domain: b.series.domain } },
        y: { field: 'speedup', type: 'quantitative', title: b.yTitle },
        color: { field: 'series', type: 'nominal', title: b.series.title, scale: { domain: b.series.domain, range: b.series.range }, sort: b.series.domain },
      },
    } as TopLevelSpec,
  };
}

/** Grouped bars: the row's best strategy over each peer, per axis value (run with --peer). */
function vsPeersChart(table: RateTable, axisTitle: string, slug: string): ChartSpec | undefined {
  const values: GroupedBars['values'] = [];
  for (const r of table.rows) for (const f of r.peers) if (f.vs && Number.isFinite(f.vs.value)) values.push({ x: r.label, series: PEER_LABEL[f.peer], speedup: f.vs.value });
  const peers = (table.rows[0]?.peers ?? []).map((f) => f.peer);
  return groupedBars({
    slug,
    title: `Best strategy over each peer by ${axisTitle.toLowerCase()}`,
    caption: table.group.caption,
    axisTitle,
    labels: table.rows.map((r) => r.label),
    values,
    series: { title: 'peer', domain: peers.map((p) => PEER_LABEL[p]), range: peers.map((p) => PEER_COLOR[p]) },
    yTitle: 'speedup over the peer (×)',
  });
}

/** Grouped bars: speedup of every non-baseline strategy over baseline per axis value. */
function speedupChart(table: StrategyTable, axisTitle: string, slug: string): ChartSpec | undefined {
  const values: GroupedBars['values'] = [];
  for (const r of table.rows) {
    for (const s of table.strategies) {
      const sp = r.cells[s]?.speedup;
      if (s !== 'baseline' && sp && Number.isFinite(sp.value)) values.push({ x: r.label, series: s, speedup: sp.value });
    }
  }
  const strategies = table.strategies.filter((s) => s !== 'baseline');
  return groupedBars({
    slug,
    title: `Speedup over baseline by ${axisTitle.toLowerCase()}`,
    caption: table.group.caption,
    axisTitle,
    labels: table.rows.map((r) => r.label),
    values,
    series: { title: 'strategy', domain: strategies, range: strategies.map((x) => STRATEGY_COLOR[x]) },
    yTitle: 'speedup over baseline (×)',
  });
}

/** Lines with a point per measurement: total ops/s by thread count, every strategy. */
function scalingChart(table: StrategyTable, caption: string, slug: string): ChartSpec | undefined {
  const values: { threads: number; strategy: string; ops: number }[] = [];
  for (const r of table.rows) {
    for (const s of table.strategies) {
      const m = r.cells[s]?.measured;
      if (m) values.push({ threads: r.axisValue, strategy: s, ops: m.opsPerSec });
    }
    for (const p of table.peers) {
      const m = r.peerCells[p]?.measured;
      if (m) values.push({ threads: r.axisValue, strategy: p, ops: m.opsPerSec });
    }
  }
  if (values.length === 0) return undefined;
  const title = 'Total throughput by threads';
  return {
    slug,
    title,
    points: values.length,
    spec: {
      ...BASE,
      title: { text: title, subtitle: caption },
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'threads', type: 'quantitative', title: 'threads', scale: { type: 'log', base: 2 }, axis: { values: table.rows.map((r) => r.axisValue), format: 'd' } },
        y: { field: 'ops', type: 'quantitative', title: 'writes per second', axis: { format: '~s' } },
        color: strategyColor(table.strategies, table.peers),
      },
    } as TopLevelSpec,
  };
}

/** Stacked horizontal bars: each mode × strategy's per-write time split into top-level phases (percent). */
function breakdownChart(m: Matrix, slug: string): ChartSpec | undefined {
  const { phases, rows } = m.breakdown;
  const values: { row: string; phase: string; percent: number }[] = [];
  for (const r of rows) for (const p of phases) values.push({ row: `${r.mode} · ${r.label}`, phase: p, percent: (r.share[p] ?? 0) * 100 });
  if (values.length === 0) return undefined;
  const title = 'Timing breakdown per write';
  return {
    slug,
    title,
    points: values.length,
    spec: {
      ...BASE,
      title: { text: title, subtitle: 'share of the time per write by phase, mean over each mode\'s cases' },
      width: WIDTH,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'row', type: 'nominal', title: null, sort: rows.map((r) => `${r.mode} · ${r.label}`), axis: { labelLimit: 0 } },
        x: { field: 'percent', type: 'quantitative', title: 'share of time per write (%)', stack: 'zero', scale: { domain: [0, 100] } },
        color: { field: 'phase', type: 'nominal', title: 'phase', scale: { domain: phases }, sort: phases },
        order: { field: 'phaseOrder', type: 'quantitative' },
      },
      transform: [{ calculate: `indexof(${JSON.stringify(phases)}, datum.phase)`, as: 'phaseOrder' }],
    } as TopLevelSpec,
  };
}

function suffix(i: number): string {
  return i === 0 ? '' : `-${i + 1}`;
}

function tablesOf(m: Matrix, tables: readonly (RateTable | ScalingTable)[]): StrategyTable[] {
  const keys = new Set(tables.map((t) => t.group.key));
  return m.strategies.filter((t) => keys.has(t.group.key));
}

/** Every chart the report links: speedup by value and batch size (and over peers), scaling by threads, breakdown. */
export function chartSpecs(m: Matrix): ChartSpec[] {
  const out: (ChartSpec | undefined)[] = [];
  tablesOf(m, m.single).forEach((t, i) => out.push(speedupChart(t, 'Value Size', `speedup-value-size${suffix(i)}`)));
  tablesOf(m, m.batch).forEach((t, i) => out.push(speedupChart(t, 'Batch Size', `speedup-batch-size${suffix(i)}`)));
  m.single.forEach((t, i) => out.push(vsPeersChart(t, 'Value Size', `vs-peers-value-size${suffix(i)}`)));
  m.batch.forEach((t, i) => out.push(vsPeersChart(t, 'Batch Size', `vs-peers-batch-size${suffix(i)}`)));
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
