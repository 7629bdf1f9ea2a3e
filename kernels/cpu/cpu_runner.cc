// The CPU backend's case runner: sizes and allocates the table once per case, then per sample
// resets it (untimed), drives the chosen strategy in single, batch or concurrent mode (timed, with
// stage and kernel phases measured apart), and verifies every key (untimed).
#include <algorithm>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "cpu/skeleton.h"
#include "writeprof/host/aligned_buffer.h"
#include "writeprof/host/clock.h"
#include "writeprof/host/memory.h"
#include "writeprof/host/spin.h"
#include "writeprof/host/split.h"
#include "writeprof/host/together.h"
#include "writeprof/keystream.h"
#include "writeprof/pattern.h"
#include "writeprof/params.h"
#include "writeprof/verify.h"

namespace wp::cpu {

[[noreturn]] void throw_table_full(const Table& t) {
  throw ConfigError("table full: probing wrapped all " + std::to_string(t.nBuckets) +
                    " buckets without a free slot (raise the table size: lower loadFactor)");
}

namespace {

using host::AlignedBuf;
using host::bytes_str;
using host::now_ns;
using host::spin_ns;  // bench/gate-fresh-clone plants a spin_ns() call into run_range below

InsertFn pick(Strategy s, bool count) {
  switch (s) {
    case Strategy::Baseline: return baseline_insert(count);
    case Strategy::WarpCoop: return warp_coop_insert(count);
    case Strategy::LockFree: return lock_free_insert(count);
    case Strategy::MemOpt: return mem_opt_insert(count);
    case Strategy::WriteCombine: return write_combine_insert(count);
    case Strategy::User: break;
  }
  throw ConfigError("strategy: a strategy file's kernel runs on the cuda and cuda-emu backends only");
}

struct ThreadResult {
  uint64_t stageNs = 0, kernelNs = 0;
  Counters counters;
};

class CpuRunner final : public CaseRunner {
 public:
  explicit CpuRunner(const CaseParams& p) : p_(p) {
    check_params(p);
    insert_ = pick(p.strategy, p.countConflicts);
    t_.valueSize = p.valueSize;
    t_.stride = value_stride(p.valueSize);
    t_.writes = p.keys;
    t_.arenaBytes = host::arena_bytes(p);

    // Refuse before allocating what overcommit would grant and the OOM killer would take back.
    // Upper bound: every key distinct.
    workers_ = host::submitters(p);
    uint64_t stagingBytes = uint64_t(host::max_submission(p)) * t_.stride;
    uint64_t tableBound = buckets_for(p.keys, p.loadFactor) * sizeof(Bucket);
    uint64_t need = tableBound + t_.arenaBytes + workers_ * (stagingBytes + kCombineBytes) + host::kStreamBytesPerKey * p.keys;
    host::Budget budget = host::host_budget();
    if (!budget.holds(need))
      throw ConfigError("keys: the table (" + bytes_str(tableBound) + "), value arena (" + bytes_str(t_.arenaBytes) +
                        "), staging and key stream need " + bytes_str(need) + ", " + budget.over() +
                        "; lower keys, valueSize or threads, or raise loadFactor");

    stream_ = make_stream(p.keys, p.zipf, p.zipfTheta, p.seed, p.updateShare);
    t_.stream = stream_.data();
    // What each key may end with: built once, checked every sample.
    final_ = FinalWrites(stream_.data(), p.keys, host::submissions(p), order_promise(Engine::Host, p.strategy));
    t_.nBuckets = buckets_for(final_.distinct().size(), p.loadFactor);
    uint64_t tableBytes = t_.nBuckets * sizeof(Bucket);

    table_ = AlignedBuf(tableBytes, 4096, "hash table");
    arena_ = AlignedBuf(t_.arenaBytes, 4096, "value arena");
    t_.buckets = reinterpret_cast<Bucket*>(table_.data());
    t_.arena = arena_.data();
    for (uint32_t i = 0; i < workers_; ++i) {
      staging_.emplace_back(stagingBytes, 64, "staging buffer");
      combine_.emplace_back(kCombineBytes, 64, "combine buffer");
    }
  }

  SampleResult runSample() override {
    // Untimed reset: an empty table, and an arena that no longer holds the previous sample's
    // values (a lost write must not pass verification on stale bytes).
    memset(table_.data(), 0, table_.size());
    memset(arena_.data(), 0, arena_.size());

    SampleResult out;
    out.writes = p_.keys;
    std::vector<ThreadResult> results(workers_);
    if (p_.mode == Mode::Concurrent) {
      out.elapsedNs = host::run_together(workers_, [&](uint32_t i) {
        run_range(i, host::share_begin(p_.keys, i, workers_), host::share_begin(p_.keys, i + 1, workers_), results[i], nullptr);
      });
    } else {
      bool timeLatency = p_.mode == Mode::Single && p_.latencyEvery > 0;
      if (timeLatency) out.latencyNs.reserve(p_.keys / p_.latencyEvery + 1);
      uint64_t t0 = now_ns();
      run_range(0, 0, p_.keys, results[0], timeLatency ? &out.latencyNs : nullptr);
      out.elapsedNs = now_ns() - t0;
    }

    double stage = 0, kernel = 0;
    for (const ThreadResult& r : results) {
      stage += double(r.stageNs);
      kernel += double(r.kernelNs);
      out.counters.lockRetries += r.counters.lockRetries;
      out.counters.casFailures += r.counters.casFailures;
      out.counters.probeSteps += r.counters.probeSteps;
    }
    out.phasesNs = {{"stage", stage}, {"kernel", kernel}};
    out.verification = verify_table(t_.buckets, t_.nBuckets, t_.arena, t_.arenaBytes, t_.valueSize, stream_.data(), final_);
    add_notes(out);
    return out;
  }

