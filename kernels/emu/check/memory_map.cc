#include "memory_map.h"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>

namespace wpemu::check {

namespace {

constexpr size_t kFreedKept = 4096;

struct ModuleSearch {
  uintptr_t inside;
  std::vector<std::pair<uintptr_t, uintptr_t>>* out;
};

// The PT_LOAD segments of the module that holds `inside` (this code, and the kernels with it).
int find_segments(dl_phdr_info* info, size_t, void* data) {
  auto* s = static_cast<ModuleSearch*>(data);
  std::vector<std::pair<uintptr_t, uintptr_t>> segs;
  bool mine = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t lo = info->dlpi_addr + ph.p_vaddr, hi = lo + ph.p_memsz;
    segs.emplace_back(lo, hi);
    if (s->inside >= lo && s->inside < hi) mine = true;
  }
  if (!mine) return 0;
  *s->out = segs;
  return 1;
}

}  // namespace

void Alloc::mark_written(uintptr_t a, size_t n) {
  if (!init) return;
  uintptr_t lo = std::max(a, base), hi = std::min(a + n, end);
  for (uintptr_t b = lo; b < hi;) {
    const size_t bit = b - base, word = bit / 64, off = bit % 64;
    const size_t take = std::min<size_t>(64 - off, hi - b);
    const uint64_t m = take == 64 ? ~0ull : ((1ull << take) - 1) << off;
    if ((init[word].load(std::memory_order_relaxed) & m) != m) init[word].fetch_or(m, std::memory_order_relaxed);
    b += take;
  }
}

int64_t Alloc::first_unwritten(uintptr_t a, size_t n) const {
  if (!init) return -1;
  uintptr_t lo = std::max(a, base), hi = std::min(a + n, end);
  for (uintptr_t b = lo; b < hi;) {
    const size_t bit = b - base, word = bit / 64, off = bit % 64;
    const size_t take = std::min<size_t>(64 - off, hi - b);
    const uint64_t m = take == 64 ? ~0ull : ((1ull << take) - 1) << off;
    const uint64_t missing = ~init[word].load(std::memory_order_relaxed) & m;
    if (missing) return int64_t(b + (__builtin_ctzll(missing) - off) - base);
    b += take;
  }
  return -1;
}

void Alloc::copy_written(uintptr_t dst, const Alloc& from, uintptr_t src, size_t n) {
  if (!init) return;
  if (!from.init) {  // host memory is whatever the host wrote: written
    mark_written(dst, n);
    return;
  }
  for (size_t i = 0; i < n;) {  // byte runs of the source's state
    int64_t hole = from.first_unwritten(src + i, n - i);
    size_t run = hole < 0 ? n - i : size_t(hole) - (src + i - from.base);
    if (run) mark_written(dst + i, run);
    i += run + (hole < 0 ? 0 : 1);
  }
}

MemoryMap::MemoryMap() {
  ModuleSearch s{reinterpret_cast<uintptr_t>(&find_segments), &static_};
  dl_iterate_phdr(find_segments, &s);
  publish_locked();
}

void MemoryMap::publish_locked() {
  auto snap = std::make_unique<Snapshot>();
  for (auto& a : all_)
    if (a->live.load(std::memory_order_relaxed)) snap->sorted.push_back(a.get());
  std::sort(snap->sorted.begin(), snap->sorted.end(), [](const Alloc* x, const Alloc* y) { return x->base < y->base; });
  current_.store(snap.get(), std::memory_order_release);
  snapshots_.push_back(std::move(snap));
}

void MemoryMap::add(void* p, size_t bytes, bool device) {
  std::lock_guard<std::mutex> lock(mu_);
  auto a = std::make_unique<Alloc>();
  a->base = reinterpret_cast<uintptr_t>(p);
  a->end = a->base + bytes;
  a->device = device;
  a->id = nextId_++;
  if (device) {
    const size_t words = (bytes + 63) / 64;
    a->init.reset(new std::atomic<uint64_t>[words]);
    for (size_t i = 0; i < words; ++i) a->init[i].store(0, std::memory_order_relaxed);
  }
  // A new allocation at a freed one's address is no longer "freed".
  freed_.erase(std::remove_if(freed_.begin(), freed_.end(), [&](const Freed& f) { return f.base < a->end && a->base < f.end; }),
               freed_.end());
  all_.push_back(std::move(a));
  publish_locked();
}

void MemoryMap::remove(void* p) {
  std::lock_guard<std::mutex> lock(mu_);
  const uintptr_t b = reinterpret_cast<uintptr_t>(p);
  for (auto& a : all_)
    if (a->base == b && a->live.load(std::memory_order_relaxed)) {
      a->live.store(false, std::memory_order_relaxed);
      if (freed_.size() >= kFreedKept) freed_.erase(freed_.begin());
      freed_.push_back(Freed{a->base, a->end, a->id});
      break;
    }
  publish_locked();
}

Alloc* MemoryMap::find(uintptr_t a) const {
  const Snapshot* s = current_.load(std::memory_order_acquire);
  auto it = std::upper_bound(s->sorted.begin(), s->sorted.end(), a, [](uintptr_t x, const Alloc* y) { return x < y->base; });
  if (it == s->sorted.begin()) return nullptr;
  Alloc* c = *(it - 1);
  return a < c->end ? c : nullptr;
}

Alloc* MemoryMap::nearest(uintptr_t a) const {
  const Snapshot* s = current_.load(std::memory_order_acquire);
  Alloc* best = nullptr;
  uintptr_t dist = ~uintptr_t(0);
  for (Alloc* c : s->sorted) {
    uintptr_t d = a >= c->end ? a - c->end : (a < c->base ? c->base - a : 0);
    if (d < dist) {
      dist = d;
      best = c;
    }
  }
  return best;
}

bool MemoryMap::freed(uintptr_t a, uint64_t* id, uintptr_t* base) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = freed_.rbegin(); it != freed_.rend(); ++it)
    if (a >= it->base && a < it->end) {
      *id = it->id;
      *base = it->base;
      return true;
    }
  return false;
}

bool MemoryMap::is_static(uintptr_t a) const {
  for (auto& [lo, hi] : static_)
    if (a >= lo && a < hi) return true;
  return false;
}

void MemoryMap::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  all_.clear();
  freed_.clear();
  current_.store(nullptr, std::memory_order_relaxed);
  snapshots_.clear();
  publish_locked();
}

}  // namespace wpemu::check
