// What device code reaches of the emulator's scheduler: the running CUDA thread (a fiber), its
// block's geometry, and the points where the scheduler may switch to another thread of the block.
// Outside a kernel (tls_thread == nullptr) every call here is a plain no-op, so host code that
// shares a header with kernels (config.h's atomics) is unaffected.
#pragma once
#include <cstdint>
#include <source_location>

#include "types.h"

namespace wpemu {

using Loc = std::source_location;

struct ThreadCtx {
  dim3 tidx;       // threadIdx
  unsigned tid;    // linear index in the block
  unsigned lane;   // tid % 32
  unsigned warp;   // tid / 32
};

struct BlockCtx {
  dim3 bidx, bdim, gdim;  // blockIdx, blockDim, gridDim
};

extern thread_local ThreadCtx* tls_thread;  // the running CUDA thread, or nullptr on the host
extern thread_local BlockCtx tls_block;     // the block this OS thread is running

enum class WarpOp : uint8_t {
  Shfl, ShflUp, ShflDown, ShflXor, Ballot, Any, All, Uni, MatchAny, MatchAll, SyncWarp,
  ReduceAdd, ReduceMin, ReduceMax, ReduceAnd, ReduceOr, ReduceXor,
};

enum class BarrierOp : uint8_t { Sync, Count, And, Or };

// A scheduling point: the seeded scheduler may run any other runnable thread of the block here.
void switch_point(const char* what, const Loc& loc);
// The thread changed shared state (a store, a successful read-modify-write): not stuck.
void progress_point();
// __shfl*_sync, __ballot_sync, __match_*_sync, __syncwarp...: a rendezvous of exactly the lanes in
// `mask`. `pred` (when not null) receives __match_all_sync's predicate.
uint64_t warp_collective(WarpOp op, unsigned mask, uint64_t value, int arg, int width, int* pred, const Loc& loc);
// __syncthreads and its _count/_and/_or variants.
int block_barrier(BarrierOp op, int pred, const Loc& loc);
void nanosleep(unsigned ns, const Loc& loc);
[[noreturn]] void trap(const char* why, const Loc& loc);
// The launch's dynamic shared memory (its third <<<>>> argument), per block.
void* dynamic_shared();
// Warps' non-exited lanes (the emulator has no notion of convergence).
unsigned active_mask();

}  // namespace wpemu

#define threadIdx (::wpemu::tls_thread->tidx)
#define blockIdx (::wpemu::tls_block.bidx)
#define blockDim (::wpemu::tls_block.bdim)
#define gridDim (::wpemu::tls_block.gdim)
#define warpSize 32
