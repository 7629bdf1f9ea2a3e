// The CUDA backend's case runner. Per case: the key stream, the table and value arena in device
// memory (cudaMalloc), and per host thread a stream with two pinned staging slots. Per sample:
// reset (untimed), the timed writes in single, batch or concurrent mode, then the table and arena
// copied back and verified on the host (untimed). Phases: `stage` (host packing into pinned
// memory) by the host clock, `h2d`, `kernel`, `d2h` from CUDA events, and the in-kernel `probe`,
// `lock`, `copy`, `publish` from sampled clock64() cycles.
#include <nvtx3/nvToolsExt.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <system_error>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "bandwidth.h"
#include "check.h"
#include "launch.h"
#include "resources.h"
#include "writeprof/keystream.h"
#include "writeprof/pattern.h"
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

constexpr uint32_t kSingleEventEvery = 16;        // single launches: events on every 16th write
constexpr uint64_t kKeysAlign = 256;              // values start 256-byte aligned in a slot
constexpr uint64_t kPinnedLimit = 16ull << 30;    // staging beyond this is refused
constexpr double kServerTimeoutSec = 10.0;        // a persistent kernel silent this long is stuck

uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

void spin_ns(uint64_t ns) {
  uint64_t end = now_ns() + ns;
  while (now_ns() < end) cpu_relax();
}

struct Range {
  explicit Range(const char* name) { nvtxRangePushA(name); }
  ~Range() { nvtxRangePop(); }
  Range(const Range&) = delete;
  Range& operator=(const Range&) = delete;
};

const char* strategy_name(Strategy s) {
  switch (s) {
    case Strategy::Baseline: return "baseline";
    case Strategy::WarpCoop: return "warp-coop";
    case Strategy::LockFree: return "lock-free";
    case Strategy::MemOpt: return "mem-opt";
    case Strategy::WriteCombine: return "write-combine";
  }
  return "?";
}

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::Single: return "single";
    case Mode::Batch: return "batch";
    case Mode::Concurrent: return "concurrent";
  }
  return "?";
}

std::string bytes_str(uint64_t b) { return std::to_string(b) + " bytes"; }

uint32_t bits_for(uint64_t v) {
  uint32_t b = 0;
  while (v) {
    ++b;
    v >>= 1;
  }
  return b;
}

// Event-timed phase totals of one host thread, in ns.
struct Phases {
  double stage = 0, h2d = 0, kernel = 0, d2h = 0;
  uint64_t submissions = 0, timed = 0;  // submissions, and those bracketed by events
};

// One submission's buffers: pinned [keys | values] and its device twin, and the events that
// bracket its h2d copy, kernel and d2h copy (the last one doubles as the slot's completion).
struct Slot {
  PinnedBuffer host;
  DeviceBuffer<uint8_t> dev;
  Event ev[4];
  bool pending = false, timed = false;
};

// One host thread's stream, its two slots (staging of one overlaps the GPU work of the other),
// and its device counters with their pinned copy.
struct Lane {
  Stream stream;
  Slot slots[2];
  DeviceBuffer<DevStats> stats;
  PinnedBuffer statsHost;
  Phases phases;
};

float elapsed_ms(cudaEvent_t a, cudaEvent_t b) {
  float ms = 0;
  check(cudaEventElapsedTime(&ms, a, b), "event elapsed time");
  return ms;
}

class CudaRunner final : public CaseRunner {
 public:
  explicit CudaRunner(const CaseParams& p) : p_(p) {
    check_params(p);
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
      cudaGetLastError();
      throw ConfigError(std::string("CUDA backend unavailable: ") + cudaGetErrorString(e));
    }
    if (count == 0) throw ConfigError("CUDA backend unavailable: no CUDA device found");
    check(cudaSetDevice(device_), "set device");
    cudaDeviceProp prop{};
    check(cudaGetDeviceProperties(&prop, device_), "device properties");
    if (prop.major < 8)
      throw ConfigError("CUDA backend unavailable: compute capability " + std::to_string(prop.major) + "." +
                        std::to_string(prop.minor) + " is below 8.0");
    sms_ = uint32_t(prop.multiProcessorCount);

