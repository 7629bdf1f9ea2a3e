// The write-strategy kernel interface: what a batch kernel receives, what it must do, the counter
// helpers, and the entry macros; its companion writeprof/single.cuh holds the persistent
// single-write server and the optional single-write entry (WP_STRATEGY_SINGLE). The five built-in
// strategies (kernels/cuda/*.cu) are written against them, and so is a user's strategy file
// (`writeprof run --strategy-file my.cu`; docs/strategy-files.md, examples/strategies/).
//
// WHAT A BATCH KERNEL RECEIVES: one BatchArgs per submission (below): writes
// [firstWrite, firstWrite + n) of the key stream, key i at keys[i] and its value staged at
// vals + i * stride (valueSize bytes, stride a 16-byte multiple, both 16-byte aligned); the table
// of `buckets` Buckets in the story's layout (layout.h: 4 slots a 128-byte bucket, a lock word,
// key 0 empty, KEY_LOCKED claimed); the value arena, where write w's value belongs at
// arena + arena_offset(w, stride); and `stats`, the submission's device counters.
//
// WHAT IT MUST DO: for every write i < n, copy its value into its arena region, then make the key
// findable by lookup() (probe.h: home_bucket, then next_bucket...) in a slot whose `values` word
// is the arena offset (write order: the value before the slot's publish), its key_sizes 8 and
// value_sizes valueSize; or, when the probe wrapped the whole table, count it with
// count_full(a.stats). Two writes of one key must take effect in the order the strategy promises
// (WP_STRATEGY's order argument, order.h): verification after every sample fails the case for a
// lost, stale, corrupted or duplicated key. Counters go through Tally (below); every lane of
// every warp calls Tally::flush at the end, so keep whole warps alive (no early return).
// probe.h's slot protocol (try_lock/locked_find_or_place/publish_locked/unlock, and the lock-free
// lockfree_claim_with/lockfree_publish_new/lockfree_relock) is there to build on.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "writeprof/config.h"
#include "writeprof/hash.h"
#include "writeprof/layout.h"
#include "writeprof/order.h"
#include "writeprof/probe.h"

namespace wp::gpu {

// The interface's version: a strategy file built against another one is refused. 2: the
// StrategyEntry's optional single-write server (`single`).
constexpr uint32_t kKernelApiVersion = 2;

// Device-side totals of one host thread's submissions (zeroed per sample). The four cycle sums
// are clock64() time inside the kernel by phase, sampled on one warp in kClockEvery.
struct DevStats {
  unsigned long long lockRetries;
  unsigned long long casFailures;
  unsigned long long probeSteps;
  unsigned long long fullWrites;  // writes that wrapped the whole table without a slot
  unsigned long long cycles[4];   // indexed by Phase
};
static_assert(sizeof(DevStats) == 64, "one 64-byte record per host thread");

enum Phase { kPhaseProbe = 0, kPhaseLock = 1, kPhaseCopy = 2, kPhasePublish = 3 };
constexpr const char* kPhaseNames[4] = {"probe", "lock", "copy", "publish"};
constexpr uint32_t kClockEvery = 16;  // counting kernels time one warp in this many

// One batch submission: writes [firstWrite, firstWrite + n), keys and values staged on the
// device (value i at vals + i * stride), values landing at arena + writeNo * stride.
struct BatchArgs {
  Bucket* table;
  uint64_t buckets;
  uint8_t* arena;
  const uint64_t* keys;
  const uint8_t* vals;
  uint64_t firstWrite;
  DevStats* stats;
  uint32_t n;
  uint32_t stride;
  uint32_t valueSize;
  uint32_t bucketBits;  // bits that hold a bucket index (write-combine sorts on them)
};

// A strategy's batch launch: `blocks` blocks of its declared size on `stream`, the counting
// (countConflicts) or the plain variant.
using BatchLaunch = void (*)(bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream);

// The persistent single-write server's launch (writeprof/single.cuh): one warp on `stream`.
struct ServerArgs;
using ServerLaunch = void (*)(bool count, const ServerArgs& a, cudaStream_t stream);

// What a strategy file declares (WP_STRATEGY): read by the runner and by writeprof itself. Fields
// are only ever appended (apiVersion first): a runner reads no field of an entry of another version.
struct StrategyEntry {
  uint32_t apiVersion;      // kKernelApiVersion when built
  uint32_t block;           // threads per block
  uint32_t writesPerBlock;  // writes a block takes per step: blocks = ceil(n / writesPerBlock), capped
  uint32_t orderRun;        // order.h: writes per ordered run in a submission (1: they race; 0: all in order)
  BatchLaunch launch;
  ServerLaunch single;      // its single-write server (WP_STRATEGY_SINGLE), or null: a batch launch per write
};

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

// THE COUNTER HELPERS. Per-thread counters and phase clocks, kept in registers: lockRetry() for a
// failed lock attempt, casFailure() for a lost CAS or a wait on a LOCKED slot, probeStep() for a
// move past a bucket; start() and lap<Phase>() charge clock64() time to a phase (on one warp in
// kClockEvery). flush() reduces them across the warp and lane 0 adds the warp's totals with one
// atomic each: counting costs a few shuffles per warp, not an atomic per event. The kCount=false
// variant (the plain kernel) compiles to nothing.
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

// A write that wrapped the whole table without finding a slot.
__device__ __forceinline__ void count_full(DevStats* st) { atomicAdd(&st->fullWrites, 1ull); }

}  // namespace wp::gpu

