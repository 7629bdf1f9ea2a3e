// Single mode for the optimized strategies: the persistent one-warp server of the public kernel
// interface (writeprof/single.cuh, the kernel a strategy file's WP_STRATEGY_SINGLE instantiates
// too) over the built-in claim protocols, each a single-write entry run by lane 0: the bucket
// lock (warp-coop, mem-opt, write-combine) and the lock-free CAS claim (lock-free). Their batch
// optimizations do not apply to a lone write.
#include "device.cuh"

namespace wp::gpu {

template <bool kCount>
__device__ bool single_locked(const SingleWrite& w, Tally<kCount>& t) {
  bool ok = true;
  if (lane_id() == 0)
    ok = locked_upsert<kCount>(w.table, w.buckets, w.key, home_bucket(w.key, w.buckets), 0, w.ref, w.valueSize, t,
                               NoInside{});
  return ok;
}

template <bool kCount>
__device__ bool single_lock_free(const SingleWrite& w, Tally<kCount>& t) {
  bool ok = true;
  if (lane_id() == 0) ok = lockfree_upsert<kCount>(w.table, w.buckets, w.key, w.ref, w.valueSize, t);
  return ok;
}

}  // namespace wp::gpu

WP_SERVER_KERNELS(single_locked, wp::gpu::single_locked)
WP_SERVER_KERNELS(single_lock_free, wp::gpu::single_lock_free)
