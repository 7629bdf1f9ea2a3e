// The emulated device: its properties, the runtime's error state, and the emulator's settings.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "runtime.h"
#include "kernel_attrs.h"
#include "wpemu/api.h"
#include "wpemu/occupancy.h"

namespace wpemu {

size_t device_memory_used();  // memory.cc

std::atomic<uint64_t> g_last_progress_ns{0};

namespace {

std::mutex g_mu;
Config g_config;
std::atomic<int> g_sticky{cudaSuccess};
std::deque<std::string>& messages() {  // append-only: cudaGetErrorString's pointers stay valid
  static auto* m = new std::deque<std::string>();
  return *m;
}
const char* g_sticky_message = nullptr;
thread_local cudaError_t tls_last_error = cudaSuccess;

struct ErrorText {
  int value;
  const char* name;
  const char* message;
};
// Every cudaError_t with the real runtime's name and message (scripts/gen-cuda-errors.sh).
constexpr ErrorText kErrors[] = {
#include "error_table.inc"
};

const ErrorText* error_text(cudaError_t e) {
  for (const ErrorText& t : kErrors)
    if (t.value == int(e)) return &t;
  return nullptr;
}

const char* plain_message(cudaError_t e) {
  const ErrorText* t = error_text(e);
  return t ? t->message : "unrecognized error code";
}

void (*g_fault_reporter)(const char*) = nullptr;

}  // namespace

namespace {
std::atomic<uint64_t> g_rings{0};
std::atomic<int> g_ring_waiters{0};
std::mutex g_ring_mu;
std::condition_variable g_ring_cv;
}  // namespace

uint64_t mapped_rings() { return g_rings.load(std::memory_order_acquire); }

void ring_mapped() {
  g_rings.fetch_add(1, std::memory_order_acq_rel);
  if (g_ring_waiters.load(std::memory_order_acquire) == 0) return;
  std::lock_guard<std::mutex> lock(g_ring_mu);
  g_ring_cv.notify_all();
}

void wait_mapped(uint64_t seen, unsigned micros) {
  std::unique_lock<std::mutex> lock(g_ring_mu);
  g_ring_waiters.fetch_add(1, std::memory_order_acq_rel);
  g_ring_cv.wait_for(lock, std::chrono::microseconds(micros), [&] { return mapped_rings() != seen; });
  g_ring_waiters.fetch_sub(1, std::memory_order_acq_rel);
}

uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void configure(const Config& c) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_config = c;
}

Config config() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_config;
}

unsigned effective_workers() {
  unsigned w = config().workers;
  if (w == 0) w = std::max(1u, std::thread::hardware_concurrency());
  return w;
}

cudaError_t sticky_error() { return cudaError_t(g_sticky.load(std::memory_order_acquire)); }

void set_sticky_error(cudaError_t e, const std::string& message) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_sticky.load() != cudaSuccess) return;  // the first fault is the one to report
  messages().push_back(message);
  g_sticky_message = messages().back().c_str();
  // Before the error is visible: a program sees the code only after its diagnosis was printed.
  if (g_fault_reporter) g_fault_reporter(g_sticky_message);
  g_sticky.store(e, std::memory_order_release);
}

void set_fault_reporter(void (*report)(const char* message)) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_fault_reporter = report;
}

void clear_sticky_error() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_sticky.store(cudaSuccess);
  g_sticky_message = nullptr;
}

const char* error_message(cudaError_t e) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (e != cudaSuccess && e == g_sticky.load() && g_sticky_message) return g_sticky_message;
  return plain_message(e);
}

void set_last_error(cudaError_t e) { tls_last_error = e; }

// Half the host's memory, as writeprof's own host limits assume: the "device" is the host.
size_t device_memory_bytes() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? size_t(pages) * size_t(page) / 2 : size_t(8) << 30;
}

}  // namespace wpemu

