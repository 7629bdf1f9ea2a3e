// Single mode through a persistent server, host side: the server kernel (writeprof/single.cuh: a
// built-in's from single.cu, or a strategy file's WP_STRATEGY_SINGLE) is launched once per sample and answers one write at a time through a mailbox in mapped pinned
// memory; no launch per write. Each write: the value is staged into the mapped value buffer
// (`stage`), posted, and its answer awaited (`kernel` = request-to-answer time).
#pragma once
#include <cstdint>

#include "lanes.h"
#include "resources.h"
#include "writeprof/runner.h"

namespace wp::gpu {

class SingleServer {
 public:
  SingleServer() = default;
  // The mailbox and the value buffer for values of `stride` bytes.
  explicit SingleServer(uint32_t stride);

  // One sample: `launch` the server on `lane`'s stream, write every key of t.stream through it,
  // stop it. The time of the writes only (launch and the untimed ping excluded), in ns.
  uint64_t run(ServerLaunch launch, const CaseTarget& t, Lane& lane, SampleResult& out);

 private:
  struct Guard;
  Mailbox* mailbox() const { return reinterpret_cast<Mailbox*>(mailbox_.get()); }
  void post(uint32_t op, uint64_t key, uint64_t writeNo);
  void await_done(cudaStream_t s);

  PinnedBuffer mailbox_, value_;
  uint64_t seq_ = 0;
};

}  // namespace wp::gpu
