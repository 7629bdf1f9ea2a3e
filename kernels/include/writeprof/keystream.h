// Host-side write streams: which key each write of a sample targets. Uniform streams write every
// key of their universe once, in a shuffled order, and then some writes again: a share of the
// writes (updateShare) repeats the key of an earlier write at a log-uniform distance back, as
// many within 10 writes as from 10 to 100, 100 to 1,000 and so on, so updates land in the same
// warp, tile, batch and thread as their key's earlier write and across them. Zipf streams draw
// `writes` ranks from a Zipf distribution over the universe (rank 0 hottest): hot keys are updated
// many times by the law itself, so the update share does not apply to them.
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

// Writes of a uniform stream that repeat an earlier key: the share rounded, the first write never.
inline uint64_t update_writes(uint64_t writes, double updateShare) {
  if (writes == 0 || !(updateShare > 0)) return 0;
  return std::min<uint64_t>(uint64_t(std::llround(updateShare * double(writes))), writes - 1);
}

inline std::vector<uint64_t> make_stream(uint64_t writes, bool zipf, double theta, uint64_t seed, double updateShare = 0) {
  std::vector<uint64_t> keys(writes);
  Rng rng(seed);
  if (!zipf) {
    // The fresh keys exactly as a stream without updates orders them (updateShare 0 is unchanged).
    const uint64_t updates = update_writes(writes, updateShare), fresh = writes - updates;
    for (uint64_t i = 0; i < fresh; ++i) keys[i] = key_of(i, seed);
    for (uint64_t i = fresh; i > 1; --i) std::swap(keys[i - 1], keys[rng.next() % i]);
    if (updates == 0) return keys;
    // Spread the fresh keys over the stream back to front, leaving `updates` places (selection
    // sampling: each of the places 1.. is an update with the odds still open); write 0 is fresh.
    Rng pick(seed ^ 0x5bd1e9955bd1e995ULL);
    std::vector<bool> update(writes, false);
    for (uint64_t i = 1, left = updates; i < writes && left > 0; ++i)
      if (pick.next() % (writes - i) < left) update[i] = true, --left;
    for (uint64_t i = writes, f = fresh; i-- > 0;)
      if (!update[i]) keys[i] = keys[--f];
    for (uint64_t i = 1; i < writes; ++i) {
      if (!update[i]) continue;
      const uint64_t back = uint64_t(std::exp(pick.unit() * std::log(double(i))));  // 1 .. i, log-uniform
      keys[i] = keys[i - std::clamp<uint64_t>(back, 1, i)];
    }
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
