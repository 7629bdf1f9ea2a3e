// Capacity checks that no CaseParams can reach (the runner sizes the table for the stream's
// distinct keys, so it always fits): tables built here directly, one exactly full and one with
// fewer slots than keys, written by every strategy from 1..N threads. An exactly full table must
// verify; an overfull one must stop every writer with "table full" (never spin), leave no bucket
// locked and no slot LOCKED, and keep every slot it did publish intact.
#pragma once
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cpu/skeleton.h"
#include "writeprof/pattern.h"
#include "writeprof/verify.h"

namespace wpsan {

struct StrategyFn {
  const char* name;
  wp::cpu::InsertFn (*make)(bool);
};

inline const StrategyFn kStrategies[] = {
    {"baseline", wp::cpu::baseline_insert},     {"warp-coop", wp::cpu::warp_coop_insert},
    {"lock-free", wp::cpu::lock_free_insert},   {"mem-opt", wp::cpu::mem_opt_insert},
    {"write-combine", wp::cpu::write_combine_insert},
};

// Writes `writes` distinct keys into `buckets` buckets from `threads` threads in batches of
// `batch`. Returns the number of problems found (0 = as expected), printing each.
inline int run_capacity_case(const StrategyFn& sf, uint64_t buckets, uint64_t writes, uint32_t threads,
                             uint32_t batch, uint32_t valueSize) {
  using namespace wp;
  using namespace wp::cpu;
  const uint32_t stride = value_stride(valueSize);
  std::vector<Bucket> table(buckets);  // value-initialised: empty, unlocked
  std::vector<uint8_t> arena(writes * stride), staged(writes * stride);
  std::vector<uint64_t> stream(writes);
  for (uint64_t i = 0; i < writes; ++i) {
    stream[i] = key_of(i, 7);
    fill_value(staged.data() + i * stride, valueSize, stream[i], i);
  }
  Table t;
  t.buckets = table.data();
  t.nBuckets = buckets;
  t.arena = arena.data();
  t.arenaBytes = arena.size();
  t.valueSize = valueSize;
  t.stride = stride;
  t.stream = stream.data();
  t.writes = writes;

  InsertFn fn = sf.make(true);
  std::vector<std::string> errors(threads);
  std::vector<int> fullErrors(threads, 0);
  auto body = [&](uint32_t id) {
    Worker w;
    w.t = &t;
    std::vector<uint8_t> combine(kCombineBytes + 64);
    w.combine = combine.data() + (64 - reinterpret_cast<uintptr_t>(combine.data()) % 64) % 64;
    uint64_t begin = writes * id / threads, end = writes * (id + 1) / threads;
    try {
      for (uint64_t first = begin; first < end; first += batch) {
        uint32_t n = uint32_t(std::min<uint64_t>(batch, end - first));
        fn(w, staged.data() + first * stride, first, n);
      }
    } catch (const ConfigError& e) {
      if (std::strstr(e.what(), "table full") != nullptr) fullErrors[id] = 1;
      else errors[id] = e.what();
    } catch (const std::exception& e) {
      errors[id] = e.what();
    }
  };
  std::vector<std::thread> pool;
  for (uint32_t i = 1; i < threads; ++i) pool.emplace_back(body, i);
  body(0);
  for (std::thread& th : pool) th.join();

  int problems = 0;
  auto fail = [&](const std::string& what) {
    ++problems;
    std::printf("FAIL table-full %s buckets=%llu writes=%llu threads=%u: %s\n", sf.name,
                (unsigned long long)buckets, (unsigned long long)writes, threads, what.c_str());
  };
  for (const std::string& e : errors)
    if (!e.empty()) fail("unexpected error: " + e);
  int full = 0;
  for (int f : fullErrors) full += f;
  const uint64_t slots = buckets * kSlotsPerBucket;
  const bool overfull = writes > slots;
  if (overfull && full == 0) fail("no writer reported \"table full\"");
  if (!overfull && full != 0) fail("\"table full\" on a table with room");

  uint64_t occupied = 0, intact = 0;
  const FinalWrites anyWrite(stream.data(), writes, {1, uint32_t(writes)}, OrderPromise{1});  // distinct keys: every write legal
  for (uint64_t b = 0; b < buckets; ++b) {
    if (table[b].lock != 0) fail("bucket " + std::to_string(b) + " left locked");
    for (int s = 0; s < kSlotsPerBucket; ++s) {
      uint64_t k = table[b].keys[s];
      if (k == kKeyEmpty) continue;
      ++occupied;
      if (k == kKeyLocked) { fail("slot left LOCKED"); continue; }
      if (slot_held(table[b], s, arena.data(), arena.size(), valueSize, stream.data(), k, anyWrite) == FinalWrites::kVerified) ++intact;
    }
  }
  if (occupied != std::min<uint64_t>(slots, writes))
    fail("occupied " + std::to_string(occupied) + " slots, expected " + std::to_string(std::min<uint64_t>(slots, writes)));
  if (intact != occupied) fail(std::to_string(occupied - intact) + " published slots are not intact");
  if (!overfull) {
    Verification v = verify_table(table.data(), buckets, arena.data(), arena.size(), valueSize, stream.data(), anyWrite);
    if (v.verified != writes || v.lost || v.stale || v.corrupted) fail("exactly full table did not verify");
  }
  return problems;
}

// Every strategy: an exactly full table (single thread and `threads`), and overfull ones.
inline int check_table_full(uint32_t threads) {
  int problems = 0, cases = 0;
  for (const StrategyFn& sf : kStrategies) {
    for (uint32_t th : {1u, threads}) {
      problems += run_capacity_case(sf, 16, 64, th, 8, 24);    // exactly full: 64 keys, 64 slots
      problems += run_capacity_case(sf, 3, 64, th, 8, 24);     // 64 keys, 12 slots
      problems += run_capacity_case(sf, 1, 40, th, 33, 300);   // one bucket (warp-coop's overflow path)
      problems += run_capacity_case(sf, 50, 201, th, 64, 8);   // one key too many
      cases += 4;
    }
  }
  std::printf("table-full: %d cases, %d problems\n", cases, problems);
  return problems;
}

}  // namespace wpsan
