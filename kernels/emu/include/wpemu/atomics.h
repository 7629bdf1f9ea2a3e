// The atomic functions device.h does not define: atomicDec, and the _block and _system variants
// of every atomic (on the host all memory is coherent, so a scope changes nothing but the name).
// Each is a switch point of the block's scheduler, as every atomic is.
#pragma once
#include <atomic>

#include "device.h"
#include "sched.h"

inline unsigned atomicDec(unsigned* p, unsigned limit, const wpemu::Loc& loc = wpemu::Loc::current()) {
  wpemu::switch_point("atomicDec", loc);
  auto r = wpemu::aref(p);
  unsigned old = r.load(std::memory_order_relaxed);
  while (!r.compare_exchange_weak(old, (old == 0 || old > limit) ? limit : old - 1, std::memory_order_relaxed)) {}
  wpemu::progress_point();
  return old;
}

#define WPEMU_SCOPED2(fn)                                                                                   \
  template <class T, class U>                                                                               \
  inline auto fn##_block(T* p, U v, const wpemu::Loc& loc = wpemu::Loc::current()) { return fn(p, v, loc); } \
  template <class T, class U>                                                                               \
  inline auto fn##_system(T* p, U v, const wpemu::Loc& loc = wpemu::Loc::current()) { return fn(p, v, loc); }
WPEMU_SCOPED2(atomicAdd)
WPEMU_SCOPED2(atomicSub)
WPEMU_SCOPED2(atomicExch)
WPEMU_SCOPED2(atomicMin)
WPEMU_SCOPED2(atomicMax)
WPEMU_SCOPED2(atomicAnd)
WPEMU_SCOPED2(atomicOr)
WPEMU_SCOPED2(atomicXor)
WPEMU_SCOPED2(atomicInc)
WPEMU_SCOPED2(atomicDec)
#undef WPEMU_SCOPED2

template <class T, class U, class W>
inline T atomicCAS_block(T* p, U compare, W value, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return atomicCAS(p, compare, value, loc);
}
template <class T, class U, class W>
inline T atomicCAS_system(T* p, U compare, W value, const wpemu::Loc& loc = wpemu::Loc::current()) {
  return atomicCAS(p, compare, value, loc);
}
