// What last-writer verification costs beside the writes it checks, on the CPU backend, measured
// side by side in one process (absolute times on a shared machine mean little; the ratios do).
// Per write of one case:
//   build   FinalWrites over the stream: which write each key may end with (once per case), under
//           the host's promise (program order) and under a kernel's (a batch's writes race);
//   verify  verify_table over a table holding the stream (every sample);
//   write   the CPU runner's timed writes of the same case (the sample verification follows).
//   verify_cost --strategy mem-opt --keys 1000000 --batch 1000000 --update-share 0.25 --samples 5
// Prints one JSON object. Build: see bench/README.md ("Profiling a strategy").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "../peer/common.h"
#include "writeprof/host/split.h"
#include "writeprof/keystream.h"
#include "writeprof/pattern.h"
#include "writeprof/runner.h"
#include "writeprof/verify.h"

namespace {

double now_ns() {
  return double(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// The stream written in order into a fresh table, one write at a time (what every strategy's
// table holds after a sample that verifies).
void fill(std::vector<wp::Bucket>& table, std::vector<uint8_t>& arena, const std::vector<uint64_t>& stream, uint32_t valueSize) {
  const uint32_t stride = wp::value_stride(valueSize);
  for (uint64_t w = 0; w < stream.size(); ++w) {
    wp::fill_value(arena.data() + wp::arena_offset(w, stride), valueSize, stream[w], w);
    for (uint64_t b = wp::home_bucket(stream[w], table.size());; b = wp::next_bucket(b, table.size())) {
      bool isNew = false;
      int s = wp::locked_find_or_place(table[b], stream[w], &isNew);
      if (s < 0) continue;
      wp::publish_locked(table[b], s, stream[w], wp::arena_offset(w, stride), valueSize, isNew);
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::Flags f(argc, argv, {"strategy", "mode", "value-size", "keys", "threads", "batch", "dist", "update-share", "samples", "load-factor"});
  wp::CaseParams p;
  const std::string s = f.str("strategy", "mem-opt"), m = f.str("mode", "batch"), d = f.str("dist", "uniform");
  const std::pair<const char*, wp::Strategy> strategies[] = {{"baseline", wp::Strategy::Baseline}, {"warp-coop", wp::Strategy::WarpCoop},
                                                             {"lock-free", wp::Strategy::LockFree}, {"mem-opt", wp::Strategy::MemOpt},
                                                             {"write-combine", wp::Strategy::WriteCombine}};
  bool known = false;
  for (auto& [name, st] : strategies)
    if (s == name) p.strategy = st, known = true;
  if (!known) bench::fail("--strategy " + s + ": allowed baseline, warp-coop, lock-free, mem-opt, write-combine");
  if (m == "batch") p.mode = wp::Mode::Batch;
  else if (m == "concurrent") p.mode = wp::Mode::Concurrent;
  else bench::fail("--mode " + m + ": allowed batch, concurrent");
  p.valueSize = uint32_t(f.u64("value-size", 64, 8, 65536));
  p.keys = f.u64("keys", 1000000, 1, 100000000);
  p.threads = uint32_t(f.u64("threads", 2, 1, 256));
  p.batchSize = uint32_t(f.u64("batch", 1000000, 1, 1000000));
  p.loadFactor = f.f64("load-factor", 0.5, 0, 0.95);
  p.updateShare = f.f64("update-share", 0.25, -1, 0.99);
  if (d != "uniform") {
    if (d.rfind("zipf:", 0) != 0) bench::fail("--dist " + d + ": allowed uniform, zipf:<theta>");
    p.zipf = true;
    p.zipfTheta = std::stod(d.substr(5));
  }
  const uint32_t samples = uint32_t(f.u64("samples", 5, 1, 1000));
  try {
    const std::vector<uint64_t> stream = wp::make_stream(p.keys, p.zipf, p.zipfTheta, p.seed, p.updateShare);
    std::vector<double> buildHost, buildDevice, verify, write;
    wp::FinalWrites fw;
    for (uint32_t i = 0; i < samples; ++i) {
      double t0 = now_ns();
      fw = wp::FinalWrites(stream.data(), p.keys, wp::host::submissions(p), wp::order_promise(wp::Engine::Host, p.strategy));
      double t1 = now_ns();
      wp::FinalWrites racing(stream.data(), p.keys, wp::host::submissions(p), wp::OrderPromise{1});
      double t2 = now_ns();
      buildHost.push_back((t1 - t0) / double(p.keys));
      buildDevice.push_back((t2 - t1) / double(p.keys));
    }
    std::vector<wp::Bucket> table(wp::buckets_for(fw.distinct().size(), p.loadFactor));
    std::vector<uint8_t> arena(p.keys * wp::value_stride(p.valueSize));
    fill(table, arena, stream, p.valueSize);
    wp::Verification v;
    for (uint32_t i = 0; i < samples; ++i) {
      double t0 = now_ns();
      v = wp::verify_table(table.data(), table.size(), arena.data(), arena.size(), p.valueSize, stream.data(), fw);
      verify.push_back((now_ns() - t0) / double(p.keys));
    }
    auto runner = wp::makeCpuRunner(p);
    for (uint32_t i = 0; i < samples; ++i) write.push_back(double(runner->runSample().elapsedNs) / double(p.keys));
    const double w = median(write);
    std::printf(
        "{\"strategy\":\"%s\",\"keys\":%llu,\"batch\":%u,\"updateShare\":%g,\"distinct\":%llu,\"verified\":%llu,"
        "\"buildNsPerWrite\":%.2f,\"buildRacingNsPerWrite\":%.2f,\"verifyNsPerWrite\":%.2f,\"writeNsPerWrite\":%.2f,"
        "\"verifyOverWrite\":%.3f,\"buildOverWrite\":%.3f}\n",
        s.c_str(), (unsigned long long)p.keys, p.batchSize, p.updateShare, (unsigned long long)v.distinct,
        (unsigned long long)v.verified, median(buildHost), median(buildDevice), median(verify), w, median(verify) / w,
        median(buildHost) / w);
    if (v.verified != v.distinct) bench::fail("the filled table did not verify: " + std::to_string(v.verified) + " of " + std::to_string(v.distinct));
  } catch (const std::exception& e) {
    bench::fail(e.what());
  }
  return 0;
}
