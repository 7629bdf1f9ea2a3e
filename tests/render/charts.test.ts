import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/render/index.js';
import { chartSpecs, renderSvg } from '../../src/render/charts.js';
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
function marks(svg: XmlElement, kind: 'rect' | 'symbol' | 'line'): XmlElement[] {
  return walk(svg)
    .filter((e) => e.name === 'g' && (e.attrs['class'] ?? '').split(' ').includes(`mark-${kind}`) && (e.attrs['class'] ?? '').includes('role-mark'))
    .flatMap((g) => g.children.filter((c) => c.name === 'path'));
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

  it('draw one bar per speedup: 4 value sizes x 4 optimized strategies, 3 batch sizes x 4', () => {
    expect(marks(svg('run-speedup-value-size.svg'), 'rect')).toHaveLength(16);
    expect(marks(svg('run-speedup-batch-size.svg'), 'rect')).toHaveLength(12);
    // bars carry their value in the accessible label
    const labels = marks(svg('run-speedup-value-size.svg'), 'rect').map((m) => m.attrs['aria-label'] ?? '');
    expect(labels.some((l) => l === 'Value Size: 64B; speedup over baseline (×): 22.4889; strategy: write-combine')).toBe(true);
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
