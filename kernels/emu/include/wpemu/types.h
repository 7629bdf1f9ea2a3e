// CUDA's language keywords and built-in types as g++ sees them when the emulator compiles
// kernels/cuda/*.cu: qualifiers vanish, __shared__ becomes storage of the OS thread that runs the
// block (a block's fibers all run on that one thread, so it is per block), vector types keep
// their alignment, and the runtime's handle and error types are declared.
#pragma once
#include <cstddef>
#include <cstdint>

#define WPEMU 1

// The translation (src/emu/translate.ts) preprocesses with WPEMU_TRANSLATE: the execution-space
// keywords then stay visible to it as markers, which it rewrites (kernels become launchable,
// __shared__ becomes the storage below) and removes. Without it (a file compiled directly),
// they are plain qualifiers.
#if defined(WPEMU_TRANSLATE)
#define __host__ __wpemu_host__
#define __device__ __wpemu_device__
#define __global__ __wpemu_global__
#define __shared__ __wpemu_shared__
#else
#define __host__
#define __device__
#define __global__
#define __shared__ static thread_local
#endif
#define __constant__
#define __managed__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __maxnreg__(...)
#define __cluster_dims__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __grid_constant__
#define __builtin_align__(n) __attribute__((aligned(n)))
#define __device_builtin__
#define __cudart_builtin__
#define CUDART_CB

#include "vector_types.h"

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};

#include "enums.h"
#include "errors.h"

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};


namespace wpemu {
struct Stream;
struct Event;
}  // namespace wpemu
using cudaStream_t = wpemu::Stream*;
using cudaEvent_t = wpemu::Event*;

// Stream, event, allocation and device flags, with CUDA's values.
constexpr unsigned cudaStreamDefault = 0x0;
constexpr unsigned cudaStreamNonBlocking = 0x1;
constexpr unsigned cudaHostAllocDefault = 0x0;
constexpr unsigned cudaHostAllocPortable = 0x1;
constexpr unsigned cudaHostAllocMapped = 0x2;
constexpr unsigned cudaHostAllocWriteCombined = 0x4;
constexpr unsigned cudaHostRegisterDefault = 0x0;
constexpr unsigned cudaHostRegisterPortable = 0x1;
constexpr unsigned cudaHostRegisterMapped = 0x2;
constexpr unsigned cudaHostRegisterIoMemory = 0x4;
constexpr unsigned cudaHostRegisterReadOnly = 0x8;
constexpr unsigned cudaEventDefault = 0x0;
constexpr unsigned cudaEventBlockingSync = 0x1;
constexpr unsigned cudaEventDisableTiming = 0x2;
constexpr unsigned cudaEventInterprocess = 0x4;
constexpr unsigned cudaEventWaitDefault = 0x0;
constexpr unsigned cudaMemAttachGlobal = 0x1;
constexpr unsigned cudaMemAttachHost = 0x2;
constexpr unsigned cudaMemAttachSingle = 0x4;
constexpr unsigned cudaDeviceScheduleAuto = 0x0;
constexpr unsigned cudaDeviceScheduleSpin = 0x1;
constexpr unsigned cudaDeviceScheduleYield = 0x2;
constexpr unsigned cudaDeviceScheduleBlockingSync = 0x4;
constexpr unsigned cudaDeviceBlockingSync = 0x4;  // deprecated name of the above
constexpr unsigned cudaDeviceMapHost = 0x8;
constexpr unsigned cudaDeviceLmemResizeToMax = 0x10;
constexpr int cudaCpuDeviceId = -1;
constexpr int cudaInvalidDeviceId = -2;
#define cudaStreamLegacy ((cudaStream_t)0x1)
#define cudaStreamPerThread ((cudaStream_t)0x2)

// The fields programs read; the emulator fills them in cudaGetDeviceProperties (device.cc).
struct cudaDeviceProp {
  char name[256];
  char uuid[16];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  size_t memPitch;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  int clockRate;
  size_t totalConstMem;
  int major;
  int minor;
  size_t textureAlignment;
  size_t texturePitchAlignment;
  int deviceOverlap;
  int multiProcessorCount;
  int kernelExecTimeoutEnabled;
  int integrated;
  int canMapHostMemory;
  int computeMode;
  int concurrentKernels;
  int ECCEnabled;
  int pciBusID;
  int pciDeviceID;
  int pciDomainID;
  int tccDriver;
  int asyncEngineCount;
  int unifiedAddressing;
  int memoryClockRate;
  int memoryBusWidth;
  int l2CacheSize;
  int persistingL2CacheMaxSize;
  int maxThreadsPerMultiProcessor;
  int streamPrioritiesSupported;
  int globalL1CacheSupported;
  int localL1CacheSupported;
  size_t sharedMemPerMultiprocessor;
  int regsPerMultiprocessor;
  int managedMemory;
  int isMultiGpuBoard;
  int multiGpuBoardGroupID;
  int hostNativeAtomicSupported;
  int singleToDoublePrecisionPerfRatio;
  int pageableMemoryAccess;
  int concurrentManagedAccess;
  int computePreemptionSupported;
  int canUseHostPointerForRegisteredMem;
  int cooperativeLaunch;
  int cooperativeMultiDeviceLaunch;
  size_t sharedMemPerBlockOptin;
  int pageableMemoryAccessUsesHostPageTables;
  int directManagedMemAccessFromHost;
  int maxBlocksPerMultiProcessor;
  int accessPolicyMaxWindowSize;
  size_t reservedSharedMemPerBlock;
  int hostRegisterSupported;
  int sparseCudaArraySupported;
  int hostRegisterReadOnlySupported;
  int timelineSemaphoreInteropSupported;
  int memoryPoolsSupported;
  int gpuDirectRDMASupported;
  int clusterLaunch;
  int unifiedFunctionPointers;
};

struct cudaFuncAttributes {
  size_t sharedSizeBytes;
  size_t constSizeBytes;
  size_t localSizeBytes;
  int maxThreadsPerBlock;
  int numRegs;
  int ptxVersion;
  int binaryVersion;
  int cacheModeCA;
  int maxDynamicSharedSizeBytes;
  int preferredShmemCarveout;
  int clusterDimMustBeSet;
  int requiredClusterWidth;
  int requiredClusterHeight;
  int requiredClusterDepth;
  int clusterSchedulingPolicyPreference;
  int nonPortableClusterSizeAllowed;
};

struct cudaPointerAttributes {
  cudaMemoryType type;
  int device;
  void* devicePointer;
  void* hostPointer;
};

struct cudaPitchedPtr {
  void* ptr;
  size_t pitch;
  size_t xsize;
  size_t ysize;
};
struct cudaExtent {
  size_t width;
  size_t height;
  size_t depth;
};
struct cudaPos {
  size_t x;
  size_t y;
  size_t z;
};
inline cudaPitchedPtr make_cudaPitchedPtr(void* d, size_t p, size_t xsz, size_t ysz) { return {d, p, xsz, ysz}; }
inline cudaExtent make_cudaExtent(size_t w, size_t h, size_t d) { return {w, h, d}; }
inline cudaPos make_cudaPos(size_t x, size_t y, size_t z) { return {x, y, z}; }
