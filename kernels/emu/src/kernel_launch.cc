// Launches as the translation writes them (wpemu/kernel.h): the pushed configuration, the kernel
// registry behind cudaLaunchKernel, per-kernel attributes (cudaFuncSetAttribute), cooperative
// launches, and the launch API that takes a function pointer.
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernel_attrs.h"
#include "runtime.h"
#include "wpemu/api.h"
#include "wpemu/kernel.h"
#include "wpemu/launch.h"
#include "wpemu/launch_api.h"
#include "wpemu/occupancy.h"

namespace wpemu {

namespace {

// Pushed configurations of this host thread, innermost last (an argument of a launch may launch).
thread_local std::vector<LaunchConfig> tls_pending;

std::mutex g_mu;
std::unordered_map<const void*, KernelThunk>& registry() {
  static auto* m = new std::unordered_map<const void*, KernelThunk>();
  return *m;
}
std::unordered_map<const void*, KernelAttributes>& attributes() {
  static auto* m = new std::unordered_map<const void*, KernelAttributes>();
  return *m;
}

constexpr size_t kDefaultDynamicShared = 48 << 10;  // above this a launch needs the opt-in attribute

}  // namespace

int push_launch(dim3 grid, dim3 block, size_t sharedBytes, cudaStream_t stream) {
  return push_launch_config(LaunchConfig{grid, block, sharedBytes, stream, false});
}

int push_launch_config(const LaunchConfig& c) {
  if (tls_thread) return 0;  // device code: kernel_entry reports it, nothing to push
  tls_pending.push_back(c);
  return 0;
}

bool pop_launch(const char* kernel, LaunchConfig* out) {
  if (tls_thread)
    trap((std::string("a launch of kernel ") + kernel +
          " from device code (dynamic parallelism is not emulated)").c_str(),
         Loc::current());
  if (tls_pending.empty()) {
    std::fprintf(stderr, "wpemu: kernel %s called like a function, not launched with <<<...>>>\n", kernel);
    set_last_error(cudaErrorInvalidConfiguration);
    return false;
  }
  *out = tls_pending.back();
  tls_pending.pop_back();
  return true;
}

bool register_kernel(const void* fn, KernelThunk thunk) {
  std::lock_guard<std::mutex> lock(g_mu);
  registry()[fn] = thunk;
  return true;
}

KernelThunk find_kernel(const void* fn) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = registry().find(fn);
  return it == registry().end() ? nullptr : it->second;
}

KernelAttributes kernel_attributes(const void* fn) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = attributes().find(fn);
  return it == attributes().end() ? KernelAttributes{} : it->second;
}

void set_kernel_attributes(const void* fn, const KernelAttributes& a) {
  std::lock_guard<std::mutex> lock(g_mu);
  attributes()[fn] = a;
}

void launch_kernel(const void* fn, const char* name, const LaunchConfig& c, KernelBody kb) {
  std::shared_ptr<void> closure(kb.closure, kb.destroy);  // freed with the launch, whatever happens
  const KernelAttributes a = kernel_attributes(fn);
  const size_t allowed = a.maxDynamicSharedBytes > 0 ? size_t(a.maxDynamicSharedBytes) : kDefaultDynamicShared;
  if (c.sharedBytes > allowed) {
    // As on a GPU: more than 48 KiB of dynamic shared memory needs
    // cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes).
    set_last_error(cudaErrorInvalidValue);
    return;
  }
  if (c.cooperative) {
    const int most = max_cooperative_blocks(fn, c.block, c.sharedBytes);
    if (uint64_t(c.grid.x) * c.grid.y * c.grid.z > uint64_t(most)) {
      set_last_error(cudaErrorCooperativeLaunchTooLarge);
      return;
    }
  }
  launch_kernel(name, c.grid, c.block, c.sharedBytes, c.stream, kb.run, closure, kb.closure, kb.bytes, c.cooperative);
}

}  // namespace wpemu

namespace {

cudaError_t launch_by_address(const void* func, dim3 grid, dim3 block, void** args, size_t shared, cudaStream_t s,
                              bool cooperative) {
  if (cudaError_t e = wpemu::sticky_error()) return e;
  wpemu::KernelThunk thunk = wpemu::find_kernel(func);
  if (!thunk) return cudaErrorInvalidDeviceFunction;
  wpemu::push_launch_config(wpemu::LaunchConfig{grid, block, shared, s, cooperative});
  thunk(args);
  return cudaPeekAtLastError();
}

}  // namespace

cudaError_t cudaLaunchKernel(const void* func, dim3 grid, dim3 block, void** args, size_t shared, cudaStream_t s) {
  return launch_by_address(func, grid, block, args, shared, s, false);
}

cudaError_t cudaLaunchCooperativeKernel(const void* func, dim3 grid, dim3 block, void** args, size_t shared,
                                        cudaStream_t s) {
  return launch_by_address(func, grid, block, args, shared, s, true);
}

cudaError_t cudaFuncSetAttribute(const void* func, cudaFuncAttribute attr, int value) {
  if (!wpemu::find_kernel(func)) return cudaErrorInvalidDeviceFunction;
  wpemu::KernelAttributes a = wpemu::kernel_attributes(func);
  switch (attr) {
    case cudaFuncAttributeMaxDynamicSharedMemorySize:
      if (value < 0 || value > int(wpemu::kMaxSharedPerBlockOptin)) return cudaErrorInvalidValue;
      a.maxDynamicSharedBytes = value;
      break;
    case cudaFuncAttributePreferredSharedMemoryCarveout:
      if (value < -1 || value > 100) return cudaErrorInvalidValue;
      a.carveout = value;
      break;
    default:
      return cudaSuccess;  // scheduling hints with nothing to emulate
  }
  wpemu::set_kernel_attributes(func, a);
  return cudaSuccess;
}

cudaError_t cudaFuncSetCacheConfig(const void* func, cudaFuncCache) {
  return wpemu::find_kernel(func) ? cudaSuccess : cudaErrorInvalidDeviceFunction;
}

cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attr, const void* func) {
  if (!attr) return cudaErrorInvalidValue;
  if (!wpemu::find_kernel(func)) return cudaErrorInvalidDeviceFunction;
  const wpemu::KernelAttributes a = wpemu::kernel_attributes(func);
  *attr = cudaFuncAttributes{};
  attr->sharedSizeBytes = 0;  // static shared memory is not known to the emulator (see occupancy.cc)
  attr->constSizeBytes = 0;
  attr->localSizeBytes = 0;
  attr->maxThreadsPerBlock = 1024;
  attr->numRegs = wpemu::kAssumedRegistersPerThread;
  attr->ptxVersion = 80;
  attr->binaryVersion = 80;
  attr->maxDynamicSharedSizeBytes = a.maxDynamicSharedBytes > 0 ? a.maxDynamicSharedBytes : int(48 << 10);
  attr->preferredShmemCarveout = a.carveout;
  return cudaSuccess;
}
