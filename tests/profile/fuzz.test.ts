/** Generated input: every profile, flag value or JSON text either parses or is one UsageError line. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseRunFlags, type RawRunOptions } from '../../src/commands/run-settings.js';
import { profileFromJson } from '../../src/profile/load.js';
import { applyOverrides, expandCases } from '../../src/profile/plan.js';
import { parseJson } from '../../src/io/json.js';

function parsesOrUsage(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message.includes('\n') || err.message.length === 0) throw new Error(`not one line: ${JSON.stringify(err.message)}`);
    return false;
  }
}

const axisValue = fc.oneof(
  fc.constantFrom('all', 'baseline', 'lock-free', '64', '1K', '4KiB', '65K', 'uniform', 'zipf:0.99', 'zipf:', '0', '-1', '0.5', '1e3', ''),
  fc.integer({ min: -10, max: 70_000 }),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 6 }),
);
const axisField = fc.oneof(axisValue, fc.array(axisValue, { maxLength: 3 }), fc.boolean(), fc.constant(null));
const suite = fc.dictionary(
  fc.constantFrom('mode', 'strategy', 'valueSize', 'batchSize', 'threads', 'keyDist', 'loadFactor', 'keys', 'extra'),
  fc.oneof(fc.constantFrom('single', 'batch', 'concurrent', 'burst'), axisField),
  { maxKeys: 5 },
);
const nearProfile = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
    measurement: fc.dictionary(fc.constantFrom('warmup', 'minSamples', 'maxSamples', 'minTime', 'maxTime', 'maxNoise', 'x'), fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double(), fc.string({ maxLength: 3 })), { maxKeys: 4 }),
    defaults: suite,
    suites: fc.array(suite, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const validish = fc.record({
  name: fc.constant('p'),
  suites: fc.array(
    fc.record(
      {
        mode: fc.constantFrom('single', 'batch', 'concurrent'),
        valueSize: fc.constantFrom(64, '1K', [8, '64KiB'], 0),
        threads: fc.constantFrom(1, [2, 4], 300),
        keyDist: fc.constantFrom('uniform', ['uniform', 'zipf:0.5'], 'zipf:9'),
        loadFactor: fc.constantFrom(0.5, [0.25, 0.95], 0.99),
      },
      { requiredKeys: ['mode'] },
    ),
    { minLength: 1, maxLength: 2 },
  ),
});

describe('fuzzed input', () => {
  it('profiles: structured near-misses and arbitrary JSON', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.oneof(validish, nearProfile, fc.jsonValue()), (raw) => {
        if (
          parsesOrUsage(() => {
            const p = profileFromJson(raw, 'f.json');
            // Small enough to expand; the product of 5 three-value axes stays tiny.
            expandCases(p.suites);
          })
        )
          parsed++;
      }),
      { numRuns: 2000, seed: 7 },
    );
    expect(parsed).toBeGreaterThan(100); // the generators reach valid profiles too
  });

  it('flags: any string for any flag', () => {
    const flags = ['strategy', 'mode', 'valueSize', 'batchSize', 'threads', 'keyDist', 'loadFactor', 'keys', 'warmup', 'minSamples', 'maxSamples', 'minTime', 'maxTime', 'maxNoise', 'backend', 'format', 'seed', 'calibrateSlowdown'] as const;
    const value = fc.oneof(fc.string({ maxLength: 12 }), axisValue.map(String), fc.constantFrom('1,2,,3', '64,1K', 'zipf:1e-3', ' 5 ', '+3', '0x10', 'Infinity', 'NaN'));
    const base = applyOverrides(profileFromJson({ name: 'b', suites: [{ mode: 'batch' }, { mode: 'single' }] }, 'b.json'), { axes: {}, measurement: {} });
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...flags), value, { maxKeys: 4 }), (opts) => {
        parsesOrUsage(() => expandCases(applyOverrides(base, parseRunFlags(opts as RawRunOptions).overrides).suites));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('JSON text: parseJson never throws and agrees with JSON.parse', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1)))), (text) => {
        const r = parseJson(text);
        let ok = true;
        try {
          JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
        } catch {
          ok = false;
        }
        expect(r.ok).toBe(ok);
        if (!r.ok) {
          expect(r.error.line).toBeGreaterThanOrEqual(1);
          expect(r.error.column).toBeGreaterThanOrEqual(1);
          expect(r.error.message).not.toContain('\n');
        }
      }),
      { numRuns: 3000, seed: 3 },
    );
  });
});
