// Device intrinsics on the emulator. Every atomic, warp intrinsic, barrier, fence and __nanosleep
// is a switch point of the block's seeded scheduler: that is where independent thread scheduling
// lets another thread run. Warp intrinsics are rendezvous of exactly the lanes of their mask.
#pragma once
#include <time.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "sched.h"

namespace wpemu {

template <class T>
inline uint64_t to_bits(T v) {
  static_assert(sizeof(T) <= 8, "warp intrinsics move values of up to 8 bytes");
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof(T));
  return b;
}
template <class T>
inline T from_bits(uint64_t b) {
  T v;
  std::memcpy(&v, &b, sizeof(T));
  return v;
}

// Values compared by __match_*_sync: 32-bit types compare their 32 bits.
template <class T>
inline uint64_t match_bits(T v) {
  return to_bits(v) & (sizeof(T) == 8 ? ~0ull : (1ull << (8 * sizeof(T))) - 1);
}

template <class T>
inline std::atomic_ref<T> aref(T* p) {
  return std::atomic_ref<T>(*p);
}

// The host's monotonic clock (std::chrono's steady_clock on Linux, without its header's weight).
inline uint64_t device_clock_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec);
}

}  // namespace wpemu

// ---- barriers and fences ----
inline void __syncthreads(const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::block_barrier(wpemu::BarrierOp::Sync, 1, loc);
}
inline int __syncthreads_count(int p, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return wpemu::block_barrier(wpemu::BarrierOp::Count, p, loc);
}
inline int __syncthreads_and(int p, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return wpemu::block_barrier(wpemu::BarrierOp::And, p, loc);
}
inline int __syncthreads_or(int p, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return wpemu::block_barrier(wpemu::BarrierOp::Or, p, loc);
}
inline void __syncwarp(unsigned mask = 0xffffffffu, const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::warp_collective(wpemu::WarpOp::SyncWarp, mask, 0, 0, 32, nullptr, loc);
}
inline void __threadfence_block(const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::switch_point("__threadfence_block", loc);
  std::atomic_thread_fence(std::memory_order_seq_cst);
}
inline void __threadfence(const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::switch_point("__threadfence", loc);
  std::atomic_thread_fence(std::memory_order_seq_cst);
}
inline void __threadfence_system(const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::switch_point("__threadfence_system", loc);
  std::atomic_thread_fence(std::memory_order_seq_cst);
}
inline void __nanosleep(unsigned ns, const wpemu::Loc& loc = wpemu::Loc::current()) { wpemu::nanosleep(ns, loc); }
[[noreturn]] inline void __trap(const wpemu::Loc& loc = wpemu::Loc::current()) { wpemu::trap("__trap()", loc); }
inline unsigned __activemask(const wpemu::Loc& loc = wpemu::Loc::current()) { return wpemu::converge(loc); }

// ---- warp intrinsics ----
template <class T>
inline T __shfl_sync(unsigned mask, T v, int src, int width = 32, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return wpemu::from_bits<T>(wpemu::warp_collective(wpemu::WarpOp::Shfl, mask, wpemu::to_bits(v), src, width, nullptr, loc));
}
template <class T>
inline T __shfl_up_sync(unsigned mask, T v, unsigned d, int width = 32, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return wpemu::from_bits<T>(wpemu::warp_collective(wpemu::WarpOp::ShflUp, mask, wpemu::to_bits(v), int(d), width, nullptr, loc));
}
template <class T>
inline T __shfl_down_sync(unsigned mask, T v, unsigned d, int width = 32, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return wpemu::from_bits<T>(wpemu::warp_collective(wpemu::WarpOp::ShflDown, mask, wpemu::to_bits(v), int(d), width, nullptr, loc));
}
template <class T>
inline T __shfl_xor_sync(unsigned mask, T v, int lm, int width = 32, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return wpemu::from_bits<T>(wpemu::warp_collective(wpemu::WarpOp::ShflXor, mask, wpemu::to_bits(v), lm, width, nullptr, loc));
}
inline unsigned __ballot_sync(unsigned mask, int p, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return unsigned(wpemu::warp_collective(wpemu::WarpOp::Ballot, mask, p != 0, 0, 32, nullptr, loc));
}
inline int __any_sync(unsigned mask, int p, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return int(wpemu::warp_collective(wpemu::WarpOp::Any, mask, p != 0, 0, 32, nullptr, loc));
}
inline int __all_sync(unsigned mask, int p, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return int(wpemu::warp_collective(wpemu::WarpOp::All, mask, p != 0, 0, 32, nullptr, loc));
}
inline int __uni_sync(unsigned mask, int p, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return int(wpemu::warp_collective(wpemu::WarpOp::Uni, mask, p != 0, 0, 32, nullptr, loc));
}
template <class T>
inline unsigned __match_any_sync(unsigned mask, T v, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return unsigned(wpemu::warp_collective(wpemu::WarpOp::MatchAny, mask, wpemu::match_bits(v), 0, 32, nullptr, loc));
}
template <class T>
inline unsigned __match_all_sync(unsigned mask, T v, int* pred, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return unsigned(wpemu::warp_collective(wpemu::WarpOp::MatchAll, mask, wpemu::match_bits(v), 0, 32, pred, loc));
}
// Reductions carry the value sign-extended and say in `arg` whether min/max compare signed.
#define WPEMU_REDUCE(fn, op, T)                                                                          \
  inline T fn(unsigned mask, T v, const wpemu::Loc& loc = wpemu::Loc::current()) {                      \
    return T(wpemu::warp_collective(wpemu::WarpOp::op, mask, uint64_t(int64_t(v)), std::is_signed_v<T>, \
                                    32, nullptr, loc));                                                  \
  }
