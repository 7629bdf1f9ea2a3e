// ThreadSanitizer driver: every strategy in concurrent mode, 2..8 threads, uniform and hot zipf
// keys, values from 8 B (combine buffer) to 4 KiB (mem-opt's streaming stores), several batch
// sizes; two samples per case (the reset between samples runs too). Then the table-full paths
// with several writers throwing at once. Any race is a TSan report (the script makes it fatal);
// any lost, stale or corrupted write, or an unexpected error, fails the exit status.
// The libcuckoo peer's concurrent runner as well (its submitters, staging and arena; libcuckoo's
// own locking), both stores.
// Usage: tsan_driver [--quick]
#include <cstdio>
#include <cstring>
#include <exception>

#include "table_full.h"
#include "writeprof/peers.h"
#include "writeprof/runner.h"

using namespace wp;

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  struct Strat { Strategy s; const char* name; };
  const Strat strategies[] = {{Strategy::Baseline, "baseline"}, {Strategy::WarpCoop, "warp-coop"},
                              {Strategy::LockFree, "lock-free"}, {Strategy::MemOpt, "mem-opt"},
                              {Strategy::WriteCombine, "write-combine"}};
  struct Dist { bool zipf; double theta; const char* name; };
  const Dist dists[] = {{false, 0, "uniform"}, {true, 0.99, "zipf:0.99"}, {true, 2.0, "zipf:2"}};
  const uint32_t threadCounts[] = {2, 3, 8};
  const uint32_t valueSizes[] = {8, 64, 300, 4096};
  const uint32_t batches[] = {1, 7, 64};

  int failures = 0, runs = 0, n = 0;
  for (const Strat& st : strategies)
    for (const Dist& d : dists)
      for (uint32_t threads : threadCounts)
        for (uint32_t vs : valueSizes) {
          CaseParams p;
          p.strategy = st.s;
          p.mode = Mode::Concurrent;
          p.threads = threads;
          p.valueSize = vs;
          p.zipf = d.zipf;
          p.zipfTheta = d.theta;
          p.updateShare = d.zipf ? 0 : 0.25;  // uniform streams update a quarter of their keys
          p.batchSize = batches[n++ % 3];
          p.keys = quick ? 300 : (vs >= 4096 ? 600 : 1500);
          p.loadFactor = n % 2 ? 0.9 : 0.5;  // long probe paths as well as short ones
          p.countConflicts = n % 5 != 0;
          try {
            auto r = makeCpuRunner(p);
            for (int i = 0; i < 2; ++i) {
              SampleResult res = r->runSample();
              ++runs;
              const Verification& v = res.verification;
              if (v.lost || v.stale || v.corrupted || v.verified != v.distinct || res.writes != p.keys) {
                ++failures;
                std::printf("FAIL %s %s threads=%u size=%u batch=%u: distinct=%llu verified=%llu lost=%llu stale=%llu corrupted=%llu\n",
                            st.name, d.name, threads, vs, p.batchSize, (unsigned long long)v.distinct,
                            (unsigned long long)v.verified, (unsigned long long)v.lost, (unsigned long long)v.stale,
                            (unsigned long long)v.corrupted);
              }
            }
          } catch (const std::exception& e) {
            ++failures;
            std::printf("ERROR %s %s threads=%u size=%u: %s\n", st.name, d.name, threads, vs, e.what());
          }
        }
  for (CuckooStore store : {CuckooStore::Arena, CuckooStore::Inline})
    for (const Dist& d : dists)
      for (uint32_t threads : threadCounts) {
        CaseParams p;
        p.mode = Mode::Concurrent;
        p.threads = threads;
        p.valueSize = 64;
        p.zipf = d.zipf;
        p.zipfTheta = d.theta;
        p.updateShare = d.zipf ? 0 : 0.25;
        p.batchSize = batches[n++ % 3];
        p.keys = quick ? 300 : 1500;
        try {
          auto r = makeCuckooRunner(p, store);
          for (int i = 0; i < 2; ++i) {
            const Verification v = r->runSample().verification;
            ++runs;
            if (v.lost || v.stale || v.corrupted || v.verified != v.distinct) {
              ++failures;
              std::printf("FAIL libcuckoo %s threads=%u: lost=%llu stale=%llu corrupted=%llu\n", d.name, threads,
                          (unsigned long long)v.lost, (unsigned long long)v.stale, (unsigned long long)v.corrupted);
            }
          }
        } catch (const std::exception& e) {
          ++failures;
          std::printf("ERROR libcuckoo %s threads=%u: %s\n", d.name, threads, e.what());
        }
      }
  std::printf("tsan: %d concurrent samples, %d failures\n", runs, failures);
  failures += wpsan::check_table_full(quick ? 3 : 6);
  return failures ? 1 : 0;
}
