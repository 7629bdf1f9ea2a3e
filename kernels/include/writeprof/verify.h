// Post-run verification, shared by both backends (the CUDA backend copies table and arena back,
// outside the timed region). Every distinct key of the stream must be found exactly once, and
// its value must be a complete value of some write of that key.
#pragma once
#include "config.h"
#include "layout.h"
#include "pattern.h"
#include "probe.h"

namespace wp {

struct Verification {
  uint64_t written = 0;    // distinct keys written
  uint64_t verified = 0;   // found, value intact
  uint64_t lost = 0;       // not found
  uint64_t corrupted = 0;  // found with wrong bytes/size/tag, duplicated, left LOCKED, or unknown key
};

// Check one found slot: the tag names a write of this very key and the bytes match it.
WP_HD bool slot_intact(const Bucket& bk, int s, const uint8_t* arena, uint64_t arenaBytes,
                       uint32_t valueSize, const uint64_t* stream, uint64_t writes, uint64_t key) {
  if (bk.value_sizes[s] != valueSize || bk.key_sizes[s] != kKeySize) return false;
  uint64_t ref = bk.values[s];
  if (ref + valueSize > arenaBytes) return false;
  const uint8_t* v = arena + ref;
  uint64_t writeNo = value_tag(v);
  if (writeNo >= writes || stream[writeNo] != key) return false;
  return check_value(v, valueSize, key, writeNo);
}

}  // namespace wp

#if !defined(__CUDA_ARCH__)
#include <algorithm>
#include <vector>

namespace wp {

// Host verification over a table image, given the stream's distinct keys (sorted, unique), so a
// runner that verifies every sample sorts them once. `stream[i]` is the key of write i.
inline Verification verify_table_distinct(const Bucket* table, uint64_t buckets, const uint8_t* arena,
                                          uint64_t arenaBytes, uint32_t valueSize, const uint64_t* stream,
                                          uint64_t writes, const uint64_t* distinct, uint64_t distinctCount) {
  Verification out;
  out.written = distinctCount;
  for (uint64_t i = 0; i < distinctCount; ++i) {
    uint64_t key = distinct[i];
    uint64_t b;
    int s;
    if (!lookup(table, buckets, key, &b, &s)) { ++out.lost; continue; }
    if (slot_intact(table[b], s, arena, arenaBytes, valueSize, stream, writes, key)) ++out.verified;
    else ++out.corrupted;
  }
  // Entries beyond the distinct keys found are duplicates, strays or slots left LOCKED.
  uint64_t occupied = 0;
  for (uint64_t b = 0; b < buckets; ++b)
    for (int s = 0; s < kSlotsPerBucket; ++s)
      if (table[b].keys[s] != kKeyEmpty) ++occupied;
  uint64_t found = out.verified + out.corrupted;
  if (occupied > found) out.corrupted += occupied - found;
  return out;
}

inline std::vector<uint64_t> distinct_keys(const uint64_t* stream, uint64_t writes) {
  std::vector<uint64_t> distinct(stream, stream + writes);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  return distinct;
}

// Host verification over a table image. `stream[i]` is the key of write i.
inline Verification verify_table(const Bucket* table, uint64_t buckets, const uint8_t* arena,
                                 uint64_t arenaBytes, uint32_t valueSize, const uint64_t* stream,
                                 uint64_t writes) {
  std::vector<uint64_t> distinct = distinct_keys(stream, writes);
  return verify_table_distinct(table, buckets, arena, arenaBytes, valueSize, stream, writes, distinct.data(),
                               distinct.size());
}

}  // namespace wp
#endif
