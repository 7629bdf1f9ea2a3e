// lock-free: no bucket lock. The value goes to its own arena region first; then a new key's slot
// is claimed by CAS-ing its key word EMPTY -> LOCKED and published with a release store of the
// key, and an existing key's slot is re-claimed (key -> LOCKED) to swap in the new reference.
// Lost CASes and waits on a LOCKED slot are the conflicts (casFailures).
#include "cpu/skeleton.h"

namespace wp::cpu {
namespace {

template <bool Count>
void insert(Worker& w, const uint8_t* staged, uint64_t first, uint32_t count) {
  const Table& t = *w.t;
  uint64_t casFailures = 0, probes = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t writeNo = first + i;
    uint64_t key = t.stream[writeNo];
    // The claim's CAS and the occupancy add stall on the bucket's two lines: fetch them early.
    if (i + kPrefetchAhead < count) prefetch_bucket(&t.buckets[home_bucket(t.stream[writeNo + kPrefetchAhead], t.nBuckets)]);
    uint64_t ref = arena_offset(writeNo, t.stride);
    memcpy(t.arena + ref, staged + size_t(i) * t.stride, t.valueSize);

    uint64_t b = home_bucket(key, t.nBuckets);
    uint64_t steps = 0;
    Backoff wait;
    for (;;) {
      Bucket& bk = t.buckets[b];
      int s = -1;
      ClaimResult r = lockfree_claim_with<Count>(bk, key, &s, &casFailures, wait);
      if (r == kClaimedNew) {
        lockfree_publish_new(bk, s, key, ref, t.valueSize);
        break;
      }
      if (r == kFoundExisting) {
        if (lockfree_relock(bk, s, key)) {
          lockfree_publish_relocked(bk, s, key, ref, t.valueSize);
          break;
        }
        // Another writer of this key holds the slot: wait for it, then claim again.
        if constexpr (Count) ++casFailures;
        do { wait(); } while (load_acquire(&bk.keys[s]) == kKeyLocked);
        continue;
      }
      if (++steps >= t.nBuckets) throw_table_full(t);
      if constexpr (Count) ++probes;
      b = next_bucket(b, t.nBuckets);
    }
  }
  if constexpr (Count) {
    w.counters.casFailures += casFailures;
    w.counters.probeSteps += probes;
  }
}

}  // namespace

InsertFn lock_free_insert(bool countConflicts) { return countConflicts ? insert<true> : insert<false>; }

}  // namespace wp::cpu
