// The limit for `make bench`: memcpy bandwidth with T threads at once, each copying its own
// buffer (far larger than the last-level cache by default), median of several repetitions.
// Bytes counted are bytes copied (= bytes written), the unit writeprof's bytesPerSec uses.
// Also reported: memset (store-only) bandwidth over the same buffers, the reference for a writer
// that produces its bytes in cache and only stores them (memcpy also has to read a source).
// glibc picks its memcpy at run time (ifunc on the CPU's features), so compiler flags do not
// change what is measured here.
#include "common.h"

int main(int argc, char** argv) {
  bench::Flags f(argc, argv, {"threads", "mib-per-thread", "reps"});
  const uint32_t threads = uint32_t(f.u64("threads", 2, 1, 256));
  const uint64_t bytes = f.u64("mib-per-thread", 256, 1, 1ull << 20) << 20;
  const uint32_t reps = uint32_t(f.u64("reps", 7, 1, 1000));

  std::vector<uint8_t*> src(threads), dst(threads);
  for (uint32_t t = 0; t < threads; ++t) {
    src[t] = static_cast<uint8_t*>(std::aligned_alloc(4096, bytes));
    dst[t] = static_cast<uint8_t*>(std::aligned_alloc(4096, bytes));
    if (!src[t] || !dst[t]) bench::fail("out of memory: " + std::to_string(2 * bytes * threads) + " bytes");
    std::memset(src[t], int(t + 1), bytes);  // fault every page in before timing
    std::memset(dst[t], 0, bytes);
  }

  // One timed pass of `op` on every thread at once: bytes per second over all threads.
  auto pass = [&](bool copy) {
    bench::StartGate gate;
    std::vector<uint64_t> start(threads), end(threads);
    std::vector<std::thread> pool;
    for (uint32_t t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        gate.arrive();
        start[t] = bench::nowNs();
        if (copy) std::memcpy(dst[t], src[t], bytes);
        else std::memset(dst[t], int(t + 7), bytes);
        end[t] = bench::nowNs();
      });
    gate.openWhen(threads);
    for (auto& th : pool) th.join();
    uint64_t t0 = *std::min_element(start.begin(), start.end());
    uint64_t t1 = *std::max_element(end.begin(), end.end());
    return double(bytes) * threads / (double(t1 - t0) * 1e-9);
  };
  std::vector<double> bw, setBw;
  for (uint32_t rep = 0; rep <= reps; ++rep) {  // rep 0 is a warm-up
    double c = pass(true), m = pass(false);
    if (rep > 0) { bw.push_back(c); setBw.push_back(m); }
  }
  pass(true);  // leave dst holding copied bytes for the check below
  // Keep the copies observable so the compiler cannot drop them.
  uint64_t check = 0;
  for (uint32_t t = 0; t < threads; ++t) check += dst[t][bytes - 1];
  for (uint32_t t = 0; t < threads; ++t) { std::free(src[t]); std::free(dst[t]); }

  std::printf("{\"limit\":\"memcpy\",\"threads\":%u,\"bytesPerThread\":%llu,\"reps\":%u,\"samples\":%s,"
              "\"bytesPerSec\":%.6g,\"setSamples\":%s,\"setBytesPerSec\":%.6g,\"check\":%llu}\n",
              threads, (unsigned long long)bytes, reps, bench::jsonArray(bw).c_str(), bench::median(bw),
              bench::jsonArray(setBw).c_str(), bench::median(setBw), (unsigned long long)check);
  return 0;
}
