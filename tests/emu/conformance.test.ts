/**
 * Conformance of every CUDA kernel, run on the host SIMT emulator (cuda-emu) from the real
 * kernels/cuda sources, against the CPU backend on the same key streams: every strategy x mode x
 * {uniform with a quarter of its writes updates, zipf:0.99} x value sizes {8, 64, 256, 4 KiB}, both
 * backends verify every write, none lost, stale (an update overwritten by an earlier write, under
 * the strategy's ordering promise) or corrupted. Counters are non-zero where writes contend (zipf batches and concurrent
 * streams: many emulated threads on few hot keys) and zero for the plain (non-counting) kernels.
 * Each kernel runs under three scheduler seeds. The table at the end is the conformance report.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend, NativeSample, OpenOptions } from '../../src/backends/backend.js';
import { cpuBackend } from '../../src/backends/cpu.js';
import { createEmuBackend } from '../../src/backends/cuda-emu.js';
import { MODES, STRATEGIES, caseId, type CaseSpec, type Mode, type Strategy } from '../../src/model.js';

const SEEDS = [1, 2, 3];
const VALUE_SIZES = [8, 64, 256, 4096];
const DISTS = ['uniform', 'zipf:0.99'];
const emu = new Map(SEEDS.map((seed) => [seed, createEmuBackend({ seed, workers: 0, timeoutSec: 30 })]));

function spec(strategy: Strategy, mode: Mode, valueSize: number, keyDist: string): CaseSpec {
  const c: Omit<CaseSpec, 'id'> = {
    strategy,
    mode,
    valueSize,
    batchSize: mode === 'single' ? 1 : 500,
    threads: mode === 'concurrent' ? 3 : 1,
    keyDist,
    ...(keyDist === 'uniform' ? { updateShare: 0.25 } : {}),
    loadFactor: 0.5,
    keys: mode === 'single' ? 160 : 1500,
  };
  return { id: caseId(c), ...c };
}

async function once(backend: Backend, s: CaseSpec, o: OpenOptions): Promise<NativeSample> {
  const h = backend.open(s, o);
  try {
    return await h.runSample();
  } finally {
    h.close();
  }
}

const conflicts = (s: NativeSample) => s.counters.lockRetries + s.counters.casFailures;
const report: string[] = [];

describe('every CUDA kernel on the emulator vs the CPU backend', () => {
  afterAll(() => {
    const head = 'kernel (strategy mode)     cases seeds  writes verified lost stale corrupted  conflicts probeSteps';
    process.stdout.write(`\ncuda-emu conformance (kernels/cuda on the host SIMT emulator vs the CPU backend)\n${head}\n${report.join('\n')}\n`);
  });

  for (const strategy of STRATEGIES) {
    for (const mode of MODES) {
      it(`${strategy} ${mode}: counting kernel, 8 shapes x 3 seeds rotated, every write verified on both backends`, async () => {
        let cases = 0, writes = 0, verified = 0, lost = 0, stale = 0, corrupted = 0, confl = 0, probes = 0;
        const contended: number[] = [];
        let i = 0;
        for (const keyDist of DISTS) {
          for (const valueSize of VALUE_SIZES) {
            const seed = SEEDS[i++ % SEEDS.length]!;
            const s = spec(strategy, mode, valueSize, keyDist);
            const o: OpenOptions = { countConflicts: true, slowdownNs: 0, latencyEvery: 0, seed };
            const g = await once(emu.get(seed)!, s, o);
            const c = await once(cpuBackend, s, o);
            const label = `${s.id} emulator seed ${seed}`;
            expect(g.verification.lost + g.verification.stale + g.verification.corrupted, label).toBe(0);
            expect(g.verification.verified, label).toBe(g.verification.distinct);
            expect(c.verification, label).toEqual(g.verification);
            expect(g.writes, label).toBe(s.keys);
            if (keyDist !== 'uniform' && mode !== 'single') contended.push(conflicts(g));
            cases++;
            writes += g.writes;
            verified += g.verification.verified;
            lost += g.verification.lost;
            stale += g.verification.stale;
            corrupted += g.verification.corrupted;
            confl += conflicts(g);
            probes += g.counters.probeSteps;
          }
        }
        if (mode !== 'single') {
          // Hot keys in a batch: many emulated threads contend for the same buckets. Write-combine
          // gives each bucket one lock holder per block, so its contention is between blocks only.
          if (strategy === 'write-combine') expect(contended.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
          else for (const n of contended) expect(n).toBeGreaterThan(0);
        } else {
          expect(confl, 'one write in flight at a time: nothing to contend with').toBe(0);
        }
        expect(probes).toBeGreaterThan(0);
        report.push(
          `${`${strategy} ${mode}`.padEnd(26)} ${String(cases).padStart(5)} ${SEEDS.join(',').padStart(6)} ${String(writes).padStart(7)} ${String(verified).padStart(8)} ${String(lost).padStart(4)} ${String(stale).padStart(5)} ${String(corrupted).padStart(9)} ${String(confl).padStart(10)} ${String(probes).padStart(10)}`,
        );
      });

      it(`${strategy} ${mode}: plain kernel (counters off) under seeds ${SEEDS.join(', ')}: no counters, every write verified`, async () => {
        for (const seed of SEEDS) {
          const s = spec(strategy, mode, 64, 'zipf:0.99');
          const g = await once(emu.get(seed)!, s, { countConflicts: false, slowdownNs: 0, latencyEvery: 0, seed });
          expect(g.counters, `seed ${seed}`).toEqual({ lockRetries: 0, casFailures: 0, probeSteps: 0 });
          expect(g.verification.lost + g.verification.stale + g.verification.corrupted, `seed ${seed}`).toBe(0);
          expect(g.verification.verified).toBe(g.verification.distinct);
          expect(Object.keys(g.phasesNs).filter((p) => ['probe', 'lock', 'copy', 'publish'].includes(p))).toEqual([]);
        }
      });
    }
  }
});
