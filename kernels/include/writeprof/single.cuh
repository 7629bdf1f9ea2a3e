// The persistent single-write server: `single` mode (one write per submission) without a kernel
// launch per write (a launch plus its sync alone costs 4-6 us). One resident warp serves every
// write of a sample. The host stages a write's value into mapped pinned memory and bumps the
// mailbox's sequence number; lane 0 polls it (system-scope acquire), the warp copies the value
// zero-copy into the arena, then the whole warp calls the strategy's single-write entry, which
// places the key, and lane 0 answers with a system-scope release of `done`.
//
// THE SINGLE-WRITE ENTRY (optional, after WP_STRATEGY in a strategy file):
//   template <bool kCount> __device__ bool fn(const wp::gpu::SingleWrite& w, wp::gpu::Tally<kCount>& t)
//   WP_STRATEGY_SINGLE(fn)
// - Called by all 32 lanes of the server's warp together, with the same write: key w.key, its
//   write number w.writeNo, and its value ALREADY in the arena at w.ref (= arena_offset(writeNo,
//   stride); the server copied it and synchronized the warp). Use one lane (`lane_id() == 0`) or
//   several (warp intrinsics over the lanes that take part); keep every lane in the call.
// - It must do what a batch kernel does for one write, minus the copy: make w.key findable by
//   lookup() (probe.h) in a slot whose `values` word is w.ref, key_sizes 8, value_sizes
//   w.valueSize; return true, or false when the probe wrapped the whole table (the server counts
//   it full). Lane 0's return value is the answer.
// - Count through `t` as a batch body does (lockRetry, casFailure, probeStep, start/lap<Phase>);
//   `t` times lane 0 on every write, its copy lap already taken. The server flushes it.
// - Writes come one at a time, in stream order: nothing else writes the table meanwhile.
// Its kernels are wp_user_single_count and wp_user_single_plain (what `check`'s findings name);
// `single` cases of a strategy file without the entry launch its batch kernel once per write.
// The built-in strategies' servers are the same kernel over their own entries
// (kernels/cuda/single.cu: the bucket lock, the lock-free CAS claim).
#pragma once
#include <cuda/atomic>

#include <type_traits>

#include "writeprof/kernel.cuh"

