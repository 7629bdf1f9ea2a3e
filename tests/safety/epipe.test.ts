/**
 * A reader that closes the pipe (`writeprof … | head -1`, `| true`) gets no
 * stack trace; the command still writes its files and its exit code says how the work went.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { makeCase, makeDoc, noisySamples } from '../stats/helpers.js';
import { BIN, TINY, requireCli, tempDir } from './helpers.js';
import { writeFileSync } from 'node:fs';

beforeAll(requireCli);

/** Runs the CLI with its stdout (and optionally stderr) read end closed before it writes anything. */
function withClosedPipes(args: string[], closeStderr: boolean): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  child.stdout.destroy();
  let stderr = '';
  if (closeStderr) child.stderr.destroy();
  else child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

const NO_TRACE = /EPIPE|node:events|    at /;

describe.concurrent('EPIPE on stdout/stderr is quiet and changes nothing else', () => {
  it('run | head: the results file is written and the exit code is 0', async () => {
    const out = join(tempDir('epipe'), 'r.json');
    const r = await withClosedPipes(['run', ...TINY, '-f', 'json', '-o', out], false);
    expect(r.stderr).not.toMatch(NO_TRACE);
    expect(r.code).toBe(0);
    expect(readResults(out).cases).toHaveLength(2);
  });

  it('run 2>&1 | true (both streams closed, notes on): the file is still written, exit 0', async () => {
    const out = join(tempDir('epipe2'), 'r.json');
    const r = await withClosedPipes(['run', ...TINY.filter((a) => a !== '-q'), '-o', out], true);
    expect(r.code).toBe(0);
    expect(readResults(out).cases).toHaveLength(2);
  });

  it('compare | true keeps the gate\'s verdict: exit 1 on a regression, no trace', async () => {
    const dir = tempDir('epipe-cmp');
    // 40x slower: beyond the separate-runs bound, so two separate runs show it as a regression.
    const a = { strategy: 'baseline' } as const;
    const b = { strategy: 'lock-free' } as const;
    writeFileSync(join(dir, 'base.json'), JSON.stringify(makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 1), a), makeCase(noisySamples(20, 2e6, 0.02, 2), b)])));
    writeFileSync(join(dir, 'slow.json'), JSON.stringify(makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 5), a), makeCase(noisySamples(20, 5e4, 0.02, 6), b)])));
    const r = await withClosedPipes(['compare', join(dir, 'base.json'), join(dir, 'slow.json')], false);
    expect(r.stderr).not.toMatch(NO_TRACE);
    expect(r.code).toBe(1);
  });

  it('devices | head: exit 0, no trace', async () => {
    const r = await withClosedPipes(['devices'], false);
    expect(r.stderr).not.toMatch(NO_TRACE);
    expect(r.code).toBe(0);
  });
});
