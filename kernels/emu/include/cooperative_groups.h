// Cooperative groups on the emulator: the API of CUDA's <cooperative_groups.h> (which cannot be
// compiled for the host: its primitives are inline PTX), with its semantics, built on the
// emulator's intrinsics. As in CUDA:
// - a thread_block_tile<Size> names its whole aligned Size lanes (for Size 32 the full mask, even
//   in a partial last warp: lanes that do not exist are not waited for, as PTX does on sm_70+);
// - coalesced_threads() is the caller's converged lanes (__activemask(), see kernels/emu/README.md),
//   ranked by lane; its shfl/ballot/match work in rank space;
// - cg::reduce combines a tile by a butterfly of shfl_xor, a partial coalesced group by a scan,
//   so floating-point results associate as on a GPU;
// - this_grid().sync() needs a cooperative launch (cudaLaunchCooperativeKernel).
// Every collective takes the caller's source location, so faults and notes point at user code.
#pragma once
#define _COOPERATIVE_GROUPS_H_
#include <cstring>
#include <type_traits>
#include <utility>

#include "cuda_runtime.h"

namespace wpemu {
// Converged lanes of the caller's warp at this call site (the rule: kernels/emu/README.md).
unsigned converge(const Loc& loc);
// grid.sync() of a cooperative launch; a fault in any other launch.
void grid_sync(const Loc& loc);
bool cooperative_launch();
}  // namespace wpemu

namespace cooperative_groups {

using wpemu_loc = ::wpemu::Loc;

namespace details {

inline unsigned laneid() { return ::wpemu::tls_thread->lane; }
inline unsigned lanemask32_lt() { return (1u << laneid()) - 1u; }
inline unsigned block_size() { return blockDim.x * blockDim.y * blockDim.z; }
inline unsigned block_rank_in_grid() { return blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z); }
inline unsigned long long grid_blocks() { return (unsigned long long)gridDim.x * gridDim.y * gridDim.z; }

// Moves a value of any trivially copyable type through a shuffle, 8 bytes at a time.
template <class T, class Shfl>
T shuffle(const T& v, Shfl&& shfl) {
  static_assert(std::is_trivially_copyable_v<T>, "cooperative groups shuffle trivially copyable values");
  if constexpr (sizeof(T) <= 8) {
    return shfl(v);
  } else {
    constexpr size_t kWords = (sizeof(T) + 7) / 8;
    unsigned long long in[kWords] = {}, out[kWords];
    std::memcpy(in, &v, sizeof(T));
    for (size_t i = 0; i < kWords; ++i) out[i] = shfl(in[i]);
    T r;
    std::memcpy(&r, out, sizeof(T));
    return r;
  }
}

// The lane of rank `rank` in `mask` (rank 0 is the lowest set lane); 32 when there is none.
inline unsigned lane_of_rank(unsigned mask, unsigned rank) {
  for (unsigned l = 0; l < 32; ++l)
    if (mask >> l & 1) {
      if (rank == 0) return l;
      --rank;
    }
  return 32;
}

// Bits of `lanes` (lane space) moved to rank space of `mask`.
inline unsigned pack_lanes(unsigned mask, unsigned lanes) {
  unsigned out = 0, rank = 0;
  for (unsigned l = 0; l < 32; ++l)
    if (mask >> l & 1) {
      if (lanes >> l & 1) out |= 1u << rank;
      ++rank;
    }
  return out;
}

enum group_kind : unsigned { kBlock = 0, kCoalesced = 1, kGrid = 2, kThread = 3 };

}  // namespace details

// A group of any kind, as CUDA's thread_group: every group converts to it.
class thread_group {
 public:
  unsigned long long size() const { return num_threads(); }
  unsigned long long num_threads() const {
    switch (kind_) {
      case details::kBlock: return details::block_size();
      case details::kGrid: return details::grid_blocks() * details::block_size();
      case details::kThread: return 1;
      default: return __builtin_popcount(mask_);
    }
  }
  unsigned long long thread_rank() const {
    switch (kind_) {
      case details::kBlock: return ::wpemu::tls_thread->tid;
      case details::kGrid:
        return (unsigned long long)details::block_rank_in_grid() * details::block_size() + ::wpemu::tls_thread->tid;
      case details::kThread: return 0;
      default: return __builtin_popcount(mask_ & details::lanemask32_lt());
    }
  }
  void sync(const wpemu_loc& loc = wpemu_loc::current()) const {
    switch (kind_) {
      case details::kBlock: __syncthreads(loc); break;
      case details::kGrid: ::wpemu::grid_sync(loc); break;
      case details::kThread: break;
      default: __syncwarp(mask_, loc); break;
    }
  }
  unsigned get_type() const { return kind_; }