    stride_ = value_stride(p.valueSize);
    arenaBytes_ = p.keys * uint64_t(stride_);
    if (arenaBytes_ > p.arenaLimitBytes)
      throw ConfigError("arenaLimitBytes: the value arena needs " + bytes_str(arenaBytes_) + " (keys " +
                        std::to_string(p.keys) + " x stride " + std::to_string(stride_) + " for valueSize " +
                        std::to_string(p.valueSize) + "), above the limit of " + bytes_str(p.arenaLimitBytes) +
                        "; lower keys or valueSize");

    lanes_ = p.mode == Mode::Concurrent ? p.threads : 1;
    uint64_t share = (p.keys + lanes_ - 1) / lanes_;
    cap_ = p.mode == Mode::Single ? 1 : uint32_t(std::min<uint64_t>(p.batchSize, share));
    keysBytes_ = (uint64_t(cap_) * 8 + kKeysAlign - 1) / kKeysAlign * kKeysAlign;
    slotBytes_ = keysBytes_ + uint64_t(cap_) * stride_;
    uint64_t pinned = lanes_ * 2 * slotBytes_;
    if (pinned > kPinnedLimit)
      throw ConfigError("batchSize: pinned staging would need " + bytes_str(pinned) + " (" + std::to_string(lanes_) +
                        " threads x 2 slots x " + std::to_string(cap_) + " writes x " + std::to_string(stride_) +
                        " bytes), above " + bytes_str(kPinnedLimit) + "; lower batchSize, threads or valueSize");

    stream_ = make_stream(p.keys, p.zipf, p.zipfTheta, p.seed);
    distinct_ = p.zipf ? distinct_count(stream_) : p.keys;
    buckets_ = buckets_for(distinct_, p.loadFactor);
    bucketBits_ = bits_for(buckets_);

    size_t freeB = 0, totalB = 0;
    check(cudaMemGetInfo(&freeB, &totalB), "memory info");
    uint64_t need = buckets_ * sizeof(Bucket) + arenaBytes_ + pinned;  // device slots mirror the pinned ones
    if (need > uint64_t(double(freeB) * 0.9))
      throw ConfigError("keys: the table, value arena (" + bytes_str(arenaBytes_) + ") and staging need " +
                        bytes_str(need) + " of device memory, " + bytes_str(freeB) + " are free; lower keys, " +
                        "valueSize, batchSize or threads");

