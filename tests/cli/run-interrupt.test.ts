/**
 * Interrupted runs, with real signals to a real child process: the first SIGINT/SIGTERM stops at
 * the next safe point and writes the finished cases as a valid document marked partial; a second
 * signal exits at once.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { ADDON, requireBuilt, startCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-cli-int-'));

beforeAll(() => {
  requireBuilt();
  if (!existsSync(ADDON)) throw new Error(`native addon missing (${ADDON}): run \`make build\``);
});

/** Starts the 60-case validation sweep and resolves once it has begun measuring. */
async function startSweep(out: string) {
  const run = startCli(['run', '--backend', 'cpu', '--profile', 'validation', '--output', out]);
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    run.child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('cases\n')) resolve();
    });
    run.child.on('close', () => reject(new Error(`exited before the sweep began: ${stderr}`)));
  });
  return run;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The CPU time a process has used (user + system, all threads), in clock ticks of 10 ms. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

describe('interrupting writeprof run', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s writes the finished cases as a partial document and exits %d', async (signal, code) => {
    const out = join(dir, `${signal}.json`);
    const run = await startSweep(out);
    // Once a case is finished (its journal line is written), however long that takes under load.
    const journal = `${out}.journal`;
    while (!(existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length >= 3)) {
      expect(run.child.exitCode, 'the sweep ended before a case finished').toBeNull();
      await sleep(25);
    }
    run.child.kill(signal);
    const r = await run.done;
    expect(r.code).toBe(code);
    const last = r.stderr.trim().split('\n').pop();
    expect(last).toMatch(new RegExp(`^writeprof: interrupted by ${signal}: wrote \\d+ of 60 cases \\(partial\\) to .*${signal}\\.json$`));
    const doc = readResults(out);
    expect(doc.partial).toBe(true);
    expect(doc.cases.length).toBeGreaterThanOrEqual(1);
    expect(doc.cases.length).toBeLessThan(60);
    expect(last).toContain(`wrote ${doc.cases.length} of 60`);
    for (const c of doc.cases) expect(c.status).toBe('ok');
  });

  it('a second SIGINT exits at once, without waiting for the sample in flight', async () => {
    // One batch case whose samples take seconds: both signals land inside the first one.
    const out = join(dir, 'twice.json');
    const run = startCli(['run', '--backend', 'cpu', '--profile', 'quick', '--mode', 'batch', '--strategy', 'baseline', '--batch-size', '1000', '--keys', '2000000', '--output', out]);
    await new Promise<void>((resolve) => run.child.stderr!.on('data', (d: Buffer) => d.toString().includes('cases\n') && resolve()));
    // The case is under way once the process has spent 0.2 s of CPU past its headline (opening
    // 2,000,000 keys alone takes longer): counted in CPU time, so a loaded machine cannot race it.
    const atHeadline = cpuTicks(run.child.pid!);
    while (cpuTicks(run.child.pid!) - atHeadline < 20) {
      expect(run.child.exitCode, 'the run ended before its case began').toBeNull();
      await sleep(10);
    }
    run.child.kill('SIGINT');
    await sleep(50);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT again: exiting now without writing results/);
    expect(existsSync(out)).toBe(false);
  });
});
