// CUDA's language keywords and built-in types as g++ sees them when the emulator compiles
// kernels/cuda/*.cu: qualifiers vanish, __shared__ becomes storage of the OS thread that runs the
// block (a block's fibers all run on that one thread, so it is per block), vector types keep
// their alignment, and the runtime's handle and error types are declared.
#pragma once
#include <cstddef>
#include <cstdint>

#define WPEMU 1

#define __host__
#define __device__
#define __global__
#define __constant__
#define __managed__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __shared__ static thread_local
#define __grid_constant__

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};
using uint3 = dim3;

#define WPEMU_VEC2(T, name, align) \
  struct __align__(align) name { T x, y; };
#define WPEMU_VEC4(T, name, align) \
  struct __align__(align) name { T x, y, z, w; };
WPEMU_VEC2(int, int2, 8)
WPEMU_VEC2(unsigned, uint2, 8)
WPEMU_VEC2(float, float2, 8)
WPEMU_VEC4(int, int4, 16)
WPEMU_VEC4(unsigned, uint4, 16)
WPEMU_VEC4(float, float4, 16)
WPEMU_VEC2(long long, longlong2, 16)
WPEMU_VEC2(unsigned long long, ulonglong2, 16)
WPEMU_VEC2(double, double2, 16)
#undef WPEMU_VEC2
#undef WPEMU_VEC4

inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return uint4{x, y, z, w}; }
inline int4 make_int4(int x, int y, int z, int w) { return int4{x, y, z, w}; }
inline uint2 make_uint2(unsigned x, unsigned y) { return uint2{x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

// The subset of cudaError_t the runtime returns, with CUDA's numeric values.
enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorNotReady = 600,
  cudaErrorIllegalAddress = 700,
  cudaErrorLaunchTimeout = 702,
  cudaErrorLaunchFailure = 719,
  cudaErrorInvalidDevice = 101,
  cudaErrorNotSupported = 801,
  cudaErrorUnknown = 999,
};
using cudaError_t = cudaError;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};

enum cudaDeviceAttr {
  cudaDevAttrMaxThreadsPerBlock = 1,
  cudaDevAttrWarpSize = 10,
  cudaDevAttrMultiProcessorCount = 16,
  cudaDevAttrMemoryClockRate = 36,
  cudaDevAttrGlobalMemoryBusWidth = 37,
  cudaDevAttrComputeCapabilityMajor = 75,
  cudaDevAttrComputeCapabilityMinor = 76,
};

namespace wpemu {
struct Stream;
struct Event;
}  // namespace wpemu
using cudaStream_t = wpemu::Stream*;
using cudaEvent_t = wpemu::Event*;

constexpr unsigned cudaStreamDefault = 0x0;
constexpr unsigned cudaStreamNonBlocking = 0x1;
constexpr unsigned cudaHostAllocDefault = 0x0;
constexpr unsigned cudaHostAllocPortable = 0x1;
constexpr unsigned cudaHostAllocMapped = 0x2;
constexpr unsigned cudaHostAllocWriteCombined = 0x4;
constexpr unsigned cudaEventDefault = 0x0;
constexpr unsigned cudaEventBlockingSync = 0x1;
constexpr unsigned cudaEventDisableTiming = 0x2;

struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  int clockRate;
  int major;
  int minor;
  int multiProcessorCount;
  int maxThreadsPerMultiProcessor;
  size_t sharedMemPerMultiprocessor;
  int canMapHostMemory;
  int unifiedAddressing;
  int concurrentKernels;
  int asyncEngineCount;
  int memoryClockRate;
  int memoryBusWidth;
  int l2CacheSize;
};
