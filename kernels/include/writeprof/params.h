// Host-only sanity checks on CaseParams, shared by every runner: the TypeScript side sets policy
// and gives the user-facing errors; these bounds (limits.h, generated from src/limits.ts, the same
// the addon's parameter reader applies) keep a direct caller from undefined behaviour
// (overflowing sizes, endless probing) and turn it into a ConfigError with one line.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>
#include "limits.h"
#include "runner.h"

namespace wp {

// "<field>: <value> is invalid; allowed: <allowed>", as src/errors.ts invalid() says it.
[[noreturn]] inline void invalid_param(const std::string& field, double value, const std::string& allowed) {
  char shown[32];
  snprintf(shown, sizeof shown, "%.15g", value);
  throw ConfigError(field + ": " + shown + " is invalid; allowed: " + allowed);
}

inline void check_range(const char* field, double value, const limits::Range& r) {
  if (!r.holds(value)) invalid_param(field, value, r.allowed);
}

// A load factor the table can hold: (0, 1] (a full table still works; runs stop at
// limits::cases::kLoadFactor), with keys / loadFactor slots that uint64_t arithmetic can count.
// What is allowed when it cannot, else nullptr.
inline const char* table_problem(uint64_t keys, double loadFactor) {
  if (!(loadFactor > 0 && loadFactor <= limits::table::kMaxLoadFactor)) return "a number in (0, 1]";
  // buckets_for converts keys / loadFactor to uint64_t: a tiny load factor overflowed it (UB).
  // kMaxSlots is already a 32 TiB table; the memory checks refuse what lies below that.
  if (double(keys) / loadFactor > double(limits::table::kMaxSlots)) return "a number in (0, 1] with keys / loadFactor at most 2^40 slots";
  return nullptr;
}

inline void check_params(const CaseParams& p) {
  check_range("valueSize", p.valueSize, limits::cases::kValueSize);
  check_range("keys", double(p.keys), limits::cases::kKeys);
  check_range("batchSize", p.batchSize, limits::cases::kBatchSize);
  check_range("threads", p.threads, limits::cases::kThreads);
  if (const char* allowed = table_problem(p.keys, p.loadFactor)) invalid_param("loadFactor", p.loadFactor, allowed);
  if (p.zipf) check_range("zipfTheta", p.zipfTheta, limits::cases::kZipfTheta);
  check_range("updateShare", p.updateShare, limits::cases::kUpdateShare);
}

}  // namespace wp
