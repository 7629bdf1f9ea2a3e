// Findings: what `writeprof check`'s tools report (memcheck, racecheck, initcheck, synccheck,
// weak), through one API any part of the emulator can call. Identical findings (same tool, kind,
// kernel and access sites) are folded into one with a count. Nothing is kept unless a checker
// turned collection on (the plain build never does).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "types.h"

namespace wpemu {

enum class Severity : uint8_t { Error, Note };  // a note (a portability remark) does not fail a check

// One side of a finding: an access (or an intrinsic call) by one thread.
struct FindingSite {
  uintptr_t pc = 0;     // module offset of the instruction (resolved to file:line by the reader), or
  std::string where;    // "file:line" when the runtime knows it already (intrinsics, barriers)
  int64_t block = -1;   // linear block index; -1: host code or unknown
  int warp = -1, lane = -1;
  std::string access;   // "read", "write", "atomic CAS", "__shfl_sync", ...
  std::string space;    // "shared", "global", "host", ... (empty when not a memory access)
  int64_t offset = -1;  // byte offset inside its allocation or shared-memory window
  uint32_t size = 0;    // bytes accessed
};

struct Finding {
  std::string tool;  // memcheck | racecheck | initcheck | synccheck | weak
  std::string kind;  // e.g. "RAW hazard", "out-of-bounds write", "uninitialized read"
  Severity severity = Severity::Error;
  std::string kernel;
  dim3 grid, block;
  std::string message;  // one line, what happened
  std::vector<FindingSite> sites;  // the access itself first; the other access, where there is one
  uint64_t seed = 0;
};

struct FoldedFinding {
  Finding first;       // the first occurrence
  uint64_t count = 0;  // occurrences, this one included
};

// Report one occurrence (any thread). Cheap when collection is off.
void report_finding(Finding f);
bool collecting_findings();
void collect_findings(bool on);
// Everything reported since the last call, folded, in order of first occurrence.
std::vector<FoldedFinding> take_findings();
// The file that holds the instrumented code, for resolving FindingSite::pc.
std::string code_module();

}  // namespace wpemu
