// The CPU backend's case runner: sizes and allocates the table once per case, then per sample
// resets it (untimed), drives the chosen strategy in single, batch or concurrent mode (timed, with
// stage and kernel phases measured apart), and verifies every key (untimed).
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "cpu/skeleton.h"
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


// Aligned, pre-touched buffers; `what` names the region in the error. Large regions sit on
// transparent huge pages where the kernel allows it: random bucket accesses then miss the TLB
// far less, for every strategy alike.
// They are mapped straight from the kernel, not carved from the malloc heap: posix_memalign'd
// buffers of a few MiB fragmented node's heap by about one staging buffer per case, so a sweep's
// resident memory grew without bound; munmap gives everything back on close. Under
// AddressSanitizer they stay on the heap, where ASan checks their bounds.
#if defined(__SANITIZE_ADDRESS__)
#define WP_HEAP_BUFFERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WP_HEAP_BUFFERS 1
#endif
#endif

class AlignedBuf {
 public:
  AlignedBuf() = default;
  AlignedBuf(size_t bytes, size_t align, const char* what) : n_(bytes) {
    constexpr size_t kHuge = size_t(2) << 20;
    bool huge = bytes >= 2 * kHuge;
    if (huge) align = std::max(align, kHuge);
#if defined(WP_HEAP_BUFFERS)
    size_t rounded = bytes;  // exact, so ASan flags the first byte past the buffer
#else
    size_t rounded = (bytes + align - 1) / align * align;
#endif
    if (rounded == 0 || (p_ = allocate(rounded, align)) == nullptr)
      throw ConfigError(std::string("cannot allocate ") + std::to_string(bytes) + " bytes for the " + what);
    len_ = rounded;
#if defined(MADV_HUGEPAGE)
    if (huge) madvise(p_, rounded, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
    memset(p_, 0, rounded);  // touch every page now, not inside a timed sample
  }
  AlignedBuf(AlignedBuf&& o) noexcept : p_(o.p_), n_(o.n_), len_(o.len_) {
    o.p_ = nullptr;
    o.n_ = o.len_ = 0;
  }
  AlignedBuf& operator=(AlignedBuf&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    std::swap(len_, o.len_);
    return *this;
  }
  AlignedBuf(const AlignedBuf&) = delete;
  AlignedBuf& operator=(const AlignedBuf&) = delete;
  ~AlignedBuf() { release(p_, len_); }
  uint8_t* data() const { return p_; }
  size_t size() const { return n_; }

 private:
#if defined(WP_HEAP_BUFFERS)
  static uint8_t* allocate(size_t len, size_t align) {
    void* p = nullptr;
    return posix_memalign(&p, align, len) == 0 ? static_cast<uint8_t*>(p) : nullptr;
  }
  static void release(uint8_t* p, size_t) { free(p); }
#else
  static size_t page() { return size_t(sysconf(_SC_PAGESIZE)); }
  // Maps len (page-rounded) bytes at an `align` boundary: over-map by align, unmap the ends.
  static uint8_t* allocate(size_t len, size_t align) {
    const size_t pg = page(), body = (len + pg - 1) / pg * pg, pad = align > pg ? align : 0;
    void* m = mmap(nullptr, body + pad, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return nullptr;
    uintptr_t base = reinterpret_cast<uintptr_t>(m), start = pad ? (base + align - 1) / align * align : base;
    if (start > base) munmap(m, start - base);
    if (size_t tail = base + body + pad - (start + body)) munmap(reinterpret_cast<void*>(start + body), tail);
    return reinterpret_cast<uint8_t*>(start);
  }
  static void release(uint8_t* p, size_t len) {
    if (p) munmap(p, (len + page() - 1) / page() * page());
  }
#endif

  uint8_t* p_ = nullptr;
  size_t n_ = 0;    // bytes asked for
  size_t len_ = 0;  // bytes allocated (rounded to the alignment)
};

inline uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// The calibration knob must add what it is asked to. The spin polls the clock until the time
// owed has passed: the callers pay it in chunks of >= 1 us, so the poll's cost (~30 ns here)
// is a few percent of the chunk, not of a 5 ns request per single write (which made a "10%"
// slowdown cost 40%). A counted loop with a once-measured rate was no better: its rate, taken
// as the fastest of five, ran 1.3-1.8x slower later on a shared VM (a "10%" cost 17-22%).
void spin_ns(uint64_t ns) {
  if (ns == 0) return;
  const uint64_t until = now_ns() + ns;
  while (now_ns() < until) {
  }
}

InsertFn pick(Strategy s, bool count) {
  switch (s) {
    case Strategy::Baseline: return baseline_insert(count);
    case Strategy::WarpCoop: return warp_coop_insert(count);
    case Strategy::LockFree: return lock_free_insert(count);
    case Strategy::MemOpt: return mem_opt_insert(count);
    case Strategy::WriteCombine: return write_combine_insert(count);
  }
  throw ConfigError("strategy: unknown value");
}

std::string bytes_str(uint64_t b) { return std::to_string(b) + " bytes"; }

uint64_t physical_memory() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
}

struct ThreadResult {
  uint64_t stageNs = 0, kernelNs = 0;
  uint64_t finishedNs = 0;  // when this submitter wrote its last value (thread teardown excluded)
  Counters counters;
  std::exception_ptr error;
};

class CpuRunner final : public CaseRunner {
 public:
  explicit CpuRunner(const CaseParams& p) : p_(p) {
    check_params(p);
    insert_ = pick(p.strategy, p.countConflicts);
    t_.valueSize = p.valueSize;
    t_.stride = value_stride(p.valueSize);
    t_.writes = p.keys;
    t_.arenaBytes = p.keys * uint64_t(t_.stride);
    if (t_.arenaBytes > p.arenaLimitBytes)
      throw ConfigError("arenaLimitBytes: the value arena needs " + bytes_str(t_.arenaBytes) + " (keys " +
                        std::to_string(p.keys) + " x stride " + std::to_string(t_.stride) + " for valueSize " +
                        std::to_string(p.valueSize) + "), above the limit of " + bytes_str(p.arenaLimitBytes) +
                        "; lower keys or valueSize");

    // Refuse before allocating what overcommit would grant and the OOM killer would take back.
    // Upper bound: every key distinct; the stream, its distinct keys and the transient
    // zipf CDF or sort copy cost up to 32 B per write.
    workers_ = p.mode == Mode::Concurrent ? p.threads : 1;
    uint64_t share = (p.keys + workers_ - 1) / workers_;
    uint64_t perSubmission = p.mode == Mode::Single ? 1 : std::min<uint64_t>(p.batchSize, share);
    uint64_t stagingBytes = perSubmission * t_.stride;
    uint64_t tableBound = buckets_for(p.keys, p.loadFactor) * sizeof(Bucket);
    uint64_t need = tableBound + t_.arenaBytes + workers_ * (stagingBytes + kCombineBytes) + 32 * p.keys;
    uint64_t phys = physical_memory();
    if (phys && need > phys / 4 * 3)
      throw ConfigError("keys: the table (" + bytes_str(tableBound) + "), value arena (" + bytes_str(t_.arenaBytes) +
                        "), staging and key stream need " + bytes_str(need) + ", more than 3/4 of this machine's " +
                        bytes_str(phys) + "; lower keys, valueSize or threads, or raise loadFactor");

    stream_ = make_stream(p.keys, p.zipf, p.zipfTheta, p.seed);
    t_.stream = stream_.data();
    distinct_ = distinct_keys(stream_.data(), p.keys);  // sorted once, checked every sample
    t_.nBuckets = buckets_for(distinct_.size(), p.loadFactor);
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
      out.elapsedNs = run_concurrent(results);
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
    out.verification = verify_table_distinct(t_.buckets, t_.nBuckets, t_.arena, t_.arenaBytes, t_.valueSize,
                                             stream_.data(), p_.keys, distinct_.data(), distinct_.size());
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
    const uint32_t batch = p_.mode == Mode::Single ? 1 : p_.batchSize;
    const uint32_t vs = t_.valueSize, stride = t_.stride;
    const uint64_t* stream = stream_.data();

    // A submission is staged and inserted in slices that fit in L2 (whole groups of 32): staged
    // bytes are then still in cache when the strategy copies them, instead of making a round
    // trip to DRAM (a 10,000 x 4 KiB batch would stage 40 MB, 2.5x memcpy's traffic per byte).
    const uint32_t slice = uint32_t(std::max<uint64_t>(kGroupSize, (kStageSliceBytes / stride) / kGroupSize * kGroupSize));
    uint64_t stageNs = 0, kernelNs = 0;  // locals: results[] of neighbouring threads share lines
    uint64_t t = now_ns();
    // Calibration spin owed: paid in chunks of >= 1 us so a loop's fixed entry/exit cost does not
    // add to a few-ns request per single write (the total added time is what the knob promises).
    uint64_t spinDebtNs = 0;
    constexpr uint64_t kSpinChunkNs = 1000;
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
      if (p_.slowdownNs) {
        spinDebtNs += uint64_t(p_.slowdownNs) * n;
        if (spinDebtNs >= kSpinChunkNs || first + n >= end) {
          spin_ns(spinDebtNs);
          spinDebtNs = 0;
        }
      }
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

  // `threads` submitters released together; the calling thread is submitter 0, so no wake-up
  // of its own delays the start. The others spin on the start flag (yielding, so an
  // oversubscribed core still reaches the caller) and only sleep if the start is late. The
  // sample's time is the wall time from the release until the last submitter is done.
  uint64_t run_concurrent(std::vector<ThreadResult>& results) {
    std::atomic<uint32_t> ready{0}, go{0};
    std::vector<std::thread> threads;
    threads.reserve(workers_ - 1);
    auto release = [&] {
      go.store(1, std::memory_order_release);
      go.notify_all();
    };
    auto body = [&](uint32_t i) {
      try {
        run_range(i, p_.keys * i / workers_, p_.keys * (i + 1) / workers_, results[i], nullptr);
        results[i].finishedNs = now_ns();
      } catch (...) {
        results[i].error = std::current_exception();
      }
    };
    try {
      for (uint32_t i = 1; i < workers_; ++i) {
        threads.emplace_back([&, i] {
          ready.fetch_add(1, std::memory_order_release);
          uint64_t deadline = now_ns() + 2000000;  // spin at most 2 ms, then sleep
          for (uint32_t n = 1; go.load(std::memory_order_acquire) == 0; ++n) {
            if (n % 16 == 0) {
              std::this_thread::yield();
              if (now_ns() > deadline) { go.wait(0); break; }
            } else {
              cpu_relax();
            }
          }
          body(i);
        });
      }
    } catch (const std::system_error& e) {
      release();
      for (std::thread& th : threads) th.join();
      throw ConfigError("threads: cannot start " + std::to_string(workers_) + " threads (" + e.what() + ")");
    }
    while (ready.load(std::memory_order_acquire) < workers_ - 1) std::this_thread::yield();
    uint64_t t0 = now_ns();
    release();
    body(0);
    for (std::thread& th : threads) th.join();
    // The sample ends when the last submitter finishes writing; joining (thread teardown) is
    // harness cost, not write-path cost, and would swamp sub-millisecond samples.
    uint64_t last = t0;
    for (const ThreadResult& r : results) {
      if (r.error) std::rethrow_exception(r.error);
      last = std::max(last, r.finishedNs);
    }
    return last - t0;
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
  std::vector<uint64_t> distinct_;
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
