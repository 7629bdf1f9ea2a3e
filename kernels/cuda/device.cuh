// Device-side pieces the built-in kernel families share beyond the public kernel interface
// (writeprof/kernel.cuh: arguments, counters, backoff): the per-bucket lock path, the lock-free
// claim path, and value copies (per thread, per warp, and block-staged through shared memory with
// line-aligned stores).
#pragma once
#include <cuda_pipeline.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "launch.h"
#include "writeprof/kernel.cuh"

namespace wp::gpu {

// ---- per-bucket lock (baseline, warp-coop leaders, mem-opt, write-combine) ----

// Test-and-test-and-set with backoff: every failed try_lock is one lockRetries (as on the CPU).
template <bool kCount>
__device__ __forceinline__ void lock_bucket(Bucket& b, Tally<kCount>& t) {
  if (try_lock(b)) return;
  NanoBackoff wait;
  for (;;) {
    t.lockRetry();
    do { wait(); } while (load_relaxed(&b.lock) != 0u);
    if (try_lock(b)) return;
  }
}

struct NoInside {
  __device__ void operator()() const {}
};

// Locked upsert of one write along its probe path from `bucket` (`steps` buckets past home
// already). `inside()` runs with the bucket locked, before the slot is published (baseline copies
// its value there). The unlock's release orders the value and the slot before the next owner.
// Returns false when the probe wrapped the whole table.
template <bool kCount, class Inside>
__device__ __forceinline__ bool locked_upsert(Bucket* table, uint64_t buckets, uint64_t key, uint64_t bucket,
                                              uint64_t steps, uint64_t ref, uint32_t valueSize, Tally<kCount>& t,
                                              Inside inside) {
  t.start();
  for (;;) {
    Bucket& bk = table[bucket];
    lock_bucket(bk, t);
    t.template lap<kPhaseLock>();
    bool isNew = false;
    int s = locked_find_or_place(bk, key, &isNew);
    t.template lap<kPhaseProbe>();
    if (s >= 0) {
      inside();
      t.template lap<kPhaseCopy>();
      publish_locked(bk, s, key, ref, valueSize, isNew);
      unlock(bk);
      t.template lap<kPhasePublish>();
      return true;
    }
    unlock(bk);
    if (++steps >= buckets) return false;
    t.probeStep();
    bucket = next_bucket(bucket, buckets);
  }
}

// ---- lock-free claim (lock-free strategy) ----

// New key: claim an EMPTY slot by CAS to LOCKED, publish with a release store of the key. Existing
// key: re-claim its slot (key -> LOCKED) and swap the reference, HierarchicalKV-style. Lost CASes
// and waits on LOCKED slots are casFailures. The value is already in the arena.
template <bool kCount>
__device__ __forceinline__ bool lockfree_upsert(Bucket* table, uint64_t buckets, uint64_t key, uint64_t ref,
                                                uint32_t valueSize, Tally<kCount>& t) {
  uint64_t b = home_bucket(key, buckets);
  uint64_t steps = 0;
  NanoBackoff wait;
  t.start();
  for (;;) {
    Bucket& bk = table[b];
    int s = -1;
    ClaimResult r = lockfree_claim_with<kCount>(bk, key, &s, t.casCounter(), wait);
    t.template lap<kPhaseProbe>();
    if (r == kClaimedNew) {
      lockfree_publish_new(bk, s, key, ref, valueSize);
      t.template lap<kPhasePublish>();
      return true;
    }
    if (r == kFoundExisting) {
      if (lockfree_relock(bk, s, key)) {
        lockfree_publish_relocked(bk, s, key, ref, valueSize);
        t.template lap<kPhasePublish>();
        return true;
      }
      // Another writer of this key holds the slot: wait for its publish, then claim again.
      t.casFailure();
      do { wait(); } while (load_acquire(&bk.keys[s]) == kKeyLocked);
      t.template lap<kPhaseLock>();
      continue;
    }
    if (++steps >= buckets) return false;
    t.probeStep();
    b = next_bucket(b, buckets);
  }
}

// ---- value copies (16-byte multiples, 16-byte aligned on both sides) ----

__device__ __forceinline__ void copy_thread(uint8_t* __restrict__ dst, const uint8_t* __restrict__ src,
                                            uint32_t bytes) {
  auto* d = reinterpret_cast<uint4*>(dst);
  auto* s = reinterpret_cast<const uint4*>(src);
  for (uint32_t c = 0, n = bytes / 16; c < n; ++c) d[c] = __ldg(s + c);
}

// A warp copies one contiguous range: lane l moves 16-byte chunks l, l+32, ... (coalesced).
__device__ __forceinline__ void copy_warp(uint8_t* __restrict__ dst, const uint8_t* __restrict__ src,
                                          uint64_t bytes, unsigned lane) {
  auto* d = reinterpret_cast<uint4*>(dst);
  auto* s = reinterpret_cast<const uint4*>(src);
  const uint64_t n = bytes / 16;
#pragma unroll 4
  for (uint64_t c = lane; c < n; c += 32) d[c] = __ldg(s + c);
}

__device__ __forceinline__ void prefetch_l2(const void* p) {
#if defined(WP_CUDA_EMU)
  (void)p;  // PTX: the emulator has no L2 to warm
#else
  asm volatile("prefetch.global.L2 [%0];" ::"l"(p));
#endif
}

// Block copy of `bytes` from src to dst through shared memory, `pieceChunks` 16-byte chunks at a
// time. Loads are cp.async (global -> shared without a register round trip, sm_80+). Stores are
// numbered from dst's 128-byte line, so each warp store instruction writes 512 bytes of whole
// lines, whatever dst's offset; `streaming` uses evict-first stores for values nobody rereads soon.
// Every thread of the block must call it (it synchronizes); it ends with the copy complete.
template <int kThreads>
__device__ __forceinline__ void staged_copy(uint8_t* dst, const uint8_t* src, uint64_t bytes, uint4* buf,
                                            uint32_t pieceChunks, bool streaming) {
  static_assert(kThreads % 32 == 0, "whole warps");
  const uint64_t chunks = bytes / 16;
  const uint32_t head = uint32_t((reinterpret_cast<uintptr_t>(dst) & 127u) >> 4);
  uint4* line = reinterpret_cast<uint4*>(dst) - head;  // 128-byte aligned
  const uint4* s = reinterpret_cast<const uint4*>(src);
  for (uint64_t p0 = 0; p0 < chunks; p0 += pieceChunks) {
    const uint32_t pc = uint32_t(chunks - p0 < pieceChunks ? chunks - p0 : pieceChunks);
    for (uint32_t c = threadIdx.x; c < pc; c += kThreads) __pipeline_memcpy_async(buf + c, s + p0 + c, 16);
    __pipeline_commit();
    __pipeline_wait_prior(0);
    __syncthreads();
    const uint64_t lo = p0 + head, hi = p0 + pc + head;  // this piece in line-aligned numbering
    for (uint64_t g = (lo & ~uint64_t(31)) + threadIdx.x; g < hi; g += kThreads) {
      if (g < lo) continue;
      const uint4 v = buf[g - lo];
      if (streaming) __stcs(line + g, v);
      else line[g] = v;
    }
    __syncthreads();
  }
}

}  // namespace wp::gpu
