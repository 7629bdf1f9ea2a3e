// Happens-before for the checker: vector clocks over agents. An agent is a kernel thread (one per
// thread of every launch), a host thread, or a stream (whose clock counts its operations). Clocks
// are sparse (agent -> clock, sorted) and shared between threads that know the same (after a
// barrier every thread of a block holds the same one), so a rendezvous or a barrier in which
// nobody learnt anything costs a comparison, not a copy.
//
// A thread's own clock advances lazily: only when it accesses memory after having published its
// clock (a release, a barrier), so repeated synchronisation without accesses in between (a warp
// reduction's five shuffles) publishes the same clock again.
//
// A finished launch is known as a whole: whoever knows its stream's clock at or past the launch's
// operation number knows every thread of it, so clocks never carry thousands of dead threads.
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "wpemu/types.h"

namespace wpemu::check {

struct VC {
  std::vector<uint64_t> e;  // agent << 32 | clock, ascending by agent
  uint32_t get(uint32_t agent) const;
};
using VCRef = std::shared_ptr<const VC>;

// a joined with b: a itself when b adds nothing, b when a is empty.
VCRef join(const VCRef& a, const VCRef& b);
// a with agent's entry raised to at least clock.
VCRef with(const VCRef& a, uint32_t agent, uint32_t clock);
// The join of `bases` and the entries (agents[i], clocks[i]) (agents ascending).
VCRef join_all(const std::vector<const VCRef*>& bases, const std::vector<uint64_t>& own);

struct Launch;

// A contiguous range of agents: the threads of one launch, or one host thread, or one stream.
struct Group {
  enum Kind : uint8_t { Device, Host, Stream };
  Kind kind = Device;
  uint32_t first = 0, count = 0;
  uint32_t stream = 0;  // Device: the stream agent the launch ran on, as its operation `seq`
  uint32_t seq = 0;
  const Launch* launch = nullptr;
};

// What reports need to know of a launch.
struct Launch {
  std::string name;
  dim3 grid, block;
  uint32_t threadsPerBlock = 0;
  uint32_t firstAgent = 0;
  uint64_t seed = 0;
};

// Agents of the current case. Lookups are lock-free; creation takes a lock. reset() only while
// no kernel runs and no host thread checks anything.
class Agents {
 public:
  Agents();
  ~Agents();
  uint32_t add(Group g, uint32_t count);  // returns the first agent
  const Group* group(uint32_t agent) const;
  Launch* keep(Launch l);
  void reset();

 private:
  static constexpr uint32_t kChunk = 256, kPage = 4096, kPages = 4096;
  std::atomic<const Group**> pages_[kPages];
  std::atomic<uint32_t> nextChunk_{1};  // agent 0 means "nobody"
  std::mutex mu_;
  std::deque<Group> groups_;
  std::deque<Launch> launches_;
};

// The happens-before state of one thread (kernel or host).
struct Clocked {
  uint32_t agent = 0;
  uint32_t clock = 1;
  bool published = false;
  VCRef base;  // what it knows of other agents
  VCRef snap;  // its last published clock, while base and clock are unchanged
  VCRef snapOf;  // the base it was made of
  uint32_t snapClock = 0;
  VCRef relFence;    // what it knew at its last release fence (carried by later relaxed stores)
  VCRef acqPending;  // what relaxed reads brought since its last acquire fence
  VCRef lastAcquired;  // held, so that its address is not reused while compared

  void start(uint32_t a, const VCRef& b);
  // The clock of an access about to happen.
  uint32_t access_clock() {
    if (published) {
      ++clock;
      published = false;
    }
    return clock;
  }
  // Base plus its own clock: what a release hands on.
  const VCRef& publish();
  void acquire(const VCRef& v);
};

// v without the entries of threads whose whole launch v knows through its stream's entry: what a
// finished launch's threads did is known as a whole, so clocks stay small over thousands of launches.
VCRef prune(const VCRef& v, const Agents& agents);

// Whether `t` knows (happens after) agent a at clock c.
bool knows(const Clocked& t, const Agents& agents, uint32_t a, uint32_t c);

}  // namespace wpemu::check
