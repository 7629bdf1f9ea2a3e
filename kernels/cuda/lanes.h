// A CUDA case's lanes: per host thread a stream with two pinned staging slots and its device
// counters. A lane stages a submission into pinned memory (`stage`, host clock), then enqueues its
// h2d copy, the strategy's kernel and the d2h of its counters, bracketed by CUDA events (`h2d`,
// `kernel`, `d2h`). Batch submissions are double-buffered: staging one slot overlaps the GPU work
// of the other. Concurrent mode runs one lane per host thread, released together.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "launch.h"
#include "resources.h"
#include "writeprof/runner.h"

namespace wp::gpu {

// Event-timed phase totals of one host thread, in ns.
struct Phases {
  double stage = 0, h2d = 0, kernel = 0, d2h = 0;
  uint64_t submissions = 0, timed = 0;  // submissions, and those bracketed by events
};

// One submission's buffers: pinned [keys | values] and its device twin, and the events that
// bracket its h2d copy, kernel and d2h copy (the last one doubles as the slot's completion).
struct Slot {
  PinnedBuffer host;
  DeviceBuffer<uint8_t> dev;
  Event ev[4];
  bool pending = false, timed = false;
};

// One host thread's stream, its two slots, and its device counters with their pinned copy.
struct Lane {
  Stream stream;
  Slot slots[2];
  DeviceBuffer<DevStats> stats;
  PinnedBuffer statsHost;
  Phases phases;
};

// What every submission of a case shares: where it writes and how.
struct CaseTarget {
  const CaseParams* p = nullptr;
  const uint64_t* stream = nullptr;  // key of each write number
  int device = 0;
  uint32_t sms = 1;
  Bucket* table = nullptr;
  uint64_t buckets = 0;
  uint32_t bucketBits = 0;
  uint8_t* arena = nullptr;
  uint32_t stride = 0;
  uint32_t cap = 1;            // writes per submission
  uint64_t keysBytes = 0;      // the keys' part of a slot, 256-byte aligned
};

// Bytes of one staging slot: the keys, then the values.
uint64_t slot_bytes(const CaseTarget& t);

// `count` lanes with their streams, slots and counters.
std::vector<std::unique_ptr<Lane>> make_lanes(const CaseTarget& t, uint32_t count);

// Writes [begin, end) from the calling host thread on `lane`. Batch: submissions of t.cap writes,
// double-buffered. Single (baseline): one launch per write, waited for before the next, events on
// every 16th write; `latency` (when wanted) gets every latencyEvery-th write's time. Returns ns.
uint64_t run_range(const CaseTarget& t, Lane& lane, uint64_t begin, uint64_t end, bool single, std::vector<uint32_t>* latency);

// One host thread per lane, each on its share of the keys, released together: ns from the
// release until the last lane's last submission completed.
uint64_t run_lanes(const CaseTarget& t, std::vector<std::unique_ptr<Lane>>& lanes);

}  // namespace wp::gpu
