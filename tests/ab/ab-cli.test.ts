/**
 * `writeprof ab` end to end: a real child process measuring two loaded copies of the addon
 * (the built one, and a copy at another path: a second loaded object), a few rounds of two
 * small cases. The head side's --calibrate-slowdown 100 halves its throughput: a slowdown no
 * load on this machine hides from 12 paired rounds (the interval [x(3), x(10)] of 12 ratios
 * tolerates two rounds spoiled by a burst).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { ADDON, BIN, ROOT, requireBuilt } from '../cli/helpers.js';

let dir: string;
const f = (name: string): string => join(dir, name);
const SMALL = ['--mode', 'batch', '--strategy', 'baseline,lock-free', '--batch-size', '100', '--keys', '4000', '--rounds', '12', '--samples-per-round', '2'];
const ROUNDS = 12;

function cli(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wp-ab-'));
  copyFileSync(ADDON, f('base.node'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('writeprof ab', () => {
  it('A/A: never a regression (PASS, or INCONCLUSIVE when 12 rounds cannot decide), one results document per side, the analysis, and compare/report render them', () => {
    const r = cli(['ab', '--base', f('base.node'), '--head', ADDON, ...SMALL, '--output-dir', f('aa'), '--format', 'json']);
    const report = JSON.parse(r.out);
    // Under any load: the exit code is the verdict's, and the verdict is never REGRESSION.
    expect(['PASS', 'INCONCLUSIVE']).toContain(report.verdict);
    expect(r.code, r.err).toBe(report.exitCode);
    if (report.verdict === 'INCONCLUSIVE') expect(report.decideWith).toMatch(/^writeprof ab --base .* --rounds 60 /);
    expect(report.cases).toHaveLength(2);
    for (const c of report.cases) {
      expect(c.rounds).toBe(ROUNDS);
      expect(c.verdict).not.toBe('slower');
      expect(c.changeLowPct).toBeLessThanOrEqual(c.changePct);
      expect(c.changeHighPct).toBeGreaterThanOrEqual(c.changePct);
    }
    expect(report.pairing).toMatchObject({ rounds: ROUNDS, samplesPerRound: 2, baseline: `addon ${f('base.node')}` });
    expect(r.err).toMatch(/ab: round 12\/12 done/);
    expect(JSON.parse(readFileSync(f('aa/ab.json'), 'utf8'))).toEqual(report);

    const head = readResults(f('aa/head.json'));
    const base = readResults(f('aa/base.json'));
    expect(head.pairing).toMatchObject({ side: 'head', id: base.pairing!.id, rounds: ROUNDS, samplesPerRound: 2 });
    expect(base.pairing!.side).toBe('base');
    for (const c of [...head.cases, ...base.cases]) {
      expect(c.samples).toHaveLength(2 * ROUNDS);
      expect(c.rounds).toEqual(Array.from({ length: 2 * ROUNDS }, (_, i) => i >> 1));
      expect(c.status).toBe('ok');
      expect(c.verification.lost + c.verification.corrupted).toBe(0);
    }
    // compare redoes the paired analysis from the two documents: the same figures
    const again = cli(['compare', f('aa/base.json'), f('aa/head.json'), '--format', 'json']);
    expect(again.code).toBe(report.exitCode);
    expect(JSON.parse(again.out).cases).toEqual(report.cases);
    expect(cli(['compare', f('aa/base.json'), f('aa/head.json'), '--confirm', f('aa/head.json')]).code).toBe(2);
    const md = cli(['report', f('aa/head.json'), '--output', f('aa/head.md')]);
    expect(md.code, md.err).toBe(0);
    expect(existsSync(f('aa/head.md'))).toBe(true);
  });

  it('a slowdown built into the head only: exit 1, slower with the whole interval beyond the threshold, markdown for the step summary', () => {
    const summary = f('summary.md');
    writeFileSync(summary, '');
    const r = cli(['ab', '--base', f('base.node'), '--head', ADDON, ...SMALL, '--calibrate-slowdown', '100', '--output-dir', f('slow')], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/│ batch baseline\s.*│ REGRESSION/);
    expect(r.out).toMatch(/│ batch lock-free\s.*│ REGRESSION/);
    expect(r.out.split('\n')[0]).toMatch(/^REGRESSION: 2 case\(s\) slower than -5%: batch baseline -\d+\.\d%, batch lock-free -\d+\.\d%$/);
    expect(r.out).not.toMatch(/PASS|INCONCLUSIVE/);
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^### writeprof ab: REGRESSION\n/);
    expect(md).toContain('| Case | Baseline (ops/s) | Current (ops/s) | Change (95% CI) | p (sign) | rounds | Verdict |');
    const head = readResults(f('slow/head.json'));
    expect(head.cases[0]!.notes?.join(' ')).toMatch(/calibrate-slowdown 100% \(head only\)/);
    expect(readResults(f('slow/base.json')).cases[0]!.notes ?? []).toEqual([]);
    const report = JSON.parse(readFileSync(f('slow/ab.json'), 'utf8'));
    for (const c of report.cases) {
      expect(c.changeHighPct).toBeLessThan(-5);
      expect(c.changePct).toBeGreaterThan(-70); // 100% more time per write: about -50%
    }
  });

  it.each([
    [[], /^writeprof: --base: required/],
    [['--base', 'BASE', '--rounds', '5'], /--rounds: "5" is invalid; allowed: an integer from 6/],
    [['--base', 'BASE', '--threshold', '0'], /--threshold: "0" is invalid/],
    [['--base', 'BASE', '--format', 'csv'], /--format: "csv" is invalid; allowed: table, markdown, json/],
    [['--base', 'BASE', '--mode', 'bulk'], /--mode: "bulk" is invalid/],
    [['--base', 'missing/writeprof.node'], /--base: missing\/writeprof\.node is not a built addon \(no such file\)/],
    [['--base', 'no-such-ref-3f9a'], /--base: "no-such-ref-3f9a" is not a branch, a tag or a commit/],
    // A folder is not a build: anything but a .node path is a git ref.
    [['--base', 'BASE', '--head', 'DIR'], /--head: ".*" is not a branch, a tag or a commit/],
  ])('bad input %j exits 2 with one line', (args, message) => {
    const r = cli(['ab', ...SMALL.slice(0, 4), ...args.map((a) => (a === 'BASE' ? f('base.node') : a === 'DIR' ? dir : a)), '--output-dir', f('bad')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
  });
});
