// Planted bugs for `writeprof check`, built only by tests/check/planted.test.ts: compiled as
// kernels/cuda is for the checker (instrumented) and linked into a test-only check addon ahead of
// the real kernels, replacing the launch entries of three kernel families, so the unchanged runner
// launches the planted kernel and verifies its writes. WP_PLANT (environment) names the bug; each
// breaks one rule and uses the shared device pieces otherwise.
#include <cstdlib>
#include <cstring>

#include "device.cuh"

namespace wp::gpu {
namespace {

bool planted(const char* name) {
  const char* p = std::getenv("WP_PLANT");
  return p && std::strcmp(p, name) == 0;
}

// One bucket of the lock-free upsert, the slot claimed by a plain load and store (no CAS).
__device__ bool plain_claim(Bucket& bk, uint64_t key, uint64_t ref, uint32_t size) {
  for (int s = 0; s < kSlotsPerBucket; ++s) {
    const uint64_t k = bk.keys[s];  // PLANTED: a plain load and a plain store claim the slot, no CAS
    if (k == key) {
      bk.values[s] = ref;
      return true;
    }
    if (k != kKeyEmpty) continue;
    bk.keys[s] = kKeyLocked;
    bk.values[s] = ref;
    bk.value_sizes[s] = size;
    bk.key_sizes[s] = kKeySize;
    fetch_add(&bk.occupancy, 1u);
    store_release(&bk.keys[s], key);
    return true;
  }
  return false;
}

// One bucket of the lock-free upsert, a new slot published with a relaxed store.
__device__ bool relaxed_publish(Bucket& bk, uint64_t key, uint64_t ref, uint32_t size) {
  int s = -1;
  NanoBackoff wait;
  uint64_t ignored = 0;
  for (;;) {
    const ClaimResult r = lockfree_claim_with<false>(bk, key, &s, &ignored, wait);
    if (r == kClaimedNew) {
      bk.values[s] = ref;
      bk.value_sizes[s] = size;
      bk.key_sizes[s] = kKeySize;
      fetch_add(&bk.occupancy, 1u);
      store_relaxed(&bk.keys[s], key);  // PLANTED: the publish is relaxed, not a release
      return true;
    }
    if (r != kFoundExisting) return false;
    if (lockfree_relock(bk, s, key)) {
      lockfree_publish_relocked(bk, s, key, ref, size);
      return true;
    }
    do { wait(); } while (load_acquire(&bk.keys[s]) == kKeyLocked);
  }
}

template <bool kPlainClaim>
__device__ bool planted_upsert(Bucket* table, uint64_t buckets, uint64_t key, uint64_t ref, uint32_t size) {
  uint64_t b = home_bucket(key, buckets);
  for (uint64_t step = 0; step < buckets; ++step, b = next_bucket(b, buckets))
    if (kPlainClaim ? plain_claim(table[b], key, ref, size) : relaxed_publish(table[b], key, ref, size)) return true;
  return false;
}

template <bool kPlainClaim>
__global__ void planted_lock_free(BatchArgs a) {
  const unsigned lane = lane_id();
  const uint64_t warp = global_warp(), warps = uint64_t(gridDim.x) * blockDim.x / 32;
  for (uint64_t base = warp * 32; base < a.n; base += warps * 32) {
    const uint32_t cnt = uint32_t(a.n - base < 32 ? a.n - base : 32);
    copy_warp(a.arena + arena_offset(a.firstWrite + base, a.stride), a.vals + base * a.stride, uint64_t(cnt) * a.stride, lane);
    __syncwarp();
    if (lane < cnt && !planted_upsert<kPlainClaim>(a.table, a.buckets, a.keys[base + lane], arena_offset(a.firstWrite + base + lane, a.stride), a.valueSize))
      count_full(a.stats);
  }
}

// write-combine's bucket runs, without the sort: each thread stages its row's home bucket in
// shared memory; the first row of each run of equal buckets takes that bucket's lock once and
// places the run's writes in order; rows whose bucket was full probe on alone.
__global__ void planted_write_combine(BatchArgs a) {
  __shared__ unsigned long long order[WP_BLOCK_WRITE_COMBINE];
  __shared__ uint8_t overflow[WP_BLOCK_WRITE_COMBINE];
  Tally<false> t(false);
  for (uint64_t base = uint64_t(blockIdx.x) * blockDim.x; base < a.n; base += uint64_t(gridDim.x) * blockDim.x) {
    const uint32_t cnt = uint32_t(a.n - base < blockDim.x ? a.n - base : blockDim.x);
    const bool mine = threadIdx.x < cnt;
    const uint64_t key = mine ? a.keys[base + threadIdx.x] : 0;
    if (mine) copy_thread(a.arena + arena_offset(a.firstWrite + base + threadIdx.x, a.stride), a.vals + (base + threadIdx.x) * a.stride, a.stride);
    order[threadIdx.x] = mine ? home_bucket(key, a.buckets) : ~0ull;
    overflow[threadIdx.x] = 0;
    // PLANTED: no __syncthreads() here, between staging order[] and reading the other rows' entries
    const unsigned long long hb = order[threadIdx.x];
    if (mine && (threadIdx.x == 0 || order[threadIdx.x - 1] != hb)) {
      Bucket& bk = a.table[hb];
      lock_bucket(bk, t);
      for (uint32_t j = threadIdx.x; j < cnt && order[j] == hb; ++j) {
        bool isNew = false;
        const uint64_t k = a.keys[base + j];
        const int s = locked_find_or_place(bk, k, &isNew);
        if (s < 0) overflow[j] = 1;
        else publish_locked(bk, s, k, arena_offset(a.firstWrite + base + j, a.stride), a.valueSize, isNew);
      }
      unlock(bk);
    }
    __syncthreads();
    if (mine && overflow[threadIdx.x] &&
        !locked_upsert<false>(a.table, a.buckets, key, next_bucket(hb, a.buckets), 1,
                              arena_offset(a.firstWrite + base + threadIdx.x, a.stride), a.valueSize, t, NoInside{}))
      count_full(a.stats);
    __syncthreads();
  }
}

// baseline, with per-block write counts kept in a scratch array the launch allocates.
template <bool kPastTable>
__global__ void planted_baseline(BatchArgs a, unsigned long long* perBlock) {
  Tally<false> t(false);
  const uint64_t stride = uint64_t(gridDim.x) * blockDim.x;
  for (uint64_t i = uint64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < a.n; i += stride) {
    const uint64_t key = a.keys[i];
    const uint64_t ref = arena_offset(a.firstWrite + i, a.stride);
    // PLANTED (PAST_TABLE): one bucket too many, the last is past the table
    const uint64_t home = kPastTable ? home_bucket(key, a.buckets + 1) : home_bucket(key, a.buckets);
    uint8_t* dst = a.arena + ref;
    const uint8_t* src = a.vals + i * a.stride;
    if (!locked_upsert<false>(a.table, a.buckets, key, home, 0, ref, a.valueSize, t, [&] { copy_thread(dst, src, a.stride); }))
      count_full(a.stats);
    atomicAdd(&perBlock[blockIdx.x], 1ull);
  }
}

}  // namespace

void launch_lock_free(bool, const BatchArgs& a, uint32_t blocks, cudaStream_t stream) {
  if (planted("RELAXED_PUBLISH")) planted_lock_free<false><<<blocks, WP_BLOCK_LOCK_FREE, 0, stream>>>(a);
  else planted_lock_free<true><<<blocks, WP_BLOCK_LOCK_FREE, 0, stream>>>(a);  // PLAIN_CLAIM
}

void launch_write_combine(bool, const BatchArgs& a, uint32_t blocks, cudaStream_t stream) {  // NO_BARRIER
  planted_write_combine<<<blocks, WP_BLOCK_WRITE_COMBINE, 0, stream>>>(a);
}

void launch_baseline(bool, const BatchArgs& a, uint32_t blocks, cudaStream_t stream) {
  unsigned long long* perBlock = nullptr;  // kept for the process (a test build)
  cudaMalloc(&perBlock, blocks * sizeof(unsigned long long));
  // PLANTED (UNINIT_READ): the counts are not zeroed, the kernel adds to what was never written
  if (!planted("UNINIT_READ")) cudaMemsetAsync(perBlock, 0, blocks * sizeof(unsigned long long), stream);
  if (planted("PAST_TABLE")) planted_baseline<true><<<blocks, WP_BLOCK_BASELINE, 0, stream>>>(a, perBlock);
  else planted_baseline<false><<<blocks, WP_BLOCK_BASELINE, 0, stream>>>(a, perBlock);
}

}  // namespace wp::gpu
