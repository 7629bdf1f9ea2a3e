// ASan+UBSan driver for the CPU backend (no Node): runs every strategy x mode, hot-key zipf,
// high load and odd value sizes through makeCpuRunner and fails on any lost, stale or corrupted write,
// then the table-full paths (table_full.h). Built and run by scripts/sanitize.sh.
#include <cstdio>
#include <exception>

#include "table_full.h"
#include "writeprof/runner.h"

using namespace wp;

int main() {
  const Strategy strategies[] = {Strategy::Baseline, Strategy::WarpCoop, Strategy::LockFree, Strategy::MemOpt,
                                 Strategy::WriteCombine};
  const Mode modes[] = {Mode::Single, Mode::Batch, Mode::Concurrent};
  struct Shape { uint32_t valueSize; bool zipf; double theta; double load; uint32_t threads; uint32_t batch; uint64_t keys; };
  const Shape shapes[] = {
      {64, false, 0, 0.5, 4, 64, 3000},   {13, true, 1.5, 0.9, 4, 7, 3000},   {300, true, 3.0, 0.5, 3, 33, 2000},
      {1024, false, 0, 0.95, 2, 100, 1500}, {8, true, 0.99, 1.0, 8, 1, 2000}, {65536, false, 0, 0.5, 2, 3, 40},
  };
  int failures = 0, runs = 0;
  for (Strategy s : strategies)
    for (Mode m : modes)
      for (const Shape& sh : shapes) {
        CaseParams p;
        p.strategy = s;
        p.mode = m;
        p.valueSize = sh.valueSize;
        p.zipf = sh.zipf;
        p.zipfTheta = sh.theta;
        p.updateShare = sh.zipf ? 0 : 0.25;  // uniform streams update a quarter of their keys
        p.loadFactor = sh.load;
        p.threads = sh.threads;
        p.batchSize = sh.batch;
        p.keys = sh.keys;
        p.latencyEvery = 7;
        try {
          auto r = makeCpuRunner(p);
          for (int i = 0; i < 2; ++i) {
            SampleResult res = r->runSample();
            ++runs;
            const Verification& v = res.verification;
            if (v.lost || v.stale || v.corrupted || v.verified != v.distinct) {
              ++failures;
              std::printf("FAIL strategy=%d mode=%d size=%u zipf=%d load=%.2f: distinct=%llu verified=%llu lost=%llu stale=%llu corrupted=%llu\n",
                          int(s), int(m), sh.valueSize, int(sh.zipf), sh.load, (unsigned long long)v.distinct,
                          (unsigned long long)v.verified, (unsigned long long)v.lost, (unsigned long long)v.stale,
                          (unsigned long long)v.corrupted);
            }
          }
        } catch (const std::exception& e) {
          ++failures;
          std::printf("ERROR strategy=%d mode=%d size=%u: %s\n", int(s), int(m), sh.valueSize, e.what());
        }
      }
  std::printf("%d samples, %d failures\n", runs, failures);
  failures += wpsan::check_table_full(4);
  return failures ? 1 : 0;
}
