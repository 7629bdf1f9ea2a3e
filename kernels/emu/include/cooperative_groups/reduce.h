// cg::reduce over a tile or a coalesced group, as CUDA computes it: a butterfly of shfl_xor over
// a warp tile (and a full coalesced group), an inclusive scan read at the last rank for a partial
// coalesced group; a multi-warp tile combines its warps' butterflies in warp order. Every thread
// of the group gets the result.
#pragma once
#include <type_traits>
#include <utility>

#include "../cooperative_groups.h"
#include "functional.h"
#include "scan.h"

namespace cooperative_groups {
namespace details {

template <unsigned Size, class P, class T, class Op>
T reduce_any(const thread_block_tile<Size, P>& g, T out, Op&& op) {
  if constexpr (Size <= 32) {
    for (unsigned m = Size >> 1; m > 0; m >>= 1) out = op(out, g.shfl_xor(out, m));
    return out;
  } else {
    // Each warp by its butterfly, then the warps' results in warp order.
    for (unsigned m = 16; m > 0; m >>= 1)
      out = op(out, shuffle(out, [&](auto x) { return __shfl_xor_sync(0xffffffffu, x, int(m), 32); }));
    T acc = out;
    bool first = true;
    g.gather(out, [&](unsigned r, const T& x) {
      if (r % 32) return;
      acc = first ? x : op(acc, x);
      first = false;
    }, wpemu_loc::current());
    return acc;
  }
}

template <class T, class Op>
T reduce_any(const coalesced_group& g, T v, Op&& op) {
  if (g.size() == 32) {
    T out = v;
    for (unsigned m = 16; m > 0; m >>= 1)
      out = op(out, shuffle(out, [&](auto x) { return __shfl_xor_sync(0xffffffffu, x, int(m), 32); }));
    return out;
  }
  const T scanned = inclusive_scan_sparse(g, v, op);
  const unsigned mask = g.wpemu_mask();
  const unsigned last = 31u - unsigned(__builtin_clz(mask));
  return shuffle(scanned, [&](auto x) { return __shfl_sync(mask, x, int(last), 32); });
}

}  // namespace details

template <class Group, class T, class Op>
std::decay_t<T> reduce(const Group& g, T&& v, Op&& op) {
  return details::reduce_any(g, std::decay_t<T>(v), op);
}

}  // namespace cooperative_groups
