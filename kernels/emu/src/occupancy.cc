// The occupancy model, as src/occupancy/occupancy.ts computes it, and the CUDA occupancy API on it.
#include "wpemu/occupancy.h"

#include <algorithm>
#include <cstring>

#include "kernel_attrs.h"
#include "runtime.h"
#include "wpemu/api.h"
#include "wpemu/launch_api.h"

namespace wpemu {

namespace {
constexpr int kWarp = 32;
int round_up(long long x, int unit) { return int((x + unit - 1) / unit * unit); }
}  // namespace

const ArchLimits* arch_limits(const char* arch) {
  for (const ArchLimits& a : kArchLimits)
    if (std::strcmp(a.arch, arch) == 0) return &a;
  return nullptr;
}

bool theoretical_occupancy(const ArchLimits& a, int registers, size_t sharedBytes, int blockSize, Occupancy* out) {
  if (blockSize < 1 || blockSize > a.maxWarpsPerSM * kWarp || registers > a.maxRegistersPerThread) return false;
  const int warpsPerBlock = (blockSize + kWarp - 1) / kWarp;
  const int byWarps = a.maxWarpsPerSM / warpsPerBlock;
  const int byBlocks = a.maxBlocksPerSM;
  const int regsPerWarp = round_up(std::max(registers, 1) * kWarp, a.registerAllocUnit);
  const int byRegisters = (a.registersPerSM / regsPerWarp) / warpsPerBlock;
  const long long sharedPerBlock = round_up((long long)sharedBytes, a.sharedAllocUnit) + a.sharedReservedPerBlock;
  const int byShared = int(a.sharedPerSM / sharedPerBlock);
  // The first limit reached names the limiter (ties go to the earlier one in this order).
  const std::pair<Limiter, int> candidates[] = {
      {Limiter::Warps, byWarps}, {Limiter::Blocks, byBlocks}, {Limiter::Registers, byRegisters}, {Limiter::Shared, byShared}};
  Occupancy o{candidates[0].second, 0, candidates[0].first};
  for (const auto& [limiter, n] : candidates)
    if (n < o.blocksPerSM) {
      o.blocksPerSM = n;
      o.limitedBy = limiter;
    }
  o.warpsPerSM = o.blocksPerSM * warpsPerBlock;
  *out = o;
  return true;
}

// Blocks of `fn` one emulated SM holds: the model on the emulated architecture, the assumed
// register count, and the dynamic shared memory as the kernel's shared memory (its static
// shared memory is not known here).
static int blocks_per_sm(int blockSize, size_t dynamicShared) {
  Occupancy o;
  if (!theoretical_occupancy(*arch_limits(kEmulatedArch), kAssumedRegistersPerThread, dynamicShared, blockSize, &o)) return 0;
  return o.blocksPerSM;
}

int max_cooperative_blocks(const void*, dim3 block, size_t dynamicShared) {
  const unsigned long long threads = (unsigned long long)block.x * block.y * block.z;
  if (threads == 0 || threads > 1024) return 0;
  return blocks_per_sm(int(threads), dynamicShared) * int(effective_workers());
}

cudaError_t max_potential_block_size(int* minGridSize, int* blockSize, const void* func, size_t (*smem)(int, const void*),
                                     const void* smemCtx, int blockSizeLimit, unsigned) {
  if (!minGridSize || !blockSize || !func) return cudaErrorInvalidValue;
  if (!find_kernel(func)) return cudaErrorInvalidDeviceFunction;
  const ArchLimits& a = *arch_limits(kEmulatedArch);
  const int occupancyLimit = a.maxWarpsPerSM * kWarp;
  const int devMax = 1024;
  if (blockSizeLimit <= 0 || blockSizeLimit > devMax) blockSizeLimit = devMax;
  int bestBlock = 0, bestBlocks = 0, bestThreads = 0;
  for (int aligned = (blockSizeLimit + kWarp - 1) / kWarp * kWarp; aligned > 0; aligned -= kWarp) {
    const int size = std::min(aligned, blockSizeLimit);
    const int n = blocks_per_sm(size, smem(size, smemCtx));
    if (size * n > bestThreads) {
      bestBlock = size;
      bestBlocks = n;
      bestThreads = size * n;
    }
    if (bestThreads == occupancyLimit) break;
  }
  *minGridSize = bestBlocks * int(effective_workers());
  *blockSize = bestBlock;
  return cudaSuccess;
}

}  // namespace wpemu

cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int* numBlocks, const void* func, int blockSize,
                                                                   size_t dynamicSMemSize, unsigned) {
  if (!numBlocks) return cudaErrorInvalidValue;
  if (!wpemu::find_kernel(func)) return cudaErrorInvalidDeviceFunction;
  if (blockSize < 1 || blockSize > 1024) return cudaErrorInvalidValue;
  *numBlocks = wpemu::blocks_per_sm(blockSize, dynamicSMemSize);
  return cudaSuccess;
}

cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int* numBlocks, const void* func, int blockSize,
                                                          size_t dynamicSMemSize) {
  return cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(numBlocks, func, blockSize, dynamicSMemSize, 0);
}

cudaError_t cudaOccupancyAvailableDynamicSMemPerBlock(size_t* bytes, const void* func, int numBlocks, int blockSize) {
  if (!bytes || numBlocks < 1 || blockSize < 1 || blockSize > 1024) return cudaErrorInvalidValue;
  if (!wpemu::find_kernel(func)) return cudaErrorInvalidDeviceFunction;
  const wpemu::ArchLimits& a = *wpemu::arch_limits(wpemu::kEmulatedArch);
  if (wpemu::blocks_per_sm(blockSize, 0) < numBlocks) {
    *bytes = 0;
    return cudaSuccess;
  }
  // The most shared memory per block that still lets numBlocks blocks reside, within the opt-in limit.
  const long long perBlock = a.sharedPerSM / numBlocks - a.sharedReservedPerBlock;
  const long long units = perBlock / a.sharedAllocUnit * a.sharedAllocUnit;
  *bytes = size_t(std::clamp<long long>(units, 0, (long long)wpemu::kMaxSharedPerBlockOptin));
  return cudaSuccess;
}
