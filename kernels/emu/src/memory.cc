// Device, pinned and mapped memory: all host memory in one address space (a mapped pointer is its
// own device pointer). Device allocations count against the emulated device's memory so that
// cudaMemGetInfo and out-of-memory behave like a device's.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "runtime.h"
#include "stream.h"
#include "wpemu/api.h"
#include "wpemu/observe.h"

namespace wpemu {

size_t device_memory_bytes();  // device.cc

namespace {

struct Allocation {
  size_t bytes;
  bool device;
};

std::mutex g_mu;
std::unordered_map<void*, Allocation>& allocations() {
  static auto* m = new std::unordered_map<void*, Allocation>();
  return *m;
}
size_t g_device_used = 0;

constexpr size_t kAlign = 256;  // cudaMalloc's alignment

// Large blocks come straight from mmap: zero-filled pages, and the memory goes back to the OS
// on free (a sweep allocates and frees a table and an arena per case). An inaccessible guard page
// on each side keeps one allocation's overrun out of the next (the checker reports it; without the
// checker it faults).
size_t page_bytes() {
  static const size_t p = size_t(sysconf(_SC_PAGESIZE));
  return p;
}

size_t mapped_bytes(size_t bytes) {
  const size_t page = page_bytes();
  return ((bytes ? bytes : kAlign) + page - 1) / page * page + 2 * page;
}

void* allocate(size_t bytes) {
  const size_t total = mapped_bytes(bytes), page = page_bytes();
  void* p = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  char* c = static_cast<char*>(p);
  mprotect(c, page, PROT_NONE);
  mprotect(c + total - page, page, PROT_NONE);
  return c + page;
}

void unmap(void* p, size_t bytes) { munmap(static_cast<char*>(p) - page_bytes(), mapped_bytes(bytes)); }

cudaError_t record(void** out, size_t bytes, bool device) {
  if (!out) return cudaErrorInvalidValue;
  std::lock_guard<std::mutex> lock(g_mu);
  if (device && g_device_used + bytes > device_memory_bytes()) return cudaErrorMemoryAllocation;
  void* p = allocate(bytes);
  if (!p) return cudaErrorMemoryAllocation;
  allocations()[p] = Allocation{bytes, device};
  if (device) g_device_used += bytes;
  *out = p;
  if (observe::on()) observe::each([&](Observer& o) { o.allocated(p, bytes, device); });
  return cudaSuccess;
}

cudaError_t release(void* p, bool device) {
  if (!p) return cudaSuccess;
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = allocations().find(p);
  if (it == allocations().end() || it->second.device != device)
    return device ? cudaErrorInvalidDevicePointer : cudaErrorInvalidValue;
  if (observe::on()) observe::each([&](Observer& o) { o.freed(p, it->second.bytes, device); });
  unmap(p, it->second.bytes);
  if (device) g_device_used -= it->second.bytes;
  allocations().erase(it);
  return cudaSuccess;
}

}  // namespace

size_t device_memory_used() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_device_used;
}

}  // namespace wpemu

cudaError_t cudaMalloc(void** p, size_t bytes) {
  if (cudaError_t e = wpemu::sticky_error()) return e;
  cudaError_t e = wpemu::record(p, bytes, true);
  if (e != cudaSuccess) wpemu::set_last_error(e);
  return e;
}

cudaError_t cudaFree(void* p) { return wpemu::release(p, true); }

cudaError_t cudaHostAlloc(void** p, size_t bytes, unsigned) { return wpemu::record(p, bytes, false); }

cudaError_t cudaMallocHost(void** p, size_t bytes) { return wpemu::record(p, bytes, false); }

cudaError_t cudaFreeHost(void* p) { return wpemu::release(p, false); }

cudaError_t cudaHostGetDevicePointer(void** device, void* host, unsigned) {
  if (!device || !host) return cudaErrorInvalidValue;
  *device = host;  // one address space
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t s) {
  if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault) return cudaErrorInvalidMemcpyDirection;
  if (bytes && (!dst || !src)) return cudaErrorInvalidValue;
  wpemu::Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  if (cudaError_t e = wpemu::sticky_error()) return e;
  st->enqueue([=] {
    if (wpemu::sticky_error() != cudaSuccess) return;
    std::memcpy(dst, src, bytes);
    if (wpemu::observe::on()) wpemu::observe::each([&](wpemu::Observer& o) { o.copied(dst, src, bytes); });
  }, true);
  return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void* p, int value, size_t bytes, cudaStream_t s) {
  if (bytes && !p) return cudaErrorInvalidValue;
  wpemu::Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  if (cudaError_t e = wpemu::sticky_error()) return e;
  st->enqueue([=] {
    if (wpemu::sticky_error() != cudaSuccess) return;
    std::memset(p, value, bytes);
    if (wpemu::observe::on()) wpemu::observe::each([&](wpemu::Observer& o) { o.filled(p, bytes); });
  }, true);
  return cudaSuccess;
}

// The synchronous forms run behind the default stream's queued work, then on the caller.
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  cudaError_t e = cudaMemcpyAsync(dst, src, bytes, kind, nullptr);
  if (e != cudaSuccess) return e;
  return cudaStreamSynchronize(nullptr);
}

cudaError_t cudaMemset(void* p, int value, size_t bytes) {
  cudaError_t e = cudaMemsetAsync(p, value, bytes, nullptr);
  if (e != cudaSuccess) return e;
  return cudaStreamSynchronize(nullptr);
}

namespace wpemu {

// The allocation that holds `p` (pointer attributes, 2-D copies); false when none does.
bool find_allocation(const void* p, void** base, size_t* bytes, bool* device) {
  std::lock_guard<std::mutex> lock(g_mu);
  for (const auto& [start, a] : allocations()) {
    const char* s = static_cast<const char*>(start);
    if (p >= s && p < s + (a.bytes ? a.bytes : 1)) {
      *base = start;
      *bytes = a.bytes;
      *device = a.device;
      return true;
    }
  }
  return false;
}

}  // namespace wpemu
