// The grid-wide barrier of a cooperative launch (cooperative_groups::this_grid().sync()). Every
// block of such a launch runs on its own OS thread (the launch is limited to the blocks that fit
// on the device at once, as on a GPU), so a block waiting here blocks only its own thread.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace wpemu {

struct LaunchJob;

class GridBarrier {
 public:
  explicit GridBarrier(unsigned blocks) : blocks_(blocks) {}
  // Called by the last thread of block `block` to reach grid.sync(); returns when every block
  // arrived (true), or false when the launch is abandoned (a fault, here or in another block),
  // with `why` set when the fault is this barrier's (a block that exited, no progress).
  bool arrive_and_wait(LaunchJob& job, unsigned block, std::string* why);
  // A block ended: blocks waiting now can never be joined by it.
  void block_finished(LaunchJob& job, unsigned block);
  void wake_all();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  const unsigned blocks_;
  unsigned arrived_ = 0, finished_ = 0, firstFinished_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace wpemu
