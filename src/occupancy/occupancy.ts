/**
 * Theoretical occupancy from a kernel's resource usage, as NVIDIA's occupancy calculator computes
 * it: resident blocks per SM are limited by threads (warps), the block limit, registers (allocated
 * per warp in units of 256) and shared memory (allocated in 128-byte units, plus 1 KiB the
 * runtime reserves per block). Register pressure was one of the story's root causes; this is the
 * number that shows it.
 */

export interface ArchLimits {
  arch: string;
  maxWarpsPerSM: number;
  maxBlocksPerSM: number;
  registersPerSM: number;
  /** registers are allocated per warp in units of this many */
  registerAllocUnit: number;
  maxRegistersPerThread: number;
  sharedPerSM: number;
  sharedAllocUnit: number;
  /** shared memory the runtime reserves per resident block */
  sharedReservedPerBlock: number;
}

const WARP = 32;

export const ARCH_LIMITS: Readonly<Record<string, ArchLimits>> = {
  // H100/H200: 2048 threads, 32 blocks, 64K registers, 228 KiB shared per SM.
  sm_90: {
    arch: 'sm_90',
    maxWarpsPerSM: 64,
    maxBlocksPerSM: 32,
    registersPerSM: 65536,
    registerAllocUnit: 256,
    maxRegistersPerThread: 255,
    sharedPerSM: 228 * 1024,
    sharedAllocUnit: 128,
    sharedReservedPerBlock: 1024,
  },
  // A100: as sm_90 but 164 KiB of shared memory per SM.
  sm_80: {
    arch: 'sm_80',
    maxWarpsPerSM: 64,
    maxBlocksPerSM: 32,
    registersPerSM: 65536,
    registerAllocUnit: 256,
    maxRegistersPerThread: 255,
    sharedPerSM: 164 * 1024,
    sharedAllocUnit: 128,
    sharedReservedPerBlock: 1024,
  },
};

export type Limiter = 'warps' | 'blocks' | 'registers' | 'shared';

export interface Occupancy {
  arch: string;
  blockSize: number;
  blocksPerSM: number;
  warpsPerSM: number;
  /** active warps / maximum warps per SM, 0..1 */
  occupancy: number;
  limitedBy: Limiter;
}

export interface KernelResources {
  registers: number;
  /** static shared memory per block, bytes */
  sharedBytes: number;
}

const roundUp = (x: number, unit: number): number => Math.ceil(x / unit) * unit;

export function theoreticalOccupancy(k: KernelResources, blockSize: number, limits: ArchLimits): Occupancy {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > limits.maxWarpsPerSM * WARP) {
    throw new RangeError(`blockSize ${blockSize} is outside 1..${limits.maxWarpsPerSM * WARP}`);
  }
  if (k.registers > limits.maxRegistersPerThread) {
    throw new RangeError(`registers ${k.registers} exceed ${limits.maxRegistersPerThread} per thread on ${limits.arch}`);
  }
  const warpsPerBlock = Math.ceil(blockSize / WARP);
  const byWarps = Math.floor(limits.maxWarpsPerSM / warpsPerBlock);
  const byBlocks = limits.maxBlocksPerSM;
  const regsPerWarp = roundUp(Math.max(k.registers, 1) * WARP, limits.registerAllocUnit);
  const byRegisters = Math.floor(Math.floor(limits.registersPerSM / regsPerWarp) / warpsPerBlock);
  const sharedPerBlock = roundUp(k.sharedBytes, limits.sharedAllocUnit) + limits.sharedReservedPerBlock;
  const byShared = Math.floor(limits.sharedPerSM / sharedPerBlock);

  // The first limit reached names the limiter (ties go to the earlier one in this order).
  const candidates: [Limiter, number][] = [
    ['warps', byWarps],
    ['blocks', byBlocks],
    ['registers', byRegisters],
    ['shared', byShared],
  ];
  let [limitedBy, blocksPerSM] = candidates[0]!;
  for (const [name, n] of candidates) {
    if (n < blocksPerSM) {
      blocksPerSM = n;
      limitedBy = name;
    }
  }
  const warpsPerSM = blocksPerSM * warpsPerBlock;
  return { arch: limits.arch, blockSize, blocksPerSM, warpsPerSM, occupancy: warpsPerSM / limits.maxWarpsPerSM, limitedBy };
}
