// mem-opt: the memory system first. A block takes 256 consecutive writes: each thread computes
// its write's home bucket and prefetches that 128-byte bucket into L2, then the block moves the
// tile's values (one contiguous range) through shared memory: cp.async loads, 16-byte vector stores
// numbered from the destination's 128-byte line so every warp store covers whole lines, and
// evict-first stores for values of 1 KiB and more. Only then does each thread take its (by now
// cached) bucket's lock, which it holds for the slot update alone, never for a copy.
#include "device.cuh"

namespace wp::gpu {
namespace {

constexpr uint32_t kBlock = WP_BLOCK_MEM_OPT;
constexpr uint32_t kPieceChunks = 1024;      // 16 KiB of shared memory per block
constexpr uint32_t kStreamMinStride = 1024;  // evict-first stores from here

template <bool kCount>
__device__ __forceinline__ void mem_opt_body(const BatchArgs& a) {
  __shared__ __align__(128) uint4 piece[kPieceChunks];
  Tally<kCount> t(global_warp() % kClockEvery == 0);
  const bool streaming = a.stride >= kStreamMinStride;
  for (uint64_t base = uint64_t(blockIdx.x) * kBlock; base < a.n; base += uint64_t(gridDim.x) * kBlock) {
    const uint32_t cnt = uint32_t(a.n - base < kBlock ? a.n - base : kBlock);
    const bool mine = threadIdx.x < cnt;
    uint64_t key = 0, home = 0;
    if (mine) {
      key = a.keys[base + threadIdx.x];
      home = home_bucket(key, a.buckets);
      prefetch_l2(&a.table[home]);  // in flight while the values move
    }
    t.start();
    staged_copy<kBlock>(a.arena + arena_offset(a.firstWrite + base, a.stride), a.vals + base * a.stride,
                        uint64_t(cnt) * a.stride, piece, kPieceChunks, streaming);
    t.template lap<kPhaseCopy>();  // staged_copy ends at a barrier: the whole tile is written
    if (mine) {
      const uint64_t ref = arena_offset(a.firstWrite + base + threadIdx.x, a.stride);
      if (!locked_upsert<kCount>(a.table, a.buckets, key, home, 0, ref, a.valueSize, t, NoInside{}))
        count_full(a.stats);
    }
  }
  t.flush(a.stats);
}

}  // namespace
}  // namespace wp::gpu

WP_BATCH_KERNELS(mem_opt, wp::gpu::mem_opt_body, WP_BLOCK_MEM_OPT, WP_MINB_BATCH_256)
WP_BATCH_LAUNCH(mem_opt, WP_BLOCK_MEM_OPT)
