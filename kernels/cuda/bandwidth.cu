#include "bandwidth.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <mutex>

#include "check.h"

namespace wp::gpu {
namespace {

constexpr int kReps = 5;

// Seconds for `reps` copies of `bytes`, after one untimed warm-up copy.
double time_copies(void* dst, const void* src, uint64_t bytes, cudaMemcpyKind kind, cudaStream_t s) {
  cudaEvent_t a = nullptr, b = nullptr;
  check(cudaEventCreate(&a), "event create");
  cudaError_t e = cudaEventCreate(&b);
  if (e != cudaSuccess) {
    cudaEventDestroy(a);
    throw_cuda(e, "event create");
  }
  float ms = 0;
  e = cudaMemcpyAsync(dst, src, bytes, kind, s);
  if (e == cudaSuccess) e = cudaEventRecord(a, s);
  for (int i = 0; i < kReps && e == cudaSuccess; ++i) e = cudaMemcpyAsync(dst, src, bytes, kind, s);
  if (e == cudaSuccess) e = cudaEventRecord(b, s);
  if (e == cudaSuccess) e = cudaEventSynchronize(b);
  if (e == cudaSuccess) e = cudaEventElapsedTime(&ms, a, b);
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  check(e, "bandwidth reference copy");
  return double(ms) / 1e3;
}

BandwidthRefs measure(int device) {
  check(cudaSetDevice(device), "set device");
  BandwidthRefs r;
  size_t freeB = 0, totalB = 0;
  check(cudaMemGetInfo(&freeB, &totalB), "memory info");
  // 256 MiB each way is far past every cache; less if the device is nearly full. The emulator's
  // copies are host memcpy, a reference for nothing: 1 MiB keeps the path without moving 2 GB.
#if defined(WP_CUDA_EMU)
  uint64_t copy = 1ull << 20;
#else
  uint64_t copy = 256ull << 20;
#endif
  while (copy > (1ull << 20) && 2 * copy + (64ull << 20) > freeB) copy /= 2;
  uint64_t h2d = std::min<uint64_t>(64ull << 20, copy);  // lands in a copy-sized buffer

  void *d0 = nullptr, *d1 = nullptr, *h = nullptr;
  cudaStream_t s = nullptr;
  cudaError_t e = cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
  if (e == cudaSuccess) e = cudaMalloc(&d0, copy);
  if (e == cudaSuccess) e = cudaMalloc(&d1, copy);
  if (e == cudaSuccess) e = cudaMallocHost(&h, h2d);
  if (e == cudaSuccess) e = cudaMemsetAsync(d0, 1, copy, s);
  try {
    check(e, "bandwidth reference buffers");
    r.deviceCopyBytes = copy;
    r.deviceCopyBytesPerSec = double(copy) * kReps / time_copies(d1, d0, copy, cudaMemcpyDeviceToDevice, s);
    r.h2dBytes = h2d;
    r.pinnedH2DBytesPerSec = double(h2d) * kReps / time_copies(d1, h, h2d, cudaMemcpyHostToDevice, s);
  } catch (...) {
    cudaFree(d0);
    cudaFree(d1);
    cudaFreeHost(h);
    if (s) cudaStreamDestroy(s);
    throw;
  }
  cudaFree(d0);
  cudaFree(d1);
  cudaFreeHost(h);
  cudaStreamDestroy(s);
  return r;
}

}  // namespace

const BandwidthRefs& bandwidth_refs(int device) {
  static std::mutex mu;
  static bool done = false;
  static BandwidthRefs refs;
  std::lock_guard<std::mutex> lock(mu);
  if (!done) {
    refs = measure(device);
    done = true;
  }
  return refs;
}

}  // namespace wp::gpu
