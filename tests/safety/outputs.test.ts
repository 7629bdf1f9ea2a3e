/**
 * Nothing the user did not name is replaced, nothing named is
 * clobbered into something else, default names never collide, baselines stay protected.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { ROOT, TINY, isRoot, mkfifo, mknodChar, requireCli, runCli, tempDir } from './helpers.js';

beforeAll(requireCli);

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

describe.concurrent('outputs that are not regular files are written through, never replaced', () => {
  it.skipIf(!isRoot)('-o <character device> writes into the device and leaves the node', async () => {
    const dir = tempDir('chr');
    const dev = mknodChar(join(dir, 'null'), 1, 3);
    const r = await runCli(['run', ...TINY, '-o', dev]);
    expect(r.code).toBe(0);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(readdirSync(dir)).toEqual(['null']); // no temp file, no journal left
  });

  it('-o <FIFO> hands the JSON to the reader and leaves the FIFO', async () => {
    const dir = tempDir('fifo');
    const fifo = mkfifo(join(dir, 'pipe'));
    const reader = spawn('timeout', ['30', 'cat', fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const readerDone = new Promise((resolve) => reader.on('close', resolve));
    const r = await runCli(['run', ...TINY, '-o', fifo]);
    await readerDone;
    expect(r.code).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(JSON.parse(got).cases).toHaveLength(2);
  });

  it('-o - puts the JSON document, and only it, on stdout', async () => {
    const dir = tempDir('dash');
    const r = await runCli(['run', ...TINY, '-o', '-'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cases).toHaveLength(2);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('a symlink to this process\'s stdout (like /dev/stdout) is written through, the link kept', async () => {
    const dir = tempDir('stdout-link');
    const link = join(dir, 'out');
    symlinkSync('/proc/self/fd/1', link);
    const r = await runCli(['run', ...TINY, '-o', link]);
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(r.stdout).cases).toHaveLength(2);
  });

  it('a symlink to a regular file: the target is replaced (atomically), the link stays a link', async () => {
    const dir = tempDir('link');
    writeFileSync(join(dir, 'target.json'), 'old\n');
    symlinkSync('target.json', join(dir, 'link.json'));
    const r = await runCli(['run', ...TINY, '-o', join(dir, 'link.json')]);
    expect(r.code).toBe(0);
    expect(readlinkSync(join(dir, 'link.json'))).toBe('target.json');
    expect(readResults(join(dir, 'target.json')).cases).toHaveLength(2);
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'target.json']);
  });

  it('a dangling symlink is refused with one line, before measuring, and left alone', async () => {
    const dir = tempDir('dangling');
    symlinkSync('nowhere.json', join(dir, 'dangling.json'));
    const r = await runCli(['run', ...TINY, '-o', join(dir, 'dangling.json')]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/dangling\.json is a symbolic link to a missing file/);
    expect(lstatSync(join(dir, 'dangling.json')).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir)).toEqual(['dangling.json']);
  });
});

describe.concurrent('an output is never one of the inputs; names and formats agree', () => {
  it('`run -o run.md` writes markdown there and the JSON to run.json; `report run.md` is refused', async () => {
    const dir = tempDir('md');
    const r = await runCli(['run', ...TINY, '-o', join(dir, 'run.md')]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'run.md'), 'utf8')).toMatch(/^# writeprof report: quick/);
    expect(readResults(join(dir, 'run.json')).cases).toHaveLength(2);
    // A results JSON kept under a .md name: its default report path is the input itself.
    const input = join(dir, 'results.md');
    copyFileSync(join(dir, 'run.json'), input);
    const before = readFileSync(input, 'utf8');
    const rep = await runCli(['report', input]);
    expect(rep.code).toBe(2);
    expect(oneLine(rep.stderr)).toMatch(/results\.md is the input .*results\.md; writing it would destroy the input/);
    expect(readFileSync(input, 'utf8')).toBe(before);
  });

  it('`run --profile p.json -o p.json` refuses to overwrite its own profile', async () => {
    const dir = tempDir('profile');
    const profile = join(dir, 'p.json');
    copyFileSync(join(ROOT, 'profiles', 'quick.json'), profile);
    const before = readFileSync(profile, 'utf8');
    const r = await runCli(['run', ...TINY.filter((a) => a !== 'quick' && a !== '--profile'), '--profile', profile, '-o', profile]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^writeprof: --output: .*p\.json is the input .*p\.json/);
    expect(readFileSync(profile, 'utf8')).toBe(before);
  });

  it.each([
    [['-o', 'r.txt'], /"r\.txt" is invalid; allowed: a \.json path for the results/],
    [['-o', 'r.md', '--format', 'csv'], /"r\.md" is invalid; allowed: a \.csv path with --format csv .*the name says markdown/],
    [['-o', 'r.json', '--format', 'markdown'], /"r\.json" is invalid; allowed: a \.md path with --format markdown/],
  ])('%j: the name and the format disagree: exit 2, nothing written', async (args, message) => {
    const dir = tempDir('ext');
    const r = await runCli(['run', ...TINY, ...args], { cwd: dir });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--format json insists: JSON goes to a name without .json', async () => {
    const dir = tempDir('insist');
    const r = await runCli(['run', ...TINY, '--format', 'json', '-o', join(dir, 'results.txt')]);
    expect(r.code).toBe(0);
    expect(readResults(join(dir, 'results.txt')).cases).toHaveLength(2);
  });
});

describe('default names are unique (created exclusively)', () => {
  it('a run never overwrites reports/<timestamp>.json that already exists', async () => {
    const cwd = tempDir('names');
    mkdirSync(join(cwd, 'reports'));
    // Occupy the names of the next few seconds, as a run started in the same second would.
    const now = Date.now();
    const taken: string[] = [];
    for (let s = -1; s <= 15; s++) {
      const name = new Date(now + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-') + '.json';
      writeFileSync(join(cwd, 'reports', name), 'precious\n');
      taken.push(name);
    }
    const r = await runCli(['run', ...TINY.filter((a) => a !== '-q')], { cwd });
    expect(r.code).toBe(0);
    const printed = /results: (reports\/\S+\.json)\n/.exec(r.stderr)?.[1];
    expect(printed).toMatch(/^reports\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-2\.json$/);
    expect(readResults(join(cwd, printed!)).cases).toHaveLength(2);
    for (const name of taken) expect(readFileSync(join(cwd, 'reports', name), 'utf8')).toBe('precious\n');
  });

  it('two runs started together keep both documents', async () => {
    const cwd = tempDir('twins');
    const args = ['run', ...TINY.filter((a) => a !== '-q')];
    const [a, b] = await Promise.all([runCli(args, { cwd }), runCli(args, { cwd })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const pa = /results: (\S+)\n/.exec(a.stderr)![1]!;
    const pb = /results: (\S+)\n/.exec(b.stderr)![1]!;
    expect(pa).not.toBe(pb);
    expect(readdirSync(join(cwd, 'reports')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    for (const p of [pa, pb]) expect(readResults(join(cwd, p)).cases).toHaveLength(2);
  });
});

describe.concurrent('baseline protection holds on the resolved path, and creation is exclusive', () => {
  it('a symlinked directory does not get around it', async () => {
    const dir = tempDir('bl-link');
    const base = join(dir, 'reports', 'baselines');
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'cpu.json'), 'committed\n');
    symlinkSync(base, join(dir, 'alias'));
    const r = await runCli(['run', ...TINY, '-o', join(dir, 'alias', 'cpu.json')]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/alias\/cpu\.json is a committed baseline; pass --force to overwrite it$/);
    expect(readFileSync(join(base, 'cpu.json'), 'utf8')).toBe('committed\n');
  });

  it('two runs racing to create the same new baseline: one wins, the other is refused', async () => {
    const dir = tempDir('bl-race');
    const target = join(dir, 'reports', 'baselines', 'new.json');
    const args = ['run', ...TINY, '-o', target];
    const results = await Promise.all([runCli(args), runCli(args)]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 2]);
    const loser = results.find((r) => r.code === 2)!;
    expect(oneLine(loser.stderr)).toMatch(/new\.json (has a journal .*another writeprof run|is a committed baseline)/);
    expect(readResults(target).cases).toHaveLength(2);
    expect(readdirSync(join(dir, 'reports', 'baselines'))).toEqual(['new.json']);
  });

  it('chart files written beside a report do not replace a committed file', async () => {
    const dir = tempDir('bl-chart');
    const base = join(dir, 'reports', 'baselines');
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'story-breakdown.svg'), 'committed chart\n');
    const input = join(dir, 'run.json');
    copyFileSync(join(ROOT, 'tests', 'fixtures', 'results-sample.json'), input);
    const r = await runCli(['report', input, '-o', join(base, 'story.md')]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^writeprof: chart: .*story-breakdown\.svg is a committed baseline; pass --force/);
    expect(readFileSync(join(base, 'story-breakdown.svg'), 'utf8')).toBe('committed chart\n');
    expect(existsSync(join(base, 'story.md'))).toBe(false);
  });
});
