/**
 * Planted bugs (tests/emu/native/planted.cu, built only here) must be caught by the emulator:
 * lost writes reported, a deadlock reported instead of a hang, a mask error, a divergent barrier;
 * a lane leaving while others wait for it is no fault (PTX) but a portability note; and a failing
 * seed reproduces exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDriver, runDriver } from './helpers.js';

let bin = '';
beforeAll(async () => {
  bin = await buildDriver('tests/emu/native/planted.cu', 'planted');
});

const fault = (name: string, seed = 1, timeout = '1') => {
  const r = runDriver(bin, [name, String(seed), timeout, '1']);
  expect(r.code, r.stderr).toBe(0);
  return { ...r, fault: String(r.lines[0]?.['fault'] ?? '') };
};

describe('planted bugs on the emulator', () => {
  it('a slot claim without CAS loses writes, and verification says so', () => {
    const r = runDriver(bin, ['no-cas', '1', '2', '1']);
    const v = r.lines[0]!;
    expect(v['fault']).toBe('');
    expect(v['distinct']).toBe(4096);
    expect(Number(v['lost'])).toBeGreaterThan(0);
    expect(Number(v['verified'])).toBeLessThan(4096);
  });

  it('a failing seed reproduces: the same seed loses the same writes, another seed others', () => {
    const runs = [1, 1, 2].map((seed) => runDriver(bin, ['no-cas', String(seed), '2', '1']).lines[0]!);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
  });

  it('a lock never released: no progress is reported with the threads\' states, in bounded time', () => {
    const r = fault('lock-never-released');
    expect(r.fault).toMatch(/^kernel planted_lock_never_released<<<2, 64>>> \(emulator seed 1\): block \d: no thread made progress for 1\.\d s/);
    expect(r.fault).toMatch(/warp \d: lanes [\d,-]+ runnable \(last switch points: .*atomic load/);
    expect(r.fault).toMatch(/lane \d+ exited/); // the holder left with the lock
    expect(r.seconds).toBeLessThan(10);
  });

  it('a __shfl_sync whose mask misses a participating lane is a fault naming the lane and mask', () => {
    const r = fault('mask-missing-lane');
    expect(r.fault).toContain('warp 0 lane 31 calls __shfl_sync(mask 0x7fffffff) at planted.cu:');
    expect(r.fault).toContain('whose mask does not include the calling lane');
  });

  it('a shuffle reading a lane outside its mask is a fault', () => {
    const r = fault('shfl-outside-mask');
    expect(r.fault).toMatch(/warp 0 lane \d+ reads lane 20 outside the mask 0x0000ffff of __shfl_sync at planted\.cu:\d+/);
  });

  it('__syncthreads inside a divergent branch is a fault, not a hang', () => {
    for (const seed of [1, 2, 3]) {
      const r = fault('divergent-syncthreads', seed);
      expect(r.fault).toContain('planted_divergent_syncthreads<<<1, 256>>>');
      expect(r.fault).toMatch(/__syncthreads.*a barrier in divergent code/);
    }
  });

  it('a lane that exits while others wait for it in a shuffle is not waited for (PTX), and a portability note says so', () => {
    const r = fault('lane-exits');
    expect(r.fault).toBe('');
    const notes = (r.lines[0]?.['notes'] ?? []) as string[];
    expect(notes.some((n) => /__shfl_sync\(mask 0xffffffff\).*(exited|names lanes 16-31)/.test(n)), notes.join(' | ')).toBe(true);
  });
});
