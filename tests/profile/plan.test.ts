import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseRunFlags } from '../../src/commands/run-settings.js';
import { profileFromJson } from '../../src/profile/load.js';
import { applyOverrides, expandCases } from '../../src/profile/plan.js';

const profile = profileFromJson(
  {
    name: 't',
    defaults: { strategy: ['baseline', 'lock-free'], keys: 1000 },
    suites: [
      { mode: 'single', valueSize: [64, 256], batchSize: [10, 20], threads: 4 },
      { mode: 'batch', batchSize: [100, 1000], threads: [1, 2] },
      { mode: 'concurrent', threads: [1, 2], batchSize: 100 },
    ],
  },
  't.json',
);

describe('axis expansion', () => {
  it('is the cartesian product per suite, strategy innermost, axes a mode ignores pinned and deduped', () => {
    const ids = expandCases(profile.suites).map((c) => c.id);
    expect(ids).toEqual([
      'single/baseline/v64/b1/t1/uniform/u0.25/lf0.5/k1000',
      'single/lock-free/v64/b1/t1/uniform/u0.25/lf0.5/k1000',
      'single/baseline/v256/b1/t1/uniform/u0.25/lf0.5/k1000',
      'single/lock-free/v256/b1/t1/uniform/u0.25/lf0.5/k1000',
      'batch/baseline/v64/b100/t1/uniform/u0.25/lf0.5/k1000',
      'batch/lock-free/v64/b100/t1/uniform/u0.25/lf0.5/k1000',
      'batch/baseline/v64/b1000/t1/uniform/u0.25/lf0.5/k1000',
      'batch/lock-free/v64/b1000/t1/uniform/u0.25/lf0.5/k1000',
      'concurrent/baseline/v64/b100/t1/uniform/u0.25/lf0.5/k1000',
      'concurrent/lock-free/v64/b100/t1/uniform/u0.25/lf0.5/k1000',
      'concurrent/baseline/v64/b100/t2/uniform/u0.25/lf0.5/k1000',
      'concurrent/lock-free/v64/b100/t2/uniform/u0.25/lf0.5/k1000',
    ]);
  });

  it('is stable: the same profile gives the same cases in the same order', () => {
    expect(expandCases(profile.suites)).toEqual(expandCases(profile.suites));
  });

  it('uniform streams take the update share (named in the id from above 0), zipf streams none', () => {
    const p = profileFromJson({ name: 'u', suites: [{ mode: 'batch', strategy: 'baseline', keyDist: ['uniform', 'zipf:0.99'], updateShare: [0, 0.5] }] }, 'u.json');
    const cases = expandCases(p.suites);
    expect(cases.map((c) => [c.id, c.updateShare])).toEqual([
      ['batch/baseline/v64/b1000/t1/uniform/lf0.5/k20000', 0],
      ['batch/baseline/v64/b1000/t1/uniform/u0.5/lf0.5/k20000', 0.5],
      ['batch/baseline/v64/b1000/t1/zipf:0.99/lf0.5/k20000', undefined],
    ]);
    const flagged = applyOverrides(profile, parseRunFlags({ updateShare: '0.1', mode: 'batch' }).overrides);
    expect(new Set(expandCases(flagged.suites).map((c) => c.updateShare))).toEqual(new Set([0.1]));
    expect(() => parseRunFlags({ updateShare: '1' })).toThrow(new UsageError('--update-share: "1" is invalid; allowed: a number from 0 to 0.99'));
  });

  it('dedupes across suites', () => {
    const twice = { ...profile, suites: [profile.suites[1]!, profile.suites[1]!] };
    expect(expandCases(twice.suites)).toHaveLength(4);
  });
});

describe('flag overrides', () => {
  it('an axis flag replaces that axis in every suite', () => {
    const p = applyOverrides(profile, parseRunFlags({ valueSize: '1K,4K', strategy: 'mem-opt' }).overrides);
    const cases = expandCases(p.suites);
    expect(new Set(cases.map((c) => c.valueSize))).toEqual(new Set([1024, 4096]));
    expect(new Set(cases.map((c) => c.strategy))).toEqual(new Set(['mem-opt']));
    expect(cases).toHaveLength(2 + 2 * 2 + 2 * 2);
  });

  it('--mode keeps the suites of those modes, in the asked order', () => {
    const p = applyOverrides(profile, parseRunFlags({ mode: 'concurrent,single' }).overrides);
    expect(p.suites.map((s) => s.mode)).toEqual(['concurrent', 'single']);
  });

  it('--mode builds a suite from defaults and flags for a mode the profile lacks', () => {
    const onlyBatch = { ...profile, suites: [profile.suites[1]!] };
    const p = applyOverrides(onlyBatch, parseRunFlags({ mode: 'concurrent', threads: '3', batchSize: '50' }).overrides);
    expect(expandCases(p.suites).map((c) => c.id)).toEqual([
      'concurrent/baseline/v64/b50/t3/uniform/u0.25/lf0.5/k1000',
      'concurrent/lock-free/v64/b50/t3/uniform/u0.25/lf0.5/k1000',
    ]);
  });

  it('measurement flags override the profile and are cross-checked', () => {
    const p = applyOverrides(profile, parseRunFlags({ minSamples: '7', maxTime: '3' }).overrides);
    expect(p.measurement.minSamples).toBe(7);
    expect(p.measurement.maxTime).toBe(3);
    expect(() => applyOverrides(profile, parseRunFlags({ minSamples: '60', maxSamples: '10' }).overrides)).toThrow(
      new UsageError('--max-samples: 10 is invalid; allowed: at least --min-samples (60)'),
    );
    // The profile's maxSamples (50, the default) under a flag's minSamples: named by where it came from.
    expect(() => applyOverrides(profile, parseRunFlags({ minSamples: '60' }).overrides)).toThrow(
      new UsageError('t.json: measurement.maxSamples: 50 is invalid; allowed: at least --min-samples (60)'),
    );
  });
});

describe('flags no suite uses', () => {
  const flags = (raw: Record<string, string>) => parseRunFlags(raw).overrides;
  it('are refused, naming the flag and what would use it, never ignored in silence', () => {
    expect(() => applyOverrides(profile, flags({ mode: 'single', batchSize: '100' }))).toThrow(UsageError);
    expect(() => applyOverrides(profile, flags({ mode: 'single', batchSize: '100' }))).toThrow(/^--batch-size: every suite of this run is single mode.*--mode batch/);
    expect(() => applyOverrides(profile, flags({ mode: 'single,batch', threads: '4' }))).toThrow(/^--threads: no suite of this run is concurrent mode/);
    expect(() => applyOverrides(profile, flags({ keyDist: 'zipf:0.99', updateShare: '0.5' }))).toThrow(/^--update-share: every key distribution of this run is zipf.*--key-dist uniform/);
    expect(applyOverrides(profile, flags({ keyDist: 'uniform,zipf:0.99', updateShare: '0.5' })).suites[0]!.axes.updateShare).toEqual([0.5]);
    // where a suite uses them they apply
    expect(applyOverrides(profile, flags({ mode: 'single,batch', batchSize: '100' })).suites[1]!.axes.batchSize).toEqual([100]);
    expect(applyOverrides(profile, flags({ threads: '8' })).suites[2]!.axes.threads).toEqual([8]);
  });
});
