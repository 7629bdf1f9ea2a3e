import { describe, expect, it } from 'vitest';
import { caseId, type CaseSpec } from '../../src/model.js';
import { DEFAULTS } from '../../src/limits.js';
import { budgetLimits, bucketsFor, caseProblem, checkCases, footprint } from '../../src/profile/geometry.js';

function spec(over: Partial<CaseSpec>): CaseSpec {
  const base = { strategy: 'baseline', mode: 'batch', valueSize: 64, batchSize: 100, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys: 1000, ...over } as const;
  return { ...base, id: caseId(base) };
}
const roomy = { arenaLimitBytes: DEFAULTS.arenaLimitBytes, memoryBytes: 8 * 1024 ** 3, memoryName: 'host memory' };

describe('table geometry (same formulas as layout.h)', () => {
  it('sizes buckets from keys and load factor', () => {
    expect(bucketsFor(1000, 0.5)).toBe(500);
    expect(bucketsFor(1000, 0.95)).toBe(263); // ceil(1052.6 / 4)
    expect(bucketsFor(1, 0.95)).toBe(1);
    const f = footprint({ keys: 1000, loadFactor: 0.5, valueSize: 100 });
    expect(f).toEqual({ buckets: 500, slots: 2000, valueStride: 112, arenaBytes: 112_000, tableBytes: 64_000 });
  });

  it('every load factor allowed leaves room for every key', () => {
    for (const lf of [0.01, 0.3, 0.5, 0.9, 0.95]) {
      for (const keys of [1, 3, 7, 1000, 99_999]) expect(footprint({ keys, loadFactor: lf, valueSize: 8 }).slots).toBeGreaterThanOrEqual(keys);
    }
  });

  it('refuses an arena over the limit, naming the case and the sizes', () => {
    const s = spec({ keys: 100_000_000, valueSize: 65536 });
    expect(caseProblem(s, roomy)).toMatch(/^value arena needs 6\.0 TiB \(100000000 keys x 64KB\), over the 4\.0 GiB limit/);
    expect(() => checkCases([spec({}), s], roomy)).toThrow(/^case batch\/baseline\/v65536\/b100\/t1\/uniform\/lf0\.5\/k100000000: value arena/);
  });

  it('refuses a case over the memory a case may use', () => {
    const s = spec({ keys: 10_000_000, valueSize: 256 });
    expect(caseProblem(s, { ...roomy, memoryBytes: 1024 ** 3 })).toMatch(/^table \+ value arena need 3\.0 GiB, over the 1\.0 GiB of host memory/);
    expect(caseProblem(s, roomy)).toBeNull();
  });

  it('one memory-budget rule: the share of src/limits.ts MEMORY_BUDGET, split between cases open at once', () => {
    expect(budgetLimits('host', 8 * 1024 ** 3).memoryBytes).toBe(6 * 1024 ** 3);
    expect(budgetLimits('device', 80 * 1024 ** 3).memoryBytes).toBe(Math.floor(72 * 1024 ** 3));
    const ab = budgetLimits('host', 8 * 1024 ** 3, 2);
    expect(ab.memoryBytes).toBe(3 * 1024 ** 3);
    expect(caseProblem(spec({ keys: 12_000_000, valueSize: 256 }), ab)).toMatch(/over the 3\.0 GiB of host memory \(2 builds open at once\) a case may use/);
  });

  it('refuses batches larger than a sample and threads with nothing to write', () => {
    expect(caseProblem(spec({ keys: 500, batchSize: 1000 }), roomy)).toMatch(/keys \(500\) is below batchSize \(1000\)/);
    expect(caseProblem(spec({ mode: 'concurrent', keys: 8, threads: 16 }), roomy)).toMatch(/keys \(8\) is below threads \(16\)/);
    expect(caseProblem(spec({ mode: 'concurrent', keys: 16, threads: 16, batchSize: 1000 }), roomy)).toBeNull();
  });
});
