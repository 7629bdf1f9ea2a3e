// What the host side of the CUDA backend knows about the kernels: block sizes, argument blocks,
// and one launch entry per kernel family. scripts/ptxas-to-json.mjs reads the WP_BLOCK_* lines
// to compute occupancy, so keep them plain `#define NAME number`.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "writeprof/kernel.cuh"
#include "writeprof/layout.h"
#include "writeprof/runner.h"
#include "writeprof/single.cuh"

#define WP_BLOCK_BASELINE 256
#define WP_BLOCK_WARP_COOP 256
#define WP_BLOCK_LOCK_FREE 256
#define WP_BLOCK_MEM_OPT 256
#define WP_BLOCK_WRITE_COMBINE 128
#define WP_BLOCK_SINGLE 32
// Minimum resident blocks per SM asked of ptxas (__launch_bounds__). 256-thread blocks: half the
// SM's 2048 threads, capping registers at 64 (left free, ptxas picked 32 registers and spilled).
// write-combine: its 33 KiB of shared memory allows 6 blocks of 128 on sm_90 anyway, so 6.
#define WP_MINB_BATCH_256 4
#define WP_MINB_BATCH_128 6

namespace wp::gpu {

static_assert(WP_BLOCK_SINGLE == kServerThreads, "the single-write server is one warp");

// Rows of a batch submission each block of a family takes per step.
uint32_t writes_per_block(Strategy s);
// The strategy file linked into this build (WP_STRATEGY), or null: writeprof's own builds.
const StrategyEntry* user_strategy();
// The order a strategy's kernels promise (order.h), a strategy file's included.
OrderPromise device_order(Strategy s);

// One entry per kernel family, defined beside its kernels (the launch must live in the
// translation unit that holds the kernel: the library is built without relocatable device code).
void launch_baseline(bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream);
void launch_warp_coop(bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream);
void launch_lock_free(bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream);
void launch_mem_opt(bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream);
void launch_write_combine(bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream);

// Enqueue one batch kernel of strategy `s` on `stream` (counting or plain variant).
void launch_batch(Strategy s, bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream);

// The built-in persistent single-write servers (single.cu): per-bucket lock or lock-free claim.
void launch_single_locked(bool count, const ServerArgs& a, cudaStream_t stream);
void launch_single_lock_free(bool count, const ServerArgs& a, cudaStream_t stream);

// The persistent single-write server a strategy's `single` cases run, or null: a batch launch
// per write (baseline, and a strategy file without WP_STRATEGY_SINGLE).
ServerLaunch single_server(Strategy s);

}  // namespace wp::gpu
