// write-combine: a block takes 128 consecutive writes and combines them twice over.
//  - Values under 256 B are gathered into shared memory (the block's combine buffer, 32 KiB) and
//    flushed to the arena in bulk as whole 128-byte lines; larger values gain nothing from that and
//    each warp copies its writes' range straight through.
//  - Index updates are combined per bucket: the block sorts its writes by home bucket
//    (cub::BlockRadixSort on bucket<<7 | row, so ties keep stream order), and the first thread of
//    each run takes that bucket's lock once and applies the whole run in stream order. Repeated
//    writes of a hot key in one block thus cost one lock, and the last one wins, as it would have
//    written in order. Writes whose home bucket is full and lacks their key go on along their
//    probe path, applied by the run's leader one after another in row order too: two writes of a
//    key headed past a full bucket would otherwise race, and the earlier could land last.
#include <cub/block/block_radix_sort.cuh>

#include "device.cuh"

namespace wp::gpu {
namespace {

constexpr uint32_t kBlock = WP_BLOCK_WRITE_COMBINE;
constexpr uint32_t kRowBits = 7;
static_assert(kBlock <= (1u << kRowBits), "a row index must fit the sort key's low bits");
static_assert(kBlock == kTileRun, "order.h promises stream order within a block's tile: verification checks that");
constexpr uint32_t kCombineMaxValue = 256;                       // combined below this size
constexpr uint32_t kBufChunks = kBlock * kCombineMaxValue / 16;  // 32 KiB: a whole tile
constexpr unsigned long long kNone = ~0ull;                      // sorts after every real row

using Sort = cub::BlockRadixSort<unsigned long long, kBlock, 1>;

template <bool kCount>
__device__ __forceinline__ void write_combine_body(const BatchArgs& a) {
  __shared__ union {
    typename Sort::TempStorage sort;
    __align__(128) uint4 vals[kBufChunks];
  } sm;
  __shared__ unsigned long long order[kBlock];
  __shared__ uint8_t overflow[kBlock];

  Tally<kCount> t(global_warp() % kClockEvery == 0);
  const bool combine = a.valueSize < kCombineMaxValue;
  const unsigned lane = lane_id(), warp = threadIdx.x / 32;
  for (uint64_t base = uint64_t(blockIdx.x) * kBlock; base < a.n; base += uint64_t(gridDim.x) * kBlock) {
    const uint32_t cnt = uint32_t(a.n - base < kBlock ? a.n - base : kBlock);
    const bool mine = threadIdx.x < cnt;
    const uint64_t key = mine ? a.keys[base + threadIdx.x] : 0;
    const uint64_t home = mine ? home_bucket(key, a.buckets) : 0;

    t.start();
    uint8_t* dst = a.arena + arena_offset(a.firstWrite + base, a.stride);
    const uint8_t* src = a.vals + base * a.stride;
    if (combine) {
      staged_copy<kBlock>(dst, src, uint64_t(cnt) * a.stride, sm.vals, kBufChunks, false);
    } else {
      const uint32_t first = warp * 32;
      if (first < cnt) {
        const uint32_t rows = cnt - first < 32 ? cnt - first : 32;
        copy_warp(dst + uint64_t(first) * a.stride, src + uint64_t(first) * a.stride, uint64_t(rows) * a.stride, lane);
      }
      __syncthreads();  // a run's leader publishes rows that other warps copied
    }
    t.template lap<kPhaseCopy>();

    unsigned long long sk[1] = {mine ? (home << kRowBits) | threadIdx.x : kNone};
    Sort(sm.sort).Sort(sk, 0, int(a.bucketBits + kRowBits));
    order[threadIdx.x] = sk[0];
    overflow[threadIdx.x] = 0;
    __syncthreads();

    const unsigned long long me = order[threadIdx.x];
    const uint64_t hb = me >> kRowBits;
    if (me != kNone && (threadIdx.x == 0 || (order[threadIdx.x - 1] >> kRowBits) != hb)) {
      Bucket& bk = a.table[hb];
      const uint64_t rowMask = (1u << kRowBits) - 1;
      uint32_t end = threadIdx.x;
      while (end < kBlock && order[end] != kNone && (order[end] >> kRowBits) == hb) ++end;
      bool overflowed = false;
      t.start();
      lock_bucket(bk, t);
      t.template lap<kPhaseLock>();
      for (uint32_t j = threadIdx.x; j < end; ++j) {
        const uint32_t row = uint32_t(order[j] & rowMask);
        const uint64_t k = a.keys[base + row];
        bool isNew = false;
        const int s = locked_find_or_place(bk, k, &isNew);
        t.template lap<kPhaseProbe>();
        if (s < 0) {
          overflow[row] = 1;
          overflowed = true;
          continue;
        }
        publish_locked(bk, s, k, arena_offset(a.firstWrite + base + row, a.stride), a.valueSize, isNew);
        t.template lap<kPhasePublish>();
      }
      unlock(bk);
      t.template lap<kPhasePublish>();
      // The rows that found no slot go on along their probe path in row order, this thread alone.
      for (uint32_t j = threadIdx.x; overflowed && j < end; ++j) {
        const uint32_t row = uint32_t(order[j] & rowMask);
        if (!overflow[row]) continue;
        const uint64_t k = a.keys[base + row];
        bool ok = false;
        if (a.buckets > 1) {
          t.probeStep();
          ok = locked_upsert<kCount>(a.table, a.buckets, k, next_bucket(hb, a.buckets), 1,
                                     arena_offset(a.firstWrite + base + row, a.stride), a.valueSize, t, NoInside{});
        }
        if (!ok) count_full(a.stats);
      }
    }
    __syncthreads();  // order, overflow and the shared buffer are reused by the next tile
  }
  t.flush(a.stats);
}

}  // namespace
}  // namespace wp::gpu

WP_BATCH_KERNELS(write_combine, wp::gpu::write_combine_body, WP_BLOCK_WRITE_COMBINE, WP_MINB_BATCH_128)
WP_BATCH_LAUNCH(write_combine, WP_BLOCK_WRITE_COMBINE)
