import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { DEFAULT_MEASUREMENT } from '../../src/profile/axes.js';
import { loadProfile, profileFromJson, resolveProfile } from '../../src/profile/load.js';
import { expandCases } from '../../src/profile/plan.js';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a UsageError');
}

const F = 'p.json';
const minimal = { name: 'p', suites: [{ mode: 'batch' }] };

describe('profileFromJson', () => {
  it('merges built-in defaults < profile defaults < suite values', () => {
    const p = profileFromJson(
      {
        name: 'p',
        description: 'd',
        measurement: { minSamples: 3, maxNoise: 0 },
        defaults: { strategy: ['baseline', 'lock-free'], valueSize: '1K', loadFactor: 0.8 },
        suites: [{ mode: 'single', valueSize: [64, '4KiB'] }, { mode: 'concurrent', threads: [1, 2], keyDist: 'zipf:0.99' }],
      },
      F,
    );
    expect(p.measurement).toEqual({ ...DEFAULT_MEASUREMENT, minSamples: 3, maxNoise: 0 });
    expect(p.suites[0]!.axes.valueSize).toEqual([64, 4096]);
    expect(p.suites[0]!.axes.loadFactor).toEqual([0.8]);
    expect(p.suites[1]!.axes.valueSize).toEqual([1024]);
    expect(p.suites[1]!.axes.keyDist).toEqual(['zipf:0.99']);
    expect(p.suites[1]!.axes.strategy).toEqual(['baseline', 'lock-free']);
    expect(p.defaults.valueSize).toEqual([1024]);
  });

  it('refuses unknown keys by name, at every level', () => {
    expect(usage(() => profileFromJson({ ...minimal, colour: 1 }, F))).toBe(
      'p.json: colour: unknown key; allowed: name, description, measurement, defaults, suites',
    );
    expect(usage(() => profileFromJson({ name: 'p', suites: [{ mode: 'batch' }, { mode: 'batch', valuesize: 64 }] }, F))).toBe(
      'p.json: suites[1].valuesize: unknown key; allowed: mode, strategy, valueSize, batchSize, threads, keyDist, updateShare, loadFactor, keys',
    );
    expect(usage(() => profileFromJson({ ...minimal, measurement: { samples: 3 } }, F))).toMatch(
      /^p\.json: measurement\.samples: unknown key; allowed: warmup, minSamples/,
    );
    expect(usage(() => profileFromJson({ ...minimal, defaults: { mode: 'batch' } }, F))).toMatch(/^p\.json: defaults\.mode: unknown key/);
  });

  it('names missing and mistyped fields', () => {
    expect(usage(() => profileFromJson({ suites: [{ mode: 'batch' }] }, F))).toBe('p.json: name: missing; required: a non-empty string');
    expect(usage(() => profileFromJson({ name: 'p', suites: [] }, F))).toMatch(/^p\.json: suites: \[\] is invalid; allowed: a non-empty array/);
    expect(usage(() => profileFromJson([1, 2], F))).toMatch(/^p\.json: \(document\): \[1,2\] is invalid; allowed: a JSON object/);
    expect(usage(() => profileFromJson({ name: 'p', suites: [{ mode: 'batch', threads: true }] }, F))).toMatch(
      /^p\.json: suites\[0\]\.threads: true is invalid; allowed: an integer/,
    );
    expect(usage(() => profileFromJson({ ...minimal, measurement: { warmup: '2' } }, F))).toMatch(/^p\.json: measurement\.warmup: "2" is invalid/);
  });

  it('checks every value with the same rules as the flags', () => {
    const suite = (extra: object) => ({ name: 'p', suites: [{ mode: 'batch', ...extra }] });
    expect(usage(() => profileFromJson(suite({ strategy: 'Turbo!' }), F))).toBe(
      'p.json: suites[0].strategy: "Turbo!" is invalid; allowed: all, baseline, warp-coop, lock-free, mem-opt, write-combine, or the name of a strategy file\'s strategy (--strategy-file)',
    );
    expect(usage(() => profileFromJson(suite({ valueSize: 0 }), F))).toMatch(/^p\.json: suites\[0\]\.valueSize: 0 is invalid; allowed: 8 B to 64\.0 KiB/);
    expect(usage(() => profileFromJson(suite({ valueSize: [64, '128K'] }), F))).toMatch(/"128K" is invalid/);
    expect(usage(() => profileFromJson(suite({ batchSize: -1 }), F))).toMatch(/^p\.json: suites\[0\]\.batchSize: -1 is invalid; allowed: an integer from 1/);
    expect(usage(() => profileFromJson(suite({ loadFactor: 1 }), F))).toBe('p.json: suites[0].loadFactor: 1 is invalid; allowed: a number in (0, 0.95]');
    expect(usage(() => profileFromJson({ name: 'p', suites: [{ mode: 'burst' }] }, F))).toBe(
      'p.json: suites[0].mode: "burst" is invalid; allowed: single, batch, concurrent',
    );
    expect(usage(() => profileFromJson({ ...minimal, measurement: { minSamples: 10, maxSamples: 5 } }, F))).toBe(
      'p.json: measurement.maxSamples: 5 is invalid; allowed: at least minSamples (10)',
    );
  });
});

describe('profile files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-profile-'));

  it('resolves names to profiles/<name>.json and refuses unknown names', () => {
    expect(resolveProfile('quick')).toMatch(/profiles[/\\]quick\.json$/);
    expect(usage(() => resolveProfile('nosuch'))).toMatch(/^--profile: "nosuch" is invalid; allowed: a profile file or one of: .*quick.*validation/);
  });

  it('invalid JSON gives file, line and column', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{\n  "name": "x",\n  "suites": [\n    { "mode": "batch", }\n  ]\n}\n');
    expect(usage(() => loadProfile(file))).toMatch(/bad\.json: invalid JSON at line 4, column 24: unexpected '}'; expected a double-quoted property name$/);
  });

  it('missing and unreadable files are one line', () => {
    expect(usage(() => loadProfile(join(dir, 'none.json')))).toMatch(/none\.json: no such file$/);
    const sub = join(dir, 'adir.json');
    mkdirSync(sub);
    expect(usage(() => loadProfile(sub))).toMatch(/adir\.json: is a directory, not a file$/);
  });

  it('ships a validation profile with the story matrix (60 cases) and a quick one', () => {
    const v = expandCases(loadProfile('validation').suites);
    expect(v).toHaveLength(4 * 5 + 3 * 5 + 5 * 5);
    const single = v.filter((c) => c.mode === 'single');
    expect([...new Set(single.map((c) => c.valueSize))]).toEqual([64, 256, 1024, 4096]);
    expect([...new Set(v.filter((c) => c.mode === 'batch').map((c) => c.batchSize))]).toEqual([100, 1000, 10000]);
    expect([...new Set(v.filter((c) => c.mode === 'concurrent').map((c) => c.threads))]).toEqual([1, 2, 4, 8, 16]);
    const q = loadProfile('quick');
    expect(q.name).toBe('quick');
    expect(new Set(q.suites.map((s) => s.mode))).toEqual(new Set(['single', 'batch', 'concurrent']));
  });
});
