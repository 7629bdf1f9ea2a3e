// Warp semantics as a GPU of compute capability 7.0+ gives them: __activemask() is the lanes on
// the caller's path (never one outside its branch); a mask's exited lanes and lanes that do not
// exist are not waited for (PTX shfl.sync/bar.warp.sync); a partial warp's full-mask collectives
// see only its lanes.
#include <cuda_runtime.h>

#include "check.cuh"

__global__ void branches(unsigned* out) {
  const unsigned lane = threadIdx.x % 32;
  unsigned m = 0;
  if (lane < 8) m = __activemask();
  out[threadIdx.x] = m;
  unsigned odd = 0, even = 0;
  if (lane % 2) odd = __activemask();
  else even = __activemask();
  out[64 + threadIdx.x] = odd | even;
}

// Half of each warp leaves; the other half shuffles with the full mask.
__global__ void half_exits(int* out) {
  const int lane = int(threadIdx.x % 32);
  if (lane >= 16) return;
  const int v = __shfl_sync(0xffffffffu, lane * 10, (lane + 1) % 16);
  __syncwarp(0xffffffffu);
  out[threadIdx.x] = v;
}

// 40 threads: warp 1 has 8 lanes; full-mask collectives there see those 8.
__global__ void partial_warp(unsigned* out) {
  const unsigned lane = threadIdx.x % 32;
  const unsigned b = __ballot_sync(0xffffffffu, lane % 3 == 0);
  const int all = __all_sync(0xffffffffu, 1);
  const int sum = __reduce_add_sync(0xffffffffu, 1);
  __syncwarp();
  out[threadIdx.x] = b ^ (unsigned(all) << 31) ^ (unsigned(sum) << 24);
}

int main() {
  unsigned *du, hu[128];
  int *di, hi[64];
  CUDA_CHECK(cudaMalloc(&du, 128 * sizeof(unsigned)));
  CUDA_CHECK(cudaMalloc(&di, 64 * sizeof(int)));
  branches<<<1, 64>>>(du);
  CUDA_CHECK(cudaMemcpy(hu, du, sizeof hu, cudaMemcpyDeviceToHost));
  for (unsigned t = 0; t < 64; ++t) {
    const unsigned lane = t % 32;
    EXPECT(hu[t] == (lane < 8 ? 0xffu : 0u), "thread %u: __activemask() in `if (lane < 8)` is 0x%08x", t, hu[t]);
    EXPECT(hu[64 + t] == (lane % 2 ? 0xaaaaaaaau : 0x55555555u), "thread %u: if/else masks 0x%08x", t, hu[64 + t]);
  }
  const unsigned inIf = hu[0], odd = hu[64 + 1], even = hu[64];
  CUDA_CHECK(cudaMemset(di, 0xff, 64 * sizeof(int)));
  half_exits<<<1, 64>>>(di);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaMemcpy(hi, di, sizeof hi, cudaMemcpyDeviceToHost));
  for (int t = 0; t < 64; ++t) {
    const int lane = t % 32;
    EXPECT(hi[t] == (lane < 16 ? ((lane + 1) % 16) * 10 : -1), "thread %d: shuffle after half the warp exited: %d", t, hi[t]);
  }
  partial_warp<<<1, 40>>>(du);
  CUDA_CHECK(cudaMemcpy(hu, du, 40 * sizeof(unsigned), cudaMemcpyDeviceToHost));
  EXPECT(hu[0] == (0x49249249u ^ (1u << 31) ^ (32u << 24)), "full warp: 0x%08x", hu[0]);
  EXPECT(hu[32] == (0x49u ^ (1u << 31) ^ (8u << 24)), "partial warp of 8 lanes: 0x%08x", hu[32]);
  std::printf("__activemask: in if (lane < 8) 0x%08x, odd 0x%08x, even 0x%08x; ballot in a warp of 8: 0x%02x\n", inIf,
              odd, even, hu[32] & 0xffu);
  return pass();
}
