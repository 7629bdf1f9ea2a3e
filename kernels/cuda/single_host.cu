#include "single_host.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "check.h"
#if defined(WP_CUDA_EMU)
#include "wpemu/control.h"
#endif
#include "writeprof/host/clock.h"
#include "writeprof/host/spin.h"
#include "writeprof/pattern.h"

namespace wp::gpu {
namespace {

using host::now_ns;

constexpr double kServerTimeoutSec = 10.0;  // a persistent kernel silent this long is stuck

}  // namespace

SingleServer::SingleServer(uint32_t stride)
    : mailbox_(sizeof(Mailbox), true, "single-write mailbox"), value_(stride, true, "single-write value") {}

void SingleServer::post(uint32_t op, uint64_t key, uint64_t writeNo) {
  Mailbox* mb = mailbox();
  mb->key = key;
  mb->writeNo = writeNo;
  mb->op = op;
  __atomic_store_n(&mb->seq, ++seq_, __ATOMIC_RELEASE);  // the request is complete before it is seen
#if defined(WP_CUDA_EMU)
  wpemu::ring_mapped();  // the emulated server, a thread of this machine, waits for it
#endif
}

// Spin until the server acknowledges seq_; a server that exited, faulted or went silent is an error.
void SingleServer::await_done(cudaStream_t s) {
  Mailbox* mb = mailbox();
  uint64_t spins = 0, deadline = 0;
#if defined(WP_CUDA_EMU)
  uint64_t rings = wpemu::mapped_rings();
#endif
  while (__atomic_load_n(&mb->done, __ATOMIC_ACQUIRE) < seq_) {
    host::cpu_relax();
#if defined(WP_CUDA_EMU)
    // The emulated device is a thread of this machine: past a short spin, wait for its answer to
    // ring instead of holding a core it needs (on a busy machine a spinning host made each answer
    // wait for a scheduler time slice).
    if (spins > 256) {
      wpemu::wait_mapped(rings, 200);
      rings = wpemu::mapped_rings();
    }
    ++spins;
    if ((spins & (spins > 256 ? 0xff : 0xffff)) != 0) continue;  // waits are long: look sooner
#else
    if ((++spins & 0xffff) != 0) continue;
#endif
    cudaError_t q = cudaStreamQuery(s);
    if (q != cudaErrorNotReady) {
      cudaGetLastError();
      throw ConfigError(std::string("CUDA single-write kernel stopped: ") +
                        (q == cudaSuccess ? "it exited before answering" : cudaGetErrorString(q)));
    }
    uint64_t now = now_ns();
    if (deadline == 0) deadline = now + uint64_t(kServerTimeoutSec * 1e9);
    else if (now > deadline) throw ConfigError("CUDA single-write kernel did not answer within 10 s");
  }
}

// Stops the server on every exit path; a server that will not stop leaves the process wedged.
struct SingleServer::Guard {
  SingleServer* server;
  cudaStream_t s;
  ~Guard() {
    server->post(kOpStop, 0, 0);
    uint64_t deadline = now_ns() + uint64_t(kServerTimeoutSec * 1e9);
    while (cudaStreamQuery(s) == cudaErrorNotReady) {
      if (now_ns() > deadline) {
        mark_wedged();
        return;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    cudaGetLastError();
  }
};

uint64_t SingleServer::run(ServerLaunch launch, const CaseTarget& t, Lane& lane, SampleResult& out) {
  const CaseParams& p = *t.p;
  cudaStream_t s = lane.stream.get();
  std::memset(mailbox(), 0, sizeof(Mailbox));
  seq_ = 0;
  ServerArgs a{};
  a.table = t.table;
  a.buckets = t.buckets;
  a.arena = t.arena;
  a.mailbox = mailbox_.device_view<Mailbox>();
  a.value = value_.device_view<uint8_t>();
  a.stats = lane.stats.get();
  a.stride = t.stride;
  a.valueSize = p.valueSize;
  launch(p.countConflicts, a, s);
  check_launch("single-write server");
  Guard guard{this, s};
  post(kOpPing, 0, 0);  // untimed: the kernel is resident and answering
  await_done(s);

  const bool wantLatency = p.latencyEvery > 0;
  if (wantLatency) out.latencyNs.reserve(p.keys / p.latencyEvery + 1);
  uint8_t* value = value_.get();
  Phases& ph = lane.phases;
  host::SpinDebt spin(p.slowdownNs);  // the calibration knob, paid in >= 1 us chunks
  uint64_t t0 = now_ns();
  for (uint64_t w = 0; w < p.keys; ++w) {
    uint64_t w0 = now_ns();
    uint64_t key = t.stream[w];
    fill_value(value, p.valueSize, key, w);
    post(kOpWrite, key, w);
    uint64_t w1 = now_ns();
    await_done(s);
    spin.owe(1, w + 1 == p.keys);
    uint64_t w2 = now_ns();
    ph.stage += double(w1 - w0);
    ph.kernel += double(w2 - w1);
    if (wantLatency && w % p.latencyEvery == 0) out.latencyNs.push_back(uint32_t(std::min<uint64_t>(w2 - w0, UINT32_MAX)));
  }
  uint64_t elapsed = now_ns() - t0;
  ph.submissions = ph.timed = p.keys;
  return elapsed;  // the guard stops the server; the runner reads the counters after it exits
}

}  // namespace wp::gpu
