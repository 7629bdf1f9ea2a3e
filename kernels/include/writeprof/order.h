// What each strategy promises about the order in which the writes of one key take effect: the
// one definition that verification checks (verify.h: a key must end with a value the promise
// allows) and that the kernels are held to (static_asserts beside them).
//
// The model. A case's writes come from submitters (host threads in concurrent mode, else one),
// each over a contiguous share of the key stream, in submissions of batchSize writes (one write
// in single mode; host/split.h). Every backend applies one submitter's submissions one after
// another. Inside a submission, writes take effect in stream order within runs of `run`
// consecutive writes counted from the submission's first write; writes of different runs of a
// submission, or of different submitters, may take effect in any order. So write a of a key is
// followed by write b of the same key when both come from one submitter, a before b, in different
// submissions or in the same run; a key may legally end with any of its writes that no other
// write of it follows.
#pragma once
#include <cstdint>

#include "config.h"
#include "strategy.h"

namespace wp {

// Who applies a strategy's writes: host threads (the CPU backend) or CUDA kernels (cuda, and
// cuda-emu, which runs the same sources).
enum class Engine { Host, Device };

struct OrderPromise {
  uint32_t run;  // writes per ordered run inside a submission (kWholeSubmission: all of them)
};
constexpr uint32_t kWholeSubmission = 0;
constexpr uint32_t kRacing = 1;    // a thread per write: a submission's writes take effect in any order
constexpr uint32_t kWarpRun = 32;   // warp-coop kernels: a warp's 32 writes, placed in lane order
constexpr uint32_t kTileRun = 128;  // write-combine kernels: a block's tile, each bucket's writes in row order

// A host thread applies its writes one by one, in stream order, whatever the strategy; so do the
// peers (a Redis connection's pipeline and MSET, a thread's libcuckoo calls).
constexpr OrderPromise kProgramOrder{kWholeSubmission};

WP_HD constexpr OrderPromise order_promise(Engine e, Strategy s) {
  if (e == Engine::Host) return kProgramOrder;
  switch (s) {
    case Strategy::WarpCoop: return {kWarpRun};
    case Strategy::WriteCombine: return {kTileRun};
    // A strategy file's promise is its own (StrategyEntry::orderRun); the CUDA runner asks it.
    default: return {kRacing};  // baseline, lock-free, mem-opt: a thread per write, a submission's writes race
  }
}

}  // namespace wp
