import { describe, expect, it } from 'vitest';
// The build's parser (plain JS, run by scripts/build-cuda.sh before any TypeScript is compiled).
import { describe as describeKernels, parseBlockSizes, parsePtxas } from '../../scripts/ptxas-to-json.mjs';

const SAMPLE = `
ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function 'wp_mem_opt_count' for 'sm_80'
ptxas info    : Function properties for wp_mem_opt_count
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 60 registers, used 1 barriers, 16384 bytes smem, 424 bytes cmem[0]
ptxas info    : Compile time = 12.000 ms
ptxas info    : Function properties for _ZN2wp3gpu6helperEv
    24 bytes stack frame, 8 bytes spill stores, 8 bytes spill loads
ptxas info    : Compiling entry function 'wp_single_locked_plain' for 'sm_90'
ptxas info    : Function properties for wp_single_locked_plain
    16 bytes stack frame, 12 bytes spill stores, 4 bytes spill loads
ptxas info    : Used 40 registers, 360 bytes cmem[0]
ptxas info    : Compiling entry function 'mystery_kernel' for 'sm_90a'
ptxas info    : Function properties for mystery_kernel
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 8 registers, used 0 barriers
`;

describe('ptxas -v parsing', () => {
  const records = parsePtxas(SAMPLE);

  it('finds one record per entry function and architecture', () => {
    expect(records.map((r: { kernel: string; arch: string }) => `${r.kernel}@${r.arch}`)).toEqual([
      'wp_mem_opt_count@sm_80',
      'wp_single_locked_plain@sm_90',
      'mystery_kernel@sm_90a',
    ]);
  });

  it('reads registers, shared memory, barriers, stack and spills', () => {
    expect(records[0]).toEqual({
      kernel: 'wp_mem_opt_count',
      arch: 'sm_80',
      registers: 60,
      sharedBytes: 16384,
      stackBytes: 0,
      spillStoreBytes: 0,
      spillLoadBytes: 0,
      barriers: 1,
    });
    // No smem / barriers in the line: zero, not a parse failure.
    expect(records[1]).toMatchObject({ registers: 40, sharedBytes: 0, stackBytes: 16, spillStoreBytes: 12, spillLoadBytes: 4, barriers: 0 });
  });

  it("does not charge a device function's spills to the entry compiled before it", () => {
    expect(records[0].spillStoreBytes).toBe(0);
    expect(records[0].stackBytes).toBe(0);
  });

  it('names strategy, modes, counter variant and block size from the kernel name and launch.h', () => {
    const blocks = parseBlockSizes('#define WP_BLOCK_MEM_OPT 256\n#define WP_BLOCK_SINGLE 32\n#define WP_MINB_BATCH_256 4\n');
    expect(blocks).toEqual({ WP_BLOCK_MEM_OPT: 256, WP_BLOCK_SINGLE: 32 });
    const [memOpt, single, mystery] = describeKernels(records, blocks);
    expect(memOpt).toMatchObject({ family: 'mem-opt', strategies: ['mem-opt'], modes: ['batch', 'concurrent'], counters: true, blockSize: 256 });
    expect(single).toMatchObject({
      family: 'single-locked',
      strategies: ['warp-coop', 'mem-opt', 'write-combine'],
      modes: ['single'],
      counters: false,
      blockSize: 32,
    });
    expect(mystery).toMatchObject({ family: null, strategies: [], blockSize: null });
  });
});
