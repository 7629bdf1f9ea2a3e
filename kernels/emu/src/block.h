// One thread block on the emulator: a fiber per CUDA thread, all on the OS thread that runs the
// block (so `__shared__`, which is thread_local storage, is the block's). A seeded random scheduler
// picks the next runnable fiber at every switch point; warp intrinsics are rendezvous of exactly
// the lanes of their mask, __syncthreads a barrier of the whole block. Faults (deadlock, a lane
// exiting while others wait for it, a shuffle reading outside its mask, a divergent barrier, no
// progress before the timeout) end the block with a message naming block, warps and lanes.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "context.h"
#include "runtime.h"
#include "wpemu/observe.h"
#include "wpemu/sched.h"

namespace wpemu {

class Block {
 public:
  Block();
  // Runs block number `linear` of `job`; returns an empty string, or the fault that ended it.
  std::string run(LaunchJob& job, unsigned linear);

  // Called by device code through sched.h, on the running fiber.
  void yield(const char* what, const Loc& loc);
  void yield_access();  // a plain load or store made a switch point (observers that ask for it)
  uint64_t warp_collective(WarpOp op, unsigned mask, uint64_t value, int arg, int width, int* pred, const Loc& loc);
  int barrier(BarrierOp op, int pred, const Loc& loc);
  void nanosleep(const Loc& loc);
  void progress() {
    ++progress_;
    sleepsWithoutProgress_ = 0;
  }
  [[noreturn]] void fault(const std::string& what);
  // A fault of warp or barrier discipline: also a synccheck finding (wpemu/findings.h).
  [[noreturn]] void sync_fault(const char* kind, const std::string& what);
  uint64_t seed() const { return rng_seed_; }
  void* dynamic_shared() { return dynShared_.data(); }
  unsigned active_mask() const;

 private:
  enum class State : uint8_t { Runnable, InWarpOp, InBarrier, Exited };
  struct Fiber {
    ThreadCtx ctx{};
    Context cpu;
    State state = State::Runnable;
    int runPos = -1;  // index in runnable_
    int rv = -1;      // the rendezvous it waits in (index in its warp's table)
    uint64_t value = 0, result = 0;
    int arg = 0, pred = 0;
    const char* what = nullptr;  // its last scheduling point, for fault reports
    const char* file = nullptr;
    unsigned line = 0;
    Block* block = nullptr;
  };
  struct Rendezvous {
    WarpOp op = WarpOp::SyncWarp;
    unsigned mask = 0, arrived = 0;
    int width = 32;
    const char* file = nullptr;
    unsigned line = 0;
  };
  struct Warp {
    unsigned exists = 0, exited = 0;
    int open = 0;       // rv[0 .. open) are the open rendezvous
    Rendezvous rv[32];  // a lane waits in at most one, so 32 always suffice
  };
  struct Barrier {
    unsigned arrived = 0;
    BarrierOp op = BarrierOp::Sync;
    int acc = 0;
    const char* file = nullptr;
    unsigned line = 0;
  };

  static void entry(void* fiber);
  [[noreturn]] void exit_current();
  void block_current();
  void dispatch(Fiber& from);
  void unqueue(Fiber& f);
  void make_runnable(Fiber& f);
  void note(Fiber& f, const char* what, const Loc& loc);
  void notify_switch(const Fiber* from, const Fiber* to);
  void complete(Warp& w, Rendezvous& r, unsigned warp);
  void check_waits_for(const Fiber& me, unsigned lanes, const Rendezvous* mine);
  void set_fault(const std::string& what);
  std::string describe(const Fiber& f) const;
  std::string dump() const;
  uint64_t next_random();
  Fiber& lane_fiber(unsigned warp, unsigned lane) { return fibers_[warp * 32 + lane]; }

  LaunchJob* job_ = nullptr;
  unsigned linear_ = 0;
  unsigned threads_ = 0, live_ = 0, exitedCount_ = 0;
  std::vector<std::unique_ptr<Stack>> stacks_;
  std::vector<Fiber> fibers_;
  std::vector<int> runnable_;
  std::vector<Warp> warps_;
  Barrier barrier_;
  std::vector<unsigned char> dynShared_;
  Context sched_;
  Fiber* cur_ = nullptr;
  uint64_t rng_ = 0, rng_seed_ = 0;
  BlockInfo info_;                   // what observers are told of this block
  std::vector<uintptr_t> stackRanges_;
  uint64_t progress_ = 0, sleepsWithoutProgress_ = 0, switches_ = 0;
  uint64_t ringsSeen_ = 0;  // mapped_rings() when the current run of sleeps began
  bool faulted_ = false;
  std::string fault_;
};

}  // namespace wpemu
