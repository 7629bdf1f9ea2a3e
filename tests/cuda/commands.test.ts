import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../src/model.js';
import { requireBuilt, runCli } from '../cli/helpers.js';
import { KERNELS_JSON_PATH, cudaAvailable, cudaBuilt, noDriver, nvccFound } from './helpers.js';

beforeAll(() => requireBuilt());

interface KernelJson {
  name: string;
  strategies: string[];
  modes: string[];
  counters: boolean;
  arch: string;
  blockSize: number;
  registers: number;
  sharedBytes: number;
  spillStoreBytes: number;
  spillLoadBytes: number;
  stackBytes: number;
  occupancy: { occupancy: number; blocksPerSM: number; limitedBy: string } | null;
}

describe.skipIf(!nvccFound)('writeprof kernels (built with nvcc, no GPU needed)', () => {
  it('--json: every strategy on sm_80 and sm_90, registers above zero, no spills, occupancy computed', async () => {
    const r = await runCli(['kernels', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { kernels: KernelJson[]; archs: string[] };
    expect(doc.archs).toEqual(['sm_80', 'sm_90']);
    for (const arch of ['sm_80', 'sm_90']) {
      for (const s of STRATEGIES) {
        const ks = doc.kernels.filter((k) => k.arch === arch && k.strategies.includes(s));
        // batch/concurrent kernel and the single-mode one, each counting and plain
        expect(ks.length, `${s} on ${arch}`).toBeGreaterThanOrEqual(2);
        for (const k of ks) {
          expect(k.registers, k.name).toBeGreaterThan(0);
          expect(k.registers, k.name).toBeLessThanOrEqual(255);
          expect([k.spillStoreBytes, k.spillLoadBytes, k.stackBytes], `${k.name} ${arch}`).toEqual([0, 0, 0]);
          expect(k.occupancy, k.name).not.toBeNull();
          expect(k.occupancy!.occupancy).toBeGreaterThan(0);
          expect(k.occupancy!.occupancy).toBeLessThanOrEqual(1);
        }
        expect(ks.some((k) => k.modes.includes('single')), `${s} single on ${arch}`).toBe(true);
        expect(ks.some((k) => k.modes.includes('batch')), `${s} batch on ${arch}`).toBe(true);
      }
    }
    // mem-opt and write-combine stage values in shared memory; the others use none.
    const smem = (name: string) => doc.kernels.find((k) => k.name === name && k.arch === 'sm_90')!.sharedBytes;
    expect(smem('wp_mem_opt_count')).toBeGreaterThanOrEqual(16384);
    expect(smem('wp_write_combine_count')).toBeGreaterThanOrEqual(32768);
    expect(smem('wp_baseline_count')).toBe(0);
  });

  it('table: one row per kernel build with its occupancy', async () => {
    const r = await runCli(['kernels']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /wp_\w+_(count|plain)\s*│ sm_\d+/.test(l));
    expect(rows.length).toBe(28);
    expect(r.stdout).toMatch(/wp_write_combine_count\s*│ sm_90\s*│\s*\d+ │/);
    // what each kernel runs: once per kernel
    expect(r.stdout).toMatch(/wp_write_combine_count\s*│ write-combine\s*│ batch, concurrent\s*│ on/);
    expect(r.stdout).toMatch(/\d+% \(\d+×\d+\)/);
  });
});

describe.skipIf(nvccFound || existsSync(KERNELS_JSON_PATH))('writeprof kernels without a CUDA build', () => {
  it('exits 2 with one line saying the CUDA code was not built', async () => {
    const r = await runCli(['kernels']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/CUDA kernels were not built.*nvcc/);
  });
});

describe('writeprof devices', () => {
  it('--json lists cpu, cuda and cuda-emu with availability, and the reason CUDA is not usable', async () => {
    const r = await runCli(['devices', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { backends: { name: string; available: boolean; reason?: string; compiled?: boolean; device?: Record<string, unknown> }[] };
    expect(doc.backends.map((b) => b.name)).toEqual(['cpu', 'cuda', 'cuda-emu']);
    expect(doc.backends[2]).toMatchObject({ available: true, device: { kind: 'emulator' } });
    const cuda = doc.backends[1]!;
    expect(cuda.compiled).toBe(cudaBuilt);
    if (cuda.available) {
      expect(cuda.device).toMatchObject({ kind: 'gpu' });
      for (const f of ['computeCapability', 'sms', 'memoryBytes', 'memBandwidthGBs', 'pcie']) expect(cuda.device).toHaveProperty(f);
    } else {
      expect(cuda.reason).toBeTruthy();
      if (cudaBuilt && noDriver) expect(cuda.reason).toMatch(/driver/);
      if (!cudaBuilt) expect(cuda.reason).toMatch(/without CUDA|addon not built/);
    }
  });

  it('table: a row per backend, the reason in the row of an unavailable one', async () => {
    const r = await runCli(['devices']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ cpu\s+│ (yes|no)/);
    expect(r.stdout).toMatch(cudaAvailable ? /│ cuda\s+│ yes/ : /│ cuda\s+│ no\s+│ —\s+│ \S/);
  });
});

describe.skipIf(cudaAvailable)('writeprof run --backend cuda without a usable GPU', () => {
  it('exits 2 with one line saying why and that --backend cpu works', async () => {
    const r = await runCli(['run', '--backend', 'cuda', '--profile', 'quick']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^writeprof: backend cuda: unavailable \(.+\); use --backend cpu$/);
    if (cudaBuilt && noDriver) expect(lines[0]).toMatch(/driver/);
  });
});