    caseName_ = std::string("writeprof case ") + strategy_name(p.strategy) + "/" + mode_name(p.mode) + "/v" +
                std::to_string(p.valueSize) + "/b" + std::to_string(p.batchSize) + "/t" + std::to_string(p.threads);
    Range r("setup");
    refs_ = bandwidth_refs(device_);
    table_ = DeviceBuffer<Bucket>(buckets_, "hash table");
    arena_ = DeviceBuffer<uint8_t>(arenaBytes_, "value arena");
    for (uint32_t i = 0; i < lanes_; ++i) {
      auto lane = std::make_unique<Lane>();
      for (Slot& s : lane->slots) {
        s.host = PinnedBuffer(slotBytes_, false, "staging slot");
        s.dev = DeviceBuffer<uint8_t>(slotBytes_, "device staging slot");
      }
      lane->stats = DeviceBuffer<DevStats>(1, "device counters");
      lane->statsHost = PinnedBuffer(sizeof(DevStats), false, "counter copy");
      laneList_.push_back(std::move(lane));
    }
    persistent_ = p.mode == Mode::Single && p.strategy != Strategy::Baseline;
    if (persistent_) {
      mailbox_ = PinnedBuffer(sizeof(Mailbox), true, "single-write mailbox");
      mappedValue_ = PinnedBuffer(stride_, true, "single-write value");
    }
    caseRange_ = nvtxRangeStartA(caseName_.c_str());  // the case's lifetime, across threads
  }

  ~CudaRunner() override {
    if (caseRange_) nvtxRangeEnd(caseRange_);
  }

  SampleResult runSample() override {
    if (wedged()) throw ConfigError("CUDA backend: an earlier single-write kernel stopped answering; restart writeprof");
    check(cudaSetDevice(device_), "set device");
    Range sampleRange("sample");
    reset();
    SampleResult out;
    out.writes = p_.keys;
    try {
      Range r("timed writes");
      if (persistent_) out.elapsedNs = run_persistent(out);
      else if (p_.mode == Mode::Concurrent) out.elapsedNs = run_concurrent();
      else out.elapsedNs = run_range(*laneList_[0], 0, p_.keys, p_.mode == Mode::Single, &out.latencyNs);
    } catch (...) {
      quiesce();
      throw;
    }
    collect(out);
    {
      Range r("verify");
      verify(out);
    }
    add_notes(out);
    return out;
  }

 private:
  // Untimed: an empty table, an arena without the previous sample's values (a lost write must
  // not pass on stale bytes), zeroed counters.
  void reset() {
    Range r("reset");
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

  BatchArgs args(Lane& lane, Slot& slot, uint64_t first, uint32_t n) const {
    BatchArgs a{};
    a.table = table_.get();
    a.buckets = buckets_;
    a.arena = arena_.get();
    a.keys = reinterpret_cast<const uint64_t*>(slot.dev.get());
    a.vals = slot.dev.get() + keysBytes_;
    a.firstWrite = first;
    a.stats = lane.stats.get();
    a.n = n;
    a.stride = stride_;
    a.valueSize = p_.valueSize;
    a.bucketBits = bucketBits_;
    return a;
  }

  // Stage writes [first, first+n) into the slot's pinned buffer, then enqueue h2d, the kernel and
  // the d2h of the counters (the submission's completion record) on the lane's stream.
  void submit(Lane& lane, Slot& slot, uint64_t first, uint32_t n, bool timeEvents) {
    uint64_t t0 = now_ns();
    {
      Range r("stage");
      auto* keys = reinterpret_cast<uint64_t*>(slot.host.get());
      uint8_t* vals = slot.host.get() + keysBytes_;
      for (uint32_t i = 0; i < n; ++i) {
        uint64_t k = stream_[first + i];
        keys[i] = k;
        fill_value(vals + uint64_t(i) * stride_, p_.valueSize, k, first + i);
      }
    }
    lane.phases.stage += double(now_ns() - t0);
    Range r("submit");
    cudaStream_t s = lane.stream.get();
    if (timeEvents) check(cudaEventRecord(slot.ev[0].get(), s), "event record");
    check(cudaMemcpyAsync(slot.dev.get(), slot.host.get(), keysBytes_ + uint64_t(n) * stride_, cudaMemcpyHostToDevice, s),
          "host-to-device copy");
    if (timeEvents) check(cudaEventRecord(slot.ev[1].get(), s), "event record");
    uint32_t wpb = writes_per_block(p_.strategy);
    uint32_t blocks = std::min<uint32_t>((n + wpb - 1) / wpb, sms_ * 64);
    launch_batch(p_.strategy, p_.countConflicts, args(lane, slot, first, n), blocks, s);
    check_launch(strategy_name(p_.strategy));
    if (timeEvents) check(cudaEventRecord(slot.ev[2].get(), s), "event record");
    check(cudaMemcpyAsync(lane.statsHost.get(), lane.stats.get(), sizeof(DevStats), cudaMemcpyDeviceToHost, s),
          "device-to-host copy");
    check(cudaEventRecord(slot.ev[3].get(), s), "event record");
    slot.pending = true;
    slot.timed = timeEvents;
    ++lane.phases.submissions;
  }

  // Wait for a slot's submission; charge its event-timed phases.
  void finish(Lane& lane, Slot& slot) {
    check(cudaEventSynchronize(slot.ev[3].get()), "write kernel");
    if (slot.timed) {
      lane.phases.h2d += 1e6 * elapsed_ms(slot.ev[0].get(), slot.ev[1].get());
      lane.phases.kernel += 1e6 * elapsed_ms(slot.ev[1].get(), slot.ev[2].get());
      lane.phases.d2h += 1e6 * elapsed_ms(slot.ev[2].get(), slot.ev[3].get());
      ++lane.phases.timed;
    }
    slot.pending = false;
  }

  // Writes [begin, end) from one host thread. Batch: submissions of cap_ writes, double-buffered.
  // Single (baseline): one launch per write, waited for before the next; events on every 16th.
  uint64_t run_range(Lane& lane, uint64_t begin, uint64_t end, bool single, std::vector<uint32_t>* latency) {
    const uint32_t per = single ? 1 : cap_;
    const bool wantLatency = single && latency && p_.latencyEvery > 0;
    if (wantLatency) latency->reserve((end - begin) / p_.latencyEvery + 1);
    uint64_t t0 = now_ns();
    uint64_t j = 0;
    for (uint64_t first = begin; first < end; ++j) {
      uint32_t n = uint32_t(std::min<uint64_t>(per, end - first));
      uint64_t w0 = now_ns();
      Slot& slot = lane.slots[single ? 0 : (j & 1)];
      if (slot.pending) finish(lane, slot);
      submit(lane, slot, first, n, !single || j % kSingleEventEvery == 0);
      if (single) finish(lane, slot);
      if (p_.slowdownNs) spin_ns(uint64_t(p_.slowdownNs) * n);
      if (wantLatency && first % p_.latencyEvery == 0)
        latency->push_back(uint32_t(std::min<uint64_t>(now_ns() - w0, UINT32_MAX)));
      first += n;
    }
    for (Slot& slot : lane.slots)
      if (slot.pending) finish(lane, slot);
    return now_ns() - t0;
  }

  // `threads` host threads, one stream each, released together; the sample's time is the wall
  // time until the last one's last submission completed.
  uint64_t run_concurrent() {
    std::atomic<uint32_t> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::exception_ptr> errors(lanes_);
    std::vector<std::thread> threads;
    threads.reserve(lanes_);
    auto release_and_join = [&] {
      go.store(true);
      for (std::thread& th : threads) th.join();
    };
    try {
      for (uint32_t i = 0; i < lanes_; ++i) {
        uint64_t begin = p_.keys * i / lanes_, end = p_.keys * (i + 1) / lanes_;
        threads.emplace_back([&, i, begin, end] {
          try {
            check(cudaSetDevice(device_), "set device");
          } catch (...) {
            errors[i] = std::current_exception();
          }
          ready.fetch_add(1);
          while (!go.load()) std::this_thread::yield();
          if (errors[i]) return;
          try {
            run_range(*laneList_[i], begin, end, false, nullptr);
          } catch (...) {
            errors[i] = std::current_exception();
          }
        });
      }
    } catch (const std::system_error& e) {
      release_and_join();
      throw ConfigError("threads: cannot start " + std::to_string(lanes_) + " threads (" + e.what() + ")");
    }
    while (ready.load() < lanes_) std::this_thread::yield();
    uint64_t t0 = now_ns();
    release_and_join();
    uint64_t elapsed = now_ns() - t0;
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
    return elapsed;
  }

  // ---- single mode for the optimized strategies: the persistent server kernel ----

  Mailbox* mailbox() const { return reinterpret_cast<Mailbox*>(mailbox_.get()); }

  void post(uint32_t op, uint64_t key, uint64_t writeNo) {
    Mailbox* mb = mailbox();
    mb->key = key;
    mb->writeNo = writeNo;
    mb->op = op;
    __atomic_store_n(&mb->seq, ++seq_, __ATOMIC_RELEASE);  // the request is complete before it is seen
  }

  // Spin until the server acknowledges seq_; a server that exited, faulted or went silent is an error.
  void await_done(cudaStream_t s) {
    Mailbox* mb = mailbox();
    uint64_t spins = 0, deadline = 0;
    while (__atomic_load_n(&mb->done, __ATOMIC_ACQUIRE) < seq_) {
      cpu_relax();
      if ((++spins & 0xffff) != 0) continue;
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
  struct ServerGuard {
    CudaRunner* r;
    cudaStream_t s;
    ~ServerGuard() {
      r->post(kOpStop, 0, 0);
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

  uint64_t run_persistent(SampleResult& out) {
    Lane& lane = *laneList_[0];
    cudaStream_t s = lane.stream.get();
    Mailbox* mb = mailbox();
    std::memset(mb, 0, sizeof(Mailbox));
    seq_ = 0;
    ServerArgs a{};
    a.table = table_.get();
    a.buckets = buckets_;
    a.arena = arena_.get();
    a.mailbox = mailbox_.device_view<Mailbox>();
    a.value = mappedValue_.device_view<uint8_t>();
    a.stats = lane.stats.get();
    a.stride = stride_;
    a.valueSize = p_.valueSize;
    launch_single_server(p_.strategy == Strategy::LockFree, p_.countConflicts, a, s);
    check_launch("single-write server");
    ServerGuard guard{this, s};
    post(kOpPing, 0, 0);  // untimed: the kernel is resident and answering
    await_done(s);

    const bool wantLatency = p_.latencyEvery > 0;
    if (wantLatency) out.latencyNs.reserve(p_.keys / p_.latencyEvery + 1);
    uint8_t* value = mappedValue_.get();
    Phases& ph = lane.phases;
    uint64_t t0 = now_ns();
    for (uint64_t w = 0; w < p_.keys; ++w) {
      uint64_t w0 = now_ns();
      uint64_t key = stream_[w];
      fill_value(value, p_.valueSize, key, w);
      post(kOpWrite, key, w);
      uint64_t w1 = now_ns();
      await_done(s);
      if (p_.slowdownNs) spin_ns(p_.slowdownNs);
      uint64_t w2 = now_ns();
      ph.stage += double(w1 - w0);
      ph.kernel += double(w2 - w1);
      if (wantLatency && w % p_.latencyEvery == 0)
        out.latencyNs.push_back(uint32_t(std::min<uint64_t>(w2 - w0, UINT32_MAX)));
    }
    uint64_t elapsed = now_ns() - t0;
    ph.submissions = ph.timed = p_.keys;
    return elapsed;  // the guard stops the server; collect() reads the counters after it exits
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
      throw ConfigError("table full: " + std::to_string(st.fullWrites) + " writes probed all " +
                        std::to_string(buckets_) + " buckets without a free slot (raise the table size: lower loadFactor)");
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
    if (hostTable_.size() != buckets_) hostTable_.resize(buckets_);
    if (hostArena_.size() != arenaBytes_) hostArena_.resize(arenaBytes_);
    check(cudaMemcpy(hostTable_.data(), table_.get(), table_.bytes(), cudaMemcpyDeviceToHost), "table read-back");
    check(cudaMemcpy(hostArena_.data(), arena_.get(), arenaBytes_, cudaMemcpyDeviceToHost), "arena read-back");
#if !defined(__CUDA_ARCH__)  // verify.h keeps verify_table out of nvcc's device pass
    out.verification = verify_table(hostTable_.data(), buckets_, hostArena_.data(), arenaBytes_, p_.valueSize,
                                    stream_.data(), p_.keys);
#endif
  }

  void add_notes(SampleResult& out) const {
    out.notes.push_back(bandwidth_note(refs_));
    if (p_.mode == Mode::Single) {
      if (persistent_)
        out.notes.push_back(std::string("single: persistent kernel, no launch per write: one resident warp polls a "
                                        "mailbox in mapped pinned memory, reads each value zero-copy over PCIe and "
                                        "inserts it with ") +
                            (p_.strategy == Strategy::LockFree ? "the lock-free CAS claim" : "the bucket lock") +
                            "; " + strategy_name(p_.strategy) +
                            "'s batch optimizations do not apply to a lone write; kernel = request-to-answer time");
      else
        out.notes.push_back("single: one kernel launch per write (h2d, <<<1,256>>>, d2h of the counters, wait); "
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
  int device_ = 0;
  uint32_t sms_ = 1;
  uint32_t stride_ = 0;
  uint64_t arenaBytes_ = 0;
  uint32_t lanes_ = 1;
  uint32_t cap_ = 1;
  uint64_t keysBytes_ = 0, slotBytes_ = 0;
  std::vector<uint64_t> stream_;
  uint64_t distinct_ = 0, buckets_ = 0;
  uint32_t bucketBits_ = 0;
  std::string caseName_;
  nvtxRangeId_t caseRange_ = 0;
  BandwidthRefs refs_;
  DeviceBuffer<Bucket> table_;
  DeviceBuffer<uint8_t> arena_;
  std::vector<std::unique_ptr<Lane>> laneList_;
  bool persistent_ = false;
  PinnedBuffer mailbox_, mappedValue_;
  uint64_t seq_ = 0;
  std::vector<Bucket> hostTable_;
  std::vector<uint8_t> hostArena_;
};

}  // namespace
}  // namespace wp::gpu

namespace wp {

std::unique_ptr<CaseRunner> makeCudaRunner(const CaseParams& p) { return std::make_unique<gpu::CudaRunner>(p); }

}  // namespace wp
