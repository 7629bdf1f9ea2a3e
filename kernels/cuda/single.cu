// Single mode for the optimized strategies: a persistent one-warp kernel instead of a launch per
// write (a launch plus sync alone costs 4-6 us). The host stages a write into mapped pinned memory
// and bumps the mailbox's sequence number; lane 0 polls it (system-scope acquire), the warp reads
// the value zero-copy over PCIe into the arena, lane 0 inserts it with the strategy's protocol
// (bucket lock, or lock-free CAS claim) and answers with a system-scope release of `done`.
#include <cuda/atomic>

#include "device.cuh"

namespace wp::gpu {
namespace {

using SysRef = ::cuda::atomic_ref<unsigned long long, ::cuda::thread_scope_system>;

template <bool kLockFree, bool kCount>
__device__ __forceinline__ void server_body(const ServerArgs& a) {
  const unsigned lane = lane_id();
  Tally<kCount> t(lane == 0);  // lane 0 alone: its laps span the warp's copy (up to __syncwarp) and the upsert
  unsigned long long last = 0;
  for (;;) {
    unsigned long long seq = 0, key = 0, writeNo = 0;
    uint32_t op = kOpStop;
    if (lane == 0) {
      SysRef s(a.mailbox->seq);
      uint32_t polls = 0;
      while ((seq = s.load(::cuda::std::memory_order_acquire)) == last)
        if (++polls > 64) __nanosleep(100);  // idle between requests: stop hammering PCIe
      const volatile Mailbox* mb = a.mailbox;
      key = mb->key;
      writeNo = mb->writeNo;
      op = mb->op;
    }
    seq = __shfl_sync(kFullMask, seq, 0);
    key = __shfl_sync(kFullMask, key, 0);
    writeNo = __shfl_sync(kFullMask, writeNo, 0);
    op = __shfl_sync(kFullMask, op, 0);
    if (op == kOpStop) break;
    last = seq;
    if (op == kOpWrite) {
      const uint64_t ref = arena_offset(writeNo, a.stride);
      t.start();
      copy_warp_volatile(a.arena + ref, a.value, a.stride, lane);
      __syncwarp();  // the whole value is in the arena before lane 0 publishes it
      t.template lap<kPhaseCopy>();
      if (lane == 0) {
        bool ok;
        if (kLockFree) ok = lockfree_upsert<kCount>(a.table, a.buckets, key, ref, a.valueSize, t);
        else ok = locked_upsert<kCount>(a.table, a.buckets, key, home_bucket(key, a.buckets), 0, ref, a.valueSize,
                                        t, NoInside{});
        if (!ok) count_full(a.stats);
      }
      __syncwarp();
    }
    if (lane == 0) SysRef(a.mailbox->done).store(seq, ::cuda::std::memory_order_release);
  }
  t.flush(a.stats);
}

}  // namespace
}  // namespace wp::gpu

extern "C" __global__ void __launch_bounds__(WP_BLOCK_SINGLE, 1) wp_single_locked_count(wp::gpu::ServerArgs a) {
  wp::gpu::server_body<false, true>(a);
}
extern "C" __global__ void __launch_bounds__(WP_BLOCK_SINGLE, 1) wp_single_locked_plain(wp::gpu::ServerArgs a) {
  wp::gpu::server_body<false, false>(a);
}
extern "C" __global__ void __launch_bounds__(WP_BLOCK_SINGLE, 1) wp_single_lock_free_count(wp::gpu::ServerArgs a) {
  wp::gpu::server_body<true, true>(a);
}
extern "C" __global__ void __launch_bounds__(WP_BLOCK_SINGLE, 1) wp_single_lock_free_plain(wp::gpu::ServerArgs a) {
  wp::gpu::server_body<true, false>(a);
}

namespace wp::gpu {

void launch_single_server(bool lockFree, bool count, const ServerArgs& a, cudaStream_t stream) {
  if (lockFree) {
    if (count) wp_single_lock_free_count<<<1, WP_BLOCK_SINGLE, 0, stream>>>(a);
    else wp_single_lock_free_plain<<<1, WP_BLOCK_SINGLE, 0, stream>>>(a);
  } else {
    if (count) wp_single_locked_count<<<1, WP_BLOCK_SINGLE, 0, stream>>>(a);
    else wp_single_locked_plain<<<1, WP_BLOCK_SINGLE, 0, stream>>>(a);
  }
}

}  // namespace wp::gpu
