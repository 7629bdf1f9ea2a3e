// The story's write-optimized bucket: 4 slots, one cache-line-sized (128 B) unit, with a
// per-bucket lock word and occupancy. Key 0 marks an empty slot; KEY_LOCKED marks a slot
// claimed by the lock-free path whose value is not yet published.
#pragma once
#include "config.h"
#include "limits.h"

namespace wp {

constexpr int kSlotsPerBucket = int(limits::table::kSlotsPerBucket);
constexpr uint64_t kKeyEmpty = 0;
constexpr uint64_t kKeyLocked = ~uint64_t(0);
constexpr uint32_t kMinValueSize = uint32_t(limits::cases::kValueSize.min);  // the first 8 bytes carry the write number
constexpr uint32_t kMaxValueSize = uint32_t(limits::cases::kValueSize.max);
constexpr uint32_t kValueAlign = uint32_t(limits::table::kValueAlign);
constexpr uint32_t kKeySize = 8;
static_assert(kMinValueSize >= 8, "a value's first 8 bytes carry its write number");
static_assert((kValueAlign & (kValueAlign - 1)) == 0, "the value stride rounds to a power of two");

struct alignas(128) Bucket {
  uint64_t keys[kSlotsPerBucket];
  uint64_t values[kSlotsPerBucket];      // byte offset of the value in the value arena
  uint32_t key_sizes[kSlotsPerBucket];
  uint32_t value_sizes[kSlotsPerBucket];
  uint32_t lock;                         // 0 free, 1 held (baseline, warp-coop, mem-opt)
  uint32_t occupancy;                    // slots in use
};
static_assert(sizeof(Bucket) == limits::table::kBucketBytes, "bucket must be exactly one 128-byte line");
static_assert(alignof(Bucket) == 128, "bucket must be 128-byte aligned");

// Fixed-capacity table geometry, derived once per case from key count and load factor.
struct TableGeometry {
  uint64_t buckets;      // number of buckets
  uint64_t slots;        // buckets * 4
  uint32_t valueStride;  // bytes between consecutive values in the arena (16-byte multiple)
  uint64_t arenaBytes;   // writes * valueStride
};

// Values live in the arena at writeNo * stride: each write owns its region, so the arena needs
// no allocator and a batch's values are contiguous (what mem-opt and write-combine exploit).
WP_HD uint32_t value_stride(uint32_t valueSize) { return (valueSize + kValueAlign - 1) & ~(kValueAlign - 1); }

WP_HD uint64_t buckets_for(uint64_t distinctKeys, double loadFactor) {
  double slots = double(distinctKeys) / loadFactor;
  uint64_t b = uint64_t((slots + kSlotsPerBucket - 1) / kSlotsPerBucket);
  return b < 1 ? 1 : b;
}

WP_HD uint64_t arena_offset(uint64_t writeNo, uint32_t stride) { return writeNo * uint64_t(stride); }

}  // namespace wp
