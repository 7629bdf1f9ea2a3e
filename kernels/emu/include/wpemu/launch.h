// The runtime's launch entry: what a translated kernel (wpemu/kernel.h) and cudaLaunchKernel end
// in. The kernel's parameters are one argument block, copied at the launch (as a launch copies
// them to the device); every emulated thread runs the kernel on its own copy.
#pragma once
#include <cstddef>
#include <memory>

#include "sched.h"
#include "types.h"

namespace wpemu {

// Validates the configuration (cudaGetLastError reports a bad one) and enqueues a launch on stream
// `s`: every emulated thread calls run(args), where args (kept alive by `keep`) is the argument
// block of `argBytes` bytes; a cooperative launch runs every block at once.
void launch_kernel(const char* name, dim3 grid, dim3 block, size_t sharedBytes, cudaStream_t s,
                   void (*run)(void*), std::shared_ptr<void> keep, void* args, size_t argBytes,
                   bool cooperative = false);

template <class T>
T* dynamic_shared_as() {
  return static_cast<T*>(dynamic_shared());
}

}  // namespace wpemu
