// Owning handles for CUDA resources. Constructors throw ConfigError naming what failed;
// destructors release quietly. After a kernel stopped answering (wedged()), nothing is freed:
// cudaFree would wait on that kernel forever, and a leak is the lesser harm.
#pragma once
#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>

#include <cstdint>
#include <string>
#include <utility>

#include "check.h"

namespace wp::gpu {

bool wedged();
void mark_wedged();

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(size_t count, const char* what) : n_(count) {
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, count * sizeof(T));
    if (e != cudaSuccess)
      throw_cuda(e, (std::string("cudaMalloc of ") + std::to_string(count * sizeof(T)) + " bytes for the " + what).c_str());
    p_ = static_cast<T*>(p);
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (p_ && !wedged()) cudaFree(p_);
  }
  T* get() const { return p_; }
  size_t size() const { return n_; }
  size_t bytes() const { return n_ * sizeof(T); }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

// Page-locked host memory; `mapped` also maps it into the device's address space (zero-copy).
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(size_t bytes, bool mapped, const char* what) : n_(bytes) {
    void* p = nullptr;
    unsigned flags = cudaHostAllocPortable | (mapped ? cudaHostAllocMapped : 0u);
    cudaError_t e = cudaHostAlloc(&p, bytes, flags);
    if (e != cudaSuccess)
      throw_cuda(e, (std::string("cudaHostAlloc of ") + std::to_string(bytes) + " pinned bytes for the " + what).c_str());
    p_ = static_cast<uint8_t*>(p);
  }
  PinnedBuffer(PinnedBuffer&& o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  PinnedBuffer& operator=(PinnedBuffer&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  ~PinnedBuffer() {
    if (p_ && !wedged()) cudaFreeHost(p_);
  }
  uint8_t* get() const { return p_; }
  size_t size() const { return n_; }
  template <class T>
  T* device_view() const {
    void* d = nullptr;
    check(cudaHostGetDevicePointer(&d, p_, 0), "mapped pointer");
    return static_cast<T*>(d);
  }

 private:
  uint8_t* p_ = nullptr;
  size_t n_ = 0;
};

class Stream {
 public:
  Stream() { check(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking), "stream create"); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() {
    if (s_ && !wedged()) cudaStreamDestroy(s_);
  }
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

class Event {
 public:
  Event() { check(cudaEventCreate(&e_), "event create"); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() {
    if (e_ && !wedged()) cudaEventDestroy(e_);
  }
  cudaEvent_t get() const { return e_; }

 private:
  cudaEvent_t e_ = nullptr;
};

// A named NVTX range around a scope (what Nsight Systems shows on the host thread's timeline).
class NvtxRange {
 public:
  explicit NvtxRange(const char* name) { nvtxRangePushA(name); }
  ~NvtxRange() { nvtxRangePop(); }
  NvtxRange(const NvtxRange&) = delete;
  NvtxRange& operator=(const NvtxRange&) = delete;
};

}  // namespace wp::gpu
