// Capacity limits: a table filled to and past its load limit, a value arena that runs
// out, values of 64 KiB, batches of 1,000,000, 64 threads on a 2-core machine. Each case either
// runs with every write verified or is refused before running with one clear line.
// (More distinct keys than slots cannot be asked for through CaseParams: the runner sizes the table
// for the stream's distinct keys. Those paths are driven directly by tests/native/sanitize/table_full.h
// under `make sanitize`: every strategy stops with "table full", never spins.)
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { cpuBackend } from '../../src/backends/cpu.js';
import { ADDON_PATH, loadAddon, type NativeCaseParams } from '../../src/backends/native.js';
import { nativeCaseParams } from '../../src/backends/native-backend.js';
import { DEFAULTS } from '../../src/limits.js';
import { caseProblem } from '../../src/profile/geometry.js';
import { STRATEGIES } from '../../src/model.js';
import { clean, options, sample, spec } from './helpers.js';

const allOk = (keys: number) => clean(keys);
const sanitized = Boolean(process.env['WRITEPROF_SANITIZE']);

describe('capacity: a table at and past its load limit', () => {
  it.each(STRATEGIES)('%s: load factor 0.95 with zipf keys verifies in batch and concurrent mode', async (strategy) => {
    for (const mode of ['batch', 'concurrent'] as const) {
      const s = await sample(spec({ strategy, mode, threads: 4, keys: 20_000, loadFactor: 0.95, keyDist: 'zipf:0.99' }));
      expect(s.verification.distinct).toBeGreaterThan(5000);
      expect(s.verification.verified).toBe(s.verification.distinct);
      expect(s.verification.lost + s.verification.stale + s.verification.corrupted).toBe(0);
      expect(s.counters.probeSteps).toBeGreaterThan(0);
    }
  });

  // The addon accepts load factor 1 (the CLI stops at 0.95): every slot of the table is taken,
  // and the last writes probe far around it; still no write may be lost or spin forever.
  it.each(STRATEGIES)('%s: load factor 1.0 fills every slot and verifies', async (strategy) => {
    const { Case } = loadAddon();
    const keys = 4000; // 1000 buckets x 4 slots, all taken
    const c = new Case({ ...nativeCaseParams('cpu', spec({ strategy, keys }), options), loadFactor: 1 });
    try {
      const s = await c.runSample();
      expect(s.verification).toEqual(allOk(keys));
      expect(s.counters.probeSteps).toBeGreaterThan(keys); // far past the home buckets
    } finally {
      c.close();
    }
  });

  it('the CLI path refuses a load factor above 0.95 before anything runs', () => {
    // caseProblem is the run command's pre-flight check; the profile parser rejects > 0.95 earlier.
    const limits = { arenaLimitBytes: DEFAULTS.arenaLimitBytes, memoryBytes: 2 ** 40, memoryName: 'host memory' };
    expect(caseProblem(spec({ loadFactor: 0.95, keys: 1000 }), limits)).toBeNull();
    expect(caseProblem(spec({ loadFactor: 1.5, keys: 1000 }), limits)).toMatch(/table of 668 slots cannot hold 1000 keys/);
  });

  it('a load factor so small the table cannot exist is refused with the field, not undefined behaviour', () => {
    const { Case } = loadAddon();
    const good = nativeCaseParams('cpu', spec({ keys: 1000 }), options);
    expect(() => new Case({ ...good, loadFactor: 1e-300 })).toThrow(
      /^loadFactor: 1e-300 is invalid; allowed: a number in \(0, 1\] with keys \/ loadFactor at most 2\^40 slots$/,
    );
    // Representable but far beyond memory: the runner names the table's size before allocating.
    expect(() => new Case({ ...good, loadFactor: 1e-7 })).toThrow(/^keys: the table \(320000000000 bytes\).*raise loadFactor$/);
  });
});

