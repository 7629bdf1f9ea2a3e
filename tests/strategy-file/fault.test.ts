/**
 * A strategy file whose kernel faults fails its own cases with the emulator's fault report, in
 * the words a built-in kernel's fault gets (the kernel, its launch, the block and thread, the
 * address); the other strategies' cases run and the results are written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../cli/helpers.js';
import { strategyDirs } from './dirs.js';

const dirs = strategyDirs('fault');
const env = (): Record<string, string> => dirs.env();

describe('a strategy file whose kernel faults', () => {
  it('fails its cases with the emulator\'s fault report naming wp_user_count; the built-ins\' cases run; exit 1', async () => {
    const out = join(dirs.work, 'out.json');
    const r = await runCli(
      ['run', '--backend', 'cuda-emu', '--strategy-file', join(ROOT, 'tests', 'strategy-file', 'fixtures', 'faults.cu'), '--profile', 'check', '--mode', 'batch', '--value-size', '64',
        '--key-dist', 'uniform', '--keys', '400', '--batch-size', '200', '--strategy', 'baseline', '--no-claims', '--no-memory-traffic', '-o', out],
      { env: env() },
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { cases: { strategy: string; error?: string }[] };
    const byStrategy = new Map(doc.cases.map((c) => [c.strategy, c]));
    expect(byStrategy.get('baseline')?.error).toBeUndefined();
    expect(byStrategy.get('faults')?.error).toMatch(/^CUDA write kernel: kernel wp_user_count<<<\d+, 128>>> \(emulator seed \d+\): block 0: illegal memory access \(SIGSEGV at address \(nil\)\) by thread 0/);
    expect(r.stdout.replace(/\n +/g, ' ')).toMatch(/FAILED \(exit 1\): 1 of 2 cases/);
  });
});
