/**
 * The emulator's cudaOccupancy* share `writeprof kernels`' occupancy model: the per-SM limits are
 * generated from src/occupancy/occupancy.ts (and the committed header must be what the generator
 * makes), and the formula ported to C++ gives the same blocks per SM and limiter as the
 * TypeScript over a grid of register counts, shared memory sizes and block sizes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARCH_LIMITS, theoreticalOccupancy } from '../../src/occupancy/occupancy.js';
import { HEADER, renderHeader } from '../../scripts/gen-occupancy.mjs';
import { buildDriver, runDriver } from './helpers.js';

describe('occupancy on the emulator', () => {
  it('kernels/emu/include/wpemu/arch_limits.h is what scripts/gen-occupancy.mjs makes of src/occupancy', async () => {
    expect(readFileSync(HEADER, 'utf8')).toBe(await renderHeader());
  });

  it('the C++ model and the TypeScript model agree on every case of the grid', async () => {
    const bin = await buildDriver('tests/emu/native/occupancy.cpp', 'occupancy');
    const r = runDriver(bin, []);
    expect(r.code).toBe(0);
    expect(r.lines.length).toBeGreaterThan(1000);
    const archs = new Set<string>();
    for (const l of r.lines) {
      const arch = String(l['arch']);
      archs.add(arch);
      const ts = theoreticalOccupancy(
        { registers: Number(l['registers']), sharedBytes: Number(l['sharedBytes']) },
        Number(l['blockSize']),
        ARCH_LIMITS[arch]!,
      );
      expect({ blocksPerSM: l['blocksPerSM'], warpsPerSM: l['warpsPerSM'], limitedBy: l['limitedBy'] }, JSON.stringify(l)).toEqual({
        blocksPerSM: ts.blocksPerSM,
        warpsPerSM: ts.warpsPerSM,
        limitedBy: ts.limitedBy,
      });
    }
    expect([...archs].sort()).toEqual(Object.keys(ARCH_LIMITS).sort());
  });
});
