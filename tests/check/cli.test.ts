/**
 * `writeprof check` as a command: bad input exits 2 with one line naming the flag; a clean check
 * exits 0, writes the results JSON (and a markdown report when --output names one), and `report`
 * renders the JSON; a check document is refused by name where measurements are expected.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../src/results/schema.js';
import { parseVariants } from '../../src/commands/check.js';
import { parseSeeds, parseTools } from '../../src/check/tools.js';
import { buildIfStale, runCli } from '../cli/helpers.js';

const DIR = mkdtempSync(join(tmpdir(), 'wpcheck-cli-'));
const SMALL = ['--strategy', 'lock-free', '--mode', 'batch', '--value-size', '64', '--batch-size', '64', '--keys', '100', '--key-dist', 'uniform'];

beforeAll(() => buildIfStale());

describe('writeprof check: input', () => {
  it('--tool, --emu-seed(s) and --variant are checked, each with one line naming the flag', () => {
    expect(parseTools(undefined)).toEqual(['memcheck', 'racecheck', 'initcheck', 'synccheck', 'weak']);
    expect(parseTools('weak,racecheck,weak')).toEqual(['weak', 'racecheck']);
    expect(() => parseTools('memcheck,speedcheck')).toThrow(/^--tool: "memcheck,speedcheck" is invalid; allowed: all, or a list of memcheck, racecheck, initcheck, synccheck, weak$/);
    expect(parseSeeds(undefined, undefined, 1)).toEqual([1]);
    expect(parseSeeds('7', undefined, 1)).toEqual([7]);
    expect(parseSeeds(undefined, '1-3,9,2', 1)).toEqual([1, 2, 3, 9]);
    expect(() => parseSeeds('1', '1-2', 1)).toThrow(/^--emu-seeds: "1-2" is invalid; allowed: a seed list without --emu-seed/);
    expect(() => parseSeeds(undefined, '3-1', 1)).toThrow(/^--emu-seeds: "3-1" is invalid; allowed: seeds as a-b or a,b,c/);
    expect(() => parseSeeds(undefined, '1-100', 1)).toThrow(/^--emu-seeds: "1-100" is invalid/);
    expect(() => parseSeeds(undefined, 'x', 1)).toThrow(/^--emu-seeds: "x" is invalid/);
    expect(parseVariants(undefined)).toEqual(['count', 'plain']);
    expect(() => parseVariants('fast')).toThrow(/^--variant: "fast" is invalid; allowed: count, plain$/);
  });

  const bad: [string[], RegExp][] = [
    [['--tool', 'speedcheck'], /^writeprof: --tool: "speedcheck" is invalid; allowed: all, or a list of/],
    [['--output', join(DIR, 'x.txt')], /^writeprof: --output: .* is invalid; allowed: a \.json path for the results/],
  ];
  for (const [args, line] of bad) {
    it(`the command: ${args[0]} exits 2 with one line, before running anything`, async () => {
      const r = await runCli(['check', ...SMALL, ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(line);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});

describe('writeprof check: output', () => {
  it('a clean check exits 0, writes the JSON and the markdown report, and report renders the JSON', async () => {
    const md = join(DIR, 'clean.md');
    const r = await runCli(['check', ...SMALL, '--emu-seeds', '1,3', '-o', md]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(DIR, 'clean.json'), 'utf8')) as ResultsDocument;
    expect(doc.cases).toEqual([]);
    expect(doc.emulated).toBe(true);
    expect(doc.check!.seeds).toEqual([1, 3]);
    expect(doc.check!.runs).toHaveLength(4); // 1 case x 2 variants x 2 seeds
    const report = readFileSync(md, 'utf8');
    expect(report).toContain('# writeprof check: check');
    expect(report).toContain('- racecheck: 0 hazards in 2 kernels, 2 seeds');
    expect(report).toContain('## Findings\n\n_None._');
    const again = join(DIR, 'again.md');
    const rr = await runCli(['report', join(DIR, 'clean.json'), '-o', again]);
    expect(rr.code, rr.stderr).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(report);
  });

  it('compare, validate and merge refuse a check document by name', async () => {
    const json = join(DIR, 'clean.json');
    if (!existsSync(json)) return; // written by the test above (same file, in order)
    const c = await runCli(['compare', json, json]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/is a `writeprof check` document \(findings, no measured case\)/);
    const v = await runCli(['validate', json, '--claims', 'profiles/claims/story-3.1.json']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/is a `writeprof check` document/);
  });
});