WPEMU_REDUCE(__reduce_add_sync, ReduceAdd, unsigned)
WPEMU_REDUCE(__reduce_add_sync, ReduceAdd, int)
WPEMU_REDUCE(__reduce_min_sync, ReduceMin, unsigned)
WPEMU_REDUCE(__reduce_min_sync, ReduceMin, int)
WPEMU_REDUCE(__reduce_max_sync, ReduceMax, unsigned)
WPEMU_REDUCE(__reduce_max_sync, ReduceMax, int)
WPEMU_REDUCE(__reduce_and_sync, ReduceAnd, unsigned)
WPEMU_REDUCE(__reduce_or_sync, ReduceOr, unsigned)
WPEMU_REDUCE(__reduce_xor_sync, ReduceXor, unsigned)
#undef WPEMU_REDUCE

// ---- atomics: a switch point before each; a write that lands is progress ----
#define WPEMU_RMW(fn, call)                                                                  \
  template <class T, class U>                                                              \
  inline T fn(T* p, U v, const wpemu::Loc& loc = wpemu::Loc::current()) {                  \
    wpemu::switch_point(#fn, loc);                                                         \
    T old = wpemu::aref(p).call(T(v), std::memory_order_relaxed);                           \
    wpemu::progress_point();                                                               \
    return old;                                                                            \
  }
WPEMU_RMW(atomicAdd, fetch_add)
WPEMU_RMW(atomicSub, fetch_sub)
WPEMU_RMW(atomicAnd, fetch_and)
WPEMU_RMW(atomicOr, fetch_or)
WPEMU_RMW(atomicXor, fetch_xor)
WPEMU_RMW(atomicExch, exchange)
#undef WPEMU_RMW

template <class T, class U>
inline T atomicMin(T* p, U v, const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::switch_point("atomicMin", loc);
  auto r = wpemu::aref(p);
  T old = r.load(std::memory_order_relaxed);
  while (T(v) < old && !r.compare_exchange_weak(old, T(v), std::memory_order_relaxed)) {}
  wpemu::progress_point();
  return old;
}
template <class T, class U>
inline T atomicMax(T* p, U v, const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::switch_point("atomicMax", loc);
  auto r = wpemu::aref(p);
  T old = r.load(std::memory_order_relaxed);
  while (T(v) > old && !r.compare_exchange_weak(old, T(v), std::memory_order_relaxed)) {}
  wpemu::progress_point();
  return old;
}
template <class T, class U, class W>
inline T atomicCAS(T* p, U expected, W desired, const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::switch_point("atomicCAS", loc);
  T e = T(expected);
  if (wpemu::aref(p).compare_exchange_strong(e, T(desired), std::memory_order_relaxed)) wpemu::progress_point();
  return e;
}
inline unsigned atomicInc(unsigned* p, unsigned limit, const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::switch_point("atomicInc", loc);
  auto r = wpemu::aref(p);
  unsigned old = r.load(std::memory_order_relaxed);
  while (!r.compare_exchange_weak(old, old >= limit ? 0u : old + 1, std::memory_order_relaxed)) {}
  wpemu::progress_point();
  return old;
}

// ---- clocks ----
inline long long clock64(const wpemu::Loc& loc = wpemu::Loc::current()) {
  (void)loc;
  return (long long)wpemu::device_clock_ns();  // host nanoseconds: never a performance figure
}
inline unsigned long long __globaltimer() { return wpemu::device_clock_ns(); }

// ---- memory access hints: plain accesses on the host ----
template <class T>
inline T __ldg(const T* p) { return *p; }
template <class T>
inline T __ldcg(const T* p) { return *p; }
template <class T>
inline T __ldca(const T* p) { return *p; }
template <class T>
inline T __ldcs(const T* p) { return *p; }
template <class T>
inline T __ldlu(const T* p) { return *p; }
// "Don't cache, fetch again": a compiler fence keeps the read from being merged with earlier ones.
template <class T>
inline T __ldcv(const T* p) {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  T v;
  std::memcpy(&v, p, sizeof(T));
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return v;
}
template <class T>
inline void __stcs(T* p, T v) { *p = v; }
template <class T>
inline void __stcg(T* p, T v) { *p = v; }
template <class T>
inline void __stwb(T* p, T v) { *p = v; }
template <class T>
inline void __stwt(T* p, T v) { *p = v; }

// ---- integer intrinsics ----
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(unsigned(x)); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }
inline unsigned __brev(unsigned x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
  return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}
inline long long __mul64hi(long long a, long long b) { return (long long)(((__int128)a * b) >> 64); }
inline unsigned __umulhi(unsigned a, unsigned b) { return unsigned((uint64_t(a) * b) >> 32); }
