// The CUDA backend's case runner. Per case: the key stream, the table and value arena in device
// memory (cudaMalloc), and per host thread a lane (lanes.h: a stream with two pinned staging
// slots). Per sample: reset (untimed), the timed writes in single, batch or concurrent mode (the
// optimized strategies' single writes through the persistent server, single_host.h), then the
// table and arena copied back and verified on the host (untimed). Phases: `stage` (host packing
// into pinned memory) by the host clock, `h2d`, `kernel`, `d2h` from CUDA events, and the
// in-kernel `probe`, `lock`, `copy`, `publish` from sampled clock64() cycles.
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "bandwidth.h"
#include "check.h"
#include "lanes.h"
#include "launch.h"
#include "resources.h"
#include "single_host.h"
#include "writeprof/host/memory.h"
#include "writeprof/host/names.h"
#include "writeprof/host/split.h"
#include "writeprof/keystream.h"
#include "writeprof/params.h"
#include "writeprof/runner.h"
#include "writeprof/verify.h"

namespace wp::gpu {

namespace {
std::atomic<bool> g_wedged{false};
}
bool wedged() { return g_wedged.load(); }
void mark_wedged() { g_wedged.store(true); }

namespace {

using host::bytes_str;

constexpr uint64_t kKeysAlign = 256;  // values start 256-byte aligned in a slot

uint32_t bits_for(uint64_t v) {
  uint32_t b = 0;
  while (v) {
    ++b;
    v >>= 1;
  }
  return b;
}

class CudaRunner final : public CaseRunner {
 public:
  explicit CudaRunner(const CaseParams& p) : p_(p) {
    check_params(p);
    if (p.strategy == Strategy::User && user_strategy() == nullptr)
      throw ConfigError("strategy: \"user\" needs a build linked with a strategy file (writeprof --strategy-file)");
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
      cudaGetLastError();
      throw ConfigError(std::string("CUDA backend unavailable: ") + cudaGetErrorString(e));
    }
    if (count == 0) throw ConfigError("CUDA backend unavailable: no CUDA device found");
    check(cudaSetDevice(t_.device), "set device");
    cudaDeviceProp prop{};
    check(cudaGetDeviceProperties(&prop, t_.device), "device properties");
    if (prop.major < 8)
      throw ConfigError("CUDA backend unavailable: compute capability " + std::to_string(prop.major) + "." +
                        std::to_string(prop.minor) + " is below 8.0");
    t_.p = &p_;
    t_.sms = uint32_t(prop.multiProcessorCount);
    t_.stride = value_stride(p.valueSize);
    arenaBytes_ = host::arena_bytes(p);
    lanes_ = host::submitters(p);
    t_.cap = host::max_submission(p);
    t_.keysBytes = (uint64_t(t_.cap) * 8 + kKeysAlign - 1) / kKeysAlign * kKeysAlign;
    uint64_t pinned = lanes_ * 2 * slot_bytes(t_);
    host::Budget hostMem = host::host_budget();
    if (!hostMem.holds(pinned))
      throw ConfigError("batchSize: pinned staging would need " + bytes_str(pinned) + " (" + std::to_string(lanes_) +
                        " threads x 2 slots x " + std::to_string(t_.cap) + " writes x " + std::to_string(t_.stride) +
                        " bytes), " + hostMem.over() + "; lower batchSize, threads or valueSize");

    stream_ = make_stream(p.keys, p.zipf, p.zipfTheta, p.seed, p.updateShare);
    t_.stream = stream_.data();
    // What each key may end with: built once, checked every sample.
    final_ = FinalWrites(stream_.data(), p.keys, host::submissions(p), device_order(p.strategy));
    t_.buckets = buckets_for(final_.distinct().size(), p.loadFactor);
    t_.bucketBits = bits_for(t_.buckets);
    checkMemory(pinned);

    caseName_ = std::string("writeprof case ") + host::strategy_name(p.strategy) + "/" + host::mode_name(p.mode) +
                "/v" + std::to_string(p.valueSize) + "/b" + std::to_string(p.batchSize) + "/t" + std::to_string(p.threads);
    NvtxRange r("setup");
    refs_ = bandwidth_refs(t_.device);
    table_ = DeviceBuffer<Bucket>(t_.buckets, "hash table");
    arena_ = DeviceBuffer<uint8_t>(arenaBytes_, "value arena");
    t_.table = table_.get();
    t_.arena = arena_.get();
    laneList_ = make_lanes(t_, lanes_);
    // Single writes go through a persistent server where the strategy has one (a strategy file's
    // WP_STRATEGY_SINGLE); baseline's kernel, and a file's batch kernel without it, launch per write.
    if (p.mode == Mode::Single) serverLaunch_ = single_server(p.strategy);
    persistent_ = serverLaunch_ != nullptr;
    if (persistent_) server_ = SingleServer(t_.stride);
    caseRange_ = nvtxRangeStartA(caseName_.c_str());  // the case's lifetime, across threads
  }

