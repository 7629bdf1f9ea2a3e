// coop4-cas: a cooperative 4-lane probe with a CAS claim, written against writeprof's kernel
// interface (kernels/include/writeprof/kernel.cuh). Profile it beside the built-in strategies:
//
//   writeprof run --backend cuda-emu --strategy-file examples/strategies/coop4_cas.cu --profile quick
//   writeprof check --strategy-file examples/strategies/coop4_cas.cu
//
// Four lanes take one write: they copy its value into the arena together, then each loads one of
// the bucket's four key words, and one ballot tells the group where the write goes. Slots fill in
// order (an empty slot is only ever claimed when every slot before it holds a key), so the first
// slot that holds this key, is LOCKED or is EMPTY decides, exactly as a one-thread scan would:
// our key -> re-claim it (key -> LOCKED) and swap the reference; LOCKED -> a write is in flight,
// maybe of our key: wait; EMPTY -> claim it by CAS (EMPTY -> LOCKED) and publish; none -> the
// bucket is full of other keys: probe on. A lost CAS or a wait is a casFailure. Single writes run
// the same group placement in writeprof's persistent one-warp server (WP_STRATEGY_SINGLE).
#include <writeprof/kernel.cuh>
#include <writeprof/single.cuh>

WP_STRATEGY_NAME("coop4-cas");

namespace coop4 {

using namespace wp;
using namespace wp::gpu;

constexpr unsigned kGroup = 4;                 // lanes per write: one per slot of a bucket
constexpr unsigned kGroupsPerWarp = 32 / kGroup;
static_assert(kGroup == unsigned(kSlotsPerBucket), "a lane per slot");

// The group's placement of one write whose value is already in the arena at `ref`: true when
// placed, false when the probe wrapped the whole table. `slot` is this lane's (0-3), `first` the
// group's first lane; the group's four lanes call it together.
template <bool kCount>
__device__ bool place(Bucket* table, uint64_t buckets, uint64_t key, uint64_t ref, uint32_t valueSize,
                      Tally<kCount>& t, unsigned slot, unsigned first) {
  const unsigned mask = 0xfu << first;
  uint64_t b = home_bucket(key, buckets);
  uint64_t steps = 0;
  NanoBackoff wait;
  for (;;) {
    Bucket& bk = table[b];
    const uint64_t k = load_acquire(&bk.keys[slot]);
    const unsigned decisive = __ballot_sync(mask, k == key || k == kKeyLocked || k == kKeyEmpty) & mask;
    if (decisive == 0) {  // four other keys: the next bucket of the probe path
      if (++steps >= buckets) return false;
      if (slot == 0) t.probeStep();
      b = next_bucket(b, buckets);
      continue;
    }
    const int s = __ffs(decisive) - 1 - int(first);
    int outcome = 0;  // 1 placed, 0 try again
    if (int(slot) == s) {
      if (k == kKeyLocked) {
        t.casFailure();
        wait();
      } else if (k == key) {
        if (lockfree_relock(bk, s, key)) {
          lockfree_publish_relocked(bk, s, key, ref, valueSize);
          outcome = 1;
        } else {
          t.casFailure();
        }
      } else {
        uint64_t expected = kKeyEmpty;
        if (cas(&bk.keys[s], expected, kKeyLocked)) {
          lockfree_publish_new(bk, s, key, ref, valueSize);
          outcome = 1;
        } else {
          t.casFailure();
        }
      }
    }
    if (__shfl_sync(mask, outcome, first + unsigned(s)) != 0) return true;
  }
}

template <bool kCount>
__device__ void body(const BatchArgs& a) {
  const unsigned lane = lane_id();
  const unsigned group = lane / kGroup, slot = lane % kGroup;
  const unsigned first = group * kGroup;
  const unsigned mask = 0xfu << first;
  const uint64_t warp = global_warp();
  const uint64_t warps = uint64_t(gridDim.x) * blockDim.x / 32;
  Tally<kCount> t(warp % kClockEvery == 0);
  // Warp-uniform loop: every lane reaches Tally::flush below.
  for (uint64_t base = warp * kGroupsPerWarp; base < a.n; base += warps * kGroupsPerWarp) {
    const uint64_t i = base + group;
    if (i >= a.n) continue;  // the whole group skips together
    const uint64_t key = a.keys[i];
    const uint64_t ref = arena_offset(a.firstWrite + i, a.stride);
    t.start();
    const uint4* src = reinterpret_cast<const uint4*>(a.vals + i * a.stride);
    uint4* dst = reinterpret_cast<uint4*>(a.arena + ref);
    for (uint32_t c = slot; c < a.stride / 16; c += kGroup) dst[c] = src[c];
    __syncwarp(mask);  // the value is whole before any lane of the group publishes it
    t.template lap<kPhaseCopy>();
    if (!place<kCount>(a.table, a.buckets, key, ref, a.valueSize, t, slot, first) && slot == 0) count_full(a.stats);
    t.template lap<kPhasePublish>();
  }
  t.flush(a.stats);
}

// Single mode: the persistent server's warp has copied the value; its first four lanes are the
// group that places it, the other lanes wait.
template <bool kCount>
__device__ bool single(const SingleWrite& w, Tally<kCount>& t) {
  const unsigned lane = lane_id();
  bool placed = false;
  if (lane < kGroup) placed = place<kCount>(w.table, w.buckets, w.key, w.ref, w.valueSize, t, lane, 0);
  t.template lap<kPhasePublish>();
  return placed;  // lane 0's answer is the server's
}

}  // namespace coop4

// 128 threads a block = 32 groups = 32 writes a block per step; a submission's writes race
// (a group per write, like lock-free): the ordering promise verification holds it to.
WP_STRATEGY(coop4::body, 128, 32, wp::kRacing)
WP_STRATEGY_SINGLE(coop4::single)
