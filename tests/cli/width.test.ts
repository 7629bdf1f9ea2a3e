/**
 * Everything a user reads at a terminal fits 100 columns: every command's --help, and the main
 * outputs (run's tables and summary, compare, validate, report's table forms, devices, kernels),
 * run as child processes with COLUMNS=100; and the renderers on the fixtures a short run does not
 * reach (peers beside strategies, an emulated run, two devices).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, buildIfStale } from './helpers.js';
import { render } from '../../src/render/index.js';
import { renderTable } from '../../src/gates/compare-render.js';
import { compareDocuments } from '../../src/gates/compare.js';
import { visibleWidth } from '../../src/screen.js';
import { addPeerCases, sampleCopy, SAMPLE_PATH, twoDevices } from '../render/helpers.js';
import { KERNELS_JSON } from '../../src/occupancy/resource-usage.js';

const WIDTH = 100;
let dir: string;
const f = (name: string): string => join(dir, name);

function cli(args: string[], columns = WIDTH, env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', COLUMNS: String(columns), GITHUB_STEP_SUMMARY: '', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Lines wider than `width`, with their width: what the assertion shows when it fails. */
function tooWide(text: string, width = WIDTH): string[] {
  return text.split('\n').filter((l) => visibleWidth(l) > width).map((l) => `${visibleWidth(l)}: ${l}`);
}

const COMMANDS = ['run', 'compare', 'report', 'validate', 'devices', 'kernels', 'ab', 'merge', 'slurm'];

beforeAll(() => {
  buildIfStale();
  dir = mkdtempSync(join(tmpdir(), 'wp-width-'));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('at COLUMNS=100 nothing is wider than 100 columns', () => {
  it('the main help and every command\'s --help, each with examples', () => {
    const main = cli(['--help']);
    expect(main.code).toBe(0);
    expect(tooWide(main.out)).toEqual([]);
    for (const c of COMMANDS) {
      const r = cli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(tooWide(r.out), c).toEqual([]);
      expect(r.out, c).toMatch(/\nExamples:\n {2}writeprof /);
    }
  });

  it('help follows a narrower $COLUMNS too', () => {
    const r = cli(['run', '--help'], 72);
    expect(tooWide(r.out, 72)).toEqual([]);
  });

  it('run (tables and summary), compare, validate, report, devices', () => {
    const small = ['--mode', 'single,batch', '--strategy', 'baseline,lock-free', '--value-size', '64', '--batch-size', '100', '--keys', '2000', '--warmup', '0', '--min-samples', '5', '--max-samples', '6', '--max-time', '0.05', '--min-time', '0'];
    const summary = f('step-summary.md');
    writeFileSync(summary, '');
    const a = cli(['run', '--profile', 'quick', ...small, '-o', f('a.json')], WIDTH, { GITHUB_STEP_SUMMARY: summary });
    expect(a.code, a.err).toBe(0);
    // The run ends with its summary, and CI's job summary gets it (with the story's tables) in markdown.
    expect(a.out.trimEnd().split('\n').filter((l) => !l.startsWith(' ')).at(-1)).toMatch(/^noise +\d/);
    expect(readFileSync(summary, 'utf8')).toMatch(/## Summary\n[^]*- \*\*run\*\* OK: 4 cases ran, every write verified\n[^]*### Single Write Performance/);
    expect(a.out).toMatch(/\nSummary \(speedups: median over baseline, 95% interval\)\nrun {2,}OK: /);
    expect(tooWide(a.out)).toEqual([]);
    expect(tooWide(a.err)).toEqual([]);
    const b = cli(['run', '--profile', 'quick', ...small, '-v', '-o', f('b.json')]);
    expect(tooWide(b.out)).toEqual([]);
    const cmp = cli(['compare', f('a.json'), f('b.json'), '-v']);
    expect([0, 1, 2]).toContain(cmp.code);
    expect(tooWide(cmp.out)).toEqual([]);
    const val = cli(['validate', f('a.json'), '-c', 'profiles/claims/cpu-ci.json']);
    expect(tooWide(val.out)).toEqual([]);
    for (const args of [['report', SAMPLE_PATH, '-o', f('s.md')], ['devices'], ...(existsSync(KERNELS_JSON) ? [['kernels']] : [])]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(tooWide(r.out), args.join(' ')).toEqual([]);
    }
  }, 120_000);

  it('the tables of the fixtures: peers, an emulated run, two devices, a comparison of them', async () => {
    const withPeers = addPeerCases(sampleCopy(), 'redis', 60);
    addPeerCases(withPeers, 'libcuckoo', 2);
    withPeers.environment.peers = { redis: { address: '127.0.0.1:6379', command: 'set' }, libcuckoo: { version: '0.3.1' } };
    const emulated = { ...sampleCopy(), emulated: true };
    for (const doc of [withPeers, emulated, twoDevices(0.5)]) {
      const text = (await render(doc, 'table', { color: true, width: WIDTH, verbose: true })).text;
      expect(tooWide(text)).toEqual([]);
    }
    const peersText = (await render(withPeers, 'table', { color: false, width: WIDTH })).text;
    expect(peersText).toMatch(/Redis \(ops\/sec\)\s*│/);
    expect(peersText).toContain('loopback TCP, a round trip');
    expect(peersText).toContain('loopback TCP, pipelined N = batch');
    const slower = sampleCopy();
    for (const c of slower.cases) c.samples = c.samples.map((x) => x / 2);
    expect(tooWide(renderTable(compareDocuments(sampleCopy(), slower, { threshold: 5, alpha: 0.01 }), { width: WIDTH, verbose: true }))).toEqual([]);
  });
});