  ~CudaRunner() override {
    if (caseRange_) nvtxRangeEnd(caseRange_);
  }

  SampleResult runSample() override {
    if (wedged()) throw ConfigError("CUDA backend: an earlier single-write kernel stopped answering; restart writeprof");
    check(cudaSetDevice(t_.device), "set device");
    NvtxRange sampleRange("sample");
    reset();
    SampleResult out;
    out.writes = p_.keys;
    try {
      NvtxRange r("timed writes");
      if (persistent_) out.elapsedNs = server_.run(serverLaunch_, t_, *laneList_[0], out);
      else if (p_.mode == Mode::Concurrent) out.elapsedNs = run_lanes(t_, laneList_);
      else out.elapsedNs = run_range(t_, *laneList_[0], 0, p_.keys, p_.mode == Mode::Single, &out.latencyNs);
    } catch (...) {
      quiesce();
      throw;
    }
    collect(out);
    {
      NvtxRange r("verify");
      verify(out);
    }
    out.bandwidth = refs_;
    add_notes(out);
    return out;
  }

 private:
  // The memory-budget rule (host/memory.h) on both memories, before anything is allocated:
  // device memory holds the table, the arena and the device staging (the pinned slots' twins);
  // host memory the pinned staging, the table and arena read back for verification, and the key
  // stream with its sorted copy.
  void checkMemory(uint64_t pinned) const {
    size_t freeB = 0, totalB = 0;
    check(cudaMemGetInfo(&freeB, &totalB), "memory info");
    uint64_t tableBytes = t_.buckets * sizeof(Bucket);
    uint64_t device = tableBytes + arenaBytes_ + pinned;
    host::Budget dev{uint64_t(freeB), limits::budget::kDevice, "the device's free"};
    if (!dev.holds(device))
      throw ConfigError("keys: the table, value arena (" + bytes_str(arenaBytes_) + ") and staging need " + bytes_str(device) +
                        " of device memory, " + dev.over() + "; lower keys, valueSize, batchSize or threads");
    uint64_t hostNeed = pinned + tableBytes + arenaBytes_ + host::kStreamBytesPerKey * p_.keys;
    host::Budget hostMem = host::host_budget();
    if (!hostMem.holds(hostNeed))
      throw ConfigError("keys: pinned staging, the table and value arena read back for verification and the key stream need " +
                        bytes_str(hostNeed) + " of host memory, " + hostMem.over() + "; lower keys, valueSize, batchSize or threads");
  }

  // Untimed: an empty table, an arena without the previous sample's values (a lost write must
  // not pass on stale bytes), zeroed counters.
  void reset() {
    NvtxRange r("reset");
    cudaStream_t s = laneList_[0]->stream.get();
    check(cudaMemsetAsync(table_.get(), 0, table_.bytes(), s), "table reset");
    check(cudaMemsetAsync(arena_.get(), 0, arena_.bytes(), s), "arena reset");
    for (auto& lane : laneList_) {
      check(cudaMemsetAsync(lane->stats.get(), 0, sizeof(DevStats), s), "counter reset");
      lane->phases = Phases{};
      for (Slot& slot : lane->slots) slot.pending = false;
    }
    check(cudaStreamSynchronize(s), "reset");
  }

  // After a failure mid-sample: let queued work drain so buffers are not freed under it.
  void quiesce() {
    if (wedged()) return;  // a stuck server kernel would make the wait endless
    for (auto& lane : laneList_) cudaStreamSynchronize(lane->stream.get());
    cudaGetLastError();
  }

  // ---- after the timed region ----

  void collect(SampleResult& out) {
    Phases total;
    DevStats st{};
    for (auto& lane : laneList_) {
      DevStats ls{};
      check(cudaMemcpy(&ls, lane->stats.get(), sizeof ls, cudaMemcpyDeviceToHost), "counter read-back");
      st.lockRetries += ls.lockRetries;
      st.casFailures += ls.casFailures;
      st.probeSteps += ls.probeSteps;
      st.fullWrites += ls.fullWrites;
      for (int i = 0; i < 4; ++i) st.cycles[i] += ls.cycles[i];
      const Phases& ph = lane->phases;
      // Single launches are event-timed on a sample of writes: scale those to all of them.
      double scale = ph.timed ? double(ph.submissions) / double(ph.timed) : 0;
      total.stage += ph.stage;
      total.h2d += ph.h2d * scale;
      total.kernel += persistent_ ? ph.kernel : ph.kernel * scale;
      total.d2h += ph.d2h * scale;
    }
    if (st.fullWrites)
      throw ConfigError("table full: " + std::to_string(st.fullWrites) + " writes probed all " + std::to_string(t_.buckets) +
                        " buckets without a free slot (raise the table size: lower loadFactor)");
    out.counters.lockRetries = st.lockRetries;
    out.counters.casFailures = st.casFailures;
    out.counters.probeSteps = st.probeSteps;
    out.phasesNs = {{"stage", total.stage}};
    if (!persistent_) {
      out.phasesNs.emplace_back("h2d", total.h2d);
      out.phasesNs.emplace_back("kernel", total.kernel);
      out.phasesNs.emplace_back("d2h", total.d2h);
    } else {
      out.phasesNs.emplace_back("kernel", total.kernel);
    }
    double cyc = 0;
    for (int i = 0; i < 4; ++i) cyc += double(st.cycles[i]);
    if (cyc > 0)
      for (int i = 0; i < 4; ++i) out.phasesNs.emplace_back(kPhaseNames[i], total.kernel * double(st.cycles[i]) / cyc);
  }

