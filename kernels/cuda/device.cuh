// Device-side pieces every kernel family shares: warp-aggregated counters and phase clocks,
// spin backoff, the per-bucket lock path, the lock-free claim path, and value copies (per
// thread, per warp, and block-staged through shared memory with line-aligned stores).
#pragma once
#include <cuda_pipeline.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "launch.h"
#include "writeprof/config.h"
#include "writeprof/hash.h"
#include "writeprof/layout.h"
#include "writeprof/probe.h"

namespace wp::gpu {

constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ unsigned lane_id() { return threadIdx.x & 31u; }

// Global warp number; the counting kernels time every kClockEvery-th warp.
__device__ __forceinline__ uint64_t global_warp() {
  return (uint64_t(blockIdx.x) * blockDim.x + threadIdx.x) / 32u;
}

// Exponential backoff for spins: __nanosleep lets the SM schedule other warps and, under
// independent thread scheduling, the lock holder in our own warp. Callable from the shared
// host/device probe templates (a no-op on the host side, which never instantiates it).
struct NanoBackoff {
  uint32_t ns = 32;
  __host__ __device__ void operator()() {
#if defined(__CUDA_ARCH__) || defined(WP_CUDA_EMU)
    __nanosleep(ns);
    if (ns < 1024) ns <<= 1;
#endif
  }
};

__device__ __forceinline__ uint64_t warp_sum(uint64_t v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(kFullMask, v, o);
  return v;
}

// Per-thread counters and phase clocks. Kept in registers; flush() reduces them across the warp
// and lane 0 adds the warp's totals with one atomic each: counting costs a few shuffles per warp,
// not an atomic per event. The kCount=false variant compiles to nothing.
template <bool kCount>
struct Tally;

template <>
struct Tally<false> {
  uint64_t sink = 0;  // lockfree_claim_with<false> never writes it
  __device__ explicit Tally(bool) {}
  __device__ void start() {}
  template <int P>
  __device__ void lap() {}
  __device__ void lockRetry() {}
  __device__ void casFailure() {}
  __device__ void probeStep() {}
  __device__ uint64_t* casCounter() { return &sink; }
  __device__ void flush(DevStats*) {}
};

template <>
struct Tally<true> {
  uint64_t lockRetries = 0, casFailures = 0, probeSteps = 0;
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;  // cycles by Phase (named, so they stay in registers)
  long long mark = 0;
  bool timed;
  __device__ explicit Tally(bool timedWarp) : timed(timedWarp) {}
  __device__ void start() {
    if (timed) mark = clock64();
  }
  // Charge the time since the last mark to phase P.
  template <int P>
  __device__ void lap() {
    if (!timed) return;
    long long now = clock64();
    uint64_t d = uint64_t(now - mark);
    mark = now;
    if (P == kPhaseProbe) c0 += d;
    else if (P == kPhaseLock) c1 += d;
    else if (P == kPhaseCopy) c2 += d;
    else c3 += d;
  }
  __device__ void lockRetry() { ++lockRetries; }
  __device__ void casFailure() { ++casFailures; }
  __device__ void probeStep() { ++probeSteps; }
  __device__ uint64_t* casCounter() { return &casFailures; }
  // All 32 lanes must call this (every kernel keeps whole warps alive to the end).
  __device__ void flush(DevStats* st) {
    uint64_t v[7] = {lockRetries, casFailures, probeSteps, c0, c1, c2, c3};
    // A warp that counted nothing (most warps of a small submission, every untimed warp without
    // conflicts) skips the 35 shuffles and 7 atomics with one vote.
    if (!__any_sync(kFullMask, (v[0] | v[1] | v[2] | v[3] | v[4] | v[5] | v[6]) != 0)) return;
#pragma unroll
    for (int i = 0; i < 7; ++i) v[i] = warp_sum(v[i]);
    if (lane_id() != 0) return;
    unsigned long long* dst[7] = {&st->lockRetries, &st->casFailures, &st->probeSteps, &st->cycles[kPhaseProbe],
                                  &st->cycles[kPhaseLock], &st->cycles[kPhaseCopy], &st->cycles[kPhasePublish]};
#pragma unroll
    for (int i = 0; i < 7; ++i)
      if (v[i]) atomicAdd(dst[i], (unsigned long long)v[i]);
  }
};

__device__ __forceinline__ void count_full(DevStats* st) { atomicAdd(&st->fullWrites, 1ull); }

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

// As copy_warp, from mapped host memory the host rewrites between requests: loads bypass caches.
__device__ __forceinline__ void copy_warp_volatile(uint8_t* __restrict__ dst, const uint8_t* src, uint64_t bytes,
                                                   unsigned lane) {
  auto* d = reinterpret_cast<uint4*>(dst);
  auto* s = reinterpret_cast<const uint4*>(src);
  const uint64_t n = bytes / 16;
#pragma unroll 4
  for (uint64_t c = lane; c < n; c += 32) d[c] = __ldcv(s + c);
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
