import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { render } from '../../src/render/index.js';
import { FIXTURES, loadSample, sampleCopy, UPDATE_GOLDEN } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'writeprof-md-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function golden(name: string, actual: string): void {
  const path = join(FIXTURES, name);
  if (UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('markdown report', () => {
  it('matches the golden report exactly (charts beside it, linked by relative name)', async () => {
    const r = await render(loadSample(), 'markdown', { color: false, outputPath: join(dir, 'report-sample.md') });
    golden('report-sample.md', r.text);
    // The renderer writes nothing: the charts come back beside the report, for the command to write.
    expect(readdirSync(dir)).toEqual([]);
    expect(r.files.map((f) => f.path)).toContain(join(dir, 'report-sample-speedup-value-size.svg'));
  });

  it('has the story\'s single-write table with its number formats', async () => {
    const md = (await render(loadSample(), 'markdown', { color: false })).text;
    expect(md).toContain('### Single Write Performance');
    expect(md).toContain('| Value Size | Baseline (ops/sec) | Optimized (ops/sec) | Speedup |');
    expect(md).toContain('| 64B | 45,000 | 1,012,000 (write-combine) | 22.5x (21.6–23.4) |');
    expect(md).toContain('| 4KB | 12,000 | 245,000 (mem-opt) | 20.4x (19.6–21.3) |');
    expect(md).toContain('| 1,000 | 215,000 | 4,825,000 (mem-opt) | 22.4x (21.6–23.4) |');
    expect(md).toContain('| 8 | 1,800,000 | 225,000 | 93.8% | 470,000 | 29.4% |');
    expect(md).toMatch(/\| `lock-free` \| 0\.465 \| 0 \| 0\.465 \| 0\.123 \| 75\.0% fewer \|/);
  });

  it('without an output path draws no charts and says so', async () => {
    const md = (await render(loadSample(), 'markdown', { color: false })).text;
    expect(md).toContain('Charts: not drawn');
    expect(md).not.toMatch(/\.svg\)/);
    expect(readdirSync(dir).filter((f) => f.startsWith('none'))).toEqual([]);
  });

  it('changes when a measurement changes (the golden comparison can fail)', async () => {
    const doc = sampleCopy();
    const c = doc.cases.find((x) => x.mode === 'single' && x.valueSize === 64 && x.strategy === 'baseline')!;
    c.opsPerSec = 46000;
    const md = (await render(doc, 'markdown', { color: false, outputPath: join(dir, 'report-sample.md') })).text;
    expect(md).not.toBe(readFileSync(join(FIXTURES, 'report-sample.md'), 'utf8'));
    expect(md).toContain('| 64B | 46,000 |');
  });

  it('marks partial runs and escapes table-breaking characters in errors', async () => {
    const doc = sampleCopy();
    doc.partial = true;
    const f = doc.cases.find((c) => c.status === 'failed')!;
    f.error = 'table full | arena 100% used\nsecond line';
    const md = (await render(doc, 'markdown', { color: false })).text;
    expect(md).toContain('**Partial results:**');
    expect(md).toContain('table full \\| arena 100% used second line');
  });

  it('renders an empty or baseline-only document in every format without inventing figures', async () => {
    const empty = sampleCopy();
    empty.cases = [];
    for (const f of ['table', 'json', 'markdown', 'csv'] as const) expect((await render(empty, f, { color: false })).text).not.toBe('');
    expect((await render(empty, 'markdown', { color: false })).text).toContain('_No cases._');
    const only = sampleCopy();
    only.cases = only.cases.filter((c) => c.strategy === 'baseline');
    const md = (await render(only, 'markdown', { color: false })).text;
    expect(md).toContain('| 64B | 45,000 | — | — |');
    expect(md).toContain('Strategy: **baseline** (best total at 16 threads)');
  });
});
