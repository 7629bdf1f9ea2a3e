/**
 * A program built with `writeprof emu build --instrument` checks itself: its tools come from
 * WRITEPROF_CHECK_TOOLS, and when it ends it prints its findings and one summary line per tool on
 * stderr, in `writeprof check`'s words (the TypeScript renderer, given the program's sites and
 * counts, writes the same lines), and a finding turns a status of 0 into 1 (tests/emu/native/checked.cu).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../cli/helpers.js';
import { summarize } from '../../src/check/summary.js';
import { TOOLS, type Tool } from '../../src/check/tools.js';
import { siteText } from '../../src/render/check.js';
import type { CheckFinding, CheckSite } from '../../src/results/check.js';

const SOURCE = 'tests/emu/native/checked.cu';
const lineOf = (text: string): number => readFileSync(join(ROOT, SOURCE), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
const STORE = lineOf('tile[t] = in[t];');
const LOAD = lineOf('out[t] = tile[');
const FILL = lineOf('p[threadIdx.x] = v;');

let bin = '';
beforeAll(async () => {
  bin = join(mkdtempSync(join(tmpdir(), 'wpemu-checked-')), 'checked');
  const r = await runCli(['emu', 'build', '--instrument', join(ROOT, SOURCE), '-o', bin]);
  expect(r.code, r.stderr).toBe(0);
});

function run(args: string[], env: Record<string, string> = {}) {
  // From the repository root: the report names files relative to the working directory.
  const r = spawnSync(bin, args, { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.trimEnd().split('\n') };
}

const SITE = /^ {2}(first|second|at): +(\S+(?: \S+)?) at (\S+) \((.+)\), block (\d+) warp (\d+) lane (\d+), (\S+(?: shared)?)(?: (\S+))? \+(\d+), (\d+) B$/;

/** A site line of the program's report as `writeprof check` holds it. */
function siteOf(line: string): CheckSite {
  const m = SITE.exec(line);
  if (!m) throw new Error(`not a site line: ${line}`);
  return {
    where: m[3]!,
    function: m[4]!,
    block: Number(m[5]),
    warp: Number(m[6]),
    lane: Number(m[7]),
    access: m[2]!,
    space: m[8]!,
    ...(m[9] ? { variable: m[9] } : {}),
    offset: Number(m[10]),
    size: Number(m[11]),
  };
}

const HEAD = /^(\w+): (.+) in (\w+)<<<(\d+), (\d+)>>>, (once|(\d+) times), seed (\d+)$/;

/** The findings of a report (head line, sites, message), as CheckFindings. */
function findingsOf(lines: string[]): { finding: CheckFinding; siteLines: string[] }[] {
  const out: { finding: CheckFinding; siteLines: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = HEAD.exec(lines[i]!);
    if (!m) continue;
    const siteLines: string[] = [];
    while (SITE.test(lines[i + 1 + siteLines.length] ?? '')) siteLines.push(lines[i + 1 + siteLines.length]!);
    out.push({
      siteLines,
      finding: {
        tool: m[1] as Tool,
        kind: m[2]!,
        severity: 'error',
        kernel: m[3]!,
        grid: [Number(m[4]), 1, 1],
        block: [Number(m[5]), 1, 1],
        message: lines[i + 1 + siteLines.length]!.trim(),
        count: m[7] ? Number(m[7]) : 1,
        seeds: [Number(m[8])],
        cases: [],
        sites: siteLines.map(siteOf),
      },
    });
  }
  return out;
}

const summaryLines = (lines: string[]): string[] => lines.filter((l) => /^\w+: \d+ [a-z ]+(?: \(\d+ occurrences\))? in \d+ kernels?, 1 seed$/.test(l));

