// Every strategy x mode writes every key intact, at value sizes that take each strategy's
// distinct copy path (combine buffer < 256 B, direct >= 256 B, streaming stores >= 1 KiB).
import { describe, expect, it } from 'vitest';
import { MODES, STRATEGIES } from '../../src/model.js';
import { clean, sample, samples, spec } from './helpers.js';

const cases = STRATEGIES.flatMap((strategy) =>
  MODES.flatMap((mode) => [24, 300, 1024].map((valueSize) => ({ strategy, mode, valueSize }))),
);

describe('cpu backend: strategy x mode', () => {
  it.each(cases)('$strategy $mode ${valueSize}B: every write verified', async ({ strategy, mode, valueSize }) => {
    const keys = valueSize >= 1024 ? 800 : 2000;
    const s = await sample(spec({ strategy, mode, valueSize, keys, threads: mode === 'concurrent' ? 3 : 1, batchSize: 64 }));
    expect(s.writes).toBe(keys);
    expect(s.verification).toEqual(clean(keys));
    expect(s.elapsedNs).toBeGreaterThan(0);
    expect(s.phasesNs.stage).toBeGreaterThan(0);
    expect(s.phasesNs.kernel).toBeGreaterThan(0);
    // The phases are measured inside the timed region: together they cannot exceed it (one thread).
    if (mode !== 'concurrent') expect(s.phasesNs.stage! + s.phasesNs.kernel!).toBeLessThanOrEqual(s.elapsedNs);
  });

  it.each(STRATEGIES)('%s: zipf updates of hot keys verify in every mode', async (strategy) => {
    for (const mode of MODES) {
      const s = await sample(spec({ strategy, mode, keyDist: 'zipf:1.2', keys: 4000, threads: 4, batchSize: 32 }));
      expect(s.verification.distinct).toBeGreaterThan(10);
      expect(s.verification.distinct).toBeLessThan(4000); // hot keys were written more than once
      expect(s.verification.verified).toBe(s.verification.distinct);
      expect(s.verification.lost + s.verification.stale + s.verification.corrupted).toBe(0);
    }
  });

  it('concurrent mode works with more threads than cores (64)', async () => {
    for (const strategy of ['baseline', 'lock-free'] as const) {
      const s = await sample(spec({ strategy, mode: 'concurrent', threads: 64, keys: 4000, batchSize: 16 }));
      expect(s.verification).toEqual(clean(4000));
    }
  });

  it('samples of one case repeat: the table is reset between them', async () => {
    const runs = await samples(spec({ strategy: 'warp-coop', keys: 3000 }), 3);
    for (const s of runs) expect(s.verification).toEqual(clean(3000));
    // Same stream, same table: the probe path lengths are identical sample to sample.
    expect(new Set(runs.map((s) => s.counters.probeSteps)).size).toBe(1);
  });
});
