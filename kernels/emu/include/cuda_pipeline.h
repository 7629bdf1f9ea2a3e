// cp.async on the emulator: the copy happens at once, so commit and wait have nothing to wait for.
// (What the emulator cannot show: the asynchrony itself; see ../README.md.)
#pragma once
#include <cstring>

#include "wpemu/sched.h"

inline void __pipeline_memcpy_async(void* dst, const void* src, size_t bytes, size_t zfill = 0) {
  std::memcpy(dst, src, bytes - zfill);
  if (zfill) std::memset(static_cast<char*>(dst) + bytes - zfill, 0, zfill);
}
inline void __pipeline_commit() {}
inline void __pipeline_wait_prior(size_t) {}
