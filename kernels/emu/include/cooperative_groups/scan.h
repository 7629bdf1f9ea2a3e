// cg::inclusive_scan / cg::exclusive_scan over a tile or a coalesced group, as CUDA computes them
// (Hillis-Steele over ranks, so floating-point sums associate as on a GPU).
#pragma once
#include <type_traits>
#include <utility>

#include "../cooperative_groups.h"
#include "functional.h"

namespace cooperative_groups {
namespace details {

template <class Group, class T, class Op>
T inclusive_scan_contiguous(const Group& g, T out, Op&& op) {
  for (unsigned d = 1; d < unsigned(g.size()); d <<= 1) {
    T tmp = g.shfl_up(out, d);
    if (d <= unsigned(g.thread_rank())) out = op(out, tmp);
  }
  return out;
}

// A coalesced group with holes: the source of rank r - d is found by rank, not by lane offset.
template <class T, class Op>
T inclusive_scan_sparse(const coalesced_group& g, T out, Op&& op) {
  const unsigned mask = g.wpemu_mask(), rank = g.thread_rank(), n = g.size();
  for (unsigned d = 1; d < n; d <<= 1) {
    const unsigned src = d <= rank ? lane_of_rank(mask, rank - d) : laneid();
    T tmp = shuffle(out, [&](auto x) { return __shfl_sync(mask, x, int(src), 32); });
    if (d <= rank) out = op(out, tmp);
  }
  return out;
}

template <unsigned Size, class P, class T, class Op>
T inclusive_scan_any(const thread_block_tile<Size, P>& g, T v, Op&& op) {
  if constexpr (Size <= 32) {
    return inclusive_scan_contiguous(g, v, op);
  } else {
    // A multi-warp tile: the ranks up to this thread's, in order.
    const unsigned me = g.thread_rank();
    T acc = v;
    g.gather(v, [&](unsigned r, const T& x) {
      if (r == 0) acc = x;
      else if (r <= me) acc = op(acc, x);
    }, wpemu_loc::current());
    return acc;
  }
}
template <class T, class Op>
T inclusive_scan_any(const coalesced_group& g, T v, Op&& op) {
  return g.size() == 32 ? inclusive_scan_contiguous(g, v, op) : inclusive_scan_sparse(g, v, op);
}

}  // namespace details

template <class Group, class T, class Op>
std::decay_t<T> inclusive_scan(const Group& g, T&& v, Op&& op) {
  return details::inclusive_scan_any(g, std::decay_t<T>(v), op);
}
template <class Group, class T>
std::decay_t<T> inclusive_scan(const Group& g, T&& v) {
  return inclusive_scan(g, std::forward<T>(v), plus<std::decay_t<T>>());
}

template <class Group, class T, class Op>
std::decay_t<T> exclusive_scan(const Group& g, T&& v, Op&& op) {
  using V = std::decay_t<T>;
  const V in = v;
  const V inclusive = details::inclusive_scan_any(g, in, op);
  if constexpr (std::is_integral_v<V> && std::is_same_v<std::decay_t<Op>, plus<V>>) {
    return inclusive - in;
  } else {
    V prev = g.shfl_up(inclusive, 1);
    return g.thread_rank() == 0 ? V{} : prev;
  }
}
template <class Group, class T>
std::decay_t<T> exclusive_scan(const Group& g, T&& v) {
  return exclusive_scan(g, std::forward<T>(v), plus<std::decay_t<T>>());
}

}  // namespace cooperative_groups
