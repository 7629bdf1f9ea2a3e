// Strategy -> kernel family: how many writes a block takes per step, and which launch to call.
#include "launch.h"

// A strategy file's declaration (WP_STRATEGY, writeprof/kernel.cuh), present only in the build of
// the runner linked with that file; absent (null) in writeprof's own builds.
extern "C" __attribute__((weak)) const wp::gpu::StrategyEntry wp_user_strategy;

namespace wp::gpu {

const StrategyEntry* user_strategy() {
  const StrategyEntry* e = &wp_user_strategy;
  return e != nullptr && e->apiVersion == kKernelApiVersion ? e : nullptr;
}

uint32_t writes_per_block(Strategy s) {
  switch (s) {
    case Strategy::Baseline: return WP_BLOCK_BASELINE;    // one thread per write
    case Strategy::WarpCoop: return WP_BLOCK_WARP_COOP;   // 32 writes per warp
    case Strategy::LockFree: return WP_BLOCK_LOCK_FREE;   // 32 writes per warp
    case Strategy::MemOpt: return WP_BLOCK_MEM_OPT;       // a 256-write tile per block
    case Strategy::WriteCombine: return WP_BLOCK_WRITE_COMBINE;  // a 128-write tile per block
    case Strategy::User: return user_strategy()->writesPerBlock;
  }
  return WP_BLOCK_BASELINE;
}

ServerLaunch single_server(Strategy s) {
  switch (s) {
    case Strategy::Baseline: return nullptr;  // its one-thread kernel, launched per write, is the reference
    case Strategy::WarpCoop:
    case Strategy::MemOpt:
    case Strategy::WriteCombine: return launch_single_locked;
    case Strategy::LockFree: return launch_single_lock_free;
    case Strategy::User: return user_strategy()->single;
  }
  return nullptr;
}

OrderPromise device_order(Strategy s) {
  return s == Strategy::User ? OrderPromise{user_strategy()->orderRun} : order_promise(Engine::Device, s);
}

void launch_batch(Strategy s, bool count, const BatchArgs& a, uint32_t blocks, cudaStream_t stream) {
  switch (s) {
    case Strategy::Baseline: launch_baseline(count, a, blocks, stream); return;
    case Strategy::WarpCoop: launch_warp_coop(count, a, blocks, stream); return;
    case Strategy::LockFree: launch_lock_free(count, a, blocks, stream); return;
    case Strategy::MemOpt: launch_mem_opt(count, a, blocks, stream); return;
    case Strategy::WriteCombine: launch_write_combine(count, a, blocks, stream); return;
    case Strategy::User: user_strategy()->launch(count, a, blocks, stream); return;
  }
}

}  // namespace wp::gpu

namespace wp {

// An entry of another interface version is reported by its version alone (its other fields may
// be laid out otherwise), for writeprof to refuse it by name; the runner never runs it.
StrategyFileInfo strategyFileInfo() {
  StrategyFileInfo i;
  i.kernelApiVersion = gpu::kKernelApiVersion;
  const gpu::StrategyEntry* raw = &wp_user_strategy;
  if (raw == nullptr) return i;
  i.present = true;
  i.apiVersion = raw->apiVersion;
  if (const gpu::StrategyEntry* e = gpu::user_strategy()) {
    i.block = e->block;
    i.writesPerBlock = e->writesPerBlock;
    i.orderRun = e->orderRun;
    i.single = e->single != nullptr;
  }
  return i;
}

}  // namespace wp
