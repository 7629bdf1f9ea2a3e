// The bench's references on tiny inputs: libcuckoo, run in process through writeprof's own
// libcuckoo backend (the one `run --peer libcuckoo` uses), stores and verifies every key of the
// same stream writeprof writes (uniform and zipf), and the memcpy probe reports a bandwidth.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM module without type declarations (bench/ is a script, not src/)
import { buildPeers, loadCuckoo, measureCuckoo, measureMemcpy } from '../../bench/lib/peers.mjs';
import { caseId } from '../../src/model.js';

const root = resolve(import.meta.dirname, '..', '..');

describe('bench references', () => {
  it.each(['uniform', 'zipf:0.99'])('libcuckoo writes and verifies every distinct key (%s), both stores', async (keyDist) => {
    const cuckoo = await loadCuckoo(root);
    const cell = { mode: 'concurrent', valueSize: 64, batchSize: 1000, keys: 5000, threads: 2, keyDist, loadFactor: 0.5, seed: 7, reps: 2 };
    const r = await measureCuckoo(cuckoo, caseId, cell);
    for (const run of [r.inline, r.arena]) {
      expect(run.verification.lost).toBe(0);
      expect(run.verification.corrupted).toBe(0);
      expect(run.verification.verified).toBe(run.distinct);
      expect(run.samples).toHaveLength(2);
      expect(run.opsPerSec).toBeGreaterThan(0);
      expect(run.effectiveLoad).toBeLessThanOrEqual(0.5);
    }
    if (keyDist === 'uniform') expect(r.inline.distinct).toBe(5000);
    else expect(r.inline.distinct).toBeLessThan(5000);
    expect(r.best.opsPerSec).toBe(Math.max(r.inline.opsPerSec, r.arena.opsPerSec));
  });

  it('libcuckoo arena store takes value sizes that are not powers of two', async () => {
    const cuckoo = await loadCuckoo(root);
    const r = await measureCuckoo(cuckoo, caseId, { mode: 'batch', valueSize: 100, batchSize: 500, keys: 2000, threads: 1, keyDist: 'uniform', loadFactor: 0.5, seed: 1, reps: 1 });
    expect(r.inline).toBeNull();
    expect(r.arena.verification.verified).toBe(2000);
    expect(r.best.store).toBe('arena');
  });

  it('memcpy probe reports bytes per second from its samples', () => {
    const bins = buildPeers(root, () => {});
    const m = measureMemcpy(bins, { threads: 2, mibPerThread: 4, reps: 3 });
    expect(m.samples).toHaveLength(3);
    expect(m.bytesPerSec).toBeGreaterThan(1e8);
  });
});
