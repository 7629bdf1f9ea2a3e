// cg::memcpy_async and cg::wait on the emulator: the group's threads copy at once (each a share
// of the bytes, by rank); wait is the group's barrier, after which every thread sees the copy.
#pragma once
#include <cstddef>
#include <cstring>

#include "../cooperative_groups.h"

namespace cooperative_groups {

template <class Group>
void memcpy_async(const Group& g, void* dst, const void* src, size_t bytes) {
  const size_t n = size_t(g.num_threads()), r = size_t(g.thread_rank());
  const size_t chunk = (bytes + n - 1) / n;
  const size_t from = r * chunk < bytes ? r * chunk : bytes;
  const size_t to = from + chunk < bytes ? from + chunk : bytes;
  std::memcpy(static_cast<char*>(dst) + from, static_cast<const char*>(src) + from, to - from);
}
template <class Group, class T>
void memcpy_async(const Group& g, T* dst, size_t dstCount, const T* src, size_t srcCount) {
  memcpy_async(g, static_cast<void*>(dst), static_cast<const void*>(src), (dstCount < srcCount ? dstCount : srcCount) * sizeof(T));
}
template <class Group>
void wait(const Group& g, const wpemu_loc& loc = wpemu_loc::current()) {
  g.sync(loc);
}
template <unsigned N, class Group>
void wait_prior(const Group& g, const wpemu_loc& loc = wpemu_loc::current()) {
  g.sync(loc);
}

}  // namespace cooperative_groups
