// NVTX on the emulator: ranges and marks are no-ops (there is no profiler to see them).
#pragma once
#include <cstdint>

using nvtxRangeId_t = uint64_t;
inline int nvtxRangePushA(const char*) { return 0; }
inline int nvtxRangePop() { return 0; }
inline nvtxRangeId_t nvtxRangeStartA(const char*) { return 1; }
inline void nvtxRangeEnd(nvtxRangeId_t) {}
inline void nvtxMarkA(const char*) {}
