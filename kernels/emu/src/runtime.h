// Internal pieces shared by the runtime's files: configuration, the sticky error, launches.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "wpemu/control.h"
#include "wpemu/observe.h"
#include "wpemu/types.h"

namespace wpemu {

class GridBarrier;

// One kernel launch: its blocks are claimed one at a time by the stream's executor and by idle
// workers; the first fault wins and stops the blocks not yet started.
struct LaunchJob {
  LaunchInfo info;  // name, geometry, stream, arguments: what observers see
  std::string& name = info.name;
  dim3& grid = info.grid;
  dim3& block = info.block;
  size_t& sharedBytes = info.sharedBytes;
  void (*run)(void*) = nullptr;  // every thread calls run(args)
  void* args = nullptr;
  std::shared_ptr<void> keep;    // owns args
  uint64_t seed = 0;  // the block seeds derive from it (and the stream and launch numbers)
  unsigned blocks = 0;
  std::atomic<unsigned> next{0};
  std::atomic<unsigned> done{0};
  std::atomic<bool> abort{false};
  std::mutex mu;
  std::condition_variable cv;
  std::string fault;
  cudaError_t faultCode = cudaErrorLaunchFailure;  // what the launch's fault is reported as
  bool cooperative = false;            // cudaLaunchCooperativeKernel: every block resident at once
  std::shared_ptr<GridBarrier> gridSync;  // cooperative launches: grid.sync()
};

// Runs every block of `job` (on the calling thread and idle workers) and returns when all ended.
void run_launch(const std::shared_ptr<LaunchJob>& job);
// A cooperative launch: one OS thread per block, so that grid.sync() can wait for all of them.
void run_cooperative(const std::shared_ptr<LaunchJob>& job);

// The sticky error of a faulted kernel; cudaSuccess when none.
cudaError_t sticky_error();
void set_sticky_error(cudaError_t e, const std::string& message);
// Message for cudaGetErrorString: the fault's own words for the sticky error.
const char* error_message(cudaError_t e);
void set_last_error(cudaError_t e);

uint64_t now_ns();
uint64_t mix64(uint64_t x);

// Progress anywhere on the device (any block that changed state): the no-progress timeout
// measures from the later of this and the block's start.
extern std::atomic<uint64_t> g_last_progress_ns;


}  // namespace wpemu
