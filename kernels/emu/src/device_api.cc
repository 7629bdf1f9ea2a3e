// Device-wide settings programs make (limits, cache and scheduling preferences, peers, the
// profiler): accepted and reported back, with CUDA's defaults; none changes how the emulator runs.
#include <mutex>

#include "runtime.h"
#include "wpemu/api.h"
#include "wpemu/memory_api.h"

namespace {
std::mutex g_mu;
size_t g_limits[7] = {1024, 1 << 20, 8 << 20, 2, 2048, 64, 0};  // CUDA's defaults, by cudaLimit
cudaFuncCache g_cache = cudaFuncCachePreferNone;
unsigned g_flags = cudaDeviceScheduleAuto;
}  // namespace

cudaError_t cudaDeviceSetLimit(cudaLimit limit, size_t value) {
  if (unsigned(limit) >= 7) return cudaErrorUnsupportedLimit;
  // Emulated threads always have 512 KiB of stack (kernels/emu/README.md): any stack limit up to it holds.
  if (limit == cudaLimitStackSize && value > (512u << 10)) return cudaErrorInvalidValue;
  std::lock_guard<std::mutex> lock(g_mu);
  g_limits[limit] = value;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetLimit(size_t* value, cudaLimit limit) {
  if (!value) return cudaErrorInvalidValue;
  if (unsigned(limit) >= 7) return cudaErrorUnsupportedLimit;
  std::lock_guard<std::mutex> lock(g_mu);
  *value = g_limits[limit];
  return cudaSuccess;
}

cudaError_t cudaDeviceSetCacheConfig(cudaFuncCache config) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_cache = config;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetCacheConfig(cudaFuncCache* config) {
  if (!config) return cudaErrorInvalidValue;
  std::lock_guard<std::mutex> lock(g_mu);
  *config = g_cache;
  return cudaSuccess;
}

cudaError_t cudaDeviceSetSharedMemConfig(cudaSharedMemConfig) { return cudaSuccess; }

cudaError_t cudaSetDeviceFlags(unsigned flags) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_flags = flags;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceFlags(unsigned* flags) {
  if (!flags) return cudaErrorInvalidValue;
  std::lock_guard<std::mutex> lock(g_mu);
  *flags = g_flags | cudaDeviceMapHost;
  return cudaSuccess;
}

cudaError_t cudaDeviceCanAccessPeer(int* canAccess, int device, int peerDevice) {
  if (!canAccess) return cudaErrorInvalidValue;
  if (device != 0 || peerDevice != 0) return cudaErrorInvalidDevice;
  *canAccess = 0;  // one device: no peer
  return cudaSuccess;
}

cudaError_t cudaDeviceEnablePeerAccess(int, unsigned) { return cudaErrorInvalidDevice; }
cudaError_t cudaDeviceDisablePeerAccess(int) { return cudaErrorInvalidDevice; }

cudaError_t cudaChooseDevice(int* device, const cudaDeviceProp*) {
  if (!device) return cudaErrorInvalidValue;
  *device = 0;
  return cudaSuccess;
}

cudaError_t cudaInitDevice(int device, unsigned, unsigned) { return device == 0 ? cudaSuccess : cudaErrorInvalidDevice; }
cudaError_t cudaProfilerStart() { return cudaSuccess; }
cudaError_t cudaProfilerStop() { return cudaSuccess; }
cudaError_t cudaThreadSynchronize() { return cudaDeviceSynchronize(); }
