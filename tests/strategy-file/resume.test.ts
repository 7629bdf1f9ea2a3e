/**
 * `run --resume` of a run with a strategy file: the journal names the file and its hash; resuming
 * builds it again and finishes the sweep with it, and a file changed since the run began is
 * refused (its cases would not be the same kernel).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, startCli } from '../cli/helpers.js';
import { strategyDirs } from './dirs.js';

const SMALL = ['--profile', 'check', '--mode', 'batch', '--value-size', '64', '--key-dist', 'uniform', '--keys', '600', '--batch-size', '200', '--no-claims', '--no-memory-traffic'];

const dirs = strategyDirs('resume');
const env = (): Record<string, string> => dirs.env();

/** Lines of the journal that record a finished case (the header is the first). */
function casesIn(journal: string): number {
  return existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.startsWith('{')).length - 1 : 0;
}

describe('run --resume with a strategy file', () => {
  it('refuses a file changed since the run began, and finishes the sweep with the very file', async () => {
    const mine = join(dirs.work, 'mine.cu');
    copyFileSync(join(ROOT, 'examples', 'strategies', 'coop4_cas.cu'), mine);
    const out = join(dirs.work, 'out.json');
    const journal = `${out}.journal`;
    // Killed (no chance to finish) once a case is journaled. Under load the kill may land after
    // the last case: the journal is then whole, and resume has nothing left to run; both hold below.
    const run = startCli(['run', '--backend', 'cuda-emu', '--strategy-file', mine, ...SMALL, '-o', out], { env: env() });
    const deadline = Date.now() + 300_000;
    while (casesIn(journal) < 1 && run.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    run.child.kill('SIGKILL');
    await run.done;
    expect(existsSync(journal)).toBe(true);
    expect(existsSync(out)).toBe(false);
    const header = JSON.parse(readFileSync(journal, 'utf8').split('\n')[0]!) as { run: { strategyFiles: { name: string; path: string }[] } };
    expect(header.run.strategyFiles.map((f) => f.name)).toEqual(['coop4-cas']);

    const original = readFileSync(mine, 'utf8');
    writeFileSync(mine, `${original}\n// changed\n`);
    const refused = await runCli(['run', '--resume', journal], { env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^writeprof: --resume: the strategy file .*mine\.cu changed since the run began/);
    expect(existsSync(out)).toBe(false);

    writeFileSync(mine, original);
    const resumed = await runCli(['run', '--resume', journal, '-q'], { env: env() });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { strategyFiles: { name: string; path: string; sha256: string }[]; cases: { strategy: string; error?: string; verification?: { lost: number } }[] };
    expect(doc.strategyFiles).toEqual([expect.objectContaining({ name: 'coop4-cas', path: mine })]);
    // every strategy once (one batch shape), the file's included, none failed
    expect(doc.cases.map((c) => c.strategy).sort()).toEqual(['baseline', 'coop4-cas', 'lock-free', 'mem-opt', 'warp-coop', 'write-combine']);
    for (const c of doc.cases) expect(c.error).toBeUndefined();
  });
});