 protected:
  explicit thread_group(unsigned kind, unsigned mask = 0, unsigned metaRank = 0, unsigned metaSize = 1, bool tiled = false)
      : kind_(kind), mask_(mask), metaRank_(metaRank), metaSize_(metaSize), tiled_(tiled) {}
  unsigned kind_;
  unsigned mask_;  // coalesced groups and tiles: their lanes
  unsigned metaRank_, metaSize_;
  bool tiled_;
  friend thread_group tiled_partition(const thread_group& parent, unsigned tilesz);
  friend class coalesced_group;
};

class thread_block : public thread_group {
 public:
  thread_block() : thread_group(details::kBlock) {}
  static void sync(const wpemu_loc& loc = wpemu_loc::current()) { __syncthreads(loc); }
  static unsigned size() { return details::block_size(); }
  static unsigned num_threads() { return details::block_size(); }
  static unsigned thread_rank() { return ::wpemu::tls_thread->tid; }
  static dim3 group_index() { return blockIdx; }
  static dim3 thread_index() { return threadIdx; }
  static dim3 group_dim() { return blockDim; }
  static dim3 dim_threads() { return blockDim; }
  struct arrival_token {};
  arrival_token barrier_arrive() const { return {}; }
  void barrier_wait(arrival_token&&, const wpemu_loc& loc = wpemu_loc::current()) const { __syncthreads(loc); }
};

inline thread_block this_thread_block() { return thread_block(); }

class grid_group : public thread_group {
 public:
  grid_group() : thread_group(details::kGrid) {}
  static bool is_valid() { return ::wpemu::cooperative_launch(); }
  static void sync(const wpemu_loc& loc = wpemu_loc::current()) { ::wpemu::grid_sync(loc); }
  static unsigned long long size() { return details::grid_blocks() * details::block_size(); }
  static unsigned long long num_threads() { return size(); }
  static unsigned long long thread_rank() {
    return (unsigned long long)details::block_rank_in_grid() * details::block_size() + ::wpemu::tls_thread->tid;
  }
  static unsigned long long block_rank() { return details::block_rank_in_grid(); }
  static unsigned long long num_blocks() { return details::grid_blocks(); }
  static dim3 group_dim() { return gridDim; }
  static dim3 dim_blocks() { return gridDim; }
  static dim3 block_index() { return blockIdx; }
  static dim3 dim_threads() {
    return dim3(gridDim.x * blockDim.x, gridDim.y * blockDim.y, gridDim.z * blockDim.z);
  }
  static dim3 thread_index() {
    return dim3(blockIdx.x * blockDim.x + threadIdx.x, blockIdx.y * blockDim.y + threadIdx.y,
                blockIdx.z * blockDim.z + threadIdx.z);
  }
};

inline grid_group this_grid() { return grid_group(); }

// The calling thread alone.
class thread_single : public thread_group {
 public:
  thread_single() : thread_group(details::kThread) {}
  static void sync() {}
  static unsigned size() { return 1; }
  static unsigned num_threads() { return 1; }
  static unsigned thread_rank() { return 0; }
};
inline thread_single this_thread() { return thread_single(); }

