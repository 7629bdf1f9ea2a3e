/**
 * A strategy file built by nvcc for the cuda backend: compiled with kernels/cuda's flags, linked
 * into its own copy of writeprof's CUDA addon (libwpcuda.a, the static runtime), its ptxas resource
 * usage shown by `writeprof kernels`, nvcc's errors shown as the user's; and the backend a run
 * with a strategy file picks when there is no GPU. Needs nvcc (CI has it), not a GPU.
 */
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAddonAt } from '../../src/backends/native.js';
import { ROOT, runCli } from '../cli/helpers.js';
import { strategyDirs } from './dirs.js';
import { cudaAvailable, cudaBuilt, nvccFound } from '../cuda/helpers.js';

const EXAMPLE = 'examples/strategies/coop4_cas.cu';
const FIXTURES = join(ROOT, 'tests', 'strategy-file', 'fixtures');

const dirs = strategyDirs('cuda');
const env = (): Record<string, string> => dirs.env();

describe.skipIf(!nvccFound || !cudaBuilt)('the nvcc build of a strategy file', () => {
  it('writeprof kernels --strategy-file: its kernels\' ptxas resource usage beside the built-ins, from a cached CUDA addon that declares it', async () => {
    const r = await runCli(['kernels', '--strategy-file', EXAMPLE, '--json'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { strategyFiles: { name: string; sha256: string }[]; kernels: { name: string; arch: string; family: string | null; strategies: string[]; modes: string[]; registers: number; blockSize: number | null; occupancy: { occupancy: number } | null }[] };
    expect(doc.strategyFiles.map((f) => f.name)).toEqual(['coop4-cas']);
    const mine = doc.kernels.filter((k) => k.family === 'coop4-cas');
    // count and plain, for each architecture kernels/cuda is built for
    const archs = [...new Set(doc.kernels.filter((k) => k.family === 'baseline').map((k) => k.arch))].sort();
    const names = ['wp_user_count', 'wp_user_plain', 'wp_user_single_count', 'wp_user_single_plain'];
    expect(mine.map((k) => `${k.name}@${k.arch}`).sort()).toEqual(archs.flatMap((a) => names.map((n) => `${n} (coop4-cas)@${a}`)).sort());
    for (const k of mine) {
      expect(k.strategies).toEqual(['coop4-cas']);
      expect(k.registers).toBeGreaterThan(0);
      // the batch kernels as the example's WP_STRATEGY declares them; its WP_STRATEGY_SINGLE's server is one warp
      const server = k.name.startsWith('wp_user_single_');
      expect(k.blockSize).toBe(server ? 32 : 128);
      expect(k.modes).toEqual(server ? ['single'] : ['batch', 'concurrent']);
      expect(k.occupancy?.occupancy).toBeGreaterThan(0);
    }
    // The built-ins are all still there.
    expect(doc.kernels.some((k) => k.family === 'write-combine')).toBe(true);

    // The cache holds one nvcc build: a writeprof addon with the CUDA runner that carries the file's kernel.
    const entries = readdirSync(join(dirs.cache, 'strategies')).filter((e) => e.startsWith('coop4-cas-cuda-'));
    expect(entries).toHaveLength(1);
    const addon = loadAddonAt(join(dirs.cache, 'strategies', entries[0]!, 'writeprof.node'));
    expect(addon.strategyFile()).toMatchObject({ block: 128, writesPerBlock: 32, orderRun: 1, single: true });
    expect(addon.cudaStatus().compiled).toBe(true);

    // The table names the file's kernels; a second call builds nothing.
    const table = await runCli(['kernels', '--strategy-file', EXAMPLE], { env: env() });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/wp_user_count \(coop4-cas\)\s*│ sm_\d+\s*│\s*\d+ │/);
    expect(readdirSync(join(dirs.cache, 'strategies')).filter((e) => e.startsWith('coop4-cas-cuda-'))).toEqual(entries);
  });

  it('shows nvcc\'s errors at their file(line) as nvcc printed them, and nothing else; exit 2', async () => {
    copyFileSync(join(FIXTURES, 'broken.cu'), join(dirs.work, 'broken.cu'));
    const r = await runCli(['kernels', '--strategy-file', 'broken.cu'], { cwd: dirs.work, env: env() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^broken\.cu\(6\): error: .*undeclared_key/);
    for (const l of lines) expect(l).toMatch(/^broken\.cu\(\d+\): error/);
  });

  it('never writes its output over the strategy file', async () => {
    const mine = join(dirs.work, 'mine.cu');
    copyFileSync(join(ROOT, EXAMPLE), mine);
    const r = await runCli(['kernels', '--strategy-file', mine, '-o', mine], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--output/);
  });
});

describe.skipIf(cudaAvailable)('a strategy file without a GPU', () => {
  it('--backend cuda says why not, in one line naming the emulator; the CPU backend is refused as no CUDA kernel runner', async () => {
    const cuda = await runCli(['run', '--backend', 'cuda', '--strategy-file', EXAMPLE, '--profile', 'quick'], { env: env() });
    expect(cuda.code).toBe(2);
    expect(cuda.stderr.trim().split('\n')).toHaveLength(1);
    expect(cuda.stderr).toMatch(/^writeprof: backend cuda: unavailable \(.*\); a strategy file runs on the emulator too: --backend cuda-emu$/m);
    const cpu = await runCli(['run', '--backend', 'cpu', '--strategy-file', EXAMPLE, '--profile', 'quick'], { env: env() });
    expect(cpu.code).toBe(2);
    expect(cpu.stderr.trim()).toMatch(/^writeprof: --strategy-file: a strategy file is a CUDA kernel: it runs on cuda-emu \(the emulator\) and cuda \(nvcc's build\); --backend is cpu$/);
  });

  it('the default backend is then the emulator, where the file runs beside the built-ins', async () => {
    const out = join(dirs.work, 'auto.json');
    const r = await runCli(['run', '--strategy-file', EXAMPLE, '--profile', 'check', '--mode', 'batch', '--key-dist', 'uniform', '--value-size', '64', '--keys', '300', '--batch-size', '100', '--strategy', 'baseline', '--no-memory-traffic', '--no-claims', '-o', out], { env: env() });
    // (a long line is wrapped onto indented lines)
    expect(r.stderr.replace(/\n +/g, ' ')).toMatch(/^backend: cuda-emu .*\(a strategy file runs on cuda or cuda-emu; cuda unavailable: /m);
    expect(r.code).toBe(0);
  });
});
