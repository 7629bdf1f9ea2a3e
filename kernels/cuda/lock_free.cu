// lock-free: no bucket lock. A warp copies its 32 writes' values (one contiguous, coalesced range)
// into their own arena regions; then each lane claims a slot by CAS on the key word
// (EMPTY -> LOCKED, cuda::atomic_ref via config.h), fills in the reference and sizes, and publishes
// with a release store of the key: the key word is the publish flag readers check, so nobody sees a
// half-written slot. Updates re-claim the slot (key -> LOCKED) and republish.
#include "device.cuh"

namespace wp::gpu {
namespace {

template <bool kCount>
__device__ __forceinline__ void lock_free_body(const BatchArgs& a) {
  const unsigned lane = lane_id();
  const uint64_t warp = global_warp();
  const uint64_t warps = uint64_t(gridDim.x) * blockDim.x / 32;
  Tally<kCount> t(warp % kClockEvery == 0);
  for (uint64_t base = warp * 32; base < a.n; base += warps * 32) {
    const uint32_t cnt = uint32_t(a.n - base < 32 ? a.n - base : 32);
    t.start();
    copy_warp(a.arena + arena_offset(a.firstWrite + base, a.stride), a.vals + base * a.stride,
              uint64_t(cnt) * a.stride, lane);
    // Memory ordering among the warp: lane j's release publish covers lane i's copy.
    __syncwarp();
    t.template lap<kPhaseCopy>();
    if (lane < cnt) {
      const uint64_t key = a.keys[base + lane];
      const uint64_t ref = arena_offset(a.firstWrite + base + lane, a.stride);
      if (!lockfree_upsert<kCount>(a.table, a.buckets, key, ref, a.valueSize, t)) count_full(a.stats);
    }
  }
  t.flush(a.stats);
}

}  // namespace
}  // namespace wp::gpu

WP_BATCH_KERNELS(lock_free, wp::gpu::lock_free_body, WP_BLOCK_LOCK_FREE, WP_MINB_BATCH_256)
WP_BATCH_LAUNCH(lock_free, WP_BLOCK_LOCK_FREE)
