// The report an instrumented program (`writeprof emu build --instrument`) prints at exit: its
// findings as `writeprof check` prints them (src/render/check.ts: folded, both accesses with
// file:line, block/warp/lane, address space and offset), then one summary line per tool.
#pragma once
#include <string>

#include "checker.h"

namespace wpemu::program {

struct CheckReport {
  std::string text;
  bool failed = false;  // an error finding (notes do not fail), or no kernel ran
};

// Takes the findings collected so far and places them in the source (addr2line, from binutils).
CheckReport check_report(const check::Tools& tools);

}  // namespace wpemu::program
