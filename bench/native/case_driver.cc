// A native-only driver of one CPU case (makeCpuRunner, no Node): for `perf stat`, `perf record`
// and callgrind, which see the strategy code without the Node process around it.
//   case_driver --strategy lock-free --mode concurrent --value-size 64 --keys 1000000
//               --threads 2 --batch 10000 --dist uniform --update-share 0.25 --samples 5 --count 1
// Prints one JSON line per sample: ops/s, ns per write in stage and kernel, conflicts per write.
#include <cstdio>
#include <string>

#include "../peer/common.h"
#include "writeprof/runner.h"

int main(int argc, char** argv) {
  bench::Flags f(argc, argv, {"strategy", "mode", "value-size", "keys", "threads", "batch", "dist", "samples",
                              "count", "load-factor", "seed", "update-share"});
  wp::CaseParams p;
  std::string s = f.str("strategy", "lock-free"), m = f.str("mode", "concurrent"), d = f.str("dist", "uniform");
  if (s == "baseline") p.strategy = wp::Strategy::Baseline;
  else if (s == "warp-coop") p.strategy = wp::Strategy::WarpCoop;
  else if (s == "lock-free") p.strategy = wp::Strategy::LockFree;
  else if (s == "mem-opt") p.strategy = wp::Strategy::MemOpt;
  else if (s == "write-combine") p.strategy = wp::Strategy::WriteCombine;
  else bench::fail("--strategy " + s + ": allowed baseline, warp-coop, lock-free, mem-opt, write-combine");
  if (m == "single") p.mode = wp::Mode::Single;
  else if (m == "batch") p.mode = wp::Mode::Batch;
  else if (m == "concurrent") p.mode = wp::Mode::Concurrent;
  else bench::fail("--mode " + m + ": allowed single, batch, concurrent");
  p.valueSize = uint32_t(f.u64("value-size", 64, 8, 65536));
  p.keys = f.u64("keys", 1000000, 1, 1ull << 32);
  p.threads = uint32_t(f.u64("threads", 2, 1, 1024));
  p.batchSize = uint32_t(f.u64("batch", 10000, 1, 1u << 30));
  p.loadFactor = f.f64("load-factor", 0.5, 0, 0.95);
  p.seed = f.u64("seed", 42, 0, ~0ull);
  p.countConflicts = f.u64("count", 1, 0, 1) == 1;
  p.updateShare = f.f64("update-share", 0, -1, 0.99);
  if (d != "uniform") {
    if (d.rfind("zipf:", 0) != 0) bench::fail("--dist " + d + ": allowed uniform, zipf:<theta>");
    p.zipf = true;
    p.zipfTheta = std::stod(d.substr(5));
  }
  uint32_t samples = uint32_t(f.u64("samples", 5, 1, 100000));
  try {
    auto r = wp::makeCpuRunner(p);
    for (uint32_t i = 0; i < samples; ++i) {
      wp::SampleResult x = r->runSample();
      double w = double(x.writes);
      double stage = 0, kernel = 0;
      for (auto& [k, v] : x.phasesNs) {
        if (k == "stage") stage += v;
        if (k == "kernel") kernel += v;
      }
      std::printf("{\"sample\":%u,\"opsPerSec\":%.6g,\"GBps\":%.3f,\"stageNsPerWrite\":%.2f,\"kernelNsPerWrite\":%.2f,"
                  "\"lockRetries\":%.4f,\"casFailures\":%.4f,\"probeSteps\":%.4f,\"lost\":%llu,\"stale\":%llu,\"corrupted\":%llu}\n",
                  i, w / (x.elapsedNs * 1e-9), w * p.valueSize / x.elapsedNs, stage / w, kernel / w,
                  x.counters.lockRetries / w, x.counters.casFailures / w, x.counters.probeSteps / w,
                  (unsigned long long)x.verification.lost, (unsigned long long)x.verification.stale,
                  (unsigned long long)x.verification.corrupted);
    }
  } catch (const std::exception& e) {
    bench::fail(e.what());
  }
  return 0;
}
