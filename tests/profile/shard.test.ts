import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { axesKey, type CaseSpec, type Measurement } from '../../src/model.js';
import { planDigest } from '../../src/profile/digest.js';
import { loadProfile, profileFromJson } from '../../src/profile/load.js';
import { expandCases } from '../../src/profile/plan.js';
import { caseSeconds, layoutShards, parseShard, selectShard, shardUnits } from '../../src/profile/shard.js';

const validation = loadProfile('validation');
const specs = expandCases(validation.suites);
const m = validation.measurement;

function disjointCover(all: readonly CaseSpec[], shards: readonly { cases: CaseSpec[] }[]): void {
  const seen = shards.flatMap((s) => s.cases.map((c) => c.id));
  expect(new Set(seen).size).toBe(seen.length);
  expect([...seen].sort()).toEqual(all.map((c) => c.id).sort());
}

describe('--shard i/n', () => {
  it('parses i/n with 1 <= i <= n', () => {
    expect(parseShard('--shard', '2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('--shard', ' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  });

  it.each(['0/4', '5/4', '2', '2/0', 'a/b', '-1/4', '1.5/4', '2/4/8', '1/10001', ''])('refuses %j naming the flag', (raw) => {
    expect(() => parseShard('--shard', raw)).toThrow(UsageError);
    expect(() => parseShard('--shard', raw)).toThrow(/^--shard: .* is invalid; allowed: i\/n with 1 <= i <= n/);
  });
});

describe('shard layout', () => {
  it('splits the validation matrix into disjoint shards that cover it, each in plan order', () => {
    for (const n of [1, 2, 3, 5, 12]) {
      const layout = layoutShards(specs, m, n);
      expect(layout.shards).toHaveLength(n);
      disjointCover(specs, layout.shards);
      for (const s of layout.shards) {
        expect(s.cases.length).toBeGreaterThan(0);
        const positions = s.cases.map((c) => specs.indexOf(c));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        for (const c of s.cases) expect(layout.shardOf.get(c.id)).toBe(s.index);
      }
    }
  });

  it('is the same on every machine: a pure function of the plan and the count', () => {
    const a = layoutShards(specs, m, 4).shards.map((s) => s.cases.map((c) => c.id));
    const b = layoutShards(expandCases(loadProfile('validation').suites), { ...m }, 4).shards.map((s) => s.cases.map((c) => c.id));
    expect(b).toEqual(a);
    expect(selectShard(specs, m, { index: 3, count: 4 }).shard.cases.map((c) => c.id)).toEqual(a[2]);
  });

  it('keeps a point\'s strategies together (speedup) and a concurrent strategy\'s thread counts together (scaling)', () => {
    const layout = layoutShards(specs, m, 12);
    for (const c of specs) {
      const peers = c.mode === 'concurrent' ? specs.filter((o) => o.mode === 'concurrent' && o.strategy === c.strategy) : specs.filter((o) => axesKey(o) === axesKey(c));
      for (const p of peers) expect(layout.shardOf.get(p.id), `${p.id} with ${c.id}`).toBe(layout.shardOf.get(c.id));
    }
    // validation: 4 value sizes + 3 batch sizes + 5 concurrent strategies
    expect(shardUnits(specs, m)).toHaveLength(12);
  });

  it('refuses more shards than units, naming the most it can use', () => {
    expect(() => layoutShards(specs, m, 13)).toThrow(/--shards: 13 shards is more than this plan has units \(12\).*use at most 12 shards/);
    expect(() => selectShard(specs, m, { index: 1, count: 13 })).toThrow(/^--shard: /);
  });

  it('balances by expected cost, not by count: one costly point gets a shard of its own', () => {
    // Three cheap batch points and one single-write point with 50x the keys: 4 units, 2 shards.
    const p = profileFromJson(
      {
        name: 'skewed',
        measurement: { warmup: 0, minSamples: 5, maxSamples: 5, minTime: 0, maxTime: 100, maxNoise: 0 },
        defaults: { strategy: ['baseline', 'lock-free'], keys: 2000 },
        suites: [
          { mode: 'batch', batchSize: [100, 1000, 10000] },
          { mode: 'single', keys: 100000 },
        ],
      },
      'skewed.json',
    );
    const cases = expandCases(p.suites);
    const layout = layoutShards(cases, p.measurement, 2);
    const heavy = layout.shards.find((s) => s.cases.some((c) => c.mode === 'single'))!;
    expect(heavy.cases.every((c) => c.mode === 'single')).toBe(true);
    expect(heavy.cases).toHaveLength(2);
    // A split by count (4 cases each, in plan order) would put the heavy point with a cheap one.
    const light = layout.shards.find((s) => s !== heavy)!;
    expect(light.cases).toHaveLength(6);
    expect(heavy.cost).toBeGreaterThan(10 * light.cost);
  });

  it('never lets the costliest shard exceed the mean by more than the costliest unit (LPT bound)', () => {
    const axis = fc.uniqueArray(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(axis, axis, axis, fc.integer({ min: 1, max: 12 }), (sizes, batches, threads, n) => {
        const p = profileFromJson(
          {
            name: 'p',
            measurement: { warmup: 1, minSamples: 3, maxSamples: 20, minTime: 0.01, maxTime: 0.5, maxNoise: 1 },
            defaults: { strategy: ['baseline', 'lock-free', 'mem-opt'] },
            suites: [
              { mode: 'single', valueSize: sizes.map((s) => s * 64), keys: 1000 },
              { mode: 'batch', batchSize: batches.map((b) => b * 10), keys: 5000 },
              { mode: 'concurrent', threads, keys: 20000 },
            ],
          },
          'p.json',
        );
        const cases = expandCases(p.suites);
        const units = shardUnits(cases, p.measurement);
        if (n > units.length) return;
        const layout = layoutShards(cases, p.measurement, n);
        disjointCover(cases, layout.shards);
        const mean = layout.cost / n;
        const biggest = Math.max(...units.map((u) => u.cost));
        expect(Math.max(...layout.shards.map((s) => s.cost))).toBeLessThanOrEqual(mean + biggest + 1e-9);
      }),
      { numRuns: 60 },
    );
  });
});

describe('cost model', () => {
  const base: CaseSpec = { id: 'x', strategy: 'baseline', mode: 'batch', valueSize: 64, batchSize: 100, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys: 10_000 };
  const meas: Measurement = { warmup: 1, minSamples: 5, maxSamples: 50, minTime: 0.1, maxTime: 1, maxNoise: 0 };

  it('is bounded by the profile\'s time limits and grows with keys, value size and the per-write cost of the mode', () => {
    // A tiny case runs until minTime: 0.02 s set-up + the warmup sample + 0.1 s.
    expect(caseSeconds({ ...base, keys: 10 }, meas)).toBeCloseTo(0.02 + 0.1, 3);
    // A large one: set-up (the table) + warmup sample + the minimum 5 samples, past maxTime.
    const big = { ...base, keys: 1_000_000 };
    const sample = (1_000_000 * (20 + 1000 + 64 * 4 * 0.5)) / 1e9;
    const setup = 0.02 + (2_000_000 * 80 * 0.5) / 1e9;
    expect(caseSeconds(big, meas)).toBeCloseTo(setup + sample + 5 * sample, 9);
    // In between, maxTime ends the measuring.
    const mid10 = { ...base, keys: 100_000 };
    expect(caseSeconds(mid10, meas)).toBeCloseTo(0.02 + (200_000 * 80 * 0.5) / 1e9 + (100_000 * 1148) / 1e9 + 1, 9);
    const mid = caseSeconds(base, { ...meas, minTime: 0 });
    expect(caseSeconds({ ...base, valueSize: 4096 }, { ...meas, minTime: 0 })).toBeGreaterThan(mid);
    expect(caseSeconds({ ...base, keys: 20_000 }, { ...meas, minTime: 0 })).toBeGreaterThan(mid);
    expect(caseSeconds({ ...base, mode: 'single', batchSize: 1 }, { ...meas, minTime: 0 })).toBeGreaterThan(mid);
  });

  it('with the noise rule on, expects a case to stop halfway between the minimums and the maximums', () => {
    const on = caseSeconds(base, { ...meas, maxNoise: 2, warmup: 0 });
    const lo = caseSeconds(base, { ...meas, maxSamples: 5, maxTime: 0.1, warmup: 0 });
    const hi = caseSeconds(base, { ...meas, warmup: 0 });
    expect(on).toBeCloseTo((lo + hi) / 2, 9);
  });
});

describe('plan digest', () => {
  const s = { seed: 42, countConflicts: true, calibrateSlowdown: 0 };
  it('names the case list and the settings that shape the results, and nothing else', () => {
    const d = planDigest(specs, m, s);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(planDigest(expandCases(loadProfile('validation').suites), { ...m }, { ...s })).toBe(d);
    expect(planDigest(specs, m, { ...s, seed: 7 })).not.toBe(d);
    expect(planDigest(specs, m, { ...s, countConflicts: false })).not.toBe(d);
    expect(planDigest(specs, { ...m, maxTime: 2 }, s)).not.toBe(d);
    expect(planDigest(specs.slice(1), m, s)).not.toBe(d);
    expect(planDigest([...specs].reverse(), m, s)).not.toBe(d);
  });
});
