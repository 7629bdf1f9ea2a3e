/**
 * One table of limits for writers and readers (src/limits.ts, src/results/bounds.ts): whatever
 * `run` (or `ab`, or `merge`) may write, every command reads. The largest document the limits let
 * a run produce is written by writeprof's own writer and read back by the CLI; plans that could
 * produce more than that are refused before anything is measured.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS, MAX_RESULTS_BYTES } from '../../src/limits.js';
import { resultsText } from '../../src/results/file.js';
import type { CaseResult } from '../../src/results/schema.js';
import { ADDON } from '../cli/helpers.js';
import { makeCase, makeDoc } from '../stats/helpers.js';
import { requireCli, runCli, tempDir } from './helpers.js';

beforeAll(requireCli);

/** A case with every field a run can fill, at its largest: samples of 17 digits, an error at its clip length of 3-byte characters. */
function fullestCase(i: number, samples: number): CaseResult {
  const c = makeCase(
    Array.from({ length: samples }, (_, k) => 123456789.12345678 + k + i),
    { mode: 'single', strategy: 'write-combine', valueSize: 65536, batchSize: 1, keys: 100_000_000 - i },
  );
  return {
    ...c,
    status: 'failed',
    error: '\u20ac'.repeat(INPUT_LIMITS.caseErrorChars),
    latency: { p50: 123456.789012345, p90: 123456.789012345, p99: 123456.789012345, p999: 123456.789012345, n: 123456789 },
    speedup: { value: 1.23456789012345, low: 1.23456789012345, high: 1.23456789012345 },
    vsPeer: { redis: { value: 12.3456789012345, low: 12.3456789012345, high: 12.3456789012345 }, libcuckoo: { value: 1.23456789012345, low: 1.23456789012345, high: 1.23456789012345 } },
    bandwidth: { deviceCopy: 0.123456789012345, h2d: 0.123456789012345 },
    breakdown: { stage: 123.456789012345, h2d: 123.456789012345, kernel: 123.456789012345, d2h: 123.456789012345, probe: 1.23456789012345, lock: 1.23456789012345, copy: 1.23456789012345, publish: 1.23456789012345 },
    counters: { lockRetries: 123456789012345, casFailures: 123456789012345, probeSteps: 123456789012345 },
    countersPerWrite: { lockRetries: 1.23456789012345, casFailures: 1.23456789012345, probeSteps: 1.23456789012345 },
    updateShare: 0.123456789012345,
    verification: { writes: 1_000_000_000_000, distinct: 1_000_000_000_000, verified: 999_999_999_999, lost: 1, stale: 0, corrupted: 0, duplicates: 0 },
    notes: ['calibrate-slowdown 1000%: +1000000000 ns spin per write', 'redis: a pipeline of SETs per submission over hiredis 0.14.1, 256 connections'],
  };
}

describe.concurrent('what run can write, every reader reads', () => {
  it('the largest document the limits allow is written by writeprof\'s writer and read back by the CLI', async () => {
    const perCase = INPUT_LIMITS.maxSamplesPerDocument / INPUT_LIMITS.maxCasesPerPlan;
    const doc = makeDoc(Array.from({ length: INPUT_LIMITS.maxCasesPerPlan }, (_, i) => fullestCase(i, perCase)));
    const text = resultsText(doc);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_RESULTS_BYTES);
    // ... and each case within its share (the bound holds case by case, not by slack elsewhere).
    const c = fullestCase(0, 0);
    expect(Buffer.byteLength(JSON.stringify({ cases: [c] }, null, 2))).toBeLessThanOrEqual(INPUT_LIMITS.caseBytes);
    const dir = tempDir('largest');
    writeFileSync(join(dir, 'largest.json'), text);
    writeFileSync(join(dir, 'claims.json'), JSON.stringify({ name: 'lost', claims: [{ id: 'lost', text: 'at most 10000 lost writes', kind: 'maxLostWrites', max: 10_000 }] }));
    const r = await runCli(['validate', join(dir, 'largest.json'), '--claims', join(dir, 'claims.json')]);
    expect(r.stderr).not.toMatch(/inputs are limited/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS/);
  }, 180_000);

  it('run: a plan whose samples (--max-samples x --repeat) could exceed what a document holds is refused before measuring', async () => {
    const r = await runCli(['run', '--backend', 'cpu', '--profile', 'quick', '--mode', 'batch', '--strategy', 'baseline', '--batch-size', '100', '--keys', '1000', '--warmup', '0', '--min-time', '0', '--max-time', '3600', '--max-noise', '0', '--max-samples', '6000', '--repeat', '2', '-q', '-o', join(tempDir('repeat'), 'r.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--max-samples 6000 x --repeat 2 may give a case 12,000 samples; a results document holds at most 10,000 per case/);
  });

  it('ab: rounds x samples per round beyond a document: refused before building or measuring', async () => {
    const r = await runCli(['ab', '--base', ADDON, '--head', ADDON, '--mode', 'batch', '--strategy', 'baseline', '--rounds', '100', '--samples-per-round', '200', '--output-dir', tempDir('ab-bound'), '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rounds 100 x --samples-per-round 200 may give a case 20,000 samples/);
  });
});
