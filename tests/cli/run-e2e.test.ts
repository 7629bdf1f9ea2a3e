/**
 * `writeprof run` end to end on the CPU backend (needs `make build`: TypeScript and the addon).
 * One full quick-profile run, then small cases for the output variants.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { resultsSchema } from '../../src/results/schema.js';
import { ADDON, requireBuilt, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-cli-e2e-'));
/** A tiny sweep: 2 batch cases, 2–3 samples each. */
const SMALL = ['--backend', 'cpu', '--mode', 'batch', '--strategy', 'baseline,lock-free', '--keys', '2000', '--batch-size', '100', '--warmup', '0', '--min-samples', '2', '--max-samples', '3', '--min-time', '0'];

beforeAll(() => {
  requireBuilt();
  if (!existsSync(ADDON)) throw new Error(`native addon missing (${ADDON}): run \`make build\``);
});

describe('writeprof run --profile quick --backend cpu --format json', () => {
  it('measures every case, verifies every write, writes the same JSON it prints', async () => {
    const out = join(dir, 'quick.json');
    const r = await runCli(['run', '--profile', 'quick', '--backend', 'cpu', '--format', 'json', '--output', out]);
    expect(r.stderr).toMatch(/^backend: cpu/m);
    expect(r.code).toBe(0);
    const printed = resultsSchema.parse(JSON.parse(r.stdout));
    expect(readResults(out)).toEqual(printed);
    expect(r.stderr).toContain(`results: ${out}`);

    expect(printed.profile.name).toBe('quick');
    expect(printed.environment.backend).toBe('cpu');
    expect(printed.partial).toBeUndefined();
    expect(printed.cases).toHaveLength(2 * 5 + 2 * 5 + 3 * 5);
    expect(new Set(printed.cases.map((c) => c.id)).size).toBe(printed.cases.length);
    for (const c of printed.cases) {
      expect(c.status, `${c.id}: ${c.error}`).toBe('ok');
      expect(c.verification).toMatchObject({ lost: 0, stale: 0, corrupted: 0 });
      expect(c.verification.writes).toBe(c.keys * c.stats.n);
      // Every quick case is uniform with the default update share: a quarter of the writes are updates.
      expect(c.updateShare, c.id).toBe(0.25);
      expect(c.verification.distinct).toBe(0.75 * c.keys * c.stats.n);
      expect(c.verification.verified).toBe(c.verification.distinct);
      expect(c.stats.n).toBeGreaterThanOrEqual(printed.profile.measurement.minSamples);
      expect(c.stats.n).toBeLessThanOrEqual(printed.profile.measurement.maxSamples);
      expect(c.opsPerSec).toBeGreaterThan(0);
      expect(c.bytesPerSec).toBeCloseTo(c.opsPerSec * c.valueSize, 0);
      expect(Object.keys(c.breakdown)).toEqual(expect.arrayContaining(['stage', 'kernel']));
      if (c.strategy !== 'baseline') expect(c.speedup, c.id).toBeDefined();
      if (c.mode === 'single') expect(c.latency!.n).toBeGreaterThan(0);
      if (c.mode === 'concurrent') expect(c.opsPerSecPerThread).toBeCloseTo(c.opsPerSec / c.threads, 6);
    }
  });
});

describe('writeprof run outputs', () => {
  it('--format markdown with --output writes the report there and the JSON beside it', async () => {
    const md = join(dir, 'md', 'run.md');
    const r = await runCli(['run', ...SMALL, '--format', 'markdown', '--output', md]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(md, 'utf8').length).toBeGreaterThan(0);
    expect(readResults(join(dir, 'md', 'run.json')).cases).toHaveLength(2);
  });

  it('without --output the JSON goes to reports/<timestamp>.json under the working directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wp-cli-cwd-'));
    const r = await runCli(['run', ...SMALL, '--format', 'csv', '--quiet'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // --quiet: no notes
    expect(r.stdout.length).toBeGreaterThan(0);
    const files = readdirSync(join(cwd, 'reports'));
    expect(files).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/)]);
    expect(readResults(join(cwd, 'reports', files[0]!)).cases).toHaveLength(2);
  });

  it('--calibrate-slowdown adds a measured spin per write and says so in the case notes', async () => {
    const out = join(dir, 'slow.json');
    const r = await runCli(['run', ...SMALL, '--calibrate-slowdown', '20', '--output', out, '--quiet']);
    expect(r.code).toBe(0);
    for (const c of readResults(out).cases) {
      expect(c.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^calibrate-slowdown 20%: \+\d+ ns spin per write$/)]));
    }
  });
});
