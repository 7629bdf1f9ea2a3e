// Warp-aggregated atomics (the CUDA blog's filter): the lanes that keep an element elect a leader
// with coalesced_threads(), the leader reserves room for all of them with one atomicAdd, and each
// lane writes at its rank. The group must be exactly the lanes that took the branch.
#include <cooperative_groups.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <vector>

#include "check.cuh"

namespace cg = cooperative_groups;

__device__ int atomicAggInc(int* counter) {
  cg::coalesced_group active = cg::coalesced_threads();
  int base = 0;
  if (active.thread_rank() == 0) base = atomicAdd(counter, int(active.size()));
  return active.shfl(base, 0) + int(active.thread_rank());
}

// Every lane of the branch is in exactly one group, and no lane outside it is in any: the sizes
// the groups' leaders add up per warp are the warp's lanes in the branch.
__global__ void filter(int* dst, int* nres, const int* src, int n, unsigned* warpTotals) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n && src[i] > 0) {
    cg::coalesced_group g = cg::coalesced_threads();
    if (g.thread_rank() == 0) {
      atomicAdd(&warpTotals[i / 32], g.size());
      atomicAdd(&warpTotals[n / 32], 1u);  // groups
    }
    dst[atomicAggInc(nres)] = src[i];
  }
}

int main() {
  const int n = 1 << 16;
  std::vector<int> src(n);
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    src[i] = ((i * 37) % 11) - 3;  // a branch that divides every warp
    kept += src[i] > 0;
  }
  int *dSrc, *dDst, *dCount;
  unsigned* dTotals;
  CUDA_CHECK(cudaMalloc(&dSrc, n * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&dDst, n * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&dCount, sizeof(int)));
  CUDA_CHECK(cudaMalloc(&dTotals, (n / 32 + 1) * sizeof(unsigned)));
  CUDA_CHECK(cudaMemcpy(dSrc, src.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemset(dCount, 0, sizeof(int)));
  CUDA_CHECK(cudaMemset(dTotals, 0, (n / 32 + 1) * sizeof(unsigned)));
  filter<<<n / 128, 128>>>(dDst, dCount, dSrc, n, dTotals);
  CUDA_CHECK(cudaDeviceSynchronize());
  int count = 0;
  CUDA_CHECK(cudaMemcpy(&count, dCount, sizeof count, cudaMemcpyDeviceToHost));
  EXPECT(count == kept, "kept %d elements, want %d", count, kept);
  std::vector<int> dst(count);
  CUDA_CHECK(cudaMemcpy(dst.data(), dDst, count * sizeof(int), cudaMemcpyDeviceToHost));
  std::vector<int> want;
  for (int v : src)
    if (v > 0) want.push_back(v);
  std::sort(dst.begin(), dst.end());
  std::sort(want.begin(), want.end());
  EXPECT(dst == want, "the kept elements differ from the input's positive ones");
  std::vector<unsigned> totals(n / 32 + 1);
  CUDA_CHECK(cudaMemcpy(totals.data(), dTotals, (n / 32 + 1) * sizeof(unsigned), cudaMemcpyDeviceToHost));
  // Converged lanes share one atomic: far fewer groups than lanes (one per warp when all converge).
  EXPECT(totals[n / 32] <= unsigned(kept) / 4, "%u groups for %d lanes: the lanes did not converge", totals[n / 32], kept);
  for (int w = 0; w < n / 32; ++w) {
    unsigned inBranch = 0;
    for (int l = 0; l < 32; ++l) inBranch += src[w * 32 + l] > 0;
    EXPECT(totals[w] == inBranch, "warp %d: its groups hold %u lanes, %u took the branch", w, totals[w], inBranch);
  }
  std::printf("kept %d of %d elements\n", count, n);
  return pass();
}
