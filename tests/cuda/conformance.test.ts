/**
 * The CUDA kernels against the CPU backend on the same streams: on the host SIMT emulator
 * (cuda-emu, every run) and on a GPU when there is one. Only the assertions about hardware
 * figures (bandwidth references) are for the GPU alone.
 *
 * "Identical table contents" is checked through verify_table, which both backends run on their
 * own table: it requires every distinct key of the stream to be found exactly once, no other
 * occupied slot, and each value intact and the value of a write the key may end with under its
 * strategy's ordering promise (kernels/include/writeprof/order.h). Uniform streams here update a
 * quarter of their keys; where the promise orders a key's writes (the CPU always, single mode,
 * submissions of one thread) one write is legal, so two tables that both verify completely hold the
 * same key -> write map there; where a kernel lets a batch's writes race, the key sets must match.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, NativeSample, OpenOptions } from '../../src/backends/backend.js';
import { cpuBackend } from '../../src/backends/cpu.js';
import { cudaBackend } from '../../src/backends/cuda.js';
import { createEmuBackend } from '../../src/backends/cuda-emu.js';
import { MODES, STRATEGIES, caseId, type CaseSpec } from '../../src/model.js';
import { clean } from '../native/helpers.js';
import { cudaAvailable } from './helpers.js';

const on: OpenOptions = { countConflicts: true, slowdownNs: 0, latencyEvery: 0, seed: 7 };

function spec(axes: Partial<Omit<CaseSpec, 'id'>>): CaseSpec {
  const c: Omit<CaseSpec, 'id'> = {
    strategy: 'baseline',
    mode: 'batch',
    valueSize: 64,
    batchSize: 512,
    threads: 1,
    keyDist: 'uniform',
    loadFactor: 0.5,
    keys: 4000,
    ...axes,
  };
  return { id: caseId(c), ...c };
}

async function sampleOn(backend: Backend, s: CaseSpec, o: OpenOptions = on): Promise<NativeSample> {
  const h = backend.open(s, o);
  try {
    await h.runSample(); // warm-up: lazy module loading, first-touch
    return await h.runSample();
  } finally {
    h.close();
  }
}


const targets: { name: string; backend: Backend; gpu: boolean }[] = [
  { name: 'cuda-emu (host SIMT emulator)', backend: createEmuBackend({ seed: 11, workers: 0, timeoutSec: 30 }), gpu: false },
  ...(cudaAvailable ? [{ name: 'cuda (GPU)', backend: cudaBackend, gpu: true }] : []),
];

describe.each(targets)('CUDA kernels on $name', ({ backend: cudaBackend, gpu: onGpu }) => {
  for (const strategy of STRATEGIES) {
    for (const mode of MODES) {
      it(`${strategy} ${mode}: the CPU's stream with updates, the same contents, nothing lost or stale`, async () => {
        const s = spec({ strategy, mode, keys: mode === 'single' ? 600 : 5000, threads: mode === 'concurrent' ? 4 : 1, updateShare: 0.25 });
        const gpu = await sampleOn(cudaBackend, s);
        const cpu = await sampleOn(cpuBackend, s);
        expect(gpu.verification).toEqual(clean(s.keys, 0.75 * s.keys));
        expect(cpu.verification).toEqual(gpu.verification);
        expect(gpu.writes).toBe(s.keys);
        expect(gpu.phasesNs['stage']).toBeGreaterThan(0);
        expect(gpu.phasesNs['kernel']).toBeGreaterThan(0);
        if (mode !== 'single' || strategy === 'baseline') {
          expect(gpu.phasesNs['h2d']).toBeGreaterThan(0);
          expect(gpu.phasesNs['d2h']).toBeGreaterThan(0);
        }
        if (mode === 'single') {
          const persistent = gpu.notes?.some((n) => n.includes('persistent kernel')) ?? false;
          expect(persistent).toBe(strategy !== 'baseline');
        }
      });
    }
  }

  // A hardware figure: the emulator's "bandwidth" is host memcpy, and cuda-emu reports none.
  it.skipIf(!onGpu)('bandwidth references: device copy faster than pinned h2d, h2d above 1 GB/s (GPU only: hardware figures)', async () => {
    const g = await sampleOn(cudaBackend, spec({ strategy: 'mem-opt' }));
    expect(g.bandwidth?.deviceCopyBytesPerSec).toBeGreaterThan(g.bandwidth?.pinnedH2DBytesPerSec ?? Infinity);
    expect(g.bandwidth?.pinnedH2DBytesPerSec).toBeGreaterThan(1e9);
  });

  for (const valueSize of [8, 100, 256, 1024, 4096, 65536]) {
    it(`every strategy at ${valueSize} B values (batch): values land byte for byte`, async () => {
      const keys = valueSize >= 65536 ? 300 : 3000;
      for (const strategy of STRATEGIES) {
        const gpu = await sampleOn(cudaBackend, spec({ strategy, valueSize, keys, batchSize: 700 }));
        expect(gpu.verification, strategy).toEqual(clean(keys));
      }
    });
  }

  it('hot keys (zipf 1.2, 4 threads): same key set as the CPU, nothing lost, conflicts counted', async () => {
    const conflicts: Record<string, number> = {};
    for (const strategy of STRATEGIES) {
      const s = spec({ strategy, mode: 'concurrent', threads: 4, keyDist: 'zipf:1.2', keys: 8000, batchSize: 2000 });
      const gpu = await sampleOn(cudaBackend, s);
      const cpu = await sampleOn(cpuBackend, s);
      expect(gpu.verification.lost + gpu.verification.stale + gpu.verification.corrupted, strategy).toBe(0);
      expect(gpu.verification.verified).toBe(gpu.verification.distinct);
      expect(gpu.verification.distinct).toBe(cpu.verification.distinct); // same distinct keys
      expect(gpu.verification.distinct).toBeLessThan(s.keys);
      conflicts[strategy] = gpu.counters.lockRetries + gpu.counters.casFailures;
    }
    expect(conflicts['baseline']).toBeGreaterThan(0);
    expect(conflicts['lock-free']).toBeGreaterThan(0);
  });

  // Half the writes update a key, many within one tile: updates of a key whose home bucket is full
  // go on along the probe path and must still land in the order the strategy promises.
  it('a nearly full table probes past home buckets without losing a write or an update', async () => {
    for (const strategy of STRATEGIES) {
      const gpu = await sampleOn(cudaBackend, spec({ strategy, loadFactor: 0.95, keys: 4000, updateShare: 0.5 }));
      expect(gpu.verification, strategy).toEqual(clean(4000, 2000));
      expect(gpu.counters.probeSteps, strategy).toBeGreaterThan(0);
    }
  });

  it('in-kernel phases split the kernel time; counters off keeps none', async () => {
    const s = spec({ strategy: 'mem-opt', keys: 20000, batchSize: 5000 });
    const counted = await sampleOn(cudaBackend, s);
    const parts = ['probe', 'lock', 'copy', 'publish'].map((p) => counted.phasesNs[p] ?? 0);
    expect(parts.every((x) => x >= 0)).toBe(true);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(counted.phasesNs['kernel']!, -1);
    const off = await sampleOn(cudaBackend, s, { ...on, countConflicts: false });
    expect(off.counters).toEqual({ lockRetries: 0, casFailures: 0, probeSteps: 0 });
    expect(off.phasesNs['probe']).toBeUndefined();
    expect(off.verification).toEqual(clean(20000));
  });

  it('single mode samples per-write latencies', async () => {
    for (const strategy of ['baseline', 'lock-free'] as const) {
      const gpu = await sampleOn(cudaBackend, spec({ strategy, mode: 'single', keys: 400 }), { ...on, latencyEvery: 10 });
      expect(gpu.latencyNs?.length, strategy).toBe(40);
      expect(Math.min(...gpu.latencyNs!)).toBeGreaterThan(0);
    }
  });
});
