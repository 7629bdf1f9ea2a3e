// Slot-level operations every strategy is built from, host and device alike. The spin loops
// (backoff, counting) belong to each backend; these are the single attempts.
#pragma once
#include "config.h"
#include "layout.h"
#include "hash.h"

namespace wp {

// ---- lock-word protocol (baseline, warp-coop, mem-opt, write-combine) ----
WP_HD bool try_lock(Bucket& b) {
  uint32_t expected = 0;
  return cas(&b.lock, expected, 1u);
}
WP_HD void unlock(Bucket& b) { store_release(&b.lock, 0u); }

// Caller holds b.lock. Finds `key` or places it in a free slot.
// Returns the slot index, or -1 when the bucket is full and lacks the key (probe on).
// *isNew tells whether the slot was empty; the caller writes the value, then publish_locked().
WP_HD int locked_find_or_place(Bucket& b, uint64_t key, bool* isNew) {
  uint32_t occ = b.occupancy;
  for (uint32_t s = 0; s < occ; ++s)
    if (b.keys[s] == key) { *isNew = false; return int(s); }
  if (occ < uint32_t(kSlotsPerBucket)) { *isNew = true; return int(occ); }
  return -1;
}

// Caller holds b.lock: record the slot's key and value reference.
WP_HD void publish_locked(Bucket& b, int s, uint64_t key, uint64_t valueRef, uint32_t valueSize, bool isNew) {
  b.values[s] = valueRef;
  b.value_sizes[s] = valueSize;
  if (isNew) {
    b.key_sizes[s] = kKeySize;
    b.keys[s] = key;
    b.occupancy = b.occupancy + 1;
  }
}

// ---- lock-free protocol (lock-free strategy) ----
enum ClaimResult { kClaimedNew = 0, kFoundExisting = 1, kBucketFull = 2 };

// Wait policy for a LOCKED slot: each backend spins its own way (pause, yield, nanosleep).
struct SpinWait {
  WP_HD void operator()() const {}
};

// One pass over a bucket. An empty slot is claimed by CAS-ing its key word EMPTY -> LOCKED
// (HierarchicalKV's trick: nobody can see a half-written value). A LOCKED slot may be our key in
// flight, so we wait for it to publish rather than insert a duplicate; each wait and each lost
// CAS is counted in *casFailures (only when kCount: counting can be switched off to measure it).
template <bool kCount, class Wait>
WP_HD ClaimResult lockfree_claim_with(Bucket& b, uint64_t key, int* slot, uint64_t* casFailures, Wait& wait) {
  for (int s = 0; s < kSlotsPerBucket; ++s) {
    uint64_t k = load_acquire(&b.keys[s]);
    for (;;) {
      if (k == kKeyLocked) {
        if (kCount) ++*casFailures;
        do { wait(); k = load_acquire(&b.keys[s]); } while (k == kKeyLocked);
      }
      if (k == key) { *slot = s; return kFoundExisting; }
      if (k != kKeyEmpty) break;  // someone else's key: next slot
      uint64_t expected = kKeyEmpty;
      if (cas(&b.keys[s], expected, kKeyLocked)) { *slot = s; return kClaimedNew; }
      if (kCount) ++*casFailures;
      k = expected;  // lost the race: look at what won
    }
  }
  return kBucketFull;
}

WP_HD ClaimResult lockfree_claim(Bucket& b, uint64_t key, int* slot, uint64_t* casFailures) {
  SpinWait w;
  return lockfree_claim_with<true>(b, key, slot, casFailures, w);
}

// After the value bytes are in the arena: sizes and reference, then the key with release
// ordering, which is the publish flag readers check.
WP_HD void lockfree_publish_new(Bucket& b, int s, uint64_t key, uint64_t valueRef, uint32_t valueSize) {
  b.values[s] = valueRef;
  b.value_sizes[s] = valueSize;
  b.key_sizes[s] = kKeySize;
  fetch_add(&b.occupancy, 1u);
  store_release(&b.keys[s], key);
}

// Update of an existing key: the new value is complete before its reference is swapped in.
WP_HD void lockfree_publish_update(Bucket& b, int s, uint64_t valueRef) {
  store_release(&b.values[s], valueRef);
}

// Update of an existing key, HierarchicalKV-style: the key word doubles as the slot's lock
// (key -> LOCKED), so reference and size change together and racing updates are real, counted
// CAS conflicts. One attempt; false when another writer holds the slot (it is LOCKED).
WP_HD bool lockfree_relock(Bucket& b, int s, uint64_t key) {
  uint64_t expected = key;
  return cas(&b.keys[s], expected, kKeyLocked);
}

// After lockfree_relock: swap in the new value, then republish the key with release ordering.
WP_HD void lockfree_publish_relocked(Bucket& b, int s, uint64_t key, uint64_t valueRef, uint32_t valueSize) {
  b.values[s] = valueRef;
  b.value_sizes[s] = valueSize;
  store_release(&b.keys[s], key);
}

// ---- reads (verification) ----
// Returns the slot holding key, probing from its home bucket; false when absent.
WP_HD bool lookup(const Bucket* table, uint64_t buckets, uint64_t key, uint64_t* bucketOut, int* slotOut) {
  uint64_t b = home_bucket(key, buckets);
  for (uint64_t step = 0; step < buckets; ++step) {
    const Bucket& bk = table[b];
    bool full = true;
    for (int s = 0; s < kSlotsPerBucket; ++s) {
      uint64_t k = bk.keys[s];
      if (k == key) { *bucketOut = b; *slotOut = s; return true; }
      if (k == kKeyEmpty) full = false;
    }
    if (!full) return false;  // a key lives in the first bucket of its path with room
    b = next_bucket(b, buckets);
  }
  return false;
}

}  // namespace wp
