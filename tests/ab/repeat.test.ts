/** `run --repeat N`: whole sweeps merged per case, so compare can test against run-to-run drift. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { BIN, ROOT, requireBuilt } from '../cli/helpers.js';

let dir: string;
const RUN = ['run', '--backend', 'cpu', '--mode', 'batch', '--strategy', 'baseline,lock-free', '--batch-size', '100', '--keys', '2000', '--warmup', '0', '--min-samples', '5', '--max-samples', '5', '--min-time', '0', '--format', 'json', '-q'];
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });

beforeAll(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wp-repeat-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('writeprof run --repeat', () => {
  it('keeps each run\'s median; compare then tests the change against the runs, not as separate runs', () => {
    const r = cli([...RUN, '--repeat', '3', '--output', join(dir, 'rep.json')]);
    expect(r.status, r.stderr).toBe(0);
    const doc = readResults(join(dir, 'rep.json'));
    expect(doc.cases).toHaveLength(2);
    for (const c of doc.cases) {
      expect(c.runMedians).toHaveLength(3);
      expect(c.samples).toHaveLength(15);
      expect(c.notes).toContain('repeated from 3 runs');
      expect(c.status).toBe('ok');
    }
    expect(doc.cases.find((c) => c.strategy === 'lock-free')!.speedup).toBeDefined();
    expect(cli([...RUN, '--output', join(dir, 'one.json')]).status).toBe(0);
    const cmp = cli(['compare', join(dir, 'one.json'), join(dir, 'rep.json'), '--format', 'json']);
    // Whatever the load made of the verdict, the exit code is its code, and no case is left to
    // the separate-runs rule: the repeated side gives the run-to-run spread.
    const verdict = JSON.parse(cmp.stdout);
    expect(cmp.status).toBe(verdict.exitCode);
    for (const c of verdict.cases) {
      expect(Number.isFinite(c.pRuns)).toBe(true);
      expect(c.runs).toMatchObject({ baseline: 1, current: 3 });
      expect(c.reason ?? '').not.toMatch(/separate runs/);
    }
  });

  it('--repeat 0 is bad input', () => {
    const r = cli([...RUN, '--repeat', '0', '--output', join(dir, 'x.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^writeprof: --repeat: "0" is invalid; allowed: an integer from 1 to 1000/);
  });
});
