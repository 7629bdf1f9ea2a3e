// Portability notes: what a plain run accepts because a GPU of compute capability 7.0 or later
// does (PTX semantics), but an older GPU, or compute-sanitizer's synccheck, would not: a warp
// intrinsic whose mask names lanes that exited or do not exist, a shuffle reading such a lane.
// Recorded per kernel and source site (counted, not repeated), for `writeprof check` to report.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wpemu {

struct PortabilityNote {
  std::string kernel;
  std::string file;  // as the compiler names it
  unsigned line = 0;
  std::string message;
  uint64_t count = 0;  // occurrences (warps) since the last clear
};

void record_note(const std::string& kernel, const char* file, unsigned line, const std::string& message);
std::vector<PortabilityNote> portability_notes();
void clear_portability_notes();

}  // namespace wpemu