cudaError_t cudaGetLastError() {
  if (cudaError_t e = wpemu::sticky_error()) return e;
  cudaError_t e = wpemu::tls_last_error;
  wpemu::tls_last_error = cudaSuccess;
  return e;
}

cudaError_t cudaPeekAtLastError() {
  if (cudaError_t e = wpemu::sticky_error()) return e;
  return wpemu::tls_last_error;
}

const char* cudaGetErrorString(cudaError_t e) { return wpemu::error_message(e); }

const char* cudaGetErrorName(cudaError_t e) {
  const wpemu::ErrorText* t = wpemu::error_text(e);
  return t ? t->name : "cudaErrorUnknown";
}

cudaError_t cudaGetDeviceCount(int* count) {
  if (!count) return cudaErrorInvalidValue;
  *count = 1;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : cudaErrorInvalidDevice; }

cudaError_t cudaGetDevice(int* device) {
  if (!device) return cudaErrorInvalidValue;
  *device = 0;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int device) {
  if (!p) return cudaErrorInvalidValue;
  if (device != 0) return cudaErrorInvalidDevice;
  const wpemu::ArchLimits& arch = *wpemu::arch_limits(wpemu::kEmulatedArch);
  std::memset(p, 0, sizeof *p);
  std::snprintf(p->name, sizeof p->name, "writeprof SIMT emulator (%u host workers)", wpemu::effective_workers());
  p->totalGlobalMem = wpemu::device_memory_bytes();
  p->sharedMemPerBlock = 48 << 10;
  p->sharedMemPerBlockOptin = wpemu::kMaxSharedPerBlockOptin;
  p->reservedSharedMemPerBlock = size_t(arch.sharedReservedPerBlock);
  p->regsPerBlock = 65536;
  p->regsPerMultiprocessor = arch.registersPerSM;
  p->warpSize = 32;
  p->memPitch = 0x7fffffff;
  p->maxThreadsPerBlock = 1024;
  p->maxThreadsDim[0] = p->maxThreadsDim[1] = 1024;
  p->maxThreadsDim[2] = 64;
  p->maxGridSize[0] = 0x7fffffff;
  p->maxGridSize[1] = p->maxGridSize[2] = 65535;
  p->totalConstMem = 64 << 10;
  p->textureAlignment = 512;
  p->texturePitchAlignment = 32;
  // sm_80 semantics: independent thread scheduling, the *_sync intrinsics, __nanosleep, cp.async.
  p->major = 8;
  p->minor = 0;
  p->multiProcessorCount = int(wpemu::effective_workers());
  p->maxThreadsPerMultiProcessor = arch.maxWarpsPerSM * 32;
  p->maxBlocksPerMultiProcessor = arch.maxBlocksPerSM;
  p->sharedMemPerMultiprocessor = size_t(arch.sharedPerSM);
  p->canMapHostMemory = 1;
  p->unifiedAddressing = 1;
  p->concurrentKernels = 1;
  p->asyncEngineCount = 0;
  p->deviceOverlap = 0;
  p->computeMode = cudaComputeModeDefault;
  p->managedMemory = 1;
  p->concurrentManagedAccess = 1;
  p->pageableMemoryAccess = 1;
  p->hostNativeAtomicSupported = 1;
  p->cooperativeLaunch = 1;
  p->streamPrioritiesSupported = 1;
  p->globalL1CacheSupported = 1;
  p->localL1CacheSupported = 1;
  p->canUseHostPointerForRegisteredMem = 1;
  p->directManagedMemAccessFromHost = 1;
  p->hostRegisterSupported = 1;
  p->memoryPoolsSupported = 1;
  p->unifiedFunctionPointers = 1;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  if (!value) return cudaErrorInvalidValue;
  cudaDeviceProp p;
  if (cudaError_t e = cudaGetDeviceProperties(&p, device)) return e;
  switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock: *value = p.maxThreadsPerBlock; break;
    case cudaDevAttrMaxBlockDimX: *value = p.maxThreadsDim[0]; break;
    case cudaDevAttrMaxBlockDimY: *value = p.maxThreadsDim[1]; break;
    case cudaDevAttrMaxBlockDimZ: *value = p.maxThreadsDim[2]; break;
    case cudaDevAttrMaxGridDimX: *value = p.maxGridSize[0]; break;
    case cudaDevAttrMaxGridDimY: *value = p.maxGridSize[1]; break;
    case cudaDevAttrMaxGridDimZ: *value = p.maxGridSize[2]; break;
    case cudaDevAttrMaxSharedMemoryPerBlock: *value = int(p.sharedMemPerBlock); break;
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = int(p.sharedMemPerBlockOptin); break;
    case cudaDevAttrMaxSharedMemoryPerMultiprocessor: *value = int(p.sharedMemPerMultiprocessor); break;
    case cudaDevAttrTotalConstantMemory: *value = int(p.totalConstMem); break;
    case cudaDevAttrWarpSize: *value = p.warpSize; break;
    case cudaDevAttrMaxRegistersPerBlock: *value = p.regsPerBlock; break;
    case cudaDevAttrMaxRegistersPerMultiprocessor: *value = p.regsPerMultiprocessor; break;
    case cudaDevAttrMultiProcessorCount: *value = p.multiProcessorCount; break;
    case cudaDevAttrMaxThreadsPerMultiProcessor: *value = p.maxThreadsPerMultiProcessor; break;
    case cudaDevAttrMaxBlocksPerMultiprocessor: *value = p.maxBlocksPerMultiProcessor; break;
    case cudaDevAttrComputeCapabilityMajor: *value = p.major; break;
    case cudaDevAttrComputeCapabilityMinor: *value = p.minor; break;
    case cudaDevAttrCanMapHostMemory: *value = p.canMapHostMemory; break;
    case cudaDevAttrUnifiedAddressing: *value = p.unifiedAddressing; break;
    case cudaDevAttrConcurrentKernels: *value = p.concurrentKernels; break;
    case cudaDevAttrManagedMemory: *value = p.managedMemory; break;
    case cudaDevAttrConcurrentManagedAccess: *value = p.concurrentManagedAccess; break;
    case cudaDevAttrPageableMemoryAccess: *value = p.pageableMemoryAccess; break;
    case cudaDevAttrCooperativeLaunch: *value = p.cooperativeLaunch; break;
    case cudaDevAttrComputeMode: *value = p.computeMode; break;
    case cudaDevAttrHostNativeAtomicSupported: *value = p.hostNativeAtomicSupported; break;
    case cudaDevAttrMemoryPoolsSupported: *value = p.memoryPoolsSupported; break;
    case cudaDevAttrHostRegisterSupported: *value = p.hostRegisterSupported; break;
    case cudaDevAttrStreamPrioritiesSupported: *value = p.streamPrioritiesSupported; break;
    default: *value = 0; break;  // no clocks or memory bus: the emulator has no bandwidth to claim
  }
  return cudaSuccess;
}

cudaError_t cudaDeviceGetPCIBusId(char*, int, int) { return cudaErrorNotSupported; }

cudaError_t cudaRuntimeGetVersion(int* v) {
  if (!v) return cudaErrorInvalidValue;
  *v = 13000;  // the API level this stand-in follows
  return cudaSuccess;
}

cudaError_t cudaDriverGetVersion(int* v) {
  if (!v) return cudaErrorInvalidValue;
  *v = 0;  // no driver
  return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t* freeBytes, size_t* totalBytes) {
  if (!freeBytes || !totalBytes) return cudaErrorInvalidValue;
  *totalBytes = wpemu::device_memory_bytes();
  size_t used = wpemu::device_memory_used();
  *freeBytes = used < *totalBytes ? *totalBytes - used : 0;
  return cudaSuccess;
}

cudaError_t cudaDeviceReset() {
  cudaDeviceSynchronize();
  wpemu::clear_sticky_error();
  return cudaSuccess;
}
