// Host-only sanity checks on CaseParams, shared by the CPU and CUDA runners: the TypeScript side
// sets policy and gives the user-facing errors; these bounds keep a direct caller from undefined
// behaviour (overflowing sizes, endless probing) and turn it into a ConfigError with one line.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>
#include "runner.h"

namespace wp {

constexpr uint32_t kMaxThreads = 1024;

inline void check_params(const CaseParams& p) {
  auto bad = [](const std::string& field, const std::string& value, const std::string& allowed) {
    throw ConfigError(field + ": " + value + " is invalid; allowed: " + allowed);
  };
  if (p.valueSize < kMinValueSize || p.valueSize > kMaxValueSize)
    bad("valueSize", std::to_string(p.valueSize), "8..65536");
  if (p.keys < 1 || p.keys > (1ull << 32)) bad("keys", std::to_string(p.keys), "1..4294967296");
  if (p.batchSize < 1 || p.batchSize > (1u << 24)) bad("batchSize", std::to_string(p.batchSize), "1..16777216");
  if (p.threads < 1 || p.threads > kMaxThreads) bad("threads", std::to_string(p.threads), "1..1024");
  if (!(p.loadFactor > 0 && p.loadFactor <= 1)) bad("loadFactor", std::to_string(p.loadFactor), "(0, 1]");
  // buckets_for converts keys / loadFactor to uint64_t: a tiny load factor overflowed it (UB).
  // 2^40 slots is already a 32 TiB table; the memory checks refuse what lies below that.
  if (double(p.keys) / p.loadFactor > double(1ull << 40)) {
    char lf[32];
    snprintf(lf, sizeof lf, "%g", p.loadFactor);
    bad("loadFactor", lf, "(0, 1] with keys / loadFactor at most 2^40 slots");
  }
  if (p.zipf && !(std::isfinite(p.zipfTheta) && p.zipfTheta > 0))
    bad("zipfTheta", std::to_string(p.zipfTheta), "a finite number > 0");
}

}  // namespace wp