// THE ENTRY MACROS.
//
// WP_BATCH_KERNELS(id, body, block, minBlocks): a strategy's two batch kernels, wp_<id>_count
// (Tally<true>) and wp_<id>_plain (Tally<false>), from a body
// `template <bool kCount> __device__ void body(const wp::gpu::BatchArgs&)` (a qualified name).
#define WP_BATCH_KERNELS(id, body, block, minBlocks)                                                          \
  extern "C" __global__ void __launch_bounds__(block, minBlocks) wp_##id##_count(wp::gpu::BatchArgs a) { \
    body<true>(a);                                                                                          \
  }                                                                                                         \
  extern "C" __global__ void __launch_bounds__(block, minBlocks) wp_##id##_plain(wp::gpu::BatchArgs a) { \
    body<false>(a);                                                                                         \
  }

// WP_BATCH_LAUNCH(id, block): wp::gpu::launch_<id>, the launch of those kernels with `block`
// threads a block (a BatchLaunch). The launch lives beside its kernels: the kernels are built
// without relocatable device code.
#define WP_BATCH_LAUNCH(id, block)                                                                  \
  namespace wp::gpu {                                                                               \
  void launch_##id(bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream) {          \
    if (count) wp_##id##_count<<<blocks, block, 0, stream>>>(a);                                    \
    else wp_##id##_plain<<<blocks, block, 0, stream>>>(a);                                          \
  }                                                                                                 \
  }

// A STRATEGY FILE declares its one strategy with
//   WP_STRATEGY(body, block, writesPerBlock, order)
// `body` as above; `block` threads a block (a multiple of 32); `writesPerBlock` the writes a
// block takes per step (launches use ceil(n / writesPerBlock) blocks, capped, so a body walks its
// share with a grid-stride loop); `order` its ordering promise (order.h): 1 (wp::kRacing) when a
// submission's writes may take effect in any order, wp::kWarpRun when each warp's 32 writes land
// in lane order, wp::kTileRun for a 128-write tile, wp::kWholeSubmission for stream order. Its
// kernels are wp_user_count and wp_user_plain. Optionally, before it,
//   WP_STRATEGY_NAME("my-strategy")
// names it (lower-case letters, digits and dashes); without it the file's stem is the name. And
// optionally, after it (with #include <writeprof/single.cuh>),
//   WP_STRATEGY_SINGLE(fn)
// gives `single` mode a single-write entry run in the persistent one-warp server the built-in
// strategies use (writeprof/single.cuh says what `fn` receives and must do); without it, `single`
// launches the batch kernel once per write (<<<1, block>>>).
#define WP_STRATEGY_NAME(name) static_assert(sizeof(name) > 1, "WP_STRATEGY_NAME: a non-empty string")

// The file's server launch, defined by WP_STRATEGY_SINGLE if the file has one: weak and hidden, so
// that without it the entry's `single` is null (resolved in the file's own link, never across
// loaded modules). Both macros declare it, in either order.
#define WP_USER_SINGLE_DECL                                                                       \
  namespace wp::gpu {                                                                             \
  __attribute__((weak, visibility("hidden"))) void launch_user_single(bool count, const ServerArgs& a, \
                                                                      cudaStream_t stream);        \
  }

#define WP_STRATEGY(body, block, writesPerBlock, order)                                                 \
  static_assert((block) % 32 == 0 && (block) > 0 && (block) <= 1024, "WP_STRATEGY: block is a multiple of 32, at most 1024"); \
  static_assert((writesPerBlock) > 0, "WP_STRATEGY: writesPerBlock is at least 1");                     \
  WP_BATCH_KERNELS(user, body, block, 1)                                                                \
  WP_BATCH_LAUNCH(user, block)                                                                          \
  WP_USER_SINGLE_DECL                                                                                   \
  extern "C" const wp::gpu::StrategyEntry wp_user_strategy = {                                          \
      wp::gpu::kKernelApiVersion, (block), (writesPerBlock), (order), &wp::gpu::launch_user, &wp::gpu::launch_user_single};
