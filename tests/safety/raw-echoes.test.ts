/**
 * File names are echoed through one escaping function wherever they appear: merge's summary and
 * the merged document's record of its inputs, ab's notes, table and step-summary markdown. Names
 * here hold an escape sequence, a bell and a newline; what is printed holds none of them raw.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADDON } from '../cli/helpers.js';
import { TINY, requireCli, runCli, tempDir } from './helpers.js';

const NASTY = 'x\u001b[2J\u0007\nline';
const ESCAPED = 'x\\e[2J\\x07\\nline';
// Raw control characters other than the newlines between lines.
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f]/;

beforeAll(requireCli);

function clean(text: string): void {
  expect(text).not.toMatch(RAW);
  for (const line of text.split('\n')) expect(line.startsWith('line')).toBe(false); // no name split across lines
}

describe.concurrent('names are escaped wherever they are echoed', () => {
  it('merge: the summary on stderr and the merged document printed on stdout', async () => {
    const dir = tempDir('echo-merge');
    const input = join(dir, `${NASTY}.json`);
    const r0 = await runCli(['run', ...TINY, '-o', input]);
    expect(r0.code, r0.stderr).toBe(0);
    const r = await runCli(['merge', input, '-o', join(dir, 'all.json'), '--format', 'markdown']);
    // An A/A run of 6 rounds passes or is inconclusive (exit 2), never a regression: either way
    // every line it wrote is what is checked here.
    expect([0, 2], r.stderr).toContain(r.code);
    clean(r.stderr);
    clean(r.stdout);
    expect(r.stderr).toContain(ESCAPED);
  });

  it('ab: notes, the table and the step summary name the builds and outputs escaped', async () => {
    const dir = tempDir('echo-ab');
    const base = join(dir, `${NASTY}.node`);
    copyFileSync(ADDON, base);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const r = await runCli(
      ['ab', '--base', base, '--head', ADDON, '--mode', 'batch', '--strategy', 'baseline', '--batch-size', '100', '--keys', '1000', '--rounds', '6', '--samples-per-round', '1', '--warmup', '0', '--output-dir', join(dir, NASTY)],
      { env: { GITHUB_STEP_SUMMARY: summary } },
    );
    // An A/A run of 6 rounds passes or is inconclusive (exit 2), never a regression: either way
    // every line it wrote is what is checked here.
    expect([0, 2], r.stderr).toContain(r.code);
    clean(r.stderr);
    clean(r.stdout);
    clean(readFileSync(summary, 'utf8'));
    expect(r.stderr).toContain(ESCAPED);
  });
});
