// A GPU thread may use up to 512 KiB of local memory: 300 KiB of locals per thread, in a frame
// and through recursion, work as on a GPU.
#include <cuda_runtime.h>

#include "check.cuh"

constexpr int kBytes = 300 * 1024;

__device__ long long walk(int depth, int seed) {
  volatile char frame[4096];
  for (int i = 0; i < 4096; i += 512) frame[i] = char(seed + i + depth);
  long long s = 0;
  for (int i = 0; i < 4096; i += 512) s += frame[i];
  return depth == 0 ? s : s + walk(depth - 1, seed);
}

__global__ void big_locals(long long* out) {
  volatile char buf[kBytes];
  for (int i = 0; i < kBytes; i += 4096) buf[i] = char(i / 4096 + threadIdx.x);
  long long s = 0;
  for (int i = 0; i < kBytes; i += 4096) s += buf[i];
  out[threadIdx.x] = s + walk(40, int(threadIdx.x));  // ~160 KiB more of frames
}

int main() {
  long long* d;
  long long h[32];
  CUDA_CHECK(cudaMalloc(&d, sizeof h));
  big_locals<<<2, 32>>>(d);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
  for (int t = 0; t < 32; ++t) {
    long long want = 0;
    for (int i = 0; i < kBytes; i += 4096) want += char(i / 4096 + t);
    for (int depth = 40; depth >= 0; --depth)
      for (int i = 0; i < 4096; i += 512) want += char(t + i + depth);
    EXPECT(h[t] == want, "thread %d: %lld, want %lld", t, h[t], want);
  }
  std::printf("300 KiB of locals and 41 frames of 4 KiB per thread\n");
  return pass();
}
