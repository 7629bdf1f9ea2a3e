// Host-side write streams: which key each write of a sample targets. Uniform streams write every
// key of the universe once, in a shuffled order; zipf streams draw `writes` ranks from a Zipf
// distribution over the universe (rank 0 hottest), so hot keys are updated many times.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>
#include <algorithm>
#include "hash.h"

namespace wp {

struct Rng {  // xorshift64*: small, fast, deterministic across platforms
  uint64_t s;
  explicit Rng(uint64_t seed) : s(mix64(seed) | 1) {}
  uint64_t next() {
    s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
    return s * 0x2545f4914f6cdd1dULL;
  }
  double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
};

inline std::vector<uint64_t> make_stream(uint64_t writes, bool zipf, double theta, uint64_t seed) {
  std::vector<uint64_t> keys(writes);
  Rng rng(seed);
  if (!zipf) {
    for (uint64_t i = 0; i < writes; ++i) keys[i] = key_of(i, seed);
    for (uint64_t i = writes; i > 1; --i) std::swap(keys[i - 1], keys[rng.next() % i]);
    return keys;
  }
  // Inverse-CDF sampling over an explicit table: exact for any theta > 0, O(n) memory.
  std::vector<double> cdf(writes);
  double acc = 0;
  for (uint64_t r = 0; r < writes; ++r) { acc += 1.0 / std::pow(double(r + 1), theta); cdf[r] = acc; }
  for (uint64_t i = 0; i < writes; ++i) {
    double u = rng.unit() * acc;
    uint64_t rank = uint64_t(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    if (rank >= writes) rank = writes - 1;
    keys[i] = key_of(rank, seed);
  }
  return keys;
}

inline uint64_t distinct_count(const std::vector<uint64_t>& stream) {
  std::vector<uint64_t> d(stream);
  std::sort(d.begin(), d.end());
  return uint64_t(std::unique(d.begin(), d.end()) - d.begin());
}

}  // namespace wp
