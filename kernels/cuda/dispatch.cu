// Strategy -> kernel family: how many writes a block takes per step, and which launch to call.
#include "launch.h"

namespace wp::gpu {

uint32_t writes_per_block(Strategy s) {
  switch (s) {
    case Strategy::Baseline: return WP_BLOCK_BASELINE;    // one thread per write
    case Strategy::WarpCoop: return WP_BLOCK_WARP_COOP;   // 32 writes per warp
    case Strategy::LockFree: return WP_BLOCK_LOCK_FREE;   // 32 writes per warp
    case Strategy::MemOpt: return WP_BLOCK_MEM_OPT;       // a 256-write tile per block
    case Strategy::WriteCombine: return WP_BLOCK_WRITE_COMBINE;  // a 128-write tile per block
  }
  return WP_BLOCK_BASELINE;
}

void launch_batch(Strategy s, bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream) {
  switch (s) {
    case Strategy::Baseline: launch_baseline(count, a, blocks, stream); return;
    case Strategy::WarpCoop: launch_warp_coop(count, a, blocks, stream); return;
    case Strategy::LockFree: launch_lock_free(count, a, blocks, stream); return;
    case Strategy::MemOpt: launch_mem_opt(count, a, blocks, stream); return;
    case Strategy::WriteCombine: launch_write_combine(count, a, blocks, stream); return;
  }
}

}  // namespace wp::gpu
