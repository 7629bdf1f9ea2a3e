// A block scan with 120-thread blocks through tiled_partition<32>: the last tile of each block has
// 24 threads, and its full-mask shuffles must not wait for the 8 that do not exist (PTX semantics,
// as a GPU of compute capability 7.0+ runs it). Each tile scans with shfl_up, the tiles' totals
// are combined in shared memory; cg::inclusive_scan gives the same per tile, and cg::reduce the
// maximum of each full tile (a butterfly in the partial tile reads lanes that do not exist:
// undefined on a GPU, so not checked).
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cooperative_groups/scan.h>
#include <cuda_runtime.h>

#include <vector>

#include "check.cuh"

namespace cg = cooperative_groups;

constexpr int kBlock = 120;

__global__ void block_scan(const int* in, int* out, int* viaCg, int* tileMax, int n) {
  __shared__ int tileTotals[(kBlock + 31) / 32];
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<32> tile = cg::tiled_partition<32>(block);
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  const int v = i < n ? in[i] : 0;
  int x = v;
  for (unsigned d = 1; d < tile.size(); d <<= 1) {
    const int y = tile.shfl_up(x, d);
    if (tile.thread_rank() >= d) x += y;
  }
  viaCg[i] = cg::inclusive_scan(tile, v);
  const int m = cg::reduce(tile, v, cg::greater<int>());
  if (tile.thread_rank() == 0) tileMax[blockIdx.x * tile.meta_group_size() + tile.meta_group_rank()] = m;
  // The tile's total is its last existing thread's inclusive value.
  const unsigned lastRank = min(31u, unsigned(block.size()) - 1u - tile.meta_group_rank() * 32u);
  if (tile.thread_rank() == lastRank) tileTotals[tile.meta_group_rank()] = x;
  block.sync();
  for (unsigned t = 0; t < tile.meta_group_rank(); ++t) x += tileTotals[t];
  if (i < n) out[i] = x;
}

int main() {
  const int blocks = 37, n = blocks * kBlock;
  std::vector<int> h(n);
  for (int i = 0; i < n; ++i) h[i] = (i * 131) % 17 - 5;
  int *dIn, *dOut, *dCg, *dMax;
  const int tiles = blocks * ((kBlock + 31) / 32);
  CUDA_CHECK(cudaMalloc(&dIn, n * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&dOut, n * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&dCg, n * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&dMax, tiles * sizeof(int)));
  CUDA_CHECK(cudaMemcpy(dIn, h.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  block_scan<<<blocks, kBlock>>>(dIn, dOut, dCg, dMax, n);
  CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<int> out(n), viaCg(n), tileMax(tiles);
  CUDA_CHECK(cudaMemcpy(out.data(), dOut, n * sizeof(int), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaMemcpy(viaCg.data(), dCg, n * sizeof(int), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaMemcpy(tileMax.data(), dMax, tiles * sizeof(int), cudaMemcpyDeviceToHost));
  long long check = 0;
  for (int b = 0; b < blocks; ++b) {
    int run = 0;
    for (int t = 0; t < kBlock; ++t) {
      const int i = b * kBlock + t;
      run += h[i];
      EXPECT(out[i] == run, "block %d thread %d: scan %d, want %d", b, t, out[i], run);
      int tileRun = 0, tileMaxWant = -1000;
      for (int k = t - t % 32; k <= t; ++k) tileRun += h[b * kBlock + k];
      for (int k = t - t % 32; k < t - t % 32 + 32 && k < kBlock; ++k) tileMaxWant = std::max(tileMaxWant, h[b * kBlock + k]);
      EXPECT(viaCg[i] == tileRun, "block %d thread %d: cg::inclusive_scan %d, want %d", b, t, viaCg[i], tileRun);
      if (t % 32 == 0 && t + 32 <= kBlock) EXPECT(tileMax[b * 4 + t / 32] == tileMaxWant, "block %d tile %d: cg::reduce max", b, t / 32);
      check += out[i];
    }
  }
  std::printf("scanned %d blocks of %d threads; checksum %lld\n", blocks, kBlock, check);
  return pass();
}
