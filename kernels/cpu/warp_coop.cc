// warp-coop: writes go in groups of 32 (a warp's worth). The group's values are copied as one
// block and its home buckets are loaded together (prefetched: a warp's 32 lanes issue their loads
// at once); then the leader matches the writes by home bucket (__match_any_sync's job on a GPU)
// and takes each bucket lock once for all of the group's writes to it. Writes that find their
// home bucket full without their key probe on one by one.
#include "cpu/skeleton.h"

namespace wp::cpu {
namespace {

template <bool Count>
void insert(Worker& w, const uint8_t* staged, uint64_t first, uint32_t count) {
  static_assert(kGroupSize == 32, "the group's lanes are the bits of a 32-bit mask");
  const Table& t = *w.t;
  uint64_t retries = 0, probes = 0;
  uint64_t home[kGroupSize];
  uint32_t lanesByLow[64] = {};

  for (uint32_t g = 0; g < count; g += kGroupSize) {
    uint32_t n = count - g < kGroupSize ? count - g : kGroupSize;
    uint64_t base = first + g;
    for (uint32_t i = 0; i < n; ++i) {
      home[i] = home_bucket(t.stream[base + i], t.nBuckets);
      prefetch_bucket(&t.buckets[home[i]]);
    }
    // The group's arena region is contiguous: one copy, outside any lock, while the buckets load.
    memcpy(value_at(t, base), staged + size_t(g) * t.stride, size_t(n) * t.stride);

    // Match lanes by home bucket in O(n): lanes sharing low home bits share a mask entry, and
    // only those candidates are compared in full.
    for (uint32_t i = 0; i < n; ++i) lanesByLow[home[i] & 63] |= 1u << i;
    uint32_t pending = n == 32 ? ~0u : (1u << n) - 1;
    uint32_t overflow = 0;
    while (pending) {
      uint64_t b = home[__builtin_ctz(pending)];
      uint32_t match = 0;
      for (uint32_t m = lanesByLow[b & 63] & pending; m; m &= m - 1) {
        uint32_t j = uint32_t(__builtin_ctz(m));
        if (home[j] == b) match |= 1u << j;
      }
      pending &= ~match;
      Bucket& bk = t.buckets[b];
      lock_bucket<Count>(bk, retries);
      for (; match; match &= match - 1) {  // lanes in stream order: a later update wins
        uint32_t k = uint32_t(__builtin_ctz(match));
        uint64_t key = t.stream[base + k];
        bool isNew = false;
        int s = locked_find_or_place(bk, key, &isNew);
        if (s < 0) { overflow |= 1u << k; continue; }
        publish_locked(bk, s, key, arena_offset(base + k, t.stride), t.valueSize, isNew);
      }
      unlock(bk);
    }
    for (uint32_t i = 0; i < n; ++i) lanesByLow[home[i] & 63] = 0;

    for (; overflow; overflow &= overflow - 1) {
      uint32_t k = uint32_t(__builtin_ctz(overflow));
      uint64_t key = t.stream[base + k];
      if (t.nBuckets <= 1) throw_table_full(t);
      if constexpr (Count) ++probes;
      locked_upsert<Count>(t, key, next_bucket(home[k], t.nBuckets), 1, arena_offset(base + k, t.stride), retries,
                           probes, NoInside{});
    }
  }
  if constexpr (Count) {
    w.counters.lockRetries += retries;
    w.counters.probeSteps += probes;
  }
}

}  // namespace

InsertFn warp_coop_insert(bool countConflicts) { return countConflicts ? insert<true> : insert<false>; }

}  // namespace wp::cpu
