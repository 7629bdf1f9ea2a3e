// Per-case options: latency sampling, the calibration spin, the arena limit, and refusals that
// must surface as errors (UsageError from open), never as a native abort.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { cpuBackend, cpuStatus } from '../../src/backends/cpu.js';
import { loadAddon, type NativeCaseParams } from '../../src/backends/native.js';
import { nativeCaseParams, nativeKeyDist, type NativeOpenOptions } from '../../src/backends/native-backend.js';
import { keyDistOf } from '../../src/model.js';
import { options, sample, spec } from './helpers.js';

describe('cpu backend: options and errors', () => {
  it('reports the host CPU as its device', () => {
    const st = cpuStatus();
    expect(st.available).toBe(true);
    expect(st.device?.kind).toBe('cpu');
    expect(typeof st.device?.name).toBe('string');
    expect(st.device?.cores).toBeGreaterThanOrEqual(1);
    expect(cpuBackend.name).toBe('cpu');
  });

  it('the addon without CUDA says why', () => {
    const cs = loadAddon().cudaStatus();
    if (!cs.compiled) {
      expect(cs.available).toBe(false);
      expect(cs.reason).toMatch(/built without CUDA/);
    }
  });

  it('single mode times every Nth write', async () => {
    const s = await sample(spec({ mode: 'single', keys: 2000 }), { ...options, latencyEvery: 10 });
    expect(s.latencyNs?.length).toBe(200);
    expect(Math.min(...s.latencyNs!)).toBeGreaterThan(0);
    const none = await sample(spec({ mode: 'single', keys: 2000 }));
    expect(none.latencyNs).toBeUndefined();
  });

  it('slowdownNs adds its spin per write inside the timed region', async () => {
    const s = spec({ keys: 2000 });
    const slow = await sample(s, { ...options, slowdownNs: 2000 });
    expect(slow.elapsedNs).toBeGreaterThanOrEqual(2000 * 2000);
    expect(slow.phasesNs.kernel).toBeGreaterThanOrEqual(2000 * 2000);
  });

  it('refuses a case whose value arena exceeds arenaLimitBytes, naming the field', () => {
    const s = spec({ keys: 4096, valueSize: 1024 });
    const limited: NativeOpenOptions = { ...options, arenaLimitBytes: 1 << 20 };
    const open = () => cpuBackend.open(s, limited);
    expect(open).toThrow(UsageError);
    expect(open).toThrow(/arenaLimitBytes: the value arena needs 4194304 bytes .*above the limit of 1048576 bytes/);
  });

  it('passes the key distribution parsed, and the addon holds theta to the profile\'s bound', () => {
    expect(nativeKeyDist(keyDistOf('zipf:0.99'))).toEqual({ dist: 'zipf', zipfTheta: 0.99 });
    expect(nativeKeyDist(keyDistOf('uniform'))).toEqual({ dist: 'uniform', zipfTheta: 0 });
    // A spec built around the profile parser still meets the native bound (0, 5] of src/limits.ts.
    expect(() => cpuBackend.open(spec({ keyDist: 'zipf:-1' }), options)).toThrow(UsageError);
    expect(() => cpuBackend.open(spec({ keyDist: 'zipf:6' }), options)).toThrow(/zipfTheta: 6 is invalid; allowed: a number in \(0, 5\]/);
    expect(() => cpuBackend.open(spec({ keyDist: 'zipf:abc' }), options)).toThrow(/zipfTheta: NaN is invalid/);
  });

  const good: NativeCaseParams = nativeCaseParams('cpu', spec(), options);
  const badParams: Array<[Partial<Record<keyof NativeCaseParams, unknown>>, RegExp]> = [
    [{ valueSize: 0 }, /^valueSize: 0 is invalid; allowed: an integer from 8 to 65536$/],
    [{ valueSize: 65537 }, /^valueSize: 65537 is invalid/],
    [{ strategy: 'fastest' }, /^strategy: "fastest" is invalid; allowed: baseline, warp-coop/],
    [{ mode: undefined }, /^mode: undefined is invalid/],
    [{ keys: -5 }, /^keys: -5 is invalid/],
    [{ keys: 10.5 }, /^keys: 10.5 is invalid/],
    [{ threads: 0 }, /^threads: 0 is invalid/],
    [{ batchSize: Number.NaN }, /^batchSize: NaN is invalid/],
    [{ loadFactor: 0 }, /^loadFactor: 0 is invalid; allowed: a number in \(0, 1\]$/],
    [{ loadFactor: 1.5 }, /^loadFactor: 1.5 is invalid/],
    [{ dist: 'zipf', zipfTheta: 0 }, /^zipfTheta: 0 is invalid/],
    [{ countConflicts: 1 }, /^countConflicts: 1 is invalid; allowed: true or false$/],
    [{ seed: '7' }, /^seed: "7" is invalid/],
    [{ backend: 'tpu' }, /^backend: "tpu" is invalid; allowed: cpu, cuda, cuda-emu, redis, libcuckoo$/],
    [{ arenaLimitBytes: 0 }, /^arenaLimitBytes: 0 is invalid/],
  ];

  it.each(badParams)('the addon rejects %o with a one-line Error', (patch, message) => {
    const { Case } = loadAddon();
    expect(() => new Case({ ...good, ...patch } as NativeCaseParams)).toThrow(message);
  });

  it('the addon rejects unknown fields and non-objects', () => {
    const { Case } = loadAddon();
    expect(() => new Case({ ...good, extra: 1 } as NativeCaseParams)).toThrow(/^extra: unknown field/);
    expect(() => new Case(42 as unknown as NativeCaseParams)).toThrow(/expected an object/);
  });

  it('a cuda case without CUDA fails with the reason, as a UsageError from the backend path', () => {
    const cs = loadAddon().cudaStatus();
    if (cs.compiled) return; // only meaningful for the stub build
    const { Case } = loadAddon();
    expect(() => new Case({ ...good, backend: 'cuda' })).toThrow(/built without CUDA/);
  });

  it('a closed case rejects further samples; overlapping samples are refused', async () => {
    const { Case } = loadAddon();
    const c = new Case(good);
    const first = c.runSample();
    await expect(c.runSample()).rejects.toThrow(/already running/);
    expect((await first).verification.verified).toBe(2000);
    c.close();
    await expect(c.runSample()).rejects.toThrow(/closed/);
    c.close(); // idempotent
  });

  it('close() while a sample is in flight lets the sample finish', async () => {
    const { Case } = loadAddon();
    const c = new Case({ ...good, keys: 20000 });
    const pending = c.runSample();
    c.close();
    const s = await pending;
    expect(s.verification.verified).toBe(20000);
  });
});
