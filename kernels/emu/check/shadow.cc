#include "shadow.h"

#include <algorithm>

namespace wpemu::check {

namespace {
// 32 KiB of shadow per 4 KiB page: at most 512 MiB of shadow, for 64 MiB of memory touched by kernels
// (beyond that racecheck says it stopped recording; check sizes are far below).
constexpr size_t kMaxPages = 16384;

inline size_t slot_of(uint64_t pn, size_t mask) { return size_t((pn * 0x9e3779b97f4a7c15ULL) >> 20) & mask; }
}  // namespace

GlobalShadow::GlobalShadow() : keys_(new std::atomic<uint64_t>[kTable]), vals_(new std::atomic<Page*>[kTable]) {
  for (size_t i = 0; i < kTable; ++i) {
    keys_[i].store(0, std::memory_order_relaxed);
    vals_[i].store(nullptr, std::memory_order_relaxed);
  }
}

GlobalShadow::~GlobalShadow() { reset(); }

GlobalShadow::Page* GlobalShadow::find(uint64_t pn, bool create) {
  const uint64_t key = pn + 1;  // 0 marks a free entry
  size_t i = slot_of(pn, kTable - 1);
  for (size_t probes = 0; probes < kTable; ++probes, i = (i + 1) & (kTable - 1)) {
    uint64_t k = keys_[i].load(std::memory_order_acquire);
    if (k == key) {
      Page* p;
      while (!(p = vals_[i].load(std::memory_order_acquire))) __builtin_ia32_pause();  // being created
      return p;
    }
    if (k != 0) continue;
    if (!create) return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    k = keys_[i].load(std::memory_order_acquire);
    if (k == key) return find(pn, create);
    if (k != 0) continue;
    if (pages_.load(std::memory_order_relaxed) >= kMaxPages) {
      overBudget_.store(true, std::memory_order_relaxed);
      return nullptr;
    }
    Page* p = new Page();
    keys_[i].store(key, std::memory_order_release);
    vals_[i].store(p, std::memory_order_release);
    used_.push_back(i);
    pages_.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  return nullptr;
}

GlobalShadow::Page* GlobalShadow::page(uintptr_t addr) { return find(addr >> kPageShift, true); }

void GlobalShadow::clear(uintptr_t a, size_t n) {
  for (uintptr_t g = a & ~uintptr_t(7); g < a + n; g += 8) {
    Page* p = find(g >> kPageShift, false);
    if (!p) {  // nothing recorded on this page: skip to the next
      g = ((g >> kPageShift) + 1) << kPageShift;
      g -= 8;
      continue;
    }
    std::lock_guard<SpinLock> lock(p->lock);
    const uintptr_t pageEnd = ((g >> kPageShift) + 1) << kPageShift;
    for (; g < a + n && g < pageEnd; g += 8) {
      Granule& gr = p->g[(g >> 3) & (kGranules - 1)];
      for (Slot& s : gr.s) s = Slot{};
    }
    g -= 8;
  }
}

void GlobalShadow::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i : used_) {
    delete vals_[i].load(std::memory_order_relaxed);
    vals_[i].store(nullptr, std::memory_order_relaxed);
    keys_[i].store(0, std::memory_order_relaxed);
  }
  used_.clear();
  pages_.store(0);
  overBudget_.store(false);
}

}  // namespace wpemu::check
