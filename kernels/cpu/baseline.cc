// baseline: one write at a time under its bucket's spin lock, value copied while the lock is
// held (the naive locked table of stdgpu/DyCuckoo: lock, find or place, copy, publish, unlock).
#include "cpu/skeleton.h"

namespace wp::cpu {
namespace {

template <bool Count>
void insert(Worker& w, const uint8_t* staged, uint64_t first, uint32_t count) {
  const Table& t = *w.t;
  uint64_t retries = 0, probes = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t writeNo = first + i;
    uint64_t key = t.stream[writeNo];
    const uint8_t* src = staged + size_t(i) * t.stride;
    uint8_t* dst = value_at(t, writeNo);
    locked_upsert<Count>(t, key, home_bucket(key, t.nBuckets), 0, arena_offset(writeNo, t.stride), retries,
                         probes, [&] { memcpy(dst, src, t.valueSize); });
  }
  if constexpr (Count) {
    w.counters.lockRetries += retries;
    w.counters.probeSteps += probes;
  }
}

}  // namespace

InsertFn baseline_insert(bool countConflicts) { return countConflicts ? insert<true> : insert<false>; }

}  // namespace wp::cpu
