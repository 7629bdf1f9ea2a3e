// Submitters released together (concurrent mode of every runner, the peers' T connections): the
// calling thread is submitter 0, so no wake-up of its own delays the start. The others spin on the
// start flag (yielding, so an oversubscribed core still reaches the caller) and only sleep if the
// start is late. The time is the wall time from the release until the last submitter finished
// its work: joining (thread teardown) is harness cost, not write-path cost, and would swamp
// sub-millisecond samples.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "writeprof/host/clock.h"
#include "writeprof/runner.h"

namespace wp::host {

// Runs prepare(i) (untimed: per-thread setup, e.g. binding a device) and then, once every
// submitter is ready, body(i), for i in [0, n). Returns ns from the release until the last
// body returned. The first exception (by submitter) is rethrown after every thread joined; a
// submitter whose prepare threw skips its body.
inline uint64_t run_together(uint32_t n, const std::function<void(uint32_t)>& body,
                             const std::function<void(uint32_t)>& prepare = nullptr) {
  std::vector<std::exception_ptr> errors(n);
  std::vector<uint64_t> finished(n, 0);
  std::atomic<uint32_t> ready{0}, go{0};
  auto run = [&](uint32_t i) {
    if (errors[i]) return;
    try {
      body(i);
    } catch (...) {
      errors[i] = std::current_exception();
    }
    finished[i] = now_ns();
  };
  auto setup = [&](uint32_t i) {
    if (!prepare) return;
    try {
      prepare(i);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  auto release = [&] {
    go.store(1, std::memory_order_release);
    go.notify_all();
  };
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  try {
    for (uint32_t i = 1; i < n; ++i) {
      threads.emplace_back([&, i] {
        setup(i);
        ready.fetch_add(1, std::memory_order_release);
        uint64_t deadline = now_ns() + 2000000;  // spin at most 2 ms, then sleep
        for (uint32_t k = 1; go.load(std::memory_order_acquire) == 0; ++k) {
          if (k % 16 == 0) {
            std::this_thread::yield();
            if (now_ns() > deadline) {
              go.wait(0);
              break;
            }
          } else {
            cpu_relax();
          }
        }
        run(i);
      });
    }
  } catch (const std::system_error& e) {
    release();
    for (std::thread& th : threads) th.join();
    throw ConfigError("threads: cannot start " + std::to_string(n) + " threads (" + e.what() + ")");
  }
  setup(0);
  while (ready.load(std::memory_order_acquire) < n - 1) std::this_thread::yield();
  uint64_t t0 = now_ns();
  release();
  run(0);
  for (std::thread& th : threads) th.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  uint64_t last = t0;
  for (uint64_t f : finished) last = std::max(last, f);
  return last - t0;
}

}  // namespace wp::host
