// Memory a runner may plan to use: one rule for every runner and every memory (src/limits.ts
// MEMORY_BUDGET, via limits.h): what a case will allocate in a memory may be at most that
// memory's share of it. Checked before allocating, so overcommit never grants what the OOM killer
// (or the driver) takes back mid-sweep.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <string>

#include "writeprof/limits.h"
#include "writeprof/verify.h"

namespace wp::host {

// Host bytes per write of a case's key stream (8), its distinct keys (8) and, while they are
// built, verify.h's FinalWrites (24; the zipf CDF before it is gone by then): an upper bound,
// every key distinct.
constexpr uint64_t kStreamBytesPerKey = 16 + FinalWrites::kBuildBytesPerWrite;

// "1234 bytes": how native messages spell a size.
inline std::string bytes_str(uint64_t b) { return std::to_string(b) + " bytes"; }

// RAM installed (0 when the system cannot say).
inline uint64_t physical_memory() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
}

struct Budget {
  uint64_t capacity;  // bytes of the memory (0: unknown, nothing is refused)
  double share;       // limits::budget::kHost or kDevice
  const char* what;   // "this machine's", "the device's free"

  bool holds(uint64_t need) const { return capacity == 0 || double(need) <= share * double(capacity); }
  // "more than 75% of this machine's 25769803776 bytes"
  std::string over() const {
    return "more than " + std::to_string(int(share * 100 + 0.5)) + "% of " + what + " " + bytes_str(capacity);
  }
};

inline Budget host_budget() { return {physical_memory(), limits::budget::kHost, "this machine's"}; }

}  // namespace wp::host
