// Conflict counters are measured: zero where nothing can conflict, above zero where two threads
// fight over hot keys, probe steps where the table is nearly full, nothing when counting is off.
import { describe, expect, it } from 'vitest';
import { STRATEGIES, type Strategy } from '../../src/model.js';
import { clean, options, sample, samples, spec } from './helpers.js';

describe('cpu backend: counters', () => {
  it.each(STRATEGIES)('%s: a single-threaded uniform batch has no lock retries or CAS failures', async (strategy) => {
    const s = await sample(spec({ strategy, keys: 5000, batchSize: 100 }));
    expect(s.counters.lockRetries).toBe(0);
    expect(s.counters.casFailures).toBe(0);
    expect(s.verification.verified).toBe(5000);
  });

  // Two threads updating a handful of hot keys: ~60% of writes hit the hottest key at theta 2.
  // A conflict needs both threads on a core at once, which a loaded 2-core machine may grant
  // rarely: samples of a million writes span many time slices, and samples are taken until one
  // overlaps (the deadline guards a hang; an idle machine conflicts in the first sample).
  const hot = (strategy: Strategy, keys = 100_000) =>
    spec({ strategy, mode: 'concurrent', threads: 2, batchSize: 8, keys, keyDist: 'zipf:2' });

  it.each([
    ['baseline', 'lockRetries'],
    ['lock-free', 'casFailures'],
  ] as const)('%s: two threads on hot keys record %s', { timeout: 150_000 }, async (strategy, counter) => {
    const other = counter === 'lockRetries' ? 'casFailures' : 'lockRetries';
    let total = 0;
    const deadline = Date.now() + 120_000;
    while (total === 0 && Date.now() < deadline) {
      const [s] = await samples(hot(strategy, 1_000_000), 1);
      total += s!.counters[counter];
      expect(s!.counters[other]).toBe(0); // each strategy counts only its own kind of conflict
      expect(s!.verification.lost + s!.verification.stale + s!.verification.corrupted).toBe(0);
    }
    expect(total).toBeGreaterThan(0);
  });

  it.each(STRATEGIES)('%s: probes past the home bucket at load factor 0.9', async (strategy) => {
    const s = await sample(spec({ strategy, loadFactor: 0.9, keys: 5000 }));
    expect(s.counters.probeSteps).toBeGreaterThan(0);
    expect(s.verification).toEqual(clean(5000));
  });

  it('probe steps grow with the load factor', async () => {
    const low = await sample(spec({ loadFactor: 0.3, keys: 5000 }));
    const high = await sample(spec({ loadFactor: 0.95, keys: 5000 }));
    expect(high.counters.probeSteps).toBeGreaterThan(low.counters.probeSteps * 4);
  });

  it('countConflicts=false leaves every counter at zero', async () => {
    for (const strategy of ['baseline', 'lock-free', 'warp-coop'] as const) {
      const runs = await samples(hot(strategy, 20_000), 3, { ...options, countConflicts: false });
      const dense = await sample(spec({ strategy, loadFactor: 0.9, keys: 5000 }), { ...options, countConflicts: false });
      for (const s of [...runs, dense]) {
        expect(s.counters).toEqual({ lockRetries: 0, casFailures: 0, probeSteps: 0 });
        expect(s.verification.lost + s.verification.corrupted).toBe(0);
      }
    }
  });
});