namespace wp::gpu {

constexpr uint32_t kServerThreads = 32;  // one warp

// The mailbox, in mapped pinned host memory. The host fills the request fields and the value,
// then bumps `seq` (release); the device answers in `done`.
enum MailOp : uint32_t { kOpWrite = 0, kOpPing = 1, kOpStop = 2 };
struct Mailbox {
  alignas(64) unsigned long long seq;
  unsigned long long key;
  unsigned long long writeNo;
  uint32_t op;
  alignas(64) unsigned long long done;
};

// A server launch's arguments (one per sample).
struct ServerArgs {
  Bucket* table;
  uint64_t buckets;
  uint8_t* arena;
  Mailbox* mailbox;      // device view of the mapped mailbox
  const uint8_t* value;  // device view of the mapped value buffer (stride bytes)
  DevStats* stats;
  uint32_t stride;
  uint32_t valueSize;
};

// One write, as a single-write entry receives it: its value is already at arena + ref.
struct SingleWrite {
  Bucket* table;
  uint64_t buckets;
  uint64_t key;
  uint64_t writeNo;
  uint64_t ref;  // arena offset of the value: the slot's `values` word
  uint32_t valueSize;
};

// A warp copies one contiguous range from mapped host memory the host rewrites between requests:
// lane l moves 16-byte chunks l, l+32, ...; loads bypass caches.
__device__ __forceinline__ void copy_warp_volatile(uint8_t* __restrict__ dst, const uint8_t* src, uint64_t bytes,
                                                   unsigned lane) {
  auto* d = reinterpret_cast<uint4*>(dst);
  auto* s = reinterpret_cast<const uint4*>(src);
  const uint64_t n = bytes / 16;
#pragma unroll 4
  for (uint64_t c = lane; c < n; c += 32) d[c] = __ldcv(s + c);
}

using SysRef = ::cuda::atomic_ref<unsigned long long, ::cuda::thread_scope_system>;

// The server's loop over requests until kOpStop, placing each write with kInsert.
template <bool kCount, bool (*kInsert)(const SingleWrite&, Tally<kCount>&)>
__device__ __forceinline__ void server_body(const ServerArgs& a) {
  const unsigned lane = lane_id();
  Tally<kCount> t(lane == 0);  // lane 0 alone: its laps span the warp's copy (up to __syncwarp) and the insert
  unsigned long long last = 0;
  for (;;) {
    unsigned long long seq = 0, key = 0, writeNo = 0;
    uint32_t op = kOpStop;
    if (lane == 0) {
      SysRef s(a.mailbox->seq);
      uint32_t polls = 0;
      while ((seq = s.load(::cuda::std::memory_order_acquire)) == last)
        if (++polls > 64) __nanosleep(100);  // idle between requests: stop hammering PCIe
      const volatile Mailbox* mb = a.mailbox;
      key = mb->key;
      writeNo = mb->writeNo;
      op = mb->op;
    }
    seq = __shfl_sync(kFullMask, seq, 0);
    key = __shfl_sync(kFullMask, key, 0);
    writeNo = __shfl_sync(kFullMask, writeNo, 0);
    op = __shfl_sync(kFullMask, op, 0);
    if (op == kOpStop) break;
    last = seq;
    if (op == kOpWrite) {
      const uint64_t ref = arena_offset(writeNo, a.stride);
      t.start();
      copy_warp_volatile(a.arena + ref, a.value, a.stride, lane);
      __syncwarp();  // the whole value is in the arena before the entry publishes it
      t.template lap<kPhaseCopy>();
      const bool placed = kInsert(SingleWrite{a.table, a.buckets, key, writeNo, ref, a.valueSize}, t);
      if (lane == 0 && !placed) count_full(a.stats);
      __syncwarp();
    }
    if (lane == 0) SysRef(a.mailbox->done).store(seq, ::cuda::std::memory_order_release);
  }
  t.flush(a.stats);
}

}  // namespace wp::gpu

// WP_SERVER_KERNELS(id, insert): a server's two kernels, wp_<id>_count (Tally<true>) and
// wp_<id>_plain (Tally<false>), over a single-write entry `insert` (a qualified name, the form
// above), and wp::gpu::launch_<id>, their one-warp launch (a ServerLaunch) beside them.
#define WP_SERVER_KERNELS(id, insert)                                                                      \
  static_assert(std::is_same_v<decltype(&insert<true>), bool (*)(const wp::gpu::SingleWrite&, wp::gpu::Tally<true>&)>, \
                "a single-write entry is template <bool kCount> __device__ bool " #insert                  \
                "(const wp::gpu::SingleWrite&, wp::gpu::Tally<kCount>&)");                                  \
  extern "C" __global__ void __launch_bounds__(wp::gpu::kServerThreads, 1) wp_##id##_count(wp::gpu::ServerArgs a) { \
    wp::gpu::server_body<true, &insert<true>>(a);                                                          \
  }                                                                                                        \
  extern "C" __global__ void __launch_bounds__(wp::gpu::kServerThreads, 1) wp_##id##_plain(wp::gpu::ServerArgs a) { \
    wp::gpu::server_body<false, &insert<false>>(a);                                                        \
  }                                                                                                        \
  namespace wp::gpu {                                                                                      \
  void launch_##id(bool count, const ServerArgs& a, cudaStream_t stream) {                                 \
    if (count) wp_##id##_count<<<1, kServerThreads, 0, stream>>>(a);                                       \
    else wp_##id##_plain<<<1, kServerThreads, 0, stream>>>(a);                                             \
  }                                                                                                        \
  }

// A strategy file's single-write entry: its server, launched for the file's `single` cases (the
// StrategyEntry WP_STRATEGY defined finds it through launch_user_single, declared there).
#define WP_STRATEGY_SINGLE(fn) \
  WP_USER_SINGLE_DECL          \
  WP_SERVER_KERNELS(user_single, fn)
