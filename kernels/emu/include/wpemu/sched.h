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
  int quiet;       // > 0: runtime code runs on this thread, unobserved (wpemu/observe.h)
};

struct BlockCtx {
  dim3 bidx, bdim, gdim;  // blockIdx, blockDim, gridDim
};

// Hidden: within the addon's shared object these need no symbol lookup (one TLS block for all).
#define WPEMU_TLS_HIDDEN __attribute__((visibility("hidden")))
extern WPEMU_TLS_HIDDEN thread_local ThreadCtx* tls_thread;  // the running CUDA thread, or nullptr on the host
extern thread_local BlockCtx tls_block;     // the block this OS thread is running

enum class WarpOp : uint8_t {
  Shfl, ShflUp, ShflDown, ShflXor, Ballot, Any, All, Uni, MatchAny, MatchAll, SyncWarp,
  ReduceAdd, ReduceMin, ReduceMax, ReduceAnd, ReduceOr, ReduceXor,
};

enum class BarrierOp : uint8_t { Sync, Count, And, Or, Grid };

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
// A failed assert() in device code: ends the block, the launch reports cudaErrorAssert (call it on
// an emulated thread only; see tls_thread).
[[noreturn]] void device_assert(const char* expr, const char* file, unsigned line, const char* func);
// The launch's dynamic shared memory (its third <<<>>> argument), per block.
void* dynamic_shared();
// Warps' non-exited lanes.
unsigned active_mask();
// __activemask() and coalesced_threads(): the lanes of the caller's warp that reach this call
// site together (the convergence rule: kernels/emu/README.md).
unsigned converge(const Loc& loc);
// cooperative_groups::this_grid().sync(), and whether this launch is cooperative.
void grid_sync(const Loc& loc);
bool cooperative_launch();

}  // namespace wpemu

// CUDA's built-in variables, as variables (not macros: a struct member or a host variable may
// have these names, as with nvcc). A block's OS thread holds its blockIdx/blockDim/gridDim; the
// scheduler sets threadIdx to the running thread's at every switch. The instrumented build
// (kernels/emu/check) knows them by name as the runtime's own thread-locals, not shared memory.
extern WPEMU_TLS_HIDDEN thread_local dim3 threadIdx;
extern WPEMU_TLS_HIDDEN thread_local dim3 blockIdx;
extern WPEMU_TLS_HIDDEN thread_local dim3 blockDim;
extern WPEMU_TLS_HIDDEN thread_local dim3 gridDim;
inline constexpr int warpSize = 32;

// The emulator's bookkeeping in device code is no memory access of the kernel: in the
// instrumented build (kernels/emu/check) functions marked so stay unobserved.
#define WPEMU_UNOBSERVED __attribute__((no_sanitize_thread))
