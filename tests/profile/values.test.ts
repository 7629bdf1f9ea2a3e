import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { count, parseKeyDist, parseList, parseLoadFactor, parseSize, parseStrategy, sizeToBytes } from '../../src/profile/values.js';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('size parsing', () => {
  it.each([
    [64, 64],
    ['256', 256],
    ['1K', 1024],
    ['1k', 1024],
    ['4KiB', 4096],
    ['4 KB', 4096],
    ['64KiB', 65536],
    ['1M', 1048576],
    ['8B', 8],
  ])('%j is %d bytes', (raw, bytes) => {
    expect(sizeToBytes(raw)).toBe(bytes);
  });

  it.each(['1.5K', 'abc', '', '-64', '4Q', '0x40'])('%j is not a size', (raw) => {
    expect(sizeToBytes(raw)).toBeNull();
  });

  it('accepts 8 B .. 64 KiB and names field, value and range otherwise', () => {
    expect(parseSize('--value-size', '4K')).toBe(4096);
    expect(parseSize('--value-size', 8)).toBe(8);
    expect(parseSize('--value-size', '64K')).toBe(65536);
    expect(usage(() => parseSize('--value-size', '0'))).toBe('--value-size: "0" is invalid; allowed: 8 B to 64.0 KiB (e.g. 64, 256, 1K, 4KiB)');
    expect(usage(() => parseSize('valueSize', 7))).toMatch(/^valueSize: 7 is invalid; allowed: 8 B to 64\.0 KiB/);
    expect(usage(() => parseSize('--value-size', '65537'))).toMatch(/"65537" is invalid/);
    expect(usage(() => parseSize('--value-size', '1M'))).toMatch(/"1M" is invalid/);
  });

});

describe('axis values', () => {
  it('key distributions', () => {
    expect(parseKeyDist('k', 'uniform')).toBe('uniform');
    expect(parseKeyDist('k', 'zipf:0.99')).toBe('zipf:0.99');
    expect(parseKeyDist('k', 'zipf:1.20')).toBe('zipf:1.2');
    for (const bad of ['zipf', 'zipf:', 'zipf:0', 'zipf:-1', 'zipf:6', 'zipf:x', 'normal', 3]) {
      expect(usage(() => parseKeyDist('--key-dist', bad))).toMatch(/^--key-dist: .* is invalid; allowed: uniform or zipf:<theta>/);
    }
  });

  it('load factor in (0, 0.95]', () => {
    expect(parseLoadFactor('lf', '0.95')).toBe(0.95);
    expect(parseLoadFactor('lf', 0.01)).toBe(0.01);
    for (const bad of ['0', '0.96', '1', '-0.5', 'half', '']) {
      expect(usage(() => parseLoadFactor('--load-factor', bad))).toBe(`--load-factor: ${JSON.stringify(bad)} is invalid; allowed: a number in (0, 0.95]`);
    }
  });

  it('counts are integers within bounds', () => {
    expect(count('--threads', '16', { min: 1, max: 256 })).toBe(16);
    for (const bad of ['-1', '0', '1.5', 'abc', '257', '1e9']) {
      expect(usage(() => count('--threads', bad, { min: 1, max: 256 }))).toBe(`--threads: ${JSON.stringify(bad)} is invalid; allowed: an integer from 1 to 256`);
    }
  });

  it('strategies, with all in the canonical order', () => {
    expect(parseStrategy('s', 'all')).toEqual(['baseline', 'warp-coop', 'lock-free', 'mem-opt', 'write-combine']);
    expect(parseStrategy('s', 'lock-free')).toEqual(['lock-free']);
    // A strategy file's name passes here (the run holds it to the given files); a malformed one never does.
    expect(parseStrategy('s', 'coop4-cas')).toEqual(['coop4-cas']);
    for (const bad of ['Fast', 'fast!', '4way', 'peer', 'user', 'best']) {
      expect(usage(() => parseStrategy('--strategy', bad))).toBe(
        `--strategy: "${bad}" is invalid; allowed: all, baseline, warp-coop, lock-free, mem-opt, write-combine, or the name of a strategy file's strategy (--strategy-file)`,
      );
    }
  });

  it('lists split on commas (flags), dedupe, and refuse empty elements', () => {
    expect(parseList('--value-size', '64,256,1K,4K', parseSize, true)).toEqual([64, 256, 1024, 4096]);
    expect(parseList('--value-size', '64,64,1K,1024', parseSize, true)).toEqual([64, 1024]);
    expect(parseList('v', [64, '4K'], parseSize, false)).toEqual([64, 4096]);
    expect(usage(() => parseList('--value-size', '64,,256', parseSize, true))).toMatch(/^--value-size: "" is invalid/);
    expect(usage(() => parseList('valueSize', [], parseSize, false))).toMatch(/^valueSize: .* is invalid; allowed: at least one value/);
    // A profile string is one value: no comma splitting there.
    expect(usage(() => parseList('valueSize', '64,256', parseSize, false))).toMatch(/"64,256" is invalid/);
  });
});
