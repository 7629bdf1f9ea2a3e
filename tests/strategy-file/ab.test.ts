/**
 * `writeprof ab --strategy-file`: two versions of one strategy file gated on the emulator by what
 * it counts (memory traffic per write, verification), never by emulated times. The versions are
 * fixtures/walk.cu, walk_rereads.cu and drops_last.cu, one kernel (walk.cuh) with a knob turned per
 * version: the same version twice (PASS, 0.0%), one that reloads each probed bucket (REGRESSION,
 * more sectors and requests), one that drops a submission's last write (REGRESSION, its
 * verification named; it names its strategy otherwise, and runs under the head's name); a git ref's
 * version read from a temporary repository; and the inputs refused with one line. One small batch
 * case, two seeds.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abCountsDocumentSchema } from '../../src/gates/count-document.js';
import { change, compareCase, countsRace } from '../../src/gates/counts.js';
import { readResults } from '../../src/results/file.js';
import { ROOT, runCli } from '../cli/helpers.js';
import { cudaAvailable } from '../cuda/helpers.js';
import { strategyDirs } from './dirs.js';

const FIX = join(ROOT, 'tests', 'strategy-file', 'fixtures');
const WALK = join(FIX, 'walk.cu');
const REREADS = join(FIX, 'walk_rereads.cu');
const DROPS = join(FIX, 'drops_last.cu');
const TINY = ['--backend', 'cuda-emu', '--profile', 'check', '--mode', 'batch', '--value-size', '64', '--key-dist', 'uniform', '--keys', '600', '--batch-size', '200', '--emu-seeds', '1-2'];

const dirs = strategyDirs('ab');
const env = (): Record<string, string> => ({ ...dirs.env(), GITHUB_STEP_SUMMARY: '' });
const analysis = (dir: string): ReturnType<typeof abCountsDocumentSchema.parse> => abCountsDocumentSchema.parse(JSON.parse(readFileSync(join(dirs.work, dir, 'ab.json'), 'utf8')));
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the count gate', () => {
  it('calls a change beyond the threshold more or fewer, and a change from zero more', () => {
    expect(change(10, 10.4, 5)).toMatchObject({ changePct: expect.closeTo(4, 6), verdict: 'unchanged' });
    expect(change(10, 10.6, 5)).toMatchObject({ verdict: 'more' });
    expect(change(10, 9.4, 5)).toMatchObject({ verdict: 'fewer' });
    expect(change(0, 0, 5)).toMatchObject({ changePct: 0, verdict: 'unchanged' });
    expect(change(0, 1, 5)).toMatchObject({ changePct: null, verdict: 'more' });
  });

  it('sums the seeds before dividing; a head that lost writes fails, racing host threads are shown but not gated', () => {
    const v = { writes: 100, distinct: 100, verified: 100, lost: 0, stale: 0, corrupted: 0, duplicates: 0 };
    const n = { lockRetries: 0, casFailures: 0, probeSteps: 0 };
    const seed = (s: number, writes: number, sectors: number, requests: number, lost = 0) => ({ seed: s, writes, sectors, requests, counters: n, verification: { ...v, lost, verified: 100 - lost } });
    // 300 sectors / 200 writes = 1.5 against (100 + 400) / 200 = 2.5: the mean of per-seed ratios would be 2.25.
    const c = compareCase('x', 'x', { base: [seed(1, 100, 150, 100), seed(2, 100, 150, 100)], head: [seed(1, 100, 100, 100), seed(2, 100, 400, 100)] }, 5);
    expect(c.head.sectorsPerWrite).toBe(2.5);
    expect(c.sectors?.changePct).toBeCloseTo((2.5 / 1.5 - 1) * 100, 9);
    expect(c).toMatchObject({ verdict: 'more', regression: true, requests: { verdict: 'unchanged' } });
    const lost = compareCase('x', 'x', { base: [seed(1, 100, 150, 100)], head: [seed(1, 100, 150, 100, 3)] }, 5);
    expect(lost).toMatchObject({ verdict: 'failed', regression: true });
    expect(lost.head.failed).toMatch(/^seed 1: verification: 3 lost, 0 stale, 0 corrupted of 100 writes/);
    const racing = compareCase('x', 'x', { base: [seed(1, 100, 150, 100)], head: [seed(1, 100, 300, 100)] }, 5, false);
    expect(racing).toMatchObject({ verdict: 'ungated', regression: false, sectors: { verdict: 'more' } });
    expect(countsRace({ mode: 'concurrent', threads: 2 })).toBe(true);
    expect(countsRace({ mode: 'concurrent', threads: 1 })).toBe(false);
    expect(countsRace({ mode: 'batch', threads: 4 })).toBe(false);
  });
});

describe('writeprof ab --strategy-file on cuda-emu', () => {
  it('fails a head that moves more memory per write: REGRESSION, exit 1, the increase shown', async () => {
    const r = await runCli(['ab', '--strategy-file', REREADS, '--base', WALK, ...TINY, '--output-dir', join(dirs.work, 'more')], { env: env() });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^REGRESSION: 1 case moves more global-memory sectors or requests per write beyond \+5%/);
    expect(r.stdout).toMatch(/│ batch walk\s+│\s+[\d.]+ │\s+[\d.]+ │ \+\d+\.\d% │\s+[\d.]+ │\s+[\d.]+ │ \+\d+\.\d% │ MORE/);
    expect(r.stdout).toMatch(/emulated times are not performance figures and are not compared/);
    const d = analysis('more');
    expect(d).toMatchObject({ verdict: 'REGRESSION', exitCode: 1, backend: 'cuda-emu', strategy: 'walk', seeds: [1, 2], threshold: 5 });
    const [c] = d.cases;
    expect(d.cases).toHaveLength(1);
    expect(d.regressions).toEqual([c!.id]);
    expect(c!.sectors!.changePct).toBeGreaterThan(5);
    expect(c!.requests!.changePct).toBeGreaterThan(5);
    expect(c!.head.sectorsPerWrite).toBeGreaterThan(c!.base.sectorsPerWrite);
    // Counted per seed on both versions, every write verified, the sum what the ratio is of.
    for (const side of [c!.base, c!.head]) {
      expect(side.seeds.map((s) => s.seed)).toEqual([1, 2]);
      for (const s of side.seeds) expect(s.verification).toMatchObject({ writes: 600, lost: 0, stale: 0, corrupted: 0 });
      expect(side.sectorsPerWrite).toBeCloseTo(side.seeds.reduce((a, s) => a + s.sectors, 0) / 1200, 9);
    }
    expect(d.versions.base).toMatchObject({ label: WALK, path: WALK, sha256: sha(WALK), ownName: 'walk', declared: { orderRun: 1, block: 128, writesPerBlock: 128 } });
    expect(d.versions.head).toMatchObject({ label: REREADS, sha256: sha(REREADS) });
  });

  it('passes the same version against itself with 0.0% change, and writes -f json as ab.json and -o markdown', async () => {
    const md = join(dirs.work, 'same.md');
    const r = await runCli(['ab', '--strategy-file', WALK, '--base', WALK, ...TINY, '--output-dir', join(dirs.work, 'same'), '-f', 'json', '-q'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const d = analysis('same');
    expect(JSON.parse(r.stdout)).toEqual(d);
    expect(d.verdict).toBe('PASS');
    const [c] = d.cases;
    expect(c).toMatchObject({ verdict: 'unchanged', sectors: { changePct: 0 }, requests: { changePct: 0 } });
    expect(c!.head.seeds).toEqual(c!.base.seeds);
    const m = await runCli(['ab', '--strategy-file', WALK, '--base', WALK, ...TINY, '--output-dir', join(dirs.work, 'same-md'), '-o', md, '-q'], { env: env() });
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/^PASS: no case moves more/);
    expect(m.stdout).toMatch(/│ batch walk\s+│.*│\s+0\.0% │.*│\s+0\.0% │ unchanged/);
    expect(readFileSync(md, 'utf8')).toMatch(/^### writeprof ab \(strategy file, counts\): PASS\n/);
  });

  it('fails a head that loses writes, naming its verification; a base of another name runs under the head\'s', async () => {
    const r = await runCli(['ab', '--strategy-file', DROPS, '--base', WALK, ...TINY, '--output-dir', join(dirs.work, 'drops')], { env: env() });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^REGRESSION: 1 head case lost, held stale or corrupted writes or did not run/);
    expect(r.stdout).toMatch(/│ batch drops-last\s+│.*│ FAILED/);
    expect(r.stdout).toMatch(/FAILED batch drops-last: head seed 1: verification: [1-9]\d* lost, 0 stale, 0 corrupted of 600 writes/);
    expect(r.stderr).toMatch(/ab: the base names its strategy "walk"; it runs as "drops-last", the head's name/);
    const d = analysis('drops');
    expect(d.failed).toEqual([d.cases[0]!.id]);
    expect(d.cases[0]!.id).toMatch(/^batch\/drops-last\//);
    expect(d.cases[0]!.base.failed).toBeUndefined();
    expect(d.versions.base.ownName).toBe('walk');
  });

  it('reads --base as a git ref: the file at that commit, built from the cache with the working tree\'s headers', async () => {
    const repo = join(dirs.work, 'repo');
    const dir = join(repo, 'strategies');
    mkdirSync(dir, { recursive: true });
    const git = (...args: string[]): void => {
      const g = spawnSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
      if (g.status !== 0) throw new Error(g.stderr);
    };
    git('init', '-q');
    copyFileSync(join(FIX, 'walk.cuh'), join(dir, 'walk.cuh'));
    git('add', '.');
    git('commit', '-qm', 'the header');
    copyFileSync(WALK, join(dir, 'mine.cu'));
    git('add', '.');
    git('commit', '-qm', 'v1');
    copyFileSync(REREADS, join(dir, 'mine.cu'));  // the edit, not committed
    const r = await runCli(['ab', '--strategy-file', 'mine.cu', '--base', 'HEAD', ...TINY, '--output-dir', join(dirs.work, 'ref')], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/base: HEAD:strategies\/mine\.cu \(commit [0-9a-f]{10}\)/);
    const d = analysis('ref');
    expect(d.versions.base).toMatchObject({ label: 'HEAD:strategies/mine.cu', sha256: sha(WALK), commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(d.versions.base.path.startsWith(join(dirs.cache, 'ab-versions'))).toBe(true);
    expect(d.cases[0]!.sectors!.verdict).toBe('more');
    // Nothing was written beside the user's file.
    expect(readdirSync(dir).sort()).toEqual(['mine.cu', 'walk.cuh']);

    const bad = await runCli(['ab', '--strategy-file', 'mine.cu', '--base', 'no-such-ref-7d1', ...TINY], { cwd: dir, env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^writeprof: --base: "no-such-ref-7d1" is not a branch, a tag or a commit of .*; give a git ref, or the other version's path ending in \.cu$/);
    const before = await runCli(['ab', '--strategy-file', 'mine.cu', '--base', 'HEAD~1', ...TINY], { cwd: dir, env: env() });
    expect(before.code).toBe(2);
    expect(before.stderr.trim()).toMatch(/^writeprof: --base: "HEAD~1" \(commit [0-9a-f]{10}\) has no strategies\/mine\.cu; give a ref that holds the strategy file, or the other version's \.cu path$/);
  });

  it('does not pass a profile none of whose counts can be gated (host threads racing): exit 2, the counts kept in ab.json', async () => {
    const out = join(dirs.work, 'racing');
    const args = ['--backend', 'cuda-emu', '--profile', 'check', '--mode', 'concurrent', '--threads', '2', '--key-dist', 'uniform', '--emu-seeds', '1'];
    const r = await runCli(['ab', '--strategy-file', WALK, '--base', WALK, ...args, '--output-dir', out, '-q'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^writeprof: --profile: none of the 1 cases can be gated on counts \(concurrent cases of 2\+ threads race/);
    expect(analysis('racing').cases.map((c) => c.verdict)).toEqual(['ungated']);
  });

  it.each([
    ['a base file that does not exist', ['--strategy-file', WALK, '--base', join(FIX, 'nope.cu')], /^writeprof: --base: .*nope\.cu: no such file$/],
    ['two strategy files', ['--strategy-file', WALK, '--strategy-file', REREADS, '--base', WALK], /^writeprof: --strategy-file: given 2 times; ab compares two versions of one strategy file/],
    ['--backend cpu', ['--strategy-file', WALK, '--base', WALK, '--backend', 'cpu'], /^writeprof: --backend: "cpu" is invalid; allowed: cuda-emu .* or cuda .*the cpu backend does not run/],
    ['a timing flag on the emulator', ['--strategy-file', WALK, '--base', WALK, '--rounds', '60'], /^writeprof: --rounds: not with --strategy-file on cuda-emu, which compares counts, not times/],
    ['--backend without --strategy-file', ['--base', 'main', '--backend', 'cuda-emu'], /^writeprof: --backend: "cuda-emu" is invalid; allowed: cpu/],
    ...(cudaAvailable ? [] : [['--backend cuda without a GPU', ['--strategy-file', WALK, '--base', WALK, '--backend', 'cuda'], /^writeprof: --backend: cuda is unavailable \(.+\); use --backend cuda-emu/] as const]),
  ])('refuses %s with one line, exit 2', async (what, args, message) => {
    const out = join(dirs.work, `refused-${what.replace(/\W+/g, '-')}`);
    const r = await runCli(['ab', ...args, '--output-dir', out], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!cudaAvailable)('writeprof ab --strategy-file on a GPU', () => {
  it('gates the two versions\' nvcc builds on times: the file\'s cases only, a results document per version, the exit code the verdict\'s', async () => {
    const out = join(dirs.work, 'gpu');
    const r = await runCli(['ab', '--backend', 'cuda', '--strategy-file', REREADS, '--base', WALK, '--mode', 'batch', '--value-size', '64', '--key-dist', 'uniform', '--batch-size', '1000', '--keys', '20000', '--rounds', '6', '--samples-per-round', '2', '--output-dir', out, '-f', 'json'], { env: env() });
    const report = JSON.parse(r.stdout);
    expect(['PASS', 'REGRESSION', 'INCONCLUSIVE']).toContain(report.verdict);
    expect(r.code, r.stderr).toBe(report.exitCode);
    for (const side of ['base', 'head']) {
      const doc = readResults(join(out, `${side}.json`));
      expect(doc.environment.backend).toBe('cuda');
      expect(doc.cases.map((c) => c.strategy)).toEqual(['walk']);
      expect(doc.cases[0]!.verification.lost).toBe(0);
      expect(doc.strategyFiles).toMatchObject([{ name: 'walk', path: side === 'base' ? WALK : REREADS, sha256: sha(side === 'base' ? WALK : REREADS) }]);
    }
  });
});
