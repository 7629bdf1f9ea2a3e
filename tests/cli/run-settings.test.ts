import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseRunFlags } from '../../src/commands/run-settings.js';
import { flagName } from '../../src/profile/values.js';

describe('run flags', () => {
  it('defaults', () => {
    const s = parseRunFlags({});
    expect(s).toMatchObject({ backend: 'auto', format: 'table', seed: 42, countConflicts: true, calibrateSlowdown: 0, quiet: false, force: false });
    expect(s.overrides).toEqual({ axes: {}, measurement: {} });
  });

  it('parses every axis and measurement flag', () => {
    const s = parseRunFlags({
      strategy: 'baseline,lock-free',
      mode: 'batch',
      valueSize: '64,1K',
      batchSize: '100,1000',
      threads: '1,16',
      keyDist: 'uniform,zipf:0.99',
      loadFactor: '0.5,0.95',
      keys: '5000',
      warmup: '0',
      minSamples: '3',
      maxSamples: '9',
      minTime: '0.5',
      maxTime: '2',
      maxNoise: '1.5',
      backend: 'cpu',
      format: 'csv',
      seed: '7',
      countConflicts: false,
      calibrateSlowdown: '10',
      quiet: true,
    });
    expect(s.overrides.axes).toEqual({
      strategy: ['baseline', 'lock-free'],
      valueSize: [64, 1024],
      batchSize: [100, 1000],
      threads: [1, 16],
      keyDist: ['uniform', 'zipf:0.99'],
      loadFactor: [0.5, 0.95],
      keys: [5000],
    });
    expect(s.overrides.modes).toEqual(['batch']);
    expect(s.overrides.measurement).toEqual({ warmup: 0, minSamples: 3, maxSamples: 9, minTime: 0.5, maxTime: 2, maxNoise: 1.5 });
    expect(s).toMatchObject({ backend: 'cpu', format: 'csv', seed: 7, countConflicts: false, calibrateSlowdown: 10, quiet: true });
  });

  it.each([
    [{ backend: 'gpu' }, '--backend: "gpu" is invalid; allowed: auto, cpu, cuda, cuda-emu, redis, libcuckoo'],
    [{ format: 'html' }, '--format: "html" is invalid; allowed: table, json, markdown, csv'],
    [{ mode: 'single,burst' }, '--mode: "burst" is invalid; allowed: single, batch, concurrent'],
    [{ threads: 'two' }, '--threads: "two" is invalid; allowed: an integer from 1 to 256'],
    [{ keys: '-5' }, '--keys: "-5" is invalid; allowed: an integer from 1 to 100000000'],
    [{ maxNoise: '101' }, '--max-noise: "101" is invalid; allowed: a percent from 0 to 100 (0 = off)'],
    [{ maxTime: '0' }, '--max-time: "0" is invalid; allowed: seconds in (0, 86400]'],
    [{ seed: '1.5' }, `--seed: "1.5" is invalid; allowed: an integer from 0 to ${Number.MAX_SAFE_INTEGER}`],
    [{ calibrateSlowdown: '-10' }, '--calibrate-slowdown: "-10" is invalid; allowed: a percent from 0 to 1000'],
  ])('%j → %s', (opts, message) => {
    expect(() => parseRunFlags(opts)).toThrow(new UsageError(message));
  });

  it('spells option names as flags', () => {
    expect(flagName('valueSize')).toBe('--value-size');
    expect(flagName('maxNoise')).toBe('--max-noise');
  });
});
