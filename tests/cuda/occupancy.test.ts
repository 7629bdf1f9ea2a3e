import { describe, expect, it } from 'vitest';
import { ARCH_LIMITS, theoreticalOccupancy } from '../../src/occupancy/occupancy.js';

const sm90 = ARCH_LIMITS['sm_90']!;
const sm80 = ARCH_LIMITS['sm_80']!;

describe('theoretical occupancy (NVIDIA occupancy calculator rules)', () => {
  it('32 registers, 256 threads: every warp slot fills (64 warps), limited by threads', () => {
    const o = theoreticalOccupancy({ registers: 32, sharedBytes: 0 }, 256, sm90);
    expect(o).toMatchObject({ blocksPerSM: 8, warpsPerSM: 64, occupancy: 1, limitedBy: 'warps' });
  });

  it('64 registers, 256 threads: 64K registers hold 32 warps = 4 blocks (50%)', () => {
    const o = theoreticalOccupancy({ registers: 64, sharedBytes: 0 }, 256, sm90);
    expect(o).toMatchObject({ blocksPerSM: 4, warpsPerSM: 32, occupancy: 0.5, limitedBy: 'registers' });
  });

  it('rounds registers per warp up to 256: 33 registers cost as much as 40', () => {
    // 33 x 32 = 1056 -> 1280 per warp; 65536 / 1280 = 51 warps; 51 / 8 = 6 blocks of 256.
    const o = theoreticalOccupancy({ registers: 33, sharedBytes: 0 }, 256, sm90);
    expect(o).toMatchObject({ blocksPerSM: 6, warpsPerSM: 48, occupancy: 0.75, limitedBy: 'registers' });
    expect(theoreticalOccupancy({ registers: 40, sharedBytes: 0 }, 256, sm90).blocksPerSM).toBe(6);
  });

  it('shared memory: 48 KiB per block plus the 1 KiB reserve; 228 KiB on sm_90, 164 KiB on sm_80', () => {
    const k = { registers: 32, sharedBytes: 48 * 1024 };
    expect(theoreticalOccupancy(k, 256, sm90)).toMatchObject({ blocksPerSM: 4, occupancy: 0.5, limitedBy: 'shared' });
    expect(theoreticalOccupancy(k, 256, sm80)).toMatchObject({ blocksPerSM: 3, occupancy: 0.375, limitedBy: 'shared' });
  });

  it('shared memory is allocated in 128-byte units', () => {
    // 45600 B unrounded would fit 5 blocks (5 x 46624 <= 233472); rounded to 45696 + 1024 it fits 4.
    const o = theoreticalOccupancy({ registers: 32, sharedBytes: 45600 }, 128, sm90);
    expect(o).toMatchObject({ blocksPerSM: 4, limitedBy: 'shared' });
    expect(theoreticalOccupancy({ registers: 32, sharedBytes: 45568 }, 128, sm90).blocksPerSM).toBe(5);
  });

  it('small blocks hit the 32-blocks-per-SM limit', () => {
    const o = theoreticalOccupancy({ registers: 16, sharedBytes: 0 }, 32, sm90);
    expect(o).toMatchObject({ blocksPerSM: 32, warpsPerSM: 32, occupancy: 0.5, limitedBy: 'blocks' });
  });

  it('a partial warp occupies a whole warp slot', () => {
    const o = theoreticalOccupancy({ registers: 16, sharedBytes: 0 }, 48, sm90);
    expect(o.warpsPerSM).toBe(o.blocksPerSM * 2);
  });

  it('refuses impossible inputs', () => {
    expect(() => theoreticalOccupancy({ registers: 32, sharedBytes: 0 }, 4096, sm90)).toThrow(RangeError);
    expect(() => theoreticalOccupancy({ registers: 300, sharedBytes: 0 }, 256, sm90)).toThrow(RangeError);
  });
});
