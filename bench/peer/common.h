// Shared bits of the peer drivers: flag parsing, a start barrier, medians and a tiny JSON writer.
// The drivers print exactly one JSON object on stdout; errors are one line on stderr, exit 2.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace bench {

[[noreturn]] inline void fail(const std::string& msg) {
  std::fprintf(stderr, "%s\n", msg.c_str());
  std::exit(2);
}

// --name value pairs; every flag must be known to the caller (listed in `allowed`).
struct Flags {
  std::map<std::string, std::string> v;
  Flags(int argc, char** argv, const std::vector<std::string>& allowed) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0 || i + 1 >= argc) fail("bad argument: " + a + " (expected --flag value)");
      std::string name = a.substr(2);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) fail("unknown flag: --" + name);
      v[name] = argv[++i];
    }
  }
  std::string str(const std::string& k, const std::string& def) const {
    auto it = v.find(k);
    return it == v.end() ? def : it->second;
  }
  uint64_t u64(const std::string& k, uint64_t def, uint64_t lo, uint64_t hi) const {
    auto it = v.find(k);
    if (it == v.end()) return def;
    char* end = nullptr;
    unsigned long long x = std::strtoull(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end || x < lo || x > hi)
      fail("--" + k + " " + it->second + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return x;
  }
  double f64(const std::string& k, double def, double lo, double hi) const {
    auto it = v.find(k);
    if (it == v.end()) return def;
    char* end = nullptr;
    double x = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end || !(x > lo && x <= hi))
      fail("--" + k + " " + it->second + ": expected a number in (" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return x;
  }
};

// All threads leave together; the spin keeps the release latency far below a sample's length.
class StartGate {
  std::atomic<uint32_t> arrived_{0};
  std::atomic<bool> open_{false};
 public:
  void reset() { arrived_ = 0; open_ = false; }
  void arrive() { arrived_.fetch_add(1); while (!open_.load(std::memory_order_acquire)) std::this_thread::yield(); }
  void openWhen(uint32_t n) {
    while (arrived_.load() < n) std::this_thread::yield();
    open_.store(true, std::memory_order_release);
  }
};

inline uint64_t nowNs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch()).count());
}

inline double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  size_t n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

inline std::string jsonArray(const std::vector<double>& xs) {
  std::string s = "[";
  char buf[64];
  for (size_t i = 0; i < xs.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.6g", i ? "," : "", xs[i]);
    s += buf;
  }
  return s + "]";
}

inline std::string jsonStr(const std::string& x) {
  std::string s = "\"";
  for (char c : x) {
    if (c == '"' || c == '\\') s += '\\';
    s += c;
  }
  return s + "\"";
}

}  // namespace bench