// Converged lanes of a warp, ranked by lane.
class coalesced_group : public thread_group {
 public:
  unsigned num_threads() const { return __builtin_popcount(mask_); }
  unsigned size() const { return num_threads(); }
  unsigned thread_rank() const { return __builtin_popcount(mask_ & details::lanemask32_lt()); }
  unsigned meta_group_rank() const { return metaRank_; }
  unsigned meta_group_size() const { return metaSize_; }
  void sync(const wpemu_loc& loc = wpemu_loc::current()) const { __syncwarp(mask_, loc); }

  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl(T&& v, int srcRank, const wpemu_loc& loc = wpemu_loc::current()) const {
    const unsigned lane =
        srcRank == 0 ? unsigned(__ffs(int(mask_)) - 1) : size() == 32 ? unsigned(srcRank) : details::lane_of_rank(mask_, unsigned(srcRank));
    return details::shuffle(v, [&](auto x) { return __shfl_sync(mask_, x, int(lane), 32, loc); });
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl_down(T&& v, unsigned delta, const wpemu_loc& loc = wpemu_loc::current()) const {
    if (size() == 32) return details::shuffle(v, [&](auto x) { return __shfl_down_sync(0xffffffffu, x, delta, 32, loc); });
    unsigned lane = __fns(mask_, details::laneid(), int(delta) + 1);
    if (lane >= 32) lane = details::laneid();
    return details::shuffle(v, [&](auto x) { return __shfl_sync(mask_, x, int(lane), 32, loc); });
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl_up(T&& v, int delta, const wpemu_loc& loc = wpemu_loc::current()) const {
    if (size() == 32) return details::shuffle(v, [&](auto x) { return __shfl_up_sync(0xffffffffu, x, unsigned(delta), 32, loc); });
    unsigned lane = __fns(mask_, details::laneid(), -(delta + 1));
    if (lane >= 32) lane = details::laneid();
    return details::shuffle(v, [&](auto x) { return __shfl_sync(mask_, x, int(lane), 32, loc); });
  }
  int any(int pred, const wpemu_loc& loc = wpemu_loc::current()) const { return __ballot_sync(mask_, pred, loc) != 0; }
  int all(int pred, const wpemu_loc& loc = wpemu_loc::current()) const { return __ballot_sync(mask_, pred, loc) == mask_; }
  unsigned ballot(int pred, const wpemu_loc& loc = wpemu_loc::current()) const {
    if (size() == 32) return __ballot_sync(0xffffffffu, pred, loc);
    return details::pack_lanes(mask_, __ballot_sync(mask_, pred, loc));
  }
  template <class T>
  unsigned match_any(T v, const wpemu_loc& loc = wpemu_loc::current()) const {
    if (size() == 32) return __match_any_sync(0xffffffffu, v, loc);
    return details::pack_lanes(mask_, __match_any_sync(mask_, v, loc));
  }
  template <class T>
  unsigned match_all(T v, int& pred, const wpemu_loc& loc = wpemu_loc::current()) const {
    if (size() == 32) return __match_all_sync(0xffffffffu, v, &pred, loc);
    return details::pack_lanes(mask_, __match_all_sync(mask_, v, &pred, loc));
  }

  // Internal (the lanes of the group), as CUDA's _coalesced_group_data_access.
  unsigned wpemu_mask() const { return mask_; }
  explicit coalesced_group(unsigned mask, unsigned metaRank = 0, unsigned metaSize = 1, bool tiled = false)
      : thread_group(details::kCoalesced, mask, metaRank, metaSize, tiled) {}

  // tiled_partition of a coalesced group, as CUDA computes it.
  coalesced_group tiled(unsigned tilesz) const {
    if (tilesz == 0 || tilesz > 32 || (tilesz & (tilesz - 1))) __trap();
    if (size() <= tilesz) return *this;
    if (tiled_) {
      const unsigned base = thread_rank() & ~(tilesz - 1);
      const unsigned len = size() - base < tilesz ? size() - base : tilesz;
      const unsigned m = (0xffffffffu >> (32 - len)) << (details::laneid() & ~(tilesz - 1));
      return coalesced_group(m, thread_rank() / tilesz, size() / tilesz, true);
    }
    unsigned m = 0, taken = 0;
    int skip = int(thread_rank() / tilesz * tilesz);
    for (unsigned l = 0; l < 32; ++l)
      if (mask_ >> l & 1) {
        if (skip <= 0 && taken < tilesz) {
          m |= 1u << l;
          ++taken;
        }
        --skip;
      }
    return coalesced_group(m, thread_rank() / tilesz, (size() + tilesz - 1) / tilesz, false);
  }
};

inline coalesced_group coalesced_threads(const wpemu_loc& loc = wpemu_loc::current()) {
  return coalesced_group(::wpemu::converge(loc));
}

template <unsigned Size, class ParentT = void>
class thread_block_tile;

namespace details {

// What every statically sized tile answers the same way, within a warp or across warps.
template <unsigned Size>
class sized_tile : public thread_group {
 public:
  static constexpr unsigned numThreads = Size;
  static constexpr unsigned num_threads() { return Size; }
  static constexpr unsigned size() { return Size; }
  static unsigned thread_rank() { return ::wpemu::tls_thread->tid & (Size - 1); }
  unsigned meta_group_rank() const { return metaRank_; }
  unsigned meta_group_size() const { return metaSize_; }

 protected:
  using thread_group::thread_group;
};

// A statically sized tile of Size (1..32) aligned lanes of a warp.
template <unsigned Size>
class warp_tile : public sized_tile<Size> {
  static_assert(Size >= 1 && Size <= 32 && (Size & (Size - 1)) == 0, "Size must be one of 1/2/4/8/16/32");
  using sized_tile<Size>::metaRank_;
  using sized_tile<Size>::metaSize_;

 public:
  using sized_tile<Size>::thread_rank;
  static unsigned build_mask() {
    if (Size == 32) return 0xffffffffu;
    const unsigned tileMask = (Size == 32) ? 0xffffffffu : ((1u << Size) - 1u);
    return tileMask << (details::laneid() & ~(Size - 1));
  }
  void sync(const wpemu_loc& loc = wpemu_loc::current()) const { __syncwarp(build_mask(), loc); }

  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl(T&& v, int srcRank, const wpemu_loc& loc = wpemu_loc::current()) const {
    return details::shuffle(v, [&](auto x) { return __shfl_sync(build_mask(), x, srcRank, int(Size), loc); });
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl_down(T&& v, unsigned delta, const wpemu_loc& loc = wpemu_loc::current()) const {
    return details::shuffle(v, [&](auto x) { return __shfl_down_sync(build_mask(), x, delta, int(Size), loc); });
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl_up(T&& v, unsigned delta, const wpemu_loc& loc = wpemu_loc::current()) const {
    return details::shuffle(v, [&](auto x) { return __shfl_up_sync(build_mask(), x, delta, int(Size), loc); });
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl_xor(T&& v, unsigned laneMask, const wpemu_loc& loc = wpemu_loc::current()) const {
    return details::shuffle(v, [&](auto x) { return __shfl_xor_sync(build_mask(), x, int(laneMask), int(Size), loc); });
  }
  int any(int pred, const wpemu_loc& loc = wpemu_loc::current()) const { return __ballot_sync(build_mask(), pred, loc) != 0; }
  int all(int pred, const wpemu_loc& loc = wpemu_loc::current()) const {
    return __ballot_sync(build_mask(), pred, loc) == build_mask();
  }
  unsigned ballot(int pred, const wpemu_loc& loc = wpemu_loc::current()) const {
    return __ballot_sync(build_mask(), pred, loc) >> (details::laneid() & ~(Size - 1));
  }
  template <class T>
  unsigned match_any(T v, const wpemu_loc& loc = wpemu_loc::current()) const {
    return __match_any_sync(build_mask(), v, loc) >> (details::laneid() & ~(Size - 1));
  }
  template <class T>
  unsigned match_all(T v, int& pred, const wpemu_loc& loc = wpemu_loc::current()) const {
    return __match_all_sync(build_mask(), v, &pred, loc) >> (details::laneid() & ~(Size - 1));
  }

  unsigned wpemu_mask() const { return build_mask(); }
  explicit warp_tile(unsigned metaRank = 0, unsigned metaSize = 1)
      : sized_tile<Size>(details::kCoalesced, build_mask(), metaRank, metaSize, true) {}
  operator coalesced_group() const { return coalesced_group(build_mask(), metaRank_, metaSize_, true); }
};

// Per block (a block's threads share one OS thread): what multi-warp tiles exchange through.
struct multi_warp_scratch {
  unsigned arrived[32];
  unsigned generation[32];
  unsigned long long slots[1024];
};
inline multi_warp_scratch& block_scratch() {
  static thread_local multi_warp_scratch s;
  return s;
}

// A statically sized tile of Size (64..1024) threads: whole warps. Its barrier and exchanges go
// through the block's scratch (as CUDA's go through block_tile_memory); a partial last tile holds
// the threads that exist.
template <unsigned Size>
class multi_warp_tile : public sized_tile<Size> {
  static_assert(Size >= 64 && Size <= 1024 && (Size & (Size - 1)) == 0, "Size must be a power of two from 64 to 1024");

 public:
  using sized_tile<Size>::thread_rank;
  explicit multi_warp_tile(unsigned metaRank = 0, unsigned metaSize = 1)
      : sized_tile<Size>(details::kBlock, 0, metaRank, metaSize, true) {}

  // The threads of this tile that exist.
  static unsigned members() {
    const unsigned base = ::wpemu::tls_thread->tid & ~(Size - 1);
    const unsigned n = block_size() - base;
    return n < Size ? n : Size;
  }
  // A barrier of the tile's threads: the last to arrive starts the next generation.
  void sync(const wpemu_loc& loc = wpemu_loc::current()) const {
    const unsigned t = ::wpemu::tls_thread->tid / Size;
    multi_warp_scratch& s = block_scratch();
    const unsigned gen = atomicAdd(&s.generation[t], 0u, loc);
    if (atomicAdd(&s.arrived[t], 1u, loc) == members() - 1) {
      s.arrived[t] = 0;
      atomicAdd(&s.generation[t], 1u, loc);
    } else {
      while (atomicAdd(&s.generation[t], 0u, loc) == gen) __nanosleep(32, loc);
    }
  }
  // Value exchange: every thread publishes, the tile syncs, each reads its source, syncs again.
  template <class T, class Src>
  T exchange(const T& v, Src src, const wpemu_loc& loc) const {
    const unsigned base = ::wpemu::tls_thread->tid & ~(Size - 1);
    multi_warp_scratch& s = block_scratch();
    return shuffle(v, [&](auto x) {
      unsigned long long bits = 0;
      std::memcpy(&bits, &x, sizeof x);
      s.slots[::wpemu::tls_thread->tid] = bits;
      sync(loc);
      const unsigned from = src();
      const unsigned long long got = from < members() ? s.slots[base + from] : bits;
      sync(loc);
      decltype(x) r;
      std::memcpy(&r, &got, sizeof r);
      return r;
    });
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl(T&& v, unsigned srcRank, const wpemu_loc& loc = wpemu_loc::current()) const {
    return exchange(v, [&] { return srcRank; }, loc);
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl_up(T&& v, unsigned d, const wpemu_loc& loc = wpemu_loc::current()) const {
    return exchange(v, [&] { return thread_rank() >= d ? thread_rank() - d : thread_rank(); }, loc);
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl_down(T&& v, unsigned d, const wpemu_loc& loc = wpemu_loc::current()) const {
    return exchange(v, [&] { return thread_rank() + d < Size ? thread_rank() + d : thread_rank(); }, loc);
  }
  template <class T>
  std::remove_cv_t<std::remove_reference_t<T>> shfl_xor(T&& v, unsigned m, const wpemu_loc& loc = wpemu_loc::current()) const {
    return exchange(v, [&] { return (thread_rank() ^ m) < Size ? thread_rank() ^ m : thread_rank(); }, loc);
  }
  // Every thread gets the values of all, in rank order (any, all, reductions, scans).
  template <class T, class F>
  void gather(const T& v, F&& visit, const wpemu_loc& loc) const {
    static_assert(sizeof(T) <= 8, "multi-warp tile collectives move values of up to 8 bytes");
    const unsigned base = ::wpemu::tls_thread->tid & ~(Size - 1);
    multi_warp_scratch& s = block_scratch();
    unsigned long long bits = 0;
    std::memcpy(&bits, &v, sizeof v);
    s.slots[::wpemu::tls_thread->tid] = bits;
    sync(loc);
    for (unsigned r = 0; r < members(); ++r) {
      T x;
      std::memcpy(&x, &s.slots[base + r], sizeof x);
      visit(r, x);
    }
    sync(loc);
  }
  int any(int pred, const wpemu_loc& loc = wpemu_loc::current()) const {
    int r = 0;
    gather(pred, [&](unsigned, int p) { r |= p != 0; }, loc);
    return r;
  }
  int all(int pred, const wpemu_loc& loc = wpemu_loc::current()) const {
    int r = 1;
    gather(pred, [&](unsigned, int p) { r &= p != 0; }, loc);
    return r;
  }
};

}  // namespace details

template <unsigned Size>
class thread_block_tile<Size, void>
    : public std::conditional_t<(Size <= 32), details::warp_tile<Size>, details::multi_warp_tile<Size>> {
  using base = std::conditional_t<(Size <= 32), details::warp_tile<Size>, details::multi_warp_tile<Size>>;

 public:
  explicit thread_block_tile(unsigned metaRank = 0, unsigned metaSize = 1) : base(metaRank, metaSize) {}
};

// Scratch for multi-warp tiles, as CUDA declares it (the emulator keeps its own per block).
template <unsigned MaxBlockSize = 1024, unsigned TileCommunicationSize = 8, unsigned MaxTileSize = 32>
struct block_tile_memory {
  alignas(16) unsigned char bytes[16];
};
template <unsigned MaxBlockSize, unsigned TileCommunicationSize, unsigned MaxTileSize>
thread_block this_thread_block(block_tile_memory<MaxBlockSize, TileCommunicationSize, MaxTileSize>&) {
  return thread_block();
}

// tiled_partition<Size>(parent): converts to the parent-less tile type, as in CUDA.
template <unsigned Size, class ParentT>
class thread_block_tile : public thread_block_tile<Size, void> {
 public:
  explicit thread_block_tile(unsigned metaRank, unsigned metaSize) : thread_block_tile<Size, void>(metaRank, metaSize) {}
};

template <unsigned Size, class ParentT>
thread_block_tile<Size, ParentT> tiled_partition(const ParentT& parent) {
  const unsigned rank = unsigned(parent.thread_rank());
  const unsigned long long n = parent.num_threads();
  return thread_block_tile<Size, ParentT>(rank / Size, unsigned((n + Size - 1) / Size));
}

// Dynamic tiles (a power of two up to 32), as CUDA computes them for a block or a coalesced group.
inline thread_group tiled_partition(const thread_group& parent, unsigned tilesz) {
  if (parent.get_type() == details::kCoalesced)
    return static_cast<const coalesced_group&>(parent).tiled(tilesz);
  if (tilesz == 0 || tilesz > 32 || (tilesz & (tilesz - 1))) __trap();
  const unsigned rank = ::wpemu::tls_thread->tid;
  const unsigned base = rank & ~(tilesz - 1);
  const unsigned size = details::block_size();
  const unsigned len = size - base < tilesz ? size - base : tilesz;
  const unsigned mask = (0xffffffffu >> (32 - len)) << (details::laneid() & ~(tilesz - 1));
  return coalesced_group(mask, rank / tilesz, (size + tilesz - 1) / tilesz, true);
}
inline thread_group tiled_partition(const thread_block& parent, unsigned tilesz) {
  return tiled_partition(static_cast<const thread_group&>(parent), tilesz);
}
inline coalesced_group tiled_partition(const coalesced_group& parent, unsigned tilesz) { return parent.tiled(tilesz); }

// Lanes of `parent` with the same predicate (binary) or label, as a coalesced group.
template <class Group>
coalesced_group binary_partition(const Group& parent, bool pred, const wpemu_loc& loc = wpemu_loc::current()) {
  const unsigned mask = parent.wpemu_mask();
  const unsigned yes = __ballot_sync(mask, pred, loc);
  return coalesced_group(pred ? yes : mask & ~yes);
}
template <class Group, class Label>
coalesced_group labeled_partition(const Group& parent, Label label, const wpemu_loc& loc = wpemu_loc::current()) {
  return coalesced_group(__match_any_sync(parent.wpemu_mask(), label, loc));
}

template <class Group>
void sync(const Group& g, const wpemu_loc& loc = wpemu_loc::current()) {
  g.sync(loc);
}
template <class Group>
auto thread_rank(const Group& g) -> decltype(g.thread_rank()) {
  return g.thread_rank();
}
template <class Group>
auto group_size(const Group& g) -> decltype(g.num_threads()) {
  return g.num_threads();
}

}  // namespace cooperative_groups
