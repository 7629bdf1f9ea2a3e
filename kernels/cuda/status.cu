// wp::cudaStatus(): is there a device the kernels can run on, and what is it. Without a driver
// the runtime's own message is the reason ("CUDA driver version is insufficient for CUDA runtime
// version"). The PCIe link comes from NVML, opened with dlopen: it ships with the driver, not the
// toolkit, so linking it would make the addon fail to load on machines without a driver.
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <string>

#include "writeprof/runner.h"

namespace wp {
namespace {

constexpr int kMinCcMajor = 8;  // SASS for sm_80 and sm_90, PTX for compute_90

// PCIe generation and width of the link (maximum the device and slot support), 0 when unknown.
void pcie_link(int device, int* gen, int* width) {
  *gen = 0;
  *width = 0;
  char bus[32] = {0};
  if (cudaDeviceGetPCIBusId(bus, sizeof bus, device) != cudaSuccess) {
    cudaGetLastError();
    return;
  }
  void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return;
  using InitFn = int (*)();
  using HandleFn = int (*)(const char*, void**);
  using QueryFn = int (*)(void*, unsigned*);
  auto init = reinterpret_cast<InitFn>(dlsym(lib, "nvmlInit_v2"));
  auto shutdown = reinterpret_cast<InitFn>(dlsym(lib, "nvmlShutdown"));
  auto byBus = reinterpret_cast<HandleFn>(dlsym(lib, "nvmlDeviceGetHandleByPciBusId_v2"));
  auto maxGen = reinterpret_cast<QueryFn>(dlsym(lib, "nvmlDeviceGetMaxPcieLinkGeneration"));
  auto maxWidth = reinterpret_cast<QueryFn>(dlsym(lib, "nvmlDeviceGetMaxPcieLinkWidth"));
  if (init && shutdown && byBus && maxGen && maxWidth && init() == 0) {
    void* h = nullptr;
    unsigned g = 0, w = 0;
    if (byBus(bus, &h) == 0) {
      if (maxGen(h, &g) == 0) *gen = int(g);
      if (maxWidth(h, &w) == 0) *width = int(w);
    }
    shutdown();
  }
  dlclose(lib);
}

}  // namespace

CudaStatus cudaStatus() {
  CudaStatus s;
  s.compiled = true;
  cudaRuntimeGetVersion(&s.runtimeVersion);
  if (cudaDriverGetVersion(&s.driverVersion) != cudaSuccess) s.driverVersion = 0;
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    s.reason = cudaGetErrorString(e);
    return s;
  }
  if (count == 0) {
    s.reason = "no CUDA device found";
    return s;
  }
  cudaDeviceProp prop{};
  e = cudaGetDeviceProperties(&prop, 0);
  if (e != cudaSuccess) {
    cudaGetLastError();
    s.reason = cudaGetErrorString(e);
    return s;
  }
  s.name = prop.name;
  s.ccMajor = prop.major;
  s.ccMinor = prop.minor;
  s.sms = prop.multiProcessorCount;
  s.memoryBytes = uint64_t(prop.totalGlobalMem);
  int memClockKHz = 0, busBits = 0;
  if (cudaDeviceGetAttribute(&memClockKHz, cudaDevAttrMemoryClockRate, 0) != cudaSuccess) memClockKHz = 0;
  if (cudaDeviceGetAttribute(&busBits, cudaDevAttrGlobalMemoryBusWidth, 0) != cudaSuccess) busBits = 0;
  cudaGetLastError();
  // Double data rate: two transfers per clock over the whole bus.
  s.memBandwidthGBs = 2.0 * double(memClockKHz) * 1e3 * (double(busBits) / 8.0) / 1e9;
  pcie_link(0, &s.pcieGen, &s.pcieWidth);
  if (s.ccMajor < kMinCcMajor) {
    s.reason = "compute capability " + std::to_string(s.ccMajor) + "." + std::to_string(s.ccMinor) +
               " is below 8.0; writeprof's kernels are built for sm_80 and sm_90";
    return s;
  }
  s.available = true;
  return s;
}

}  // namespace wp
