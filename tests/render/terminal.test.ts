import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/render/index.js';
import { FIXTURES, loadSample, sampleCopy, UPDATE_GOLDEN } from './helpers.js';

const ANSI = /\x1b\[/;

describe('terminal tables', () => {
  it('match the golden text exactly with colour off', async () => {
    const out = (await render(loadSample(), 'table', { color: false })).text;
    const path = join(FIXTURES, 'terminal-sample.txt');
    if (UPDATE_GOLDEN) writeFileSync(path, out);
    expect(out).toBe(readFileSync(path, 'utf8'));
    expect(out).not.toMatch(ANSI);
  });

  it('have the story\'s three table shapes, the best strategy named', async () => {
    const out = (await render(loadSample(), 'table', { color: false })).text;
    expect(out).toMatch(/│ Value Size │ Baseline \(ops\/sec\) │ Optimized \(ops\/sec\) │ Strategy\s+│\s+Speedup \(95% CI\) │/);
    expect(out).toMatch(/│ 64B\s+│\s+45,000 │\s+1,012,000 │ write-combine │ 22\.5× \(21\.6–23\.4\) │/);
    expect(out).toMatch(/│ Batch Size │/);
    expect(out).toMatch(/│ Threads │\s+ops\/sec │ per thread │ scaling │/);
    expect(out).toMatch(/│\s+8 │ 1,800,000 │\s+225,000 │\s+93\.8% │/);
    expect(out).toContain('Concurrent Write Performance — lock-free (best total at 16 threads)');
  });

  it('show failed cases with their error and counts, and noisy figures with a marker', async () => {
    const flat = (t: string): string => t.replace(/\n {2,}(?=\S)/g, ' ');
    const out = flat((await render(loadSample(), 'table', { color: false })).text);
    // The error states what verification found; nothing is said twice.
    expect(out).toContain(
      '✗ FAILED concurrent/write-combine/v256/b1000/t4/zipf:0.99/lf0.5/k20000: verification: 3 lost, 2 stale, 1 corrupted (1 duplicate) of 140,000 writes to 56,000 distinct keys\n',
    );
    expect(out).toMatch(/480,000 ⚠/);
    // one warning line per table (the noise measure: half-width of the median's 95% interval)
    expect(out).toContain('⚠ 1/25 noisier than ±2% (worst ±15.0%)');
    // the per-case list with --verbose only
    expect(out).not.toContain('concurrent/baseline/v256/b1000/t16/uniform/lf0.5/k20000: noise');
    const verbose = flat((await render(loadSample(), 'table', { color: false, verbose: true })).text);
    expect(verbose).toContain('concurrent/baseline/v256/b1000/t16/uniform/lf0.5/k20000: noise ±15.0% over 7 samples');
  });

  it('colour the output only when asked', async () => {
    const out = (await render(loadSample(), 'table', { color: true })).text;
    expect(out).toMatch(ANSI);
    expect(out).toContain('\x1b[31m✗ FAILED'); // red
  });

  it('mark a row FAILED when its only optimized cases failed', async () => {
    const doc = sampleCopy();
    for (const c of doc.cases) if (c.mode === 'batch' && c.batchSize === 100 && c.strategy !== 'baseline') c.status = 'failed';
    const out = (await render(doc, 'table', { color: false })).text;
    expect(out).toMatch(/│ 100\s+│\s+125,000 │\s+FAILED │ —\s+│\s+— │/);
  });
});
