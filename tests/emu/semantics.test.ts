/**
 * The emulator's CUDA semantics against the programming guide's: shuffles (idx, up, down, xor,
 * width), ballot, match, reductions, partial masks, barrier variants, dynamic shared memory and
 * 2-D blocks, atomics across blocks, a persistent kernel answering the host through mapped memory,
 * events, launch-configuration errors, and sticky faults cleared by cudaDeviceReset. Each check is
 * a kernel in tests/emu/native/semantics.cu, run under three seeds and one or two workers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDriver, runDriver } from './helpers.js';

let bin = '';
beforeAll(async () => {
  bin = await buildDriver('tests/emu/native/semantics.cu', 'semantics');
});

const CHECKS = [
  'shuffles-ballot-match-reduce',
  'partial-mask-shuffle',
  'syncthreads-count-and-or',
  'dynamic-shared-2d-block',
  'atomics',
  'persistent-kernel-and-host',
  'events',
  'invalid-configuration',
  'no-spurious-timeout',
  'trap-sticky-reset',
];

describe('emulated CUDA semantics', () => {
  for (const [seed, workers] of [[1, 1], [2, 2], [3, 2]] as const) {
    it(`seed ${seed}, ${workers} worker(s): every check matches CUDA's semantics`, () => {
      const r = runDriver(bin, [String(seed), String(workers)]);
      expect(r.lines.map((l) => l['name'])).toEqual(CHECKS);
      for (const l of r.lines) expect(l, String(l['name'])).toMatchObject({ ok: true });
      expect(r.code).toBe(0);
    });
  }
});