describe('capacity: a value arena that runs out', () => {
  it('the default 4 GiB arena limit refuses 64 KiB x 70,000 writes before allocating', () => {
    const before = process.memoryUsage.rss();
    const t0 = performance.now();
    const open = () => cpuBackend.open(spec({ keys: 70_000, valueSize: 65536 }), options);
    expect(open).toThrow(UsageError);
    expect(open).toThrow(/arenaLimitBytes: the value arena needs 4587520000 bytes \(keys 70000 x stride 65536/);
    expect(performance.now() - t0).toBeLessThan(2000);
    if (!sanitized) expect(process.memoryUsage.rss() - before).toBeLessThan(64 * 2 ** 20);
  });

  it('the run pre-flight names the arena and the limit', () => {
    const limits = { arenaLimitBytes: DEFAULTS.arenaLimitBytes, memoryBytes: 2 ** 40, memoryName: 'host memory' };
    expect(caseProblem(spec({ keys: 70_000, valueSize: 65536 }), limits)).toMatch(
      /^value arena needs 4.3 GiB \(70000 keys x 64KB\), over the 4.0 GiB limit; lower --keys or --value-size$/,
    );
  });

  it('an arena beyond the host memory budget is refused before allocating, even with the limit lifted', () => {
    const { Case } = loadAddon();
    const huge: NativeCaseParams = {
      ...nativeCaseParams('cpu', spec({ keys: 100_000_000, valueSize: 65536 }), options),
      arenaLimitBytes: Number.MAX_SAFE_INTEGER,
    };
    expect(() => new Case(huge)).toThrow(/^keys: the table .* value arena \(6553600000000 bytes\).*more than 75% of this machine's \d+ bytes/);
  });

  // Memory that is there on paper but not to this process (an address-space limit, as in a
  // container): the allocation itself fails and the case says which buffer, instead of crashing.
  it.skipIf(sanitized)('under an address-space limit, failed allocations are clear errors', () => {
    const script = `
      const { Case } = require(${JSON.stringify(ADDON_PATH)});
      const base = ${JSON.stringify({ ...nativeCaseParams('cpu', spec(), options), arenaLimitBytes: 2 ** 40 })};
      for (const p of [{ valueSize: 65536, keys: 8000 }, { valueSize: 8, keys: 40000000 }]) {
        try { new Case({ ...base, ...p }).close(); console.log('opened'); } catch (e) { console.log(e.message); }
      }`;
    const r = spawnSync('bash', ['-c', 'ulimit -v 1000000 && exec "$0" -e "$1"', process.execPath, script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'cannot allocate 524288000 bytes for the value arena',
      'keys: out of memory setting up the case (40000000 keys, valueSize 8, 1 threads); lower keys, valueSize or threads',
    ]);
  });
});

describe('capacity: the largest values, batches and thread counts', () => {
  it.each(STRATEGIES)('%s: 64 KiB values x 2000 writes verify (batch)', async (strategy) => {
    const s = await sample(spec({ strategy, valueSize: 65536, keys: 2000, batchSize: 100 }));
    expect(s.verification).toEqual(allOk(2000));
  });

  it('64 KiB values in single and concurrent mode, and under hot-key updates', async () => {
    for (const axes of [
      { strategy: 'mem-opt', mode: 'single' },
      { strategy: 'lock-free', mode: 'concurrent', threads: 8 },
      { strategy: 'write-combine', mode: 'concurrent', threads: 3, batchSize: 7 },
    ] as const) {
      const s = await sample(spec({ ...axes, valueSize: 65536, keys: 1000 }));
      expect(s.verification).toEqual(allOk(1000));
    }
    const hot = await sample(spec({ strategy: 'warp-coop', mode: 'concurrent', threads: 4, valueSize: 65536, keys: 1000, keyDist: 'zipf:1.5' }));
    expect(hot.verification.distinct).toBeLessThan(1000);
    expect(hot.verification.verified).toBe(hot.verification.distinct);
  });

  it.each(STRATEGIES)('%s: one batch of 1,000,000 writes (8 B values) verifies', async (strategy) => {
    const keys = 1_000_000;
    const s = await sample(spec({ strategy, valueSize: 8, keys, batchSize: 1_000_000 }));
    expect(s.writes).toBe(keys);
    expect(s.verification).toEqual(allOk(keys));
  });

  it('a batch larger than the whole sample is one short submission', async () => {
    const s = await sample(spec({ strategy: 'mem-opt', keys: 5000, batchSize: 1_000_000 }));
    expect(s.verification).toEqual(allOk(5000));
  });

  it.each(STRATEGIES)('%s: 64 threads on this machine, uniform and hot keys', async (strategy) => {
    const u = await sample(spec({ strategy, mode: 'concurrent', threads: 64, keys: 20_000, batchSize: 32 }));
    expect(u.verification).toEqual(allOk(20_000));
    const z = await sample(spec({ strategy, mode: 'concurrent', threads: 64, keys: 20_000, batchSize: 8, keyDist: 'zipf:1.2' }));
    expect(z.verification.verified).toBe(z.verification.distinct);
    expect(z.verification.lost + z.verification.stale + z.verification.corrupted).toBe(0);
    expect(u.notes?.some((n) => /64 threads on \d+ cores: oversubscribed/.test(n)) ?? false).toBe(
      loadAddon().cpuInfo().cores < 64,
    );
  });

  it('the native side runs more threads than writes (some write nothing)', async () => {
    const { Case } = loadAddon();
    const c = new Case({ ...nativeCaseParams('cpu', spec({ mode: 'concurrent', keys: 10 }), options), threads: 64 });
    try {
      expect((await c.runSample()).verification).toEqual(allOk(10));
    } finally {
      c.close();
    }
  });
});
