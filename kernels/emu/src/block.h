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
#include "wpemu/findings.h"
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
  // The error the launch reports for the fault that ended the block (cudaErrorLaunchFailure
  // unless a fault says otherwise: a device assert, an illegal address).
  cudaError_t fault_code() const { return faultCode_; }
  [[noreturn]] void fault_as(cudaError_t code, const std::string& what) {
    faultCode_ = code;
    fault(what);
  }
  // A fault of warp or barrier discipline: also a synccheck finding (wpemu/findings.h).
  [[noreturn]] void sync_fault(const char* kind, const std::string& what);
  uint64_t seed() const { return rng_seed_; }
  void* dynamic_shared() { return dynShared_.data(); }
  unsigned active_mask() const;
  unsigned converge(const Loc& loc);
  bool cooperative() const { return job_ && job_->cooperative; }
  // A SIGSEGV/SIGBUS on the running fiber (a stack overflow, an illegal address): ends the block
  // with a fault instead of the process. Called from the signal handler; does not return.
  void fiber_signal(int sig, void* addr);

 private:
  enum class State : uint8_t { Runnable, InWarpOp, InBarrier, InConverge, Exited };
  // Two cache lines: a block of 1024 threads switches among 1024 of these.
  struct Fiber {
    ThreadCtx ctx{};
    Context cpu;
    uint64_t value = 0, result = 0;
    int runPos = -1;  // index in runnable_
    int rv = -1;      // the rendezvous it waits in (index in its warp's table)
    int arg = 0, pred = 0;
    const char* what = nullptr;  // its last scheduling point, for fault reports
    const char* file = nullptr;
    Block* block = nullptr;
    unsigned line = 0;
    uint32_t switches = 0;  // switch points passed
    int16_t cv = -1;        // the convergence point it waits at (index in converges_)
    State state = State::Runnable;
    uint8_t recentPos = 0;
    uint8_t recent[4] = {};  // bloom slots (+1) of its last switch points' sites (convergence paths)
  };
  struct Rendezvous {
    WarpOp op = WarpOp::SyncWarp;
    unsigned mask = 0, arrived = 0;  // mask: the lanes waited for (named, live)
    int width = 32;
    const char* file = nullptr;
    unsigned line = 0;
    unsigned named = 0;  // the mask as the caller wrote it (PTX: exited lanes are not waited for)
  };
  struct Warp {
    unsigned exists = 0, exited = 0;
    int open = 0;       // rv[0 .. open) are the open rendezvous
    int openCv = 0;     // convergence points open in this warp
    Rendezvous rv[32];  // a lane waits in at most one, so 32 always suffice
  };
  // Lanes of one warp gathering at one __activemask()/coalesced_threads() call site.
  struct Convergence {
    unsigned warp = 0;
    const char* file = nullptr;
    unsigned line = 0, column = 0;
    unsigned arrived = 0;
    uint64_t path = 0;              // sites the arrived lanes passed on their way here (a bloom filter)
    uint32_t openSwitches[32] = {};  // each lane's switch count when the point opened
    bool open = false;
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
  void note_portability(const char* file, unsigned line, const std::string& what);
  Finding synccheck_finding(const char* kind, Severity severity, const std::string& where, const std::string& what);
  bool settled(const Convergence& c, unsigned lane) const;
  void settle_convergences(unsigned warp);
  void complete_convergence(Convergence& c);
  uint64_t shuffle_source(const Rendezvous& r, unsigned warp, unsigned reader, unsigned src);
  std::string describe(const Fiber& f) const;
  std::string dump() const;
  uint64_t next_random();
  size_t pick(size_t n);
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
  cudaError_t faultCode_ = cudaErrorLaunchFailure;
  std::vector<Convergence> converges_;
  std::vector<std::pair<const char*, unsigned>> noted_;  // sites already noted in this block
  Fiber* signalFiber_ = nullptr;  // set by fiber_signal for the scheduler loop
  int signalNo_ = 0;
  void* signalAddr_ = nullptr;
};

}  // namespace wpemu
