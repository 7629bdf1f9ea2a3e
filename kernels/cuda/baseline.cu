// baseline: one thread per write, the naive locked table (stdgpu/DyCuckoo): take the home
// bucket's lock with atomicCAS (spinning with __nanosleep backoff), find or place the key, copy the
// value while the lock is held, publish, unlock; a full bucket sends the write to the next one.
#include "device.cuh"

namespace wp::gpu {
namespace {

template <bool kCount>
__device__ __forceinline__ void baseline_body(const BatchArgs& a) {
  Tally<kCount> t(global_warp() % kClockEvery == 0);
  const uint64_t stride = uint64_t(gridDim.x) * blockDim.x;
  for (uint64_t i = uint64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < a.n; i += stride) {
    const uint64_t key = a.keys[i];
    const uint64_t ref = arena_offset(a.firstWrite + i, a.stride);
    uint8_t* dst = a.arena + ref;
    const uint8_t* src = a.vals + i * a.stride;
    const uint32_t bytes = a.stride;
    if (!locked_upsert<kCount>(a.table, a.buckets, key, home_bucket(key, a.buckets), 0, ref, a.valueSize, t,
                               [&] { copy_thread(dst, src, bytes); }))
      count_full(a.stats);
  }
  t.flush(a.stats);
}

}  // namespace
}  // namespace wp::gpu

WP_BATCH_KERNELS(baseline, wp::gpu::baseline_body, WP_BLOCK_BASELINE, WP_MINB_BATCH_256)

namespace wp::gpu {

void launch_baseline(bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream) {
  // One thread per write: a submission smaller than a block (a lone single write) launches only
  // the warps it needs, not 256 threads of which all but one have nothing to do.
  const uint32_t threads = a.n < WP_BLOCK_BASELINE ? (a.n + 31) / 32 * 32 : WP_BLOCK_BASELINE;
  if (count) wp_baseline_count<<<blocks, threads, 0, stream>>>(a);
  else wp_baseline_plain<<<blocks, threads, 0, stream>>>(a);
}

}  // namespace wp::gpu
