import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/render/index.js';
import { chartSpecs, needsLog, renderSvg } from '../../src/render/charts.js';
import { buildMatrix } from '../../src/render/matrix.js';
import { loadSample } from './helpers.js';
import { parseXml, walk, type XmlElement } from './xml.js';

const dir = join('reports', 'charts-test');
let md = '';
const files = new Map<string, string>();
beforeAll(async () => {
  const r = await render(loadSample(), 'markdown', { color: false, outputPath: join(dir, 'run.md') });
  md = r.text;
  for (const f of r.files) files.set(f.path.slice(dir.length + 1), f.data);
}, 60_000);

/** Data marks of one kind: children of vega's role-mark groups (axes, legends excluded). */
function marks(svg: XmlElement, kind: 'rect' | 'symbol' | 'line' | 'rule' | 'text'): XmlElement[] {
  return walk(svg)
    .filter((e) => e.name === 'g' && (e.attrs['class'] ?? '').split(' ').includes(`mark-${kind}`) && (e.attrs['class'] ?? '').includes('role-mark'))
    .flatMap((g) => g.children.filter((c) => c.name === 'path' || c.name === 'line' || c.name === 'text'));
}

function svg(name: string): XmlElement {
  return parseXml(files.get(name)!);
}

describe('charts', () => {
  it('go beside the report (for the command to write), linked by relative name', () => {
    expect([...files.keys()].every((f) => !f.includes('/'))).toBe(true);
    expect([...files.keys()].sort()).toEqual([
      'run-breakdown.svg',
      'run-scaling-threads-2.svg',
      'run-scaling-threads.svg',
      'run-speedup-batch-size.svg',
      'run-speedup-value-size.svg',
    ]);
    for (const f of files.keys()) expect(md).toContain(`](${f})`);
  });

  it('are well-formed SVG documents', () => {
    for (const f of files.keys()) {
      const root = svg(f);
      expect(root.name).toBe('svg');
      expect(root.attrs['xmlns']).toBe('http://www.w3.org/2000/svg');
    }
  });

  it('draw one point and one error bar (its 95% interval) per speedup: 4 value sizes x 4 optimized strategies, 3 batch sizes x 4', () => {
    expect(marks(svg('run-speedup-value-size.svg'), 'symbol')).toHaveLength(16);
    expect(marks(svg('run-speedup-batch-size.svg'), 'symbol')).toHaveLength(12);
    // 16 error bars, and the 1x reference line (no claims file given: no threshold)
    expect(marks(svg('run-speedup-value-size.svg'), 'rule')).toHaveLength(16 + 1);
    const labels = marks(svg('run-speedup-value-size.svg'), 'symbol').map((m) => m.attrs['aria-label'] ?? '');
    expect(labels.some((l) => /^Value Size: 64B; speedup over baseline \(×\): 22\.4889; series: write-combine/.test(l))).toBe(true);
    const bars = marks(svg('run-speedup-value-size.svg'), 'rule').map((m) => m.attrs['aria-label'] ?? '');
    expect(bars.some((l) => /^Value Size: 64B; low: 21\.\d+; high: 23\.\d+; series: write-combine/.test(l))).toBe(true);
    expect(marks(svg('run-speedup-value-size.svg'), 'text')).toHaveLength(1);
    expect(files.get('run-speedup-value-size.svg')).toContain('>1× (no change)</text>');
  });

  it('draw the claim\'s threshold and go to a log scale when the values span more than 10x', async () => {
    const m = buildMatrix(loadSample());
    const [chart] = chartSpecs(m, { thresholds: [{ kind: 'speedup', id: 'speedup-20x', min: 20, modes: ['single'] }] });
    const raw = await renderSvg(chart!.spec);
    expect(marks(parseXml(raw), 'rule')).toHaveLength(16 + 2);
    expect(raw).toContain('>claim speedup-20x: 20×</text>');
    expect(JSON.stringify(chart!.spec)).toContain('"type":"log"');
    expect(needsLog([1, 9.9])).toBe(false);
    expect(needsLog([1, 10.1])).toBe(true);
    // the sample's speedups (18-25x) and the 1x line span more than 10x: log
    expect(JSON.stringify(chartSpecs(m)[0]!.spec)).toContain('"type":"log"');
  });

  it('no timing chart for an emulated run: its conflict counts instead', () => {
    const specs = chartSpecs(buildMatrix(loadSample()), { emulated: true });
    expect(specs.map((c) => c.slug)).toEqual(['conflicts-threads', 'conflicts-threads-2']);
    expect(JSON.stringify(specs[0]!.spec)).toContain('conflicts per write');
  });

  it('draw one point per measured case in the scaling charts (the failed case has none)', () => {
    expect(marks(svg('run-scaling-threads.svg'), 'symbol')).toHaveLength(25); // 5 strategies x 5 thread counts
    expect(marks(svg('run-scaling-threads-2.svg'), 'symbol')).toHaveLength(14); // 5 x 3, one failed
    expect(marks(svg('run-scaling-threads.svg'), 'line')).toHaveLength(5); // one line per strategy
  });

  it('draw one stacked segment per mode x strategy x phase in the breakdown', () => {
    expect(marks(svg('run-breakdown.svg'), 'rect')).toHaveLength(3 * 5 * 4);
  });

  it('declare as many points as they draw, and render the same SVG twice', async () => {
    const specs = chartSpecs(buildMatrix(loadSample()));
    expect(specs.map((s) => s.points)).toEqual([16, 12, 25, 14, 60]);
    const a = await renderSvg(specs[0]!.spec);
    const b = await renderSvg(specs[0]!.spec);
    expect(a).toBe(b);
    expect(a).toBe(files.get('run-speedup-value-size.svg'));
  });
});

describe('xml checker', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow(/does not close/);
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml('<svg a=1/>')).toThrow(/not quoted/);
    expect(() => parseXml('<svg>&bogus</svg>')).toThrow(/entity/);
    expect(() => parseXml('<svg/><svg/>')).toThrow(/second root/);
    expect(() => parseXml('<svg>')).toThrow(/never closed/);
    expect(parseXml('<?xml version="1.0"?><svg><!-- c --><g x="&amp;">t &lt; u</g></svg>').children).toHaveLength(1);
  });
});
