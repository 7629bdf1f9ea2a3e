// `writeprof check`'s tools over the emulator's observed accesses (wpemu/observe.h):
//  - memcheck: accesses outside every live allocation and the block's shared memory (out of
//    bounds, after cudaFree, nowhere), misaligned atomics; the access never happens (the tap
//    faults its block), the case fails, the process lives;
//  - racecheck: two accesses to the same bytes, one a write, not both atomic, not ordered by
//    happens-before (barriers, warp rendezvous, release/acquire atomics, fences, stream order,
//    host waits); plain shared and global accesses become seeded scheduling points;
//  - initcheck: reads of device memory no kernel, cudaMemcpy or cudaMemset wrote;
//  - synccheck: the emulator's warp-mask and barrier faults (block.cc reports them);
//  - weak: each thread's plain stores are held back (hidden from other threads) until its next
//    release, fence, barrier or warp rendezvous, or the end of its block (its own exit is no
//    release), draining early at random (seeded); a thread that saw a later atomic write of
//    another thread but not that thread's earlier store is told.
#pragma once
#include <string>
#include <vector>

namespace wpemu::check {

struct Tools {
  bool memcheck = false, racecheck = false, initcheck = false, synccheck = false, weak = false;
};

// Installs the checker (once) and selects its tools; findings are collected from now on.
void configure(const Tools& t);
Tools configured();
// Forgets every allocation, clock and shadow of the previous case (nothing may run).
void begin_case();
// A sample starts: every host thread knows all that happened before (the caller serialises them).
void begin_sample();
// Racecheck stopped recording (shadow budget): the reason, else empty.
std::string limits_hit();
// The kernels launched since begin_case, in order of first launch.
std::vector<std::string> kernels_launched();

}  // namespace wpemu::check
