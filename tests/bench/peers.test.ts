// The bench's C++ peer drivers on tiny inputs: libcuckoo stores and verifies every key of the
// same stream writeprof writes (uniform and zipf), and the memcpy probe reports a bandwidth.
// Skipped where libcuckoo-dev is not installed (`make bench` installs it).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM module without type declarations (bench/ is a script, not src/)
import { buildPeers, measureCuckoo, measureMemcpy } from '../../bench/lib/peers.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const haveCuckoo = existsSync('/usr/include/libcuckoo/cuckoohash_map.hh');

describe.skipIf(!haveCuckoo)('bench peer drivers', () => {
  const bins = haveCuckoo ? buildPeers(root, () => {}) : undefined;

  it.each(['uniform', 'zipf:0.99'])('libcuckoo writes and verifies every distinct key (%s)', (keyDist) => {
    const r = measureCuckoo(bins, { valueSize: 64, keys: 5000, threads: 2, keyDist, loadFactor: 0.5, seed: 7, reps: 2, values: 'fill' });
    for (const run of [r.inline, r.arena]) {
      expect(run.verification.lost).toBe(0);
      expect(run.verification.corrupted).toBe(0);
      expect(run.verification.verified).toBe(run.distinct);
      expect(run.opsPerSec).toBeGreaterThan(0);
      expect(run.effectiveLoad).toBeLessThanOrEqual(0.5);
    }
    if (keyDist === 'uniform') expect(r.inline.distinct).toBe(5000);
    else expect(r.inline.distinct).toBeLessThan(5000);
    expect(r.best.opsPerSec).toBe(Math.max(r.inline.opsPerSec, r.arena.opsPerSec));
  });

  it('libcuckoo arena store takes value sizes that are not powers of two', () => {
    const r = measureCuckoo(bins, { valueSize: 100, keys: 2000, threads: 1, keyDist: 'uniform', loadFactor: 0.5, seed: 1, reps: 1, values: 'pregen' });
    expect(r.inline).toBeNull();
    expect(r.arena.verification.verified).toBe(2000);
    expect(r.best.store).toBe('arena');
  });

  it('memcpy probe reports bytes per second from its samples', () => {
    const m = measureMemcpy(bins, { threads: 2, mibPerThread: 4, reps: 3 });
    expect(m.samples).toHaveLength(3);
    expect(m.bytesPerSec).toBeGreaterThan(1e8);
  });
});
