// Stand-in for cub::BlockRadixSort on the emulator, with CUB's interface and result: a stable
// ascending (or descending) sort of the block's keys by bits [begin_bit, end_bit), returned in a
// blocked arrangement (thread t holds items t*ITEMS .. t*ITEMS+ITEMS-1).
//
// Why not the real CUB headers: they compile for the host only as far as parsing. CUB's block and
// warp primitives are written in inline PTX (bfe.u32, shfl.sync, mov %laneid, ...) that g++
// cannot assemble for x86, and libcu++'s cuda::ptx wrappers they call exist only in a device
// compilation (checked with CUDA 13.0's CCCL; see kernels/emu/README.md). Here the block stages
// its keys in TempStorage, thread 0 sorts them, and barriers order the hand-offs, so the sort is
// also a block-wide synchronization point as CUB's is.
#pragma once
#include <algorithm>
#include <cstdint>

#include "../../wpemu/device.h"

namespace cub {

struct NullType {};

template <class KeyT, int BLOCK_DIM_X, int ITEMS_PER_THREAD, class ValueT = NullType, int RADIX_BITS = 4,
          bool MEMOIZE_OUTER_SCAN = true, int INNER_SCAN_ALGORITHM = 0, int SMEM_CONFIG = 0, int BLOCK_DIM_Y = 1,
          int BLOCK_DIM_Z = 1, int LEGACY_PTX_ARCH = 0>
class BlockRadixSort {
  static constexpr int kItems = BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z * ITEMS_PER_THREAD;
  static constexpr bool kPairs = !std::is_same_v<ValueT, NullType>;
  struct Item {
    KeyT key;
    ValueT value;
    int rank;  // original position: makes the sort stable
  };

 public:
  struct TempStorage {
    Item items[kItems];
  };

  explicit BlockRadixSort(TempStorage& storage) : s_(storage) {}

  void Sort(KeyT (&keys)[ITEMS_PER_THREAD], int begin_bit = 0, int end_bit = sizeof(KeyT) * 8) {
    ValueT none[ITEMS_PER_THREAD];
    run(keys, none, begin_bit, end_bit, false);
  }
  void SortDescending(KeyT (&keys)[ITEMS_PER_THREAD], int begin_bit = 0, int end_bit = sizeof(KeyT) * 8) {
    ValueT none[ITEMS_PER_THREAD];
    run(keys, none, begin_bit, end_bit, true);
  }
  void Sort(KeyT (&keys)[ITEMS_PER_THREAD], ValueT (&values)[ITEMS_PER_THREAD], int begin_bit = 0,
            int end_bit = sizeof(KeyT) * 8) {
    run(keys, values, begin_bit, end_bit, false);
  }
  void SortDescending(KeyT (&keys)[ITEMS_PER_THREAD], ValueT (&values)[ITEMS_PER_THREAD], int begin_bit = 0,
                      int end_bit = sizeof(KeyT) * 8) {
    run(keys, values, begin_bit, end_bit, true);
  }

 private:
  static uint64_t digits(KeyT k, int begin, int end) {
    using U = std::make_unsigned_t<KeyT>;
    uint64_t u = uint64_t(U(k));
    int width = end - begin;
    uint64_t mask = width >= 64 ? ~0ull : ((1ull << width) - 1);
    return (u >> begin) & mask;
  }

  void run(KeyT (&keys)[ITEMS_PER_THREAD], ValueT (&values)[ITEMS_PER_THREAD], int begin, int end, bool desc) {
    const int t = int(threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z));
    for (int i = 0; i < ITEMS_PER_THREAD; ++i) {
      Item& it = s_.items[t * ITEMS_PER_THREAD + i];
      it.key = keys[i];
      if constexpr (kPairs) it.value = values[i];
      it.rank = t * ITEMS_PER_THREAD + i;
    }
    __syncthreads();
    if (t == 0) {
      // Ties broken by rank: as stable as std::stable_sort, without its heap buffer (device code
      // touches no heap; the checker would rightly call that an invalid access).
      std::sort(s_.items, s_.items + kItems, [&](const Item& a, const Item& b) {
        uint64_t da = digits(a.key, begin, end), db = digits(b.key, begin, end);
        if (da != db) return desc ? da > db : da < db;
        return a.rank < b.rank;
      });
    }
    __syncthreads();
    for (int i = 0; i < ITEMS_PER_THREAD; ++i) {
      const Item& it = s_.items[t * ITEMS_PER_THREAD + i];
      keys[i] = it.key;
      if constexpr (kPairs) values[i] = it.value;
    }
  }

  TempStorage& s_;
};

}  // namespace cub
