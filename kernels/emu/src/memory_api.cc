// Pitched 2-D memory, symbols, managed and stream-ordered allocations, registered host memory
// and pointer attributes (wpemu/memory_api.h). Everything is host memory in one address space.
#include "wpemu/memory_api.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "runtime.h"
#include "stream.h"
#include "wpemu/api.h"

namespace wpemu {

bool find_allocation(const void* p, void** base, size_t* bytes, bool* device);  // memory.cc

namespace {

std::mutex g_mu;
std::map<const char*, size_t>& registered() {  // cudaHostRegister'ed ranges by start
  static auto* m = new std::map<const char*, size_t>();
  return *m;
}
std::set<const void*>& managed() {
  static auto* s = new std::set<const void*>();
  return *s;
}

constexpr size_t kPitchAlign = 512;  // a GPU's texture pitch alignment, what cudaMallocPitch rounds to

bool valid_kind(cudaMemcpyKind k) { return k >= cudaMemcpyHostToHost && k <= cudaMemcpyDefault; }

}  // namespace
}  // namespace wpemu

cudaError_t cudaMallocPitch(void** p, size_t* pitch, size_t widthBytes, size_t height) {
  if (!p || !pitch) return cudaErrorInvalidValue;
  const size_t rowPitch = (widthBytes + wpemu::kPitchAlign - 1) / wpemu::kPitchAlign * wpemu::kPitchAlign;
  cudaError_t e = cudaMalloc(p, rowPitch * height);
  if (e == cudaSuccess) *pitch = rowPitch;
  return e;
}

cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src, size_t spitch, size_t widthBytes,
                              size_t height, cudaMemcpyKind kind, cudaStream_t s) {
  if (!wpemu::valid_kind(kind)) return cudaErrorInvalidMemcpyDirection;
  if (widthBytes > dpitch || widthBytes > spitch) return cudaErrorInvalidPitchValue;
  if (widthBytes && height && (!dst || !src)) return cudaErrorInvalidValue;
  wpemu::Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  if (cudaError_t e = wpemu::sticky_error()) return e;
  st->enqueue([=] {
    if (wpemu::sticky_error() != cudaSuccess) return;
    for (size_t r = 0; r < height; ++r)
      std::memcpy(static_cast<char*>(dst) + r * dpitch, static_cast<const char*>(src) + r * spitch, widthBytes);
  });
  return cudaSuccess;
}

cudaError_t cudaMemcpy2D(void* dst, size_t dpitch, const void* src, size_t spitch, size_t widthBytes, size_t height,
                         cudaMemcpyKind kind) {
  if (cudaError_t e = cudaMemcpy2DAsync(dst, dpitch, src, spitch, widthBytes, height, kind, nullptr)) return e;
  return cudaStreamSynchronize(nullptr);
}

cudaError_t cudaMemset2DAsync(void* p, size_t pitch, int value, size_t widthBytes, size_t height, cudaStream_t s) {
  if (widthBytes > pitch) return cudaErrorInvalidPitchValue;
  if (widthBytes && height && !p) return cudaErrorInvalidValue;
  wpemu::Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  if (cudaError_t e = wpemu::sticky_error()) return e;
  st->enqueue([=] {
    if (wpemu::sticky_error() != cudaSuccess) return;
    for (size_t r = 0; r < height; ++r) std::memset(static_cast<char*>(p) + r * pitch, value, widthBytes);
  });
  return cudaSuccess;
}

cudaError_t cudaMemset2D(void* p, size_t pitch, int value, size_t widthBytes, size_t height) {
  if (cudaError_t e = cudaMemset2DAsync(p, pitch, value, widthBytes, height, nullptr)) return e;
  return cudaStreamSynchronize(nullptr);
}

// A symbol is the address of a __device__/__constant__ variable: ordinary host memory here.
cudaError_t cudaMemcpyToSymbolAsync(const void* symbol, const void* src, size_t count, size_t offset,
                                    cudaMemcpyKind kind, cudaStream_t s) {
  if (!symbol) return cudaErrorInvalidSymbol;
  if (kind != cudaMemcpyHostToDevice && kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault)
    return cudaErrorInvalidMemcpyDirection;
  return cudaMemcpyAsync(static_cast<char*>(const_cast<void*>(symbol)) + offset, src, count, kind, s);
}

