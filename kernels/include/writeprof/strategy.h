// The strategies and modes, for host and device code alike (runner.h, order.h).
#pragma once

namespace wp {

// User: the strategy a strategy file declares (writeprof/kernel.cuh), linked into its own build of
// the CUDA runner; every other build refuses it.
enum class Strategy { Baseline, WarpCoop, LockFree, MemOpt, WriteCombine, User };
enum class Mode { Single, Batch, Concurrent };

}  // namespace wp
