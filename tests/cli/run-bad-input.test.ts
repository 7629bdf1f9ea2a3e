/**
 * (Each flag's parser is covered in-process by tests/profile; here the list runs through
 * the real binary.) Every bad input to `writeprof run` exits 2 with exactly one stderr line naming the field, the
 * value and what is allowed, prints nothing on stdout, and runs nothing. None of these needs the
 * native addon: input is checked before a backend is loaded.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-cli-bad-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(requireBuilt);

async function expectUsage(args: string[], line: RegExp): Promise<void> {
  const r = await runCli(['run', ...args, '--output', join(dir, 'out', 'never.json')]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
}

describe.concurrent('writeprof run: bad flags', () => {
  it.each([
    [['--strategy', 'turbo'], /^writeprof: strategy: "turbo" is invalid; allowed: all, baseline, warp-coop, lock-free, mem-opt, write-combine, or the name a --strategy-file declares \(none given\)$/],
    [['--strategy', 'Turbo!'], /^writeprof: --strategy: "Turbo!" is invalid; allowed: all, baseline, warp-coop, lock-free, mem-opt, write-combine, or the name of a strategy file's strategy \(--strategy-file\)$/],
    [['--value-size', '0'], /^writeprof: --value-size: "0" is invalid; allowed: 8 B to 64\.0 KiB/],
    [['--value-size', '64,256,65537'], /^writeprof: --value-size: "65537" is invalid; allowed: 8 B to 64\.0 KiB/],
    [['--value-size', '128K'], /^writeprof: --value-size: "128K" is invalid; allowed: 8 B to 64\.0 KiB/],
    [['--batch-size', 'ten'], /^writeprof: --batch-size: "ten" is invalid; allowed: an integer from 1 to 1000000$/],
    [['--threads', '-2'], /^writeprof: --threads: "-2" is invalid; allowed: an integer from 1 to 256$/],
    [['--keys', '1.5'], /^writeprof: --keys: "1.5" is invalid; allowed: an integer from 1 to 100000000$/],
    [['--min-samples', '0'], /^writeprof: --min-samples: "0" is invalid; allowed: an integer from 1 to 10000$/],
    [['--load-factor', '0'], /^writeprof: --load-factor: "0" is invalid; allowed: a number in \(0, 0\.95\]$/],
    [['--load-factor', '0.96'], /^writeprof: --load-factor: "0\.96" is invalid; allowed: a number in \(0, 0\.95\]$/],
    [['--key-dist', 'zipf:abc'], /^writeprof: --key-dist: "zipf:abc" is invalid; allowed: uniform or zipf:<theta>/],
    [['--mode', 'burst'], /^writeprof: --mode: "burst" is invalid; allowed: single, batch, concurrent$/],
    [['--backend', 'gpu'], /^writeprof: --backend: "gpu" is invalid; allowed: auto, cpu, cuda, cuda-emu, redis, libcuckoo$/],
    [['--format', 'html'], /^writeprof: --format: "html" is invalid; allowed: table, json, markdown, csv$/],
    [['--min-samples', '9', '--max-samples', '3'], /^writeprof: --max-samples: 3 is invalid; allowed: at least --min-samples \(9\)$/],
    [['--profile', 'nosuch'], /^writeprof: --profile: "nosuch" is invalid; allowed: a profile file or one of: .*quick.*validation/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('%j', async (args, line) => {
    await expectUsage(args as string[], line as RegExp);
  });
});

describe.concurrent('writeprof run: bad profile files', () => {
  it('unknown key, named with its place and the allowed keys', async () => {
    const p = file('unknown.json', JSON.stringify({ name: 'x', suites: [{ mode: 'batch', treads: 4 }] }));
    await expectUsage(['--profile', p], /unknown\.json: suites\[0\]\.treads: unknown key; allowed: mode, strategy, valueSize, batchSize, threads, keyDist, updateShare, loadFactor, keys$/);
  });

  it('bad values inside the file', async () => {
    const p = file('values.json', JSON.stringify({ name: 'x', suites: [{ mode: 'single', valueSize: [64, 0] }] }));
    await expectUsage(['--profile', p], /values\.json: suites\[0\]\.valueSize: 0 is invalid; allowed: 8 B to 64\.0 KiB/);
    const q = file('lf.json', JSON.stringify({ name: 'x', defaults: { loadFactor: 1.5 }, suites: [{ mode: 'single' }] }));
    await expectUsage(['--profile', q], /lf\.json: defaults\.loadFactor: 1\.5 is invalid; allowed: a number in \(0, 0\.95\]$/);
  });

  it('invalid JSON, with its line and column', async () => {
    const p = file('broken.json', '{\n  "name": "x",\n  "suites": [ { "mode": "batch" } ]\n  "extra": 1\n}\n');
    await expectUsage(['--profile', p], /broken\.json: invalid JSON at line 4, column 3: unexpected '"'; expected ',' or '}'$/);
  });

  it('missing file and a directory instead of a file', async () => {
    await expectUsage(['--profile', join(dir, 'absent.json')], /absent\.json: no such file$/);
    mkdirSync(join(dir, 'folder.json'));
    await expectUsage(['--profile', join(dir, 'folder.json')], /folder\.json: is a directory, not a file$/);
  });
});

describe.concurrent('writeprof run: impossible sweeps fail before anything runs', () => {
  it('a value arena over the limit names the case', async () => {
    await expectUsage(
      ['--profile', 'quick', '--mode', 'batch', '--strategy', 'baseline', '--keys', '100000000', '--value-size', '64K'],
      /^writeprof: case batch\/baseline\/v65536\/b100\/t1\/uniform\/u0\.25\/lf0\.5\/k100000000: value arena needs 6\.0 TiB/,
    );
  });

  it('a batch larger than the keys of a sample', async () => {
    await expectUsage(['--profile', 'quick', '--mode', 'batch', '--batch-size', '5000', '--keys', '1000'], /keys \(1000\) is below batchSize \(5000\)/);
  });

  it('an output path that cannot be written', async () => {
    const blocker = file('blocker', '');
    const r = await runCli(['run', '--profile', 'quick', '--output', join(blocker, 'r.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^writeprof: --output: cannot create directory .*blocker \(EEXIST: a file is in the way\)$/)]);
  });

  it('a baseline is not overwritten without --force', async () => {
    const base = join(dir, 'reports', 'baselines');
    mkdirSync(base, { recursive: true });
    file('reports/baselines/cpu.json', '{}');
    const r = await runCli(['run', '--profile', 'quick', '--output', join(base, 'cpu.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^writeprof: --output: .*cpu\.json is a committed baseline; pass --force to overwrite it$/);
    expect(readdirSync(base)).toEqual(['cpu.json']);
  });
});
