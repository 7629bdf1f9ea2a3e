// Host clock and pause, shared by every runner (g++ and nvcc host code alike).
#pragma once
#include <time.h>

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace wp::host {

// Monotonic nanoseconds (CLOCK_MONOTONIC: what steady_clock reads on Linux, without its layers).
inline uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// One polite spin-wait step: frees the core's pipeline for a sibling hyperthread.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace wp::host
