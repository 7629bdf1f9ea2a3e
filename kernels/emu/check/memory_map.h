// Where an address of device code falls: a live cudaMalloc or pinned/mapped host allocation (with
// its initialisation bits, for initcheck), a freed one, the program's static data, or nowhere.
// Shared memory, kernel arguments and stacks are the block's and are classified by the checker.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "wpemu/observe.h"

namespace wpemu::check {

struct Alloc {
  uintptr_t base = 0, end = 0;
  bool device = false;
  uint64_t id = 0;
  std::atomic<bool> live{true};
  // Device memory: one bit per byte, set once something wrote it (a kernel, cudaMemcpy, cudaMemset).
  std::unique_ptr<std::atomic<uint64_t>[]> init;

  Region region() const { return Region{base, end - base, device ? Space::Global : Space::Host, id}; }
  void mark_written(uintptr_t a, size_t n);
  // The first byte of [a, a + n) nothing wrote, or -1.
  int64_t first_unwritten(uintptr_t a, size_t n) const;
  void copy_written(uintptr_t dst, const Alloc& from, uintptr_t src, size_t n);
};

class MemoryMap {
 public:
  MemoryMap();
  void add(void* p, size_t bytes, bool device);
  void remove(void* p);
  // The live allocation holding `a`, or null.
  Alloc* find(uintptr_t a) const;
  // The freed allocation that held `a` (its id), if one did.
  bool freed(uintptr_t a, uint64_t* id, uintptr_t* base) const;
  bool is_static(uintptr_t a) const;
  // The live allocation nearest to `a` (for "n bytes past the end of ..."), or null.
  Alloc* nearest(uintptr_t a) const;
  void reset();  // forget every allocation (between cases, nothing running)

 private:
  struct Snapshot {
    std::vector<Alloc*> sorted;  // by base
  };
  void publish_locked();

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Alloc>> all_;            // owned until reset
  std::vector<std::unique_ptr<Snapshot>> snapshots_;   // retired ones too: readers may hold them
  std::atomic<const Snapshot*> current_{nullptr};
  struct Freed {
    uintptr_t base, end;
    uint64_t id;
  };
  std::vector<Freed> freed_;
  uint64_t nextId_ = 1;
  std::vector<std::pair<uintptr_t, uintptr_t>> static_;  // the code module's loaded segments
};

}  // namespace wpemu::check
