// Per-kernel state of the runtime: attributes set with cudaFuncSetAttribute, keyed by the
// kernel's address, and the limits launches are checked against.
#pragma once
#include <cstddef>

#include "wpemu/types.h"

namespace wpemu {

struct KernelAttributes {
  int maxDynamicSharedBytes = 0;  // 0: the default 48 KiB
  int carveout = -1;
};

KernelAttributes kernel_attributes(const void* fn);
void set_kernel_attributes(const void* fn, const KernelAttributes& a);

// Blocks of a cooperative launch that may be resident at once (the occupancy model x "SMs").
int max_cooperative_blocks(const void* fn, dim3 block, size_t dynamicShared);

// An sm_80 block may opt in to this much shared memory (163 KiB).
inline constexpr size_t kMaxSharedPerBlockOptin = 163 << 10;

}  // namespace wpemu
