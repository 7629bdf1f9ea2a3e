// write-combine: small values (< 256 B) are gathered one by one into a per-thread combine buffer
// that stays in L1, and the buffer is flushed to the arena in one bulk copy before its writes are
// published; a submission never ends with writes left unflushed. Values of 256 B and more gain
// nothing from combining and go straight to the arena.
#include "cpu/skeleton.h"

namespace wp::cpu {
namespace {

template <bool Count>
void publish_range(const Table& t, uint64_t first, uint32_t n, uint64_t& retries, uint64_t& probes) {
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t writeNo = first + i;
    uint64_t key = t.stream[writeNo];
    if (i + kPrefetchAhead < n) prefetch_bucket(&t.buckets[home_bucket(t.stream[writeNo + kPrefetchAhead], t.nBuckets)]);
    locked_upsert<Count>(t, key, home_bucket(key, t.nBuckets), 0, arena_offset(writeNo, t.stride), retries, probes,
                         NoInside{});
  }
}

template <bool Count>
void insert(Worker& w, const uint8_t* staged, uint64_t first, uint32_t count) {
  const Table& t = *w.t;
  uint64_t retries = 0, probes = 0;
  if (t.valueSize >= kCombineMaxValue) {
    for (uint32_t i = 0; i < count; ++i) {
      memcpy(value_at(t, first + i), staged + size_t(i) * t.stride, t.valueSize);
      publish_range<Count>(t, first + i, 1, retries, probes);
    }
  } else {
    const uint32_t cap = uint32_t(kCombineBytes / t.stride);
    for (uint32_t g = 0; g < count; g += cap) {
      uint32_t n = count - g < cap ? count - g : cap;
      for (uint32_t i = 0; i < n; ++i)
        memcpy(w.combine + size_t(i) * t.stride, staged + size_t(g + i) * t.stride, t.valueSize);
      memcpy(value_at(t, first + g), w.combine, size_t(n) * t.stride);  // the bulk flush
      publish_range<Count>(t, first + g, n, retries, probes);
    }
  }
  if constexpr (Count) {
    w.counters.lockRetries += retries;
    w.counters.probeSteps += probes;
  }
}

}  // namespace

InsertFn write_combine_insert(bool countConflicts) { return countConflicts ? insert<true> : insert<false>; }

}  // namespace wp::cpu
