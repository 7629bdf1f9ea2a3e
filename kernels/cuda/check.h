// CUDA API errors become wp::ConfigError with the runtime's own words: the addon turns that into
// a rejected promise and the CLI into one line; nothing here aborts the process.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "writeprof/runner.h"

namespace wp::gpu {

[[noreturn]] inline void throw_cuda(cudaError_t e, const char* what) {
  cudaGetLastError();  // clear a non-sticky error so later calls are not blamed for this one
  throw ConfigError(std::string("CUDA ") + what + ": " + cudaGetErrorString(e));
}

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw_cuda(e, what);
}

// After a kernel launch: configuration errors show up here, execution errors at the next sync.
inline void check_launch(const char* kernel) { check(cudaGetLastError(), kernel); }

}  // namespace wp::gpu
