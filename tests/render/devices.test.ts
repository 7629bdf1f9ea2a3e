/** Merged results from several devices: the story's tables per device plus one comparison table. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareDevices } from '../../src/render/device-compare.js';
import { buildMatrix, render } from '../../src/render/index.js';
import { splitByDevice } from '../../src/results/devices.js';
import { A100, loadSample, twoDevices } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'writeprof-devices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = loadSample();

describe('devices side by side', () => {
  it('splits a merged document by device; one device stays one document', () => {
    const parts = splitByDevice(twoDevices(0.5));
    expect(parts.map((p) => [p.label, p.hosts, p.doc.cases.length])).toEqual([
      ['NVIDIA H100 80GB HBM3 (cuda)', ['h100-node'], sample.cases.length],
      ['NVIDIA A100-SXM4-80GB (cuda)', ['a100-node'], sample.cases.length],
    ]);
    expect(parts[1]!.doc.environment).toEqual(A100);
    expect(splitByDevice(sample)).toEqual([{ key: expect.any(String), label: 'Synthetic GPU (test fixture) (cuda)', name: 'Synthetic GPU (test fixture)', hosts: ['fixture-host'], doc: sample }]);
  });

  it('compares each row of the story\'s tables across devices: the best strategy\'s ops/s and the ratio', () => {
    const cmp = compareDevices(splitByDevice(twoDevices(0.5)));
    const m = buildMatrix(sample);
    const rows = [...m.single, ...m.batch, ...m.concurrent].reduce((a, t) => a + t.rows.length, 0);
    expect(cmp.rows).toHaveLength(rows);
    // One backend: the devices go by their names.
    expect(cmp.devices).toEqual(['NVIDIA H100 80GB HBM3', 'NVIDIA A100-SXM4-80GB']);
    expect(cmp.reference).toBe('NVIDIA H100 80GB HBM3');
    const first = cmp.rows[0]!;
    expect(first.workload).toBe('single 64B');
    expect(first.cells.map((c) => [c?.opsPerSec, c?.strategy])).toEqual([
      [1_012_000, 'write-combine'],
      [506_000, 'write-combine'],
    ]);
    for (const r of cmp.rows) {
      if (!r.cells[0] || !r.cells[1]) continue;
      expect(r.ratios[0]).toBeUndefined();
      expect(r.ratios[1]).toBeCloseTo(0.5, 12);
    }
    // Several concurrent groups (uniform and zipf keys): the row names what sets its group apart.
    const concurrent = cmp.rows.filter((r) => r.mode === 'concurrent').map((r) => r.workload);
    expect(concurrent).toContain('concurrent 1 thread, uniform keys');
    expect(concurrent).toContain('concurrent 4 threads, zipf:0.99 keys');
  });

  it('terminal: each device\'s own tables, then the comparison table', async () => {
    const out = (await render(twoDevices(0.5), 'table', { color: false })).text;
    const h = out.indexOf('Device: NVIDIA H100 80GB HBM3 (cuda)');
    const a = out.indexOf('Device: NVIDIA A100-SXM4-80GB (cuda)');
    const cmp = out.indexOf('Device Comparison');
    expect(h).toBeGreaterThan(0);
    expect(a).toBeGreaterThan(h);
    expect(cmp).toBeGreaterThan(a);
    expect(out.slice(h, a)).toMatch(/│ 64B\s+│\s+45,000 │\s+1,012,000 │ write-combine │ 22\.5× \(21\.6–23\.4\) │/);
    expect(out.slice(a, cmp)).toMatch(/│ 64B\s+│\s+22,500 │\s+506,000 │ write-combine │ 22\.5× \(21\.6–23\.4\) │/);
    expect(out.slice(cmp)).toMatch(/│ single 64B\s+│\s+1,012,000 write-combine │\s+506,000 write-combine │\s+0\.5× │/);
    expect(out.slice(cmp)).toMatch(/│ Workload\s+│\s+NVIDIA H100 80GB HBM3 │ NVIDIA A100-SXM4-80GB │/);
    for (const l of out.split('\n')) expect([...l].length).toBeLessThanOrEqual(100);
    expect(out.split('\n')[0]).toContain('2 devices');
  });

  it('markdown: the comparison first, then each device\'s report under its heading, with its own charts', async () => {
    const path = join(dir, 'fleet.md');
    const r = await render(twoDevices(0.25), 'markdown', { color: false, outputPath: path });
    const md = r.text;
    const files = new Map(r.files.map((f) => [f.path, f.data]));
    expect(md).toMatch(/^# writeprof report: validation on 2 devices/);
    expect(md).toContain('| [NVIDIA H100 80GB HBM3 (cuda)](#device-1) | h100-node | 75 |');
    expect(md).toContain('| single 64B | 1,012,000 (write-combine) | 253,000 (write-combine) | 0.3x |');
    expect(md.indexOf('## Device Comparison')).toBeLessThan(md.indexOf('## Device 1: NVIDIA H100'));
    expect(md).toContain('## Device 2: NVIDIA A100-SXM4-80GB (cuda)');
    // The device reports sit one level down.
    expect(md).toContain('### Environment');
    expect(md).toContain('#### Single Write Performance');
    expect(md).not.toMatch(/^## Environment/m);
    for (const i of [1, 2]) {
      expect(md).toContain(`](fleet-device-${i}-speedup-value-size.svg)`);
      expect(files.has(join(dir, `fleet-device-${i}-speedup-value-size.svg`))).toBe(true);
    }
    expect(files.get(join(dir, 'fleet-device-2-speedup-value-size.svg'))).toMatch(/^<svg/);
  });

  it('says what a partial merge lacks, per device', async () => {
    const doc = twoDevices(0.5);
    doc.partial = true;
    doc.merged = { inputs: [], missing: [{ device: 'NVIDIA A100-SXM4-80GB (cuda)', shard: 3, cases: ['a', 'b'] }] };
    const out = (await render(doc, 'table', { color: false })).text;
    expect(out).toContain('Partial results: merged without 2 cases of the plan (shard 3).');
    const md = (await render(doc, 'markdown', { color: false })).text;
    expect(md).toContain('> **Partial results: merged without 2 cases of the plan (shard 3).**');
  });
});
