// Deterministic hashing shared by host and device: keys come from ids through a bijective mix,
// buckets from a second, independent mix reduced with a multiply-high (no modulo bias, no division).
#pragma once
#include "config.h"
#include "layout.h"

namespace wp {

WP_HD uint64_t mix64(uint64_t x) {
  // splitmix64 finalizer: a bijection on 64-bit words.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

WP_HD uint64_t mulhi64(uint64_t a, uint64_t b) {
#if defined(__CUDA_ARCH__)
  return __umul64hi(a, b);
#else
  return uint64_t((unsigned __int128)a * b >> 64);
#endif
}

// Key for id `id` of a case's key universe: distinct ids give distinct keys, never EMPTY or LOCKED.
WP_HD uint64_t key_of(uint64_t id, uint64_t seed) {
  uint64_t k = mix64(id + 0x9e3779b97f4a7c15ULL * (seed | 1));
  if (k == kKeyEmpty || k == kKeyLocked) k = 0x8000000000000000ULL ^ (id + 1);  // vanishingly rare
  return k;
}

WP_HD uint64_t home_bucket(uint64_t key, uint64_t buckets) {
  return mulhi64(mix64(key ^ 0x2545f4914f6cdd1dULL), buckets);
}

// Bucketed linear probing: the next bucket, wrapping at the end.
WP_HD uint64_t next_bucket(uint64_t b, uint64_t buckets) { return b + 1 == buckets ? 0 : b + 1; }

}  // namespace wp
