// mem-opt: the memory system first. A submission's values are staged contiguously and land in a
// contiguous arena region, so they move as one block (non-temporal stores for large values, which
// would only evict the table from cache); then the index pass runs with the home buckets of the
// next writes prefetched, so bucket misses overlap instead of stalling one by one.
#include "cpu/skeleton.h"

namespace wp::cpu {
namespace {

// Streaming copy of a 16-byte-multiple block between 16-byte-aligned buffers. The caller fences
// before publishing: non-temporal stores are not ordered by the release store of an unlock.
void stream_copy(uint8_t* dst, const uint8_t* src, size_t bytes) {
#if defined(__SSE2__)
  auto* d = reinterpret_cast<__m128i*>(dst);
  auto* s = reinterpret_cast<const __m128i*>(src);
  size_t n = bytes / 16;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m128i a = _mm_load_si128(s + i), b = _mm_load_si128(s + i + 1);
    __m128i c = _mm_load_si128(s + i + 2), e = _mm_load_si128(s + i + 3);
    _mm_stream_si128(d + i, a);
    _mm_stream_si128(d + i + 1, b);
    _mm_stream_si128(d + i + 2, c);
    _mm_stream_si128(d + i + 3, e);
  }
  for (; i < n; ++i) _mm_stream_si128(d + i, _mm_load_si128(s + i));
#else
  memcpy(dst, src, bytes);
#endif
}

inline void stream_fence() {
#if defined(__SSE2__)
  _mm_sfence();
#else
  std::atomic_thread_fence(std::memory_order_release);
#endif
}

template <bool Count>
void insert(Worker& w, const uint8_t* staged, uint64_t first, uint32_t count) {
  const Table& t = *w.t;
  uint64_t retries = 0, probes = 0;

  size_t block = size_t(count) * t.stride;
  if (t.valueSize >= kStreamMinValue) {
    stream_copy(value_at(t, first), staged, block);
    stream_fence();
  } else {
    memcpy(value_at(t, first), staged, block);
  }

  // Ring of home buckets computed kPrefetchAhead writes early, when their line is prefetched.
  uint64_t ring[kPrefetchAhead];
  uint32_t ahead = count < kPrefetchAhead ? count : kPrefetchAhead;
  for (uint32_t i = 0; i < ahead; ++i) {
    ring[i] = home_bucket(t.stream[first + i], t.nBuckets);
    prefetch_bucket(&t.buckets[ring[i]]);
  }
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t writeNo = first + i;
    uint64_t home = ring[i % kPrefetchAhead];
    if (i + kPrefetchAhead < count) {
      uint64_t h = home_bucket(t.stream[writeNo + kPrefetchAhead], t.nBuckets);
      ring[i % kPrefetchAhead] = h;
      prefetch_bucket(&t.buckets[h]);
    }
    locked_upsert<Count>(t, t.stream[writeNo], home, 0, arena_offset(writeNo, t.stride), retries, probes, NoInside{});
  }
  if constexpr (Count) {
    w.counters.lockRetries += retries;
    w.counters.probeSteps += probes;
  }
}

}  // namespace

InsertFn mem_opt_insert(bool countConflicts) { return countConflicts ? insert<true> : insert<false>; }

}  // namespace wp::cpu
