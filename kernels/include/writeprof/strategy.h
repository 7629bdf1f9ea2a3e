// The strategies and modes, for host and device code alike (runner.h, order.h).
#pragma once

namespace wp {

enum class Strategy { Baseline, WarpCoop, LockFree, MemOpt, WriteCombine };
enum class Mode { Single, Batch, Concurrent };

}  // namespace wp