  void verify(SampleResult& out) {
    if (hostTable_.size() != t_.buckets) hostTable_.resize(t_.buckets);
    if (hostArena_.size() != arenaBytes_) hostArena_.resize(arenaBytes_);
    check(cudaMemcpy(hostTable_.data(), table_.get(), table_.bytes(), cudaMemcpyDeviceToHost), "table read-back");
    check(cudaMemcpy(hostArena_.data(), arena_.get(), arenaBytes_, cudaMemcpyDeviceToHost), "arena read-back");
    out.verification = verify_table(hostTable_.data(), t_.buckets, hostArena_.data(), arenaBytes_, p_.valueSize,
                                    stream_.data(), final_);
  }

  void add_notes(SampleResult& out) const {
    const char* strategy = host::strategy_name(p_.strategy);
    if (p_.mode == Mode::Single) {
      if (persistent_)
        out.notes.push_back(std::string("single: persistent kernel, no launch per write: one resident warp polls a "
                                        "mailbox in mapped pinned memory, reads each value zero-copy over PCIe and "
                                        "inserts it with ") +
                            (p_.strategy == Strategy::User ? "the strategy file's single-write entry (WP_STRATEGY_SINGLE: "
                                                             "wp_user_single_count/plain)"
                             : p_.strategy == Strategy::LockFree
                                 ? std::string("the lock-free CAS claim; ") + strategy +
                                       "'s batch optimizations do not apply to a lone write"
                                 : std::string("the bucket lock; ") + strategy +
                                       "'s batch optimizations do not apply to a lone write") +
                            "; kernel = request-to-answer time");
      else
        out.notes.push_back(std::string("single: one kernel launch per write (h2d, ") +
                            (p_.strategy == Strategy::User
                                 ? "<<<1, " + std::to_string(user_strategy()->block) +
                                       ">>> of the strategy file's batch kernel: it has no WP_STRATEGY_SINGLE"
                                 : std::string("<<<1,32>>>")) +
                            ", d2h of the counters, wait); "
                            "h2d/kernel/d2h from CUDA events on every 16th write, scaled to all writes");
    } else {
      out.notes.push_back("batch submissions are double-buffered: staging of the next overlaps the GPU work of "
                          "this one; h2d/kernel/d2h from CUDA events");
    }
    if (p_.mode == Mode::Concurrent)
      out.notes.push_back("concurrent: one CUDA stream per host thread; phase totals are summed over " +
                          std::to_string(lanes_) + " threads");
    if (p_.countConflicts)
      out.notes.push_back(std::string("in-kernel phases probe/lock/copy/publish split the kernel time by clock64() "
                                      "cycle shares, ") +
                          (persistent_ ? "measured on every write" : "sampled on one warp in 16"));
    else
      out.notes.push_back("counters off: no conflict counters or in-kernel phases are kept");
    if (p_.strategy == Strategy::WriteCombine && p_.valueSize >= 256 && !persistent_)
      out.notes.push_back("write-combine: values of 256 B and more bypass the shared-memory combine buffer "
                          "(bucket runs are still combined)");
    if (p_.slowdownNs)
      out.notes.push_back("calibration slowdown: " + std::to_string(p_.slowdownNs) +
                          " ns per write spun on the host after each submission");
  }

  CaseParams p_;
  CaseTarget t_;
  uint64_t arenaBytes_ = 0;
  uint32_t lanes_ = 1;
  std::vector<uint64_t> stream_;
  FinalWrites final_;
  std::string caseName_;
  nvtxRangeId_t caseRange_ = 0;
  BandwidthRefs refs_;
  DeviceBuffer<Bucket> table_;
  DeviceBuffer<uint8_t> arena_;
  std::vector<std::unique_ptr<Lane>> laneList_;
  bool persistent_ = false;
  ServerLaunch serverLaunch_ = nullptr;
  SingleServer server_;
  std::vector<Bucket> hostTable_;
  std::vector<uint8_t> hostArena_;
};

}  // namespace
}  // namespace wp::gpu

namespace wp {

std::unique_ptr<CaseRunner> makeCudaRunner(const CaseParams& p) { return std::make_unique<gpu::CudaRunner>(p); }

}  // namespace wp
