// What the five CPU strategies share: the table a sample writes into, the per-thread state an
// insert routine runs with, spin waits that survive oversubscription, and the locked upsert along
// a bucketed linear-probing path. Each strategy file only says how it orders copies and publishes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>

#include "writeprof/hash.h"
#include "writeprof/host/clock.h"
#include "writeprof/layout.h"
#include "writeprof/probe.h"
#include "writeprof/runner.h"

namespace wp::cpu {

// Geometry and storage of one case; read-only to the insert routines (they write through it).
struct Table {
  Bucket* buckets = nullptr;
  uint64_t nBuckets = 0;
  uint8_t* arena = nullptr;
  uint64_t arenaBytes = 0;
  uint32_t valueSize = 0;
  uint32_t stride = 0;
  const uint64_t* stream = nullptr;  // key of each write number
  uint64_t writes = 0;
};

// Per-thread state: counters stay thread-local (summed after the sample) so counting never
// adds shared-cache-line traffic of its own.
struct Worker {
  const Table* t = nullptr;
  Counters counters;
  uint8_t* combine = nullptr;  // write-combine's per-thread buffer (kCombineBytes, 64-aligned)
};

constexpr uint32_t kGroupSize = 32;         // warp-coop: writes per cooperating group
constexpr size_t kCombineBytes = 8 * 1024;  // write-combine: per-thread buffer (fits L1)
constexpr uint32_t kCombineMaxValue = 256;  // write-combine: values from here go straight through
constexpr uint32_t kStreamMinValue = 1024;  // mem-opt: values from here use non-temporal stores
constexpr size_t kStageSliceBytes = 256 * 1024;  // staging slice: stays in L2 until copied
constexpr uint32_t kPrefetchAhead = 32;     // mem-opt, lock-free, write-combine: home buckets prefetched this many writes ahead

// Inserts writes [first, first + count) whose values are staged contiguously at `staged`
// (value i at staged + i * stride).
using InsertFn = void (*)(Worker& w, const uint8_t* staged, uint64_t first, uint32_t count);

InsertFn baseline_insert(bool countConflicts);
InsertFn warp_coop_insert(bool countConflicts);
InsertFn lock_free_insert(bool countConflicts);
InsertFn mem_opt_insert(bool countConflicts);
InsertFn write_combine_insert(bool countConflicts);

// Probing came back to where it started: every bucket on the path is full.
[[noreturn]] void throw_table_full(const Table& t);

// A bucket is two 64-byte lines: keys/values in the first, sizes, lock and occupancy in the
// second. Every write touches both (the lock or the occupancy), so both are prefetched.
inline void prefetch_bucket(const Bucket* b) {
  __builtin_prefetch(b, 1, 3);
  __builtin_prefetch(reinterpret_cast<const char*>(b) + 64, 1, 3);
}

using host::cpu_relax;

// Pause while spinning; every 64 spins give the core away, so a lock holder that was
// descheduled (threads > cores) gets to run instead of us burning its time slice.
struct Backoff {
  uint32_t spins = 0;
  void operator()() {
    if (++spins % 64 == 0) std::this_thread::yield();
    else cpu_relax();
  }
};

// Test-and-test-and-set: every failed try_lock is one lockRetries; while the lock reads held we
// only load it, so waiting does not hammer the line with CASes.
template <bool Count>
inline void lock_bucket(Bucket& b, uint64_t& retries) {
  if (try_lock(b)) return;
  Backoff wait;
  for (;;) {
    if constexpr (Count) ++retries;
    do { wait(); } while (load_relaxed(&b.lock) != 0u);
    if (try_lock(b)) return;
  }
}

// Locked upsert of one write along its probe path, starting at `bucket` (`steps` buckets past
// home already). `inside()` runs with the bucket locked, before the slot is published
// (baseline copies its value there).
template <bool Count, class Inside>
inline void locked_upsert(const Table& t, uint64_t key, uint64_t bucket, uint64_t steps, uint64_t ref,
                          uint64_t& retries, uint64_t& probes, Inside inside) {
  for (;;) {
    Bucket& bk = t.buckets[bucket];
    lock_bucket<Count>(bk, retries);
    bool isNew = false;
    int s = locked_find_or_place(bk, key, &isNew);
    if (s >= 0) {
      inside();
      publish_locked(bk, s, key, ref, t.valueSize, isNew);
      unlock(bk);
      return;
    }
    unlock(bk);
    if (++steps >= t.nBuckets) throw_table_full(t);
    if constexpr (Count) ++probes;
    bucket = next_bucket(bucket, t.nBuckets);
  }
}

struct NoInside {
  void operator()() const {}
};

inline uint8_t* value_at(const Table& t, uint64_t writeNo) { return t.arena + arena_offset(writeNo, t.stride); }

}  // namespace wp::cpu