describe('an instrumented program', () => {
  it('a shared-memory read without its barrier: racecheck names both lines, exit 1, the program\'s output intact', () => {
    for (const seed of ['1', '2']) {
      const r = run(['race'], { WRITEPROF_EMU_SEED: seed });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^sum \d+\n$/);
      const found = findingsOf(r.lines);
      expect(found.length).toBeGreaterThan(0);
      for (const { finding: f, siteLines } of found) {
        expect(f.tool).toBe('racecheck');
        expect(f.kind).toMatch(/^(RAW|WAR) hazard$/);
        expect(f.kernel).toBe('rotate_sum');
        expect(f.seeds).toEqual([Number(seed)]);
        expect(f.sites.map((s) => s.where).sort()).toEqual([`${SOURCE}:${STORE}`, `${SOURCE}:${LOAD}`]);
        for (const s of f.sites) {
          expect(s.function).toBe('rotate_sum');
          expect(s.space).toBe('shared');
          expect(s.variable).toBe('rotate_sum::tile');
          expect(s.offset % 4).toBe(0);
          expect(s.offset).toBeLessThan(256);
          expect(s.size).toBe(4);
        }
        // Two different threads of the one block.
        expect(f.sites[0]!.warp * 32 + f.sites[0]!.lane).not.toBe(f.sites[1]!.warp * 32 + f.sites[1]!.lane);
        expect(f.message).toContain(`${f.kind} on shared memory`);
        // `writeprof check`'s renderer writes the same site lines from the same sites.
        expect(siteLines.map((l) => l.replace(/^ {2}(first|second): +/, ''))).toEqual(f.sites.map(siteText));
      }
      // ... and the same summary from the same findings.
      expect(summaryLines(r.lines)).toEqual(summarize(TOOLS, found.map((x) => x.finding), 1, 1).map((s) => s.line));
      expect(summaryLines(r.lines)).toHaveLength(5);
      expect(r.lines.at(-1)).toMatch(/^weak: /);
    }
  });

  it('the same program with its barrier: exit 0, and one summary line per tool with nothing found', () => {
    for (const ending of [[], ['exit']]) {
      const r = run(['clean', ...ending]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('sum 4032\n');
      expect(r.lines).toEqual(summarize(TOOLS, [], 1, 1).map((s) => s.line));
    }
  });

  it('a finding fails a program that ends with exit(0); the program\'s own failure status is kept', () => {
    expect(run(['race', 'exit']).code).toBe(1);
    for (const ending of [[], ['exit']]) {
      const r = run(['oob', ...ending], { WRITEPROF_CHECK_TOOLS: 'memcheck' });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout).toBe('cudaErrorLaunchFailure\n');
      expect(r.stderr).toContain('writeprof emu: kernel fault: kernel fill<<<1, 17>>>');
      expect(r.stderr).toContain('memcheck: out-of-bounds write in fill<<<1, 17>>>, once, seed 1');
      expect(r.stderr).toMatch(new RegExp(`  at: write at ${SOURCE}:${FILL} \\(fill\\), block 0 warp 0 lane 16, invalid \\+64, 4 B`));
      expect(summaryLines(r.lines)).toEqual(['memcheck: 1 error in 1 kernel, 1 seed']);
    }
  });

  it('WRITEPROF_CHECK_TOOLS picks the tools; a bad value is one line naming it and what is allowed, exit 2, no report', () => {
    const r = run(['race'], { WRITEPROF_CHECK_TOOLS: 'initcheck, racecheck' });
    expect(r.code).toBe(1);
    expect(summaryLines(r.lines).map((l) => l.split(':')[0])).toEqual(['racecheck', 'initcheck']);
    for (const bad of ['racecheck,bogus', 'racecheck,', 'none']) {
      const b = run(['race'], { WRITEPROF_CHECK_TOOLS: bad });
      expect(b.code).toBe(2);
      expect(b.stdout).toBe('');
      expect(b.lines).toEqual([
        `writeprof emu: WRITEPROF_CHECK_TOOLS: ${JSON.stringify(bad)} is invalid; allowed: all, or a list of ${TOOLS.join(', ')}`,
      ]);
    }
  });

  it('a program that launched no kernel checked nothing: that is said, and it is no pass', () => {
    const r = run(['none']);
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toBe('writeprof emu: no kernel ran: nothing was checked');
  });

  it('without addr2line the sites are offsets in the program, and the report says why', () => {
    const r = run(['race'], { PATH: '/nonexistent' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}first: +(read|write) at \+0x[0-9a-f]+, block \d+ warp \d+ lane \d+, shared rotate_sum::tile \+\d+, 4 B$/m);
    expect(r.stderr).toContain('writeprof emu: addr2line (binutils) did not run: sites are offsets in the program');
  });
});
