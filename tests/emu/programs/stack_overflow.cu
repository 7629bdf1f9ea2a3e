// A thread that overflows its stack: on the emulator a fault of the kernel, diagnosed on stderr
// (naming the kernel) before the program sees the error code; never a crash. (A GPU reports an
// error too, in its own words: this program is for the emulator only.)
#include <cuda_runtime.h>

#include "check.cuh"

__device__ __noinline__ int descend(int depth) {
  volatile char frame[8192];
  frame[0] = char(depth);
  const int below = descend(depth + 1);  // no end; the frame stays live across the call
  frame[1] = char(below);
  return frame[0] + frame[1];
}

__global__ void runaway(int* out) { out[threadIdx.x] = descend(0); }

int main() {
  int* d;
  CUDA_CHECK(cudaMalloc(&d, 32 * sizeof(int)));
  runaway<<<1, 32>>>(d);
  const cudaError_t e = cudaDeviceSynchronize();
  std::fprintf(stderr, "program: the launch returned %s\n", cudaGetErrorName(e));
  EXPECT(e == cudaErrorLaunchFailure, "a stack overflow is a launch failure, got %s", cudaGetErrorName(e));
  EXPECT(cudaMalloc(&d, 4) == cudaErrorLaunchFailure, "the error is sticky");
  std::printf("stack overflow: %s\n", cudaGetErrorName(e));
  return pass();
}