cudaError_t cudaMemcpyFromSymbolAsync(void* dst, const void* symbol, size_t count, size_t offset, cudaMemcpyKind kind,
                                      cudaStream_t s) {
  if (!symbol) return cudaErrorInvalidSymbol;
  if (kind != cudaMemcpyDeviceToHost && kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault)
    return cudaErrorInvalidMemcpyDirection;
  return cudaMemcpyAsync(dst, static_cast<const char*>(symbol) + offset, count, kind, s);
}

cudaError_t cudaMemcpyToSymbol(const void* symbol, const void* src, size_t count, size_t offset, cudaMemcpyKind kind) {
  if (cudaError_t e = cudaMemcpyToSymbolAsync(symbol, src, count, offset, kind, nullptr)) return e;
  return cudaStreamSynchronize(nullptr);
}

cudaError_t cudaMemcpyFromSymbol(void* dst, const void* symbol, size_t count, size_t offset, cudaMemcpyKind kind) {
  if (cudaError_t e = cudaMemcpyFromSymbolAsync(dst, symbol, count, offset, kind, nullptr)) return e;
  return cudaStreamSynchronize(nullptr);
}

cudaError_t cudaGetSymbolAddress(void** devPtr, const void* symbol) {
  if (!devPtr || !symbol) return cudaErrorInvalidSymbol;
  *devPtr = const_cast<void*>(symbol);
  return cudaSuccess;
}

// The size of a variable known only by address is not recorded: the template form (the variable
// itself) answers sizeof.
cudaError_t cudaGetSymbolSize(size_t*, const void*) { return cudaErrorInvalidSymbol; }

cudaError_t cudaMallocManaged(void** p, size_t bytes, unsigned flags) {
  if (flags != cudaMemAttachGlobal && flags != cudaMemAttachHost) return cudaErrorInvalidValue;
  cudaError_t e = cudaMalloc(p, bytes);
  if (e == cudaSuccess) {
    std::lock_guard<std::mutex> lock(wpemu::g_mu);
    wpemu::managed().insert(*p);
  }
  return e;
}

cudaError_t cudaMemPrefetchAsync(const void*, size_t, int, cudaStream_t s) {
  return wpemu::resolve_stream(s) ? wpemu::sticky_error() : cudaErrorInvalidResourceHandle;
}

cudaError_t cudaMemAdvise(const void* p, size_t, cudaMemoryAdvise, int) { return p ? cudaSuccess : cudaErrorInvalidValue; }

// Stream-ordered allocation: the memory exists at once (valid for the work the stream runs after
// this call, and earlier); the free waits for the stream's earlier work.
cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t s) {
  if (!wpemu::resolve_stream(s)) return cudaErrorInvalidResourceHandle;
  return cudaMalloc(p, bytes);
}

cudaError_t cudaFreeAsync(void* p, cudaStream_t s) {
  wpemu::Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  if (!p) return cudaSuccess;
  void* base = nullptr;
  size_t bytes = 0;
  bool device = false;
  if (!wpemu::find_allocation(p, &base, &bytes, &device) || base != p || !device) return cudaErrorInvalidDevicePointer;
  st->enqueue([p] { cudaFree(p); });
  return cudaSuccess;
}

namespace wpemu {
struct MemPool {
  uint64_t releaseThreshold = 0;
  uint64_t usedHigh = 0;
  int reuse[3] = {1, 1, 1};
};
namespace {
MemPool g_default_pool;
}
}  // namespace wpemu

cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* pool, int device) {
  if (!pool) return cudaErrorInvalidValue;
  if (device != 0) return cudaErrorInvalidDevice;
  *pool = &wpemu::g_default_pool;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetMemPool(cudaMemPool_t* pool, int device) { return cudaDeviceGetDefaultMemPool(pool, device); }

cudaError_t cudaDeviceSetMemPool(int device, cudaMemPool_t pool) {
  if (device != 0) return cudaErrorInvalidDevice;
  return pool == &wpemu::g_default_pool ? cudaSuccess : cudaErrorInvalidValue;
}

cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value) {
  if (!pool || !value) return cudaErrorInvalidValue;
  switch (attr) {
    case cudaMemPoolAttrReleaseThreshold: pool->releaseThreshold = *static_cast<uint64_t*>(value); return cudaSuccess;
    case cudaMemPoolAttrUsedMemHigh:
    case cudaMemPoolAttrReservedMemHigh: pool->usedHigh = 0; return cudaSuccess;  // only resetting is allowed
    case cudaMemPoolReuseFollowEventDependencies:
    case cudaMemPoolReuseAllowOpportunistic:
    case cudaMemPoolReuseAllowInternalDependencies: pool->reuse[attr - 1] = *static_cast<int*>(value); return cudaSuccess;
    default: return cudaErrorInvalidValue;
  }
}

cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value) {
  if (!pool || !value) return cudaErrorInvalidValue;
  size_t freeBytes = 0, total = 0;
  cudaMemGetInfo(&freeBytes, &total);
  switch (attr) {
    case cudaMemPoolAttrReleaseThreshold: *static_cast<uint64_t*>(value) = pool->releaseThreshold; return cudaSuccess;
    case cudaMemPoolAttrReservedMemCurrent:
    case cudaMemPoolAttrUsedMemCurrent: *static_cast<uint64_t*>(value) = total - freeBytes; return cudaSuccess;
    case cudaMemPoolAttrReservedMemHigh:
    case cudaMemPoolAttrUsedMemHigh:
      pool->usedHigh = std::max<uint64_t>(pool->usedHigh, total - freeBytes);
      *static_cast<uint64_t*>(value) = pool->usedHigh;
      return cudaSuccess;
    case cudaMemPoolReuseFollowEventDependencies:
    case cudaMemPoolReuseAllowOpportunistic:
    case cudaMemPoolReuseAllowInternalDependencies: *static_cast<int*>(value) = pool->reuse[attr - 1]; return cudaSuccess;
    default: return cudaErrorInvalidValue;
  }
}

cudaError_t cudaMemPoolTrimTo(cudaMemPool_t pool, size_t) { return pool ? cudaSuccess : cudaErrorInvalidValue; }

cudaError_t cudaMallocFromPoolAsync(void** p, size_t bytes, cudaMemPool_t pool, cudaStream_t s) {
  if (!pool) return cudaErrorInvalidValue;
  return cudaMallocAsync(p, bytes, s);
}

cudaError_t cudaHostRegister(void* p, size_t bytes, unsigned) {
  if (!p || bytes == 0) return cudaErrorInvalidValue;
  std::lock_guard<std::mutex> lock(wpemu::g_mu);
  const char* s = static_cast<const char*>(p);
  auto next = wpemu::registered().upper_bound(s);
  if (next != wpemu::registered().end() && next->first < s + bytes) return cudaErrorHostMemoryAlreadyRegistered;
  if (next != wpemu::registered().begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second > s) return cudaErrorHostMemoryAlreadyRegistered;
  }
  wpemu::registered()[s] = bytes;
  return cudaSuccess;
}

cudaError_t cudaHostUnregister(void* p) {
  std::lock_guard<std::mutex> lock(wpemu::g_mu);
  return wpemu::registered().erase(static_cast<const char*>(p)) ? cudaSuccess : cudaErrorHostMemoryNotRegistered;
}

cudaError_t cudaHostGetFlags(unsigned* flags, void* host) {
  if (!flags || !host) return cudaErrorInvalidValue;
  *flags = cudaHostAllocMapped;
  return cudaSuccess;
}

cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* attr, const void* p) {
  if (!attr) return cudaErrorInvalidValue;
  *attr = cudaPointerAttributes{cudaMemoryTypeUnregistered, -2, nullptr, nullptr};
  void* base = nullptr;
  size_t bytes = 0;
  bool device = false;
  std::lock_guard<std::mutex> lock(wpemu::g_mu);
  if (wpemu::find_allocation(p, &base, &bytes, &device)) {
    attr->type = wpemu::managed().count(base) ? cudaMemoryTypeManaged : device ? cudaMemoryTypeDevice : cudaMemoryTypeHost;
  } else {
    const char* s = static_cast<const char*>(p);
    auto next = wpemu::registered().upper_bound(s);
    if (next == wpemu::registered().begin() || std::prev(next)->first + std::prev(next)->second <= s) return cudaSuccess;
    attr->type = cudaMemoryTypeHost;
  }
  attr->device = 0;
  attr->devicePointer = const_cast<void*>(p);
  attr->hostPointer = attr->type == cudaMemoryTypeDevice ? nullptr : const_cast<void*>(p);
  return cudaSuccess;
}

cudaError_t cudaMemcpyPeerAsync(void* dst, int dstDevice, const void* src, int srcDevice, size_t bytes, cudaStream_t s) {
  if (dstDevice != 0 || srcDevice != 0) return cudaErrorInvalidDevice;
  return cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, s);
}

cudaError_t cudaMemcpyPeer(void* dst, int dstDevice, const void* src, int srcDevice, size_t bytes) {
  if (dstDevice != 0 || srcDevice != 0) return cudaErrorInvalidDevice;
  return cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice);
}
