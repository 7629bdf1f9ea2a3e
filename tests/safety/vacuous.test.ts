/**
 * A check over nothing, or over cases that did not run, is not a pass;
 * a results document that contradicts itself is refused; validate's exit order is FAIL, then N/A.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCase, makeDoc, noisySamples } from '../stats/helpers.js';
import { requireCli, runCli, tempDir, writeDoc } from './helpers.js';

beforeAll(requireCli);

const dir = tempDir('vacuous');
const f = (name: string): string => join(dir, name);
const json = (name: string, value: unknown): string => {
  writeFileSync(f(name), JSON.stringify(value));
  return f(name);
};
// The slow run's lock-free case is 40x slower: beyond the separate-runs bound (compare.ts,
// SEPARATE_RUNS_FACTOR), so two separate runs show it as a regression.
const base = { strategy: 'baseline' } as const;
const lockFree = { strategy: 'lock-free' } as const;

beforeAll(() => {
  json('base.json', makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 1), base), makeCase(noisySamples(20, 2e6, 0.02, 2), lockFree)]));
  json('slow.json', makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 5), base), makeCase(noisySamples(20, 5e4, 0.02, 6), lockFree)]));
  json('same.json', makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 3), base), makeCase(noisySamples(20, 2e6, 0.02, 4), lockFree)]));
});

describe.concurrent('vacuous passes', () => {
  it('validate: "no lost writes" over cases that never ran is not a pass (exit 2)', async () => {
    const results = writeDoc(f('allfailed.json'), (doc) => {
      for (const c of doc.cases) {
        Object.assign(c, { samples: [], opsPerSec: 0, opsPerSecPerThread: 0, bytesPerSec: 0, status: 'failed', error: 'open: out of device memory' });
        c.verification = { writes: 0, distinct: 0, verified: 0, lost: 0, stale: 0, corrupted: 0, duplicates: 0 };
        c.stats = { n: 0, median: 0, mean: 0, stdev: 0, min: 0, max: 0, relNoise: 0, ciLow: 0, ciHigh: 0, outliers: 0 };
      }
    });
    const claims = json('nolost.json', { name: 'n', claims: [{ id: 'no-lost-writes', text: 'no lost writes', kind: 'maxLostWrites', max: 0 }] });
    const r = await runCli(['validate', results, '--claims', claims]);
    expect(r.code).toBe(2);
    // A claim's line wraps at the screen's width; its continuation lines are indented.
    expect(r.stdout.replace(/\n {2,}(?=\S)/g, ' ')).toMatch(/^N\/A  no-lost-writes: cannot be evaluated: case .* did not run to the end \(open: out of device memory\)/);
    expect(r.stdout).not.toMatch(/PASS/);
  });

  it('compare with no case in common could not check anything: exit 2', async () => {
    const other = json('other.json', makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 3), { strategy: 'baseline', keys: 999 })]));
    const r = await runCli(['compare', f('base.json'), other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^writeprof: compare could not check everything: no case of the current run matches a baseline case/);
  });

  it('compare --confirm with a confirmation run that lacks the regressed case keeps the regression: exit 1', async () => {
    const confirm = json('confirm.json', makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 7), base)]));
    const r = await runCli(['compare', f('base.json'), f('slow.json'), '--confirm', confirm]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/slower/);
  });

  it('compare with a partial current run is not a pass: exit 2', async () => {
    const partial = json('partial.json', { ...makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 3), base)]), partial: true });
    const r = await runCli(['compare', f('base.json'), partial]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the current run is partial/);
  });

  it.each([
    ['status "ok" with lost writes', (d: ReturnType<typeof makeDoc>) => Object.assign(d.cases[1]!.verification, { lost: 5, verified: d.cases[1]!.verification.verified - 5 }), /cases\[1\]\.status: "ok" but verification counted 5 lost/],
    ['status "ok" with stale values', (d: ReturnType<typeof makeDoc>) => Object.assign(d.cases[1]!.verification, { stale: 2, verified: d.cases[1]!.verification.verified - 2 }), /cases\[1\]\.status: "ok" but verification counted 0 lost, 2 stale/],
    ['more keys checked than were written', (d: ReturnType<typeof makeDoc>) => Object.assign(d.cases[0]!, { status: 'failed', error: 'x', verification: { ...d.cases[0]!.verification, lost: 1 } }), /cases\[0\]\.verification: \d+ verified \+ 1 lost \+ 0 stale exceed the \d+ distinct keys/],
    ['a negative throughput', (d: ReturnType<typeof makeDoc>) => (d.cases[0]!.opsPerSec = -1e6), /cases\[0\]\.opsPerSec: -1000000 is not a rate/],
    ['a negative sample', (d: ReturnType<typeof makeDoc>) => (d.cases[0]!.samples[3] = -5), /cases\[0\]\.samples\[3\]: -5 is not a rate/],
  ])('compare refuses a results document with %s (exit 2, one line)', async (_what, edit, message) => {
    const bad = writeDoc(f(`bad-${_what.length}.json`), edit);
    const r = await runCli(['compare', f('same.json'), bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('validate does not hide a FAIL behind an N/A', () => {
  it('one claim fails, one cannot be evaluated, one fails too: exit 1, every failing claim named', async () => {
    const results = writeDoc(f('one-lost.json'), (d) => {
      const c = d.cases[1]!;
      c.verification.lost = 3;
      c.verification.verified -= 3;
      c.status = 'failed';
      c.error = 'verification: 3 lost';
    });
    const claims = json('mixed.json', {
      name: 'mixed',
      claims: [
        { id: 'no-lost-writes', text: 'no lost writes', kind: 'maxLostWrites', max: 0 },
        { id: 'single-writes', text: 'single writes 2x', kind: 'minSpeedup', min: 2, select: { mode: 'single' } },
        { id: 'speedup', text: '20x', kind: 'minSpeedup', min: 20 },
      ],
    });
    const r = await runCli(['validate', results, '--claims', claims]);
    expect(r.code).toBe(1);
    // One line per claim (continuation lines indented), then the verdict line.
    const lines = r.stdout.trim().split('\n').filter((l) => !l.startsWith(' '));
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['FAIL', 'N/A', 'FAIL', 'FAIL:']);
    expect(r.stderr).toBe('writeprof: 2 of 3 claims failed: no-lost-writes, speedup; 1 cannot be evaluated: single-writes\n');
  });
});
