/**
 * Unbounded input ends in bounded time with exit 2 and one line naming the file:
 * nesting depth, input bytes (a file, a device that never ends), cases per plan, samples per case,
 * and pre-flight steps that could wait forever.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCase, makeDoc } from '../stats/helpers.js';
import { BIN, ROOT, isRoot, mkfifo, mknodChar, requireCli, tempDir, writeDoc } from './helpers.js';

beforeAll(requireCli);

const dir = tempDir('limits');
const f = (name: string): string => join(dir, name);

/** The CLI with a hard time limit: a command that never ends fails the test instead of hanging it. */
function bounded(args: string[], seconds = 20): { code: number | null; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: seconds * 1000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr, ms: Date.now() - t0 };
}

function expectOneLine(r: { code: number | null; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

describe.concurrent('limits', () => {
  it('deeply nested JSON: exit 2 naming the file and where, not a stack overflow', () => {
    writeFileSync(f('deep.json'), '['.repeat(200_000) + ']'.repeat(200_000));
    expectOneLine(bounded(['run', '--profile', f('deep.json')]), /^writeprof: .*deep\.json: invalid JSON at line 1, column 65: nested deeper than 64 levels$/);
    expectOneLine(bounded(['compare', f('deep.json'), f('deep.json')]), /deep\.json: invalid JSON at line 1, column 65: nested deeper than 64 levels$/);
  });

  it('a profile whose cartesian product is ~80 M cases is refused at once', () => {
    const many = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);
    writeFileSync(f('huge.json'), JSON.stringify({ name: 'huge', suites: [{ mode: 'batch', strategy: 'all', valueSize: many(200, 8), batchSize: many(200, 1), keys: many(400, 1000) }] }));
    const r = bounded(['run', '--profile', f('huge.json')]);
    expectOneLine(r, /^writeprof: the profile and flags expand to 80,000,000 cases; at most 10,000 per run/);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('an input over its limit is refused before parsing: 16 MiB for a profile, what the largest results document takes for results', () => {
    writeFileSync(f('padded-profile.json'), JSON.stringify({ name: 'p', suites: [{ mode: 'batch' }] }) + ' '.repeat(17 * 2 ** 20));
    expectOneLine(bounded(['run', '--profile', f('padded-profile.json')]), /padded-profile\.json: 17\.0 MiB; inputs are limited to 16\.0 MiB$/);
    const small = JSON.stringify(makeDoc([makeCase([1e6, 1e6, 1e6, 1e6, 1e6])]));
    writeFileSync(f('padded.json'), small + ' '.repeat(51 * 2 ** 20));
    expectOneLine(bounded(['compare', f('padded.json'), f('padded.json')]), /padded\.json: 51\.0 MiB; inputs are limited to 50\.5 MiB$/);
  });

  it.skipIf(!isRoot)('a device that never ends (a zero device) is read up to the limit, then refused', () => {
    const zero = mknodChar(f('zero'), 1, 5);
    const r = bounded(['compare', zero, writeDoc(f('ok.json'))]);
    expectOneLine(r, /zero: more than 50\.5 MiB; inputs are limited to 50\.5 MiB$/);
  });

  it('more samples in a case than any run takes: refused (compare would bootstrap for minutes)', () => {
    const big = writeDoc(f('many-samples.json'), (d) => {
      d.cases[0]!.samples = Array.from({ length: 10_001 }, (_, i) => 1e6 + i);
      d.cases[0]!.stats.n = 10_001;
    });
    expectOneLine(bounded(['compare', big, big]), /cases\[0\]\.samples: 10001 samples; at most 10000 per case/);
    expectOneLine(bounded(['run', '--max-samples', '20000']), /--max-samples: "20000" is invalid; allowed: an integer from 1 to 10000$/);
  });

  it('pre-flight ends in bounded time: a FIFO with no writer as the profile or a results input', () => {
    const fifo = mkfifo(f('silent'));
    const r = bounded(['run', '--profile', fifo]);
    expectOneLine(r, /silent: invalid JSON at line 1, column 1: unexpected end of input/);
    expect(r.ms).toBeLessThan(10_000);
    expectOneLine(bounded(['compare', fifo, writeDoc(f('ok2.json'))]), /silent: invalid JSON/);
  });
});
