// Value bytes derived from (key, write number): the first 8 bytes hold the write number, the
// rest a keyed pseudo-random pattern. Verification regenerates it, so a torn, stale or misplaced
// value is caught byte for byte.
#pragma once
#include "config.h"
#include "hash.h"
#include <cstring>

namespace wp {

// One hash per value, then a Weyl sequence: every word differs from its neighbours and from the
// same word of any other (key, write) pair, yet filling costs one add per 8 bytes, so staging a
// 4 KiB value runs near memcpy speed instead of hashing every word.
WP_HD uint64_t value_seed(uint64_t key, uint64_t writeNo) {
  return mix64(key ^ mix64(writeNo * 0x9e3779b97f4a7c15ULL + 1));
}

constexpr uint64_t kPatternStep = 0x9e3779b97f4a7c15ULL;

WP_HD uint64_t pattern_word(uint64_t key, uint64_t writeNo, uint64_t word) {
  return value_seed(key, writeNo) + word * kPatternStep;
}

// Fill `size` bytes (size >= 8) of dst. dst need not be aligned.
WP_HD void fill_value(uint8_t* dst, uint32_t size, uint64_t key, uint64_t writeNo) {
  uint32_t words = size / 8;
  memcpy(dst, &writeNo, 8);  // little-endian on x86-64 and NVIDIA GPUs alike
  uint64_t v = value_seed(key, writeNo);
  for (uint32_t w = 1; w < words; ++w) {
    v += kPatternStep;
    memcpy(dst + w * 8, &v, 8);
  }
  uint64_t tail = value_seed(key, writeNo) + uint64_t(words) * kPatternStep;
  for (uint32_t i = words * 8; i < size; ++i) dst[i] = uint8_t(tail >> (8 * (i - words * 8)));
}

// Read the write number a value claims to hold.
WP_HD uint64_t value_tag(const uint8_t* src) {
  uint64_t v;
  memcpy(&v, src, 8);
  return v;
}

WP_HD bool check_value(const uint8_t* src, uint32_t size, uint64_t key, uint64_t writeNo) {
  if (value_tag(src) != writeNo) return false;
  uint32_t words = size / 8;
  uint64_t expect = value_seed(key, writeNo);
  for (uint32_t w = 1; w < words; ++w) {
    expect += kPatternStep;
    uint64_t v;
    memcpy(&v, src + w * 8, 8);
    if (v != expect) return false;
  }
  uint64_t tail = value_seed(key, writeNo) + uint64_t(words) * kPatternStep;
  for (uint32_t i = words * 8; i < size; ++i)
    if (src[i] != uint8_t(tail >> (8 * (i - words * 8)))) return false;
  return true;
}

}  // namespace wp
