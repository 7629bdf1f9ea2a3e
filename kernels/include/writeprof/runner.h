// The host-only contract between the N-API glue and each backend. Plain C++ (no CUDA types), so
// the addon compiles with g++ whether or not the CUDA backend is linked in.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "limits.h"
#include "strategy.h"
#include "verify.h"

namespace wp {

struct CaseParams {
  Strategy strategy = Strategy::Baseline;
  Mode mode = Mode::Batch;
  uint32_t valueSize = 64;    // bytes, 8 .. 64 KiB
  uint32_t batchSize = 1000;  // writes per submission (batch, concurrent)
  uint32_t threads = 1;       // host threads submitting (concurrent)
  uint64_t keys = 10000;      // writes per sample = size of the key universe
  double loadFactor = 0.5;    // distinct keys / slots
  bool zipf = false;
  double zipfTheta = 0.99;
  double updateShare = 0;     // uniform streams: the share of writes repeating an earlier key (keystream.h)
  uint64_t seed = 42;
  bool countConflicts = true;  // off: counters are not maintained (to measure their cost)
  uint32_t slowdownNs = 0;     // calibration knob: a fixed spin added per write
  uint32_t latencyEvery = 0;   // single mode: time every Nth write (0 = none)
  uint64_t arenaLimitBytes = limits::defaults::kArenaLimitBytes;  // refuse cases whose values would not fit
};

struct Counters {
  uint64_t lockRetries = 0;
  uint64_t casFailures = 0;
  uint64_t probeSteps = 0;
};

// Bytes/s references measured on the device in the same run (CUDA): what a case's bytes per
// second are compared against (results.cases[].bandwidth; the story claims 85% of a copy).
struct BandwidthRefs {
  double deviceCopyBytesPerSec = 0;  // cudaMemcpy device -> device: bytes copied per second
  double pinnedH2DBytesPerSec = 0;   // cudaMemcpy pinned host -> device
  uint64_t deviceCopyBytes = 0;      // transfer size each was measured with
  uint64_t h2dBytes = 0;
};

struct SampleResult {
  uint64_t elapsedNs = 0;  // timed region only
  uint64_t writes = 0;
  // Phase totals over the sample in ns (stage, kernel, h2d, d2h, probe, lock, copy, publish...).
  std::vector<std::pair<std::string, double>> phasesNs;
  Counters counters;
  Verification verification;
  std::vector<uint32_t> latencyNs;  // sampled per-write latencies (single mode)
  std::vector<std::string> notes;   // e.g. how single writes are launched on the GPU
  std::optional<BandwidthRefs> bandwidth;  // CUDA only
};

// Bad configuration (capacity, arena, unsupported combination): message shown to the user.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CaseRunner {
 public:
  virtual ~CaseRunner() = default;
  // Resets the table, runs one timed sample, verifies it (outside the timed region).
  virtual SampleResult runSample() = 0;
  // Lets go of what the case holds outside this process (a peer's keys on its server). Called
  // off the event loop before the runner is dropped; the default has nothing to release.
  virtual void finish() {}
};

std::unique_ptr<CaseRunner> makeCpuRunner(const CaseParams& p);

struct CudaStatus {
  bool compiled = false;   // addon built with the CUDA backend
  bool available = false;  // a usable device answered
  std::string reason;      // why not, in the runtime's own words
  std::string name;
  int ccMajor = 0, ccMinor = 0, sms = 0;
  uint64_t memoryBytes = 0;
  double memBandwidthGBs = 0;  // theoretical
  int pcieGen = 0, pcieWidth = 0;
  int runtimeVersion = 0, driverVersion = 0;
};

CudaStatus cudaStatus();

// The strategy file this build of the CUDA runner is linked with (WP_STRATEGY in the file,
// writeprof/kernel.cuh), as the host sees it; `present` false in writeprof's own builds.
struct StrategyFileInfo {
  bool present = false;
  uint32_t apiVersion = 0, block = 0, writesPerBlock = 0, orderRun = 0;
  bool single = false;            // it has a single-write entry (WP_STRATEGY_SINGLE)
  uint32_t kernelApiVersion = 0;  // the interface version this runner speaks
};
StrategyFileInfo strategyFileInfo();
std::unique_ptr<CaseRunner> makeCudaRunner(const CaseParams& p);  // throws ConfigError if unusable

// The host SIMT emulator's settings (kernels/emu): only the emulator addon runs these cases.
struct EmuOptions {
  uint64_t seed = limits::defaults::kEmulatorSeed;  // scheduler seed; a failing seed reproduces the interleaving
  uint32_t workers = limits::defaults::kEmulatorWorkers;  // OS threads running blocks (0: one per core)
  double timeoutSec = limits::defaults::kEmulatorTimeoutSec;  // no thread making progress this long fails the case
};
std::unique_ptr<CaseRunner> makeEmulatedCudaRunner(const CaseParams& p, const EmuOptions& o);
// The same runner built from the instrumented objects, under `writeprof check`'s tools (kernels/emu/check).
std::unique_ptr<CaseRunner> makeCheckedCudaRunner(const CaseParams& p, const EmuOptions& o);

}  // namespace wp
