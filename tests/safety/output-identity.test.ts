/**
 * Every output of every command is compared with every input by identity (device and inode,
 * links followed), not by spelling: merge's --output through a link, slurm's files in --dir, ab's
 * --output-dir, compare's step summary. And a FIFO (or device) gets the format its name asks for.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADDON } from '../cli/helpers.js';
import { TINY_PROFILE } from '../slurm/tiny-profile.js';
import { TINY, mkfifo, requireCli, runCli, tempDir, writeDoc } from './helpers.js';

beforeAll(requireCli);

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

/** A whole run's results (a merge input that merges alone). */
async function runResults(dir: string): Promise<string> {
  const out = join(dir, 'run.json');
  const r = await runCli(['run', ...TINY, '-o', out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe.concurrent('an output that is an input, by any other name, is refused', () => {
  it('merge --output: a symbolic link to an input, or a hard link to one', async () => {
    const dir = tempDir('merge-link');
    const input = await runResults(dir);
    const before = readFileSync(input);
    symlinkSync(input, join(dir, 'via-symlink.json'));
    linkSync(input, join(dir, 'via-hardlink.json'));
    for (const out of ['via-symlink.json', 'via-hardlink.json']) {
      const r = await runCli(['merge', input, '-o', join(dir, out), '-q']);
      expect(r.code, out).toBe(2);
      expect(oneLine(r.stderr)).toMatch(new RegExp(`--output: .*${out} is the input .*run\\.json; writing it would destroy the input`));
    }
    expect(readFileSync(input)).toEqual(before);
  });

  it('slurm: a --profile inside --dir, where the frozen profile goes, is not replaced (nothing written)', async () => {
    const dir = join(tempDir('slurm-profile'), 'fleet');
    mkdirSync(dir);
    const profile = join(dir, 'profile.json');
    writeFileSync(profile, JSON.stringify(TINY_PROFILE));
    const before = readFileSync(profile);
    const r = await runCli(['slurm', '--profile', profile, '--shards', '2', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/--dir: .*fleet\/profile\.json is the input .*profile\.json; writing it would destroy the input/);
    expect(readFileSync(profile)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['profile.json']);
  });

  it('compare: GITHUB_STEP_SUMMARY naming an input is refused before anything is appended', async () => {
    const dir = tempDir('summary');
    const a = writeDoc(join(dir, 'a.json'));
    const b = writeDoc(join(dir, 'b.json'));
    linkSync(b, join(dir, 'summary.md'));
    const before = readFileSync(b);
    const r = await runCli(['compare', a, b], { env: { GITHUB_STEP_SUMMARY: join(dir, 'summary.md') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GITHUB_STEP_SUMMARY: .*summary\.md is the input .*b\.json/);
    expect(readFileSync(b)).toEqual(before);
  });

  it('ab: a profile where --output-dir puts head.json is refused before any build or measurement', async () => {
    const dir = tempDir('ab-out');
    const profile = join(dir, 'head.json');
    writeFileSync(profile, JSON.stringify(TINY_PROFILE));
    const before = readFileSync(profile);
    copyFileSync(ADDON, join(dir, 'base.node'));
    const r = await runCli(['ab', '--base', join(dir, 'base.node'), '--head', ADDON, '--profile', profile, '--rounds', '6', '--samples-per-round', '1', '--output-dir', dir, '-q']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/--output-dir: .*head\.json is the input .*head\.json/);
    expect(readFileSync(profile)).toEqual(before);
    expect(existsSync(join(dir, 'ab.json'))).toBe(false);
  });
});

describe('a FIFO output gets the format its name asks for', () => {
  it('-o <FIFO named .md>: the markdown report goes through it; the JSON goes under reports/', async () => {
    const dir = tempDir('fifo-md');
    const fifo = mkfifo(join(dir, 'report.md'));
    const reader = spawn('timeout', ['60', 'cat', fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const readerDone = new Promise((resolve) => reader.on('close', resolve));
    const r = await runCli(['run', ...TINY, '-o', fifo], { cwd: dir });
    await readerDone;
    expect(r.code, r.stderr).toBe(0);
    expect(got).toMatch(/^# /m);
    expect(got).toContain('| Batch Size |');
    expect(() => JSON.parse(got)).toThrow();
    expect(readdirSync(join(dir, 'reports')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });
});
