// Racecheck's memory of past accesses: for every 8-byte granule, up to four accesses (who, at which
// clock, which bytes, read/write/atomic, where in the code), as ThreadSanitizer keeps them. Global
// and host memory shadow lives in pages created on first touch, each with its own lock (blocks
// run on several OS threads); shared memory shadow belongs to the OS thread running the block, and
// a slot from another block's thread simply counts as empty.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

namespace wpemu::check {

struct Slot {
  uint32_t agent = 0;  // 0: empty
  uint32_t clock = 0;
  uint32_t pc = 0;     // module offset of the access
  uint8_t mask = 0;    // bytes of the granule
  uint8_t flags = 0;   // kWrite | kAtomic
  uint16_t pad = 0;
};
static_assert(sizeof(Slot) == 16);
constexpr uint8_t kWrite = 1, kAtomic = 2;
constexpr int kSlots = 4;

struct Granule {
  Slot s[kSlots];
};

class SpinLock {
 public:
  void lock() {
    while (f_.test_and_set(std::memory_order_acquire))
      while (f_.test(std::memory_order_relaxed)) __builtin_ia32_pause();
  }
  void unlock() { f_.clear(std::memory_order_release); }

 private:
  std::atomic_flag f_ = ATOMIC_FLAG_INIT;
};

// Global and host memory: 4 KiB of memory per page of shadow.
class GlobalShadow {
 public:
  static constexpr unsigned kPageShift = 12;
  static constexpr size_t kGranules = (size_t(1) << kPageShift) / 8;
  struct Page {
    SpinLock lock;
    Granule g[kGranules];
  };
  GlobalShadow();
  ~GlobalShadow();
  // The page for `addr`, created on first use (null when over budget).
  Page* page(uintptr_t addr);
  // Forget the accesses to [a, a + n): a copy or memset by a stream starts that memory afresh.
  void clear(uintptr_t a, size_t n);
  void reset();
  bool over_budget() const { return overBudget_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kTable = size_t(1) << 20;  // open addressing, page number -> Page
  std::unique_ptr<std::atomic<uint64_t>[]> keys_;
  std::unique_ptr<std::atomic<Page*>[]> vals_;
  std::mutex mu_;
  std::vector<size_t> used_;
  std::atomic<size_t> pages_{0};
  std::atomic<bool> overBudget_{false};
  Page* find(uint64_t pn, bool create);
};

}  // namespace wpemu::check
