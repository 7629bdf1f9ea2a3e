// warp-coop: a warp takes 32 consecutive writes. Their values form one contiguous range, which the
// warp copies together (coalesced), outside any lock. Then, round by round, __match_any_sync groups
// the lanes whose writes are headed for the same bucket; the group's leader takes that bucket's
// lock once and places the group's writes in lane (= stream) order, the other lanes waiting on
// group-scoped shuffles. Writes whose bucket was full move one bucket on and regroup next round.
//
// Deadlock freedom: a lane holds at most one lock, and only between its lock_bucket and unlock,
// where it waits on nothing but its own group's shuffles (never a warp-wide barrier). Groups of one
// round have distinct buckets, and the round's warp-wide ballot is reached only after every group
// has unlocked, so no lane ever spins on a lock held by a lane of its own warp.
#include "device.cuh"

namespace wp::gpu {
namespace {

static_assert(kWarpRun == 32, "order.h promises lane order within a warp's 32 writes: verification checks that");

template <bool kCount>
__device__ __forceinline__ void warp_coop_body(const BatchArgs& a) {
  const unsigned lane = lane_id();
  const uint64_t warp = global_warp();
  const uint64_t warps = uint64_t(gridDim.x) * blockDim.x / 32;
  Tally<kCount> t(warp % kClockEvery == 0);
  for (uint64_t base = warp * 32; base < a.n; base += warps * 32) {  // warp-uniform
    const uint32_t cnt = uint32_t(a.n - base < 32 ? a.n - base : 32);
    t.start();
    copy_warp(a.arena + arena_offset(a.firstWrite + base, a.stride), a.vals + base * a.stride,
              uint64_t(cnt) * a.stride, lane);
    __syncwarp();  // every lane's value is written before any of the warp's slots is published
    t.template lap<kPhaseCopy>();

    bool pending = lane < cnt;
    const uint64_t key = pending ? a.keys[base + lane] : 0;
    const uint64_t ref = arena_offset(a.firstWrite + base + lane, a.stride);
    uint64_t cur = pending ? home_bucket(key, a.buckets) : 0;
    uint64_t steps = 0;
    for (;;) {
      if (__ballot_sync(kFullMask, pending) == 0) break;
      // Lanes already done share one sentinel group and skip the round.
      const unsigned peers = __match_any_sync(kFullMask, pending ? (unsigned long long)cur : ~0ull);
      if (!pending) continue;
      const int leader = __ffs(peers) - 1;
      const bool lead = int(lane) == leader;
      Bucket& bk = a.table[cur];
      t.start();
      if (lead) {
        lock_bucket(bk, t);
        t.template lap<kPhaseLock>();
      }
      bool placed = false;
      for (unsigned rest = peers; rest != 0; rest &= rest - 1) {
        const int m = __ffs(rest) - 1;
        const unsigned long long mk = __shfl_sync(peers, (unsigned long long)key, m);
        const unsigned long long mref = __shfl_sync(peers, (unsigned long long)ref, m);
        int ok = 0;
        if (lead) {
          bool isNew = false;
          const int s = locked_find_or_place(bk, mk, &isNew);
          t.template lap<kPhaseProbe>();
          if (s >= 0) {
            publish_locked(bk, s, mk, mref, a.valueSize, isNew);
            ok = 1;
          }
          t.template lap<kPhasePublish>();
        }
        ok = __shfl_sync(peers, ok, leader);
        if (int(lane) == m) placed = ok != 0;
      }
      if (lead) {
        unlock(bk);
        t.template lap<kPhasePublish>();
      }
      if (placed) {
        pending = false;
      } else if (++steps >= a.buckets) {
        pending = false;
        count_full(a.stats);
      } else {
        t.probeStep();
        cur = next_bucket(cur, a.buckets);
      }
    }
  }
  t.flush(a.stats);
}

}  // namespace
}  // namespace wp::gpu

WP_BATCH_KERNELS(warp_coop, wp::gpu::warp_coop_body, WP_BLOCK_WARP_COOP, WP_MINB_BATCH_256)
WP_BATCH_LAUNCH(warp_coop, WP_BLOCK_WARP_COOP)
