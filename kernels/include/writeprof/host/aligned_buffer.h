// Aligned, zeroed, pre-touched host buffers for tables, arenas and staging; `what` names the
// region in the error. Large regions sit on transparent huge pages where the kernel allows it:
// random bucket accesses then miss the TLB far less, for every strategy and peer alike.
// They are mapped straight from the kernel, not carved from the malloc heap: posix_memalign'd
// buffers of a few MiB fragmented node's heap by about one staging buffer per case, so a sweep's
// resident memory grew without bound; munmap gives everything back on close. Under
// AddressSanitizer they stay on the heap, where ASan checks their bounds.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "writeprof/runner.h"

#if defined(__SANITIZE_ADDRESS__)
#define WP_HEAP_BUFFERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WP_HEAP_BUFFERS 1
#endif
#endif

namespace wp::host {

class AlignedBuf {
 public:
  AlignedBuf() = default;
  AlignedBuf(size_t bytes, size_t align, const char* what) : n_(bytes) {
    constexpr size_t kHuge = size_t(2) << 20;
    bool huge = bytes >= 2 * kHuge;
    if (huge) align = std::max(align, kHuge);
#if defined(WP_HEAP_BUFFERS)
    size_t rounded = bytes;  // exact, so ASan flags the first byte past the buffer
#else
    size_t rounded = (bytes + align - 1) / align * align;
#endif
    if (rounded == 0 || (p_ = allocate(rounded, align)) == nullptr)
      throw ConfigError(std::string("cannot allocate ") + std::to_string(bytes) + " bytes for the " + what);
    len_ = rounded;
#if defined(MADV_HUGEPAGE)
    if (huge) madvise(p_, rounded, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
    memset(p_, 0, rounded);  // touch every page now, not inside a timed sample
  }
  AlignedBuf(AlignedBuf&& o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)), len_(std::exchange(o.len_, 0)) {}
  AlignedBuf& operator=(AlignedBuf&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    std::swap(len_, o.len_);
    return *this;
  }
  AlignedBuf(const AlignedBuf&) = delete;
  AlignedBuf& operator=(const AlignedBuf&) = delete;
  ~AlignedBuf() { release(p_, len_); }
  uint8_t* data() const { return p_; }
  size_t size() const { return n_; }

 private:
#if defined(WP_HEAP_BUFFERS)
  static uint8_t* allocate(size_t len, size_t align) {
    void* p = nullptr;
    return posix_memalign(&p, align, len) == 0 ? static_cast<uint8_t*>(p) : nullptr;
  }
  static void release(uint8_t* p, size_t) { free(p); }
#else
  static size_t page() { return size_t(sysconf(_SC_PAGESIZE)); }
  // Maps len (page-rounded) bytes at an `align` boundary: over-map by align, unmap the ends.
  static uint8_t* allocate(size_t len, size_t align) {
    const size_t pg = page(), body = (len + pg - 1) / pg * pg, pad = align > pg ? align : 0;
    void* m = mmap(nullptr, body + pad, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return nullptr;
    uintptr_t base = reinterpret_cast<uintptr_t>(m), start = pad ? (base + align - 1) / align * align : base;
    if (start > base) munmap(m, start - base);
    if (size_t tail = base + body + pad - (start + body)) munmap(reinterpret_cast<void*>(start + body), tail);
    return reinterpret_cast<uint8_t*>(start);
  }
  static void release(uint8_t* p, size_t len) {
    if (p) munmap(p, (len + page() - 1) / page() * page());
  }
#endif

  uint8_t* p_ = nullptr;
  size_t n_ = 0;    // bytes asked for
  size_t len_ = 0;  // bytes allocated (rounded to the alignment)
};

}  // namespace wp::host
