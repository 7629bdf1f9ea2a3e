// The occupancy model of `writeprof kernels` (src/occupancy/occupancy.ts), ported once: resident
// blocks per SM are limited by warps, the block limit, registers (allocated per warp in units) and
// shared memory (allocated in units, plus what the runtime reserves per block). The limits are
// generated from the TypeScript (arch_limits.h); tests/emu/occupancy.test.ts compares the two.
#pragma once
#include <cstddef>

#include "arch_limits.h"

namespace wpemu {

enum class Limiter { Warps, Blocks, Registers, Shared };

struct Occupancy {
  int blocksPerSM = 0;
  int warpsPerSM = 0;
  Limiter limitedBy = Limiter::Warps;
};

// nullptr for an architecture the model has no limits for.
const ArchLimits* arch_limits(const char* arch);
// false (and *out untouched) for a block size outside 1..maxWarpsPerSM*32 or too many registers.
bool theoretical_occupancy(const ArchLimits& a, int registers, size_t sharedBytes, int blockSize, Occupancy* out);

// The emulated device's architecture and what it assumes of a kernel it cannot see compiled:
// registers per thread (a kernel's own count comes from ptxas, which the emulator does not run).
inline constexpr const char* kEmulatedArch = "sm_80";
inline constexpr int kAssumedRegistersPerThread = 32;

}  // namespace wpemu