 private:
  // One submitter: stage each submission's values into its staging buffer (host packing), then
  // hand them to the strategy; `slowdownNs` per write is spun inside the kernel phase.
  void run_range(uint32_t worker, uint64_t begin, uint64_t end, ThreadResult& r, std::vector<uint32_t>* latency) {
    Worker w;
    w.t = &t_;
    w.combine = combine_[worker].data();
    uint8_t* staging = staging_[worker].data();
    const uint32_t batch = host::submission_writes(p_);
    const uint32_t vs = t_.valueSize, stride = t_.stride;
    const uint64_t* stream = stream_.data();

    // A submission is staged and inserted in slices that fit in L2 (whole groups of 32): staged
    // bytes are then still in cache when the strategy copies them, instead of making a round
    // trip to DRAM (a 10,000 x 4 KiB batch would stage 40 MB, 2.5x memcpy's traffic per byte).
    const uint32_t slice = uint32_t(std::max<uint64_t>(kGroupSize, (kStageSliceBytes / stride) / kGroupSize * kGroupSize));
    uint64_t stageNs = 0, kernelNs = 0;  // locals: results[] of neighbouring threads share lines
    uint64_t t = now_ns();
    host::SpinDebt spin(p_.slowdownNs);  // the calibration knob, paid in >= 1 us chunks
    for (uint64_t first = begin; first < end;) {
      uint32_t n = uint32_t(std::min<uint64_t>(batch, end - first));
      uint64_t t0 = t;
      for (uint32_t off = 0; off + slice < n; off += slice) {  // every slice but the last
        for (uint32_t i = 0; i < slice; ++i)
          fill_value(staging + size_t(i) * stride, vs, stream[first + off + i], first + off + i);
        uint64_t staged = now_ns();
        insert_(w, staging, first + off, slice);
        uint64_t done = now_ns();
        stageNs += staged - t;
        kernelNs += done - staged;
        t = done;
      }
      uint32_t last = (n - 1) / slice * slice, m = n - last;
      for (uint32_t i = 0; i < m; ++i)
        fill_value(staging + size_t(i) * stride, vs, stream[first + last + i], first + last + i);
      uint64_t staged = now_ns();
      insert_(w, staging, first + last, m);
      spin.owe(n, first + n >= end);
      uint64_t done = now_ns();
      stageNs += staged - t;
      kernelNs += done - staged;
      if (latency && first % p_.latencyEvery == 0) latency->push_back(uint32_t(std::min<uint64_t>(done - t0, UINT32_MAX)));
      t = done;
      first += n;
    }
    r.stageNs = stageNs;
    r.kernelNs = kernelNs;
    r.counters = w.counters;
  }

  void add_notes(SampleResult& out) const {
    if (p_.mode == Mode::Single)
      out.notes.push_back("single: every write is its own submission (stage + insert call + 2 clock reads)");
    if (p_.mode == Mode::Concurrent) {
      out.notes.push_back("concurrent: phase totals are summed over " + std::to_string(workers_) + " threads");
      unsigned cores = std::thread::hardware_concurrency();
      if (cores && workers_ > cores)
        out.notes.push_back(std::to_string(workers_) + " threads on " + std::to_string(cores) +
                            " cores: oversubscribed, waits yield the core");
    }
    if (p_.strategy == Strategy::WriteCombine && p_.valueSize >= kCombineMaxValue)
      out.notes.push_back("write-combine: values of 256 B and more bypass the combine buffer");
  }

  CaseParams p_;
  std::vector<uint64_t> stream_;
  FinalWrites final_;
  Table t_;
  AlignedBuf table_, arena_;
  std::vector<AlignedBuf> staging_, combine_;
  InsertFn insert_ = nullptr;
  uint32_t workers_ = 1;
};

}  // namespace
}  // namespace wp::cpu

namespace wp {

std::unique_ptr<CaseRunner> makeCpuRunner(const CaseParams& p) {
  try {
    return std::make_unique<cpu::CpuRunner>(p);
  } catch (const std::bad_alloc&) {
    // The key stream and its distinct copy are std::vectors: out of memory there (an address-space
    // limit, a container's cap) would otherwise reach the user as a bare "std::bad_alloc".
    throw ConfigError("keys: out of memory setting up the case (" + std::to_string(p.keys) + " keys, valueSize " +
                      std::to_string(p.valueSize) + ", " + std::to_string(p.threads) +
                      " threads); lower keys, valueSize or threads");
  }
}

}  // namespace wp
