#include "grid_sync.h"

#include <algorithm>
#include <chrono>

#include "runtime.h"
#include "wpemu/control.h"

namespace wpemu {

namespace {
std::string fault_of(LaunchJob& job, const std::string& what) {
  return "kernel " + job.name + " (cooperative launch of " + std::to_string(job.blocks) + " blocks): " + what;
}
void fail(LaunchJob& job, const std::string& message) {
  std::lock_guard<std::mutex> lock(job.mu);
  if (job.fault.empty()) job.fault = message;
  job.abort.store(true);
}
}  // namespace

bool GridBarrier::arrive_and_wait(LaunchJob& job, unsigned block, std::string* why) {
  std::unique_lock<std::mutex> lock(mu_);
  if (finished_ > 0) {
    *why = "block " + std::to_string(block) + " reached grid.sync() after block " + std::to_string(firstFinished_) +
           " ended without it: every block of the grid must call it";
    return false;
  }
  const uint64_t gen = generation_;
  if (++arrived_ == blocks_) {
    arrived_ = 0;
    ++generation_;
    g_last_progress_ns.store(now_ns(), std::memory_order_relaxed);
    cv_.notify_all();
    return true;
  }
  const double timeoutNs = config().timeoutSec * 1e9;
  const uint64_t started = now_ns();
  while (generation_ == gen) {
    if (job.abort.load()) return false;
    cv_.wait_for(lock, std::chrono::milliseconds(20));
    const int64_t idle =
        int64_t(now_ns()) - int64_t(std::max(g_last_progress_ns.load(std::memory_order_relaxed), started));
    if (generation_ == gen && double(idle) > timeoutNs) {
      *why = "no progress for " + std::to_string(int(idle / 1e9)) + " s while " + std::to_string(arrived_) + " of " +
             std::to_string(blocks_) + " blocks wait at grid.sync()";
      return false;
    }
  }
  return true;
}

void GridBarrier::block_finished(LaunchJob& job, unsigned block) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_++ == 0) firstFinished_ = block;
  if (arrived_ > 0) {
    fail(job, fault_of(job, "block " + std::to_string(block) + " ended while " + std::to_string(arrived_) +
                                " blocks wait at grid.sync(): every block of the grid must call it"));
    cv_.notify_all();
  }
}

void GridBarrier::wake_all() {
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

}  // namespace wpemu
