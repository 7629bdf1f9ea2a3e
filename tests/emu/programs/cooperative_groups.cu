// Cooperative groups: the block, static and dynamic tiles, coalesced groups and their partitions,
// tile collectives (shfl*, ballot, any, all, match_any, sync), cg::reduce with each standard
// operator, cg::exclusive_scan, a two-warp tile, and grid.sync() across a cooperative launch.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cooperative_groups/scan.h>
#include <cuda_runtime.h>

#include <vector>

#include "check.cuh"

namespace cg = cooperative_groups;

struct TileOut {
  int sum, mn, mx, band, bor, bxor, excl, xorShfl, down, any, all, matches;
  unsigned ballot;
  int dynRank, dynSize, coalescedSum, evenSize, labelSize;
};

__global__ void tiles(TileOut* out, const int* in) {
  cg::thread_block block = cg::this_thread_block();
  auto tile = cg::tiled_partition<32>(block);
  auto t16 = cg::tiled_partition<16>(tile);
  const int v = in[block.thread_rank()];
  TileOut o{};
  o.sum = cg::reduce(tile, v, cg::plus<int>());
  o.mn = cg::reduce(tile, v, cg::less<int>());
  o.mx = cg::reduce(tile, v, cg::greater<int>());
  o.band = cg::reduce(tile, v | 0x100, cg::bit_and<int>());
  o.bor = cg::reduce(tile, v, cg::bit_or<int>());
  o.bxor = cg::reduce(tile, v, cg::bit_xor<int>());
  o.excl = cg::exclusive_scan(tile, v);
  o.xorShfl = t16.shfl_xor(v, 1);
  o.down = tile.shfl_down(v, 3);
  o.any = tile.any(v > 40);
  o.all = tile.all(v >= 0);
  o.ballot = tile.ballot(v % 2 == 0);
  o.matches = __popc(tile.match_any(v % 4));
  tile.sync();
  cg::thread_group dyn = cg::tiled_partition(block, 8);
  dyn.sync();
  o.dynRank = int(dyn.thread_rank());
  o.dynSize = int(dyn.size());
  if (v % 3 == 0) {
    cg::coalesced_group active = cg::coalesced_threads();
    o.coalescedSum = cg::reduce(active, v, cg::plus<int>());
    cg::coalesced_group even = cg::binary_partition(active, v % 2 == 0);
    o.evenSize = int(even.size());
  }
  cg::coalesced_group byLabel = cg::labeled_partition(tile, v % 5);
  o.labelSize = int(byLabel.size());
  out[block.thread_rank()] = o;
}

// A tile of two warps (multi-warp tiles exchange through block_tile_memory, as CUDA declares it).
__global__ void wide_tiles(int* out) {
  __shared__ cg::block_tile_memory<128> scratch;
  cg::thread_block block = cg::this_thread_block(scratch);
  cg::thread_block_tile<64> tile = cg::tiled_partition<64>(block);
  const int v = int(block.thread_rank()) * 3;
  const int sum = cg::reduce(tile, v, cg::plus<int>());
  const int from5 = tile.shfl(v, 5);
  const int prefix = cg::inclusive_scan(tile, 1);
  tile.sync();
  out[block.thread_rank()] = sum * 4 + from5 * 2 + prefix + int(tile.meta_group_rank()) * 1000000;
}

// Two phases over the whole grid: every thread writes, grid.sync(), every thread reads what a
// thread of another block wrote.
__global__ void grid_phases(int* a, int* b, int n, int* valid) {
  cg::grid_group grid = cg::this_grid();
  const unsigned long long i = grid.thread_rank();
  if (i == 0) *valid = int(grid.is_valid()) * 1000 + int(grid.num_blocks());
  for (int round = 0; round < 3; ++round) {
    if (i < unsigned(n)) a[i] = int(i) * (round + 1);
    grid.sync();
    if (i < unsigned(n)) b[i] += a[(i + 97) % unsigned(n)];
    grid.sync();
  }
}

int main() {
  std::vector<int> in(64);
  for (int i = 0; i < 64; ++i) in[i] = (i * 13) % 50;
  int* dIn;
  TileOut* dOut;
  CUDA_CHECK(cudaMalloc(&dIn, 64 * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&dOut, 64 * sizeof(TileOut)));
  CUDA_CHECK(cudaMemcpy(dIn, in.data(), 64 * sizeof(int), cudaMemcpyHostToDevice));
  tiles<<<1, 64>>>(dOut, dIn);
  std::vector<TileOut> o(64);
  CUDA_CHECK(cudaMemcpy(o.data(), dOut, 64 * sizeof(TileOut), cudaMemcpyDeviceToHost));
  for (int t = 0; t < 64; ++t) {
    const int base = t - t % 32;
    int sum = 0, mn = 1 << 30, mx = -1, band = ~0, bor = 0, bxor = 0, excl = 0, matches = 0, labels = 0;
    unsigned ballot = 0;
    bool any = false;
    for (int k = base; k < base + 32; ++k) {
      sum += in[k];
      mn = std::min(mn, in[k]);
      mx = std::max(mx, in[k]);
      band &= in[k] | 0x100;
      bor |= in[k];
      bxor ^= in[k];
      if (k < t) excl += in[k];
      if (in[k] % 2 == 0) ballot |= 1u << (k - base);
      any |= in[k] > 40;
      matches += in[k] % 4 == in[t] % 4;
      labels += in[k] % 5 == in[t] % 5;
    }
    const TileOut& r = o[t];
    EXPECT(r.sum == sum && r.mn == mn && r.mx == mx, "thread %d: reduce plus/less/greater %d %d %d", t, r.sum, r.mn, r.mx);
    EXPECT(r.band == band && r.bor == bor && r.bxor == bxor, "thread %d: reduce bit_and/or/xor", t);
    EXPECT(r.excl == excl, "thread %d: exclusive_scan %d, want %d", t, r.excl, excl);
    EXPECT(r.xorShfl == in[t ^ 1], "thread %d: tile<16>.shfl_xor", t);
    EXPECT(r.down == (t % 32 + 3 < 32 ? in[t + 3] : in[t]), "thread %d: shfl_down", t);
    EXPECT(r.any == int(any) && r.all == 1 && r.ballot == ballot, "thread %d: any/all/ballot", t);
    EXPECT(r.matches == matches && r.labelSize == labels, "thread %d: match_any %d / labeled_partition %d", t, r.matches, r.labelSize);
    EXPECT(r.dynRank == t % 8 && r.dynSize == 8, "thread %d: tiled_partition(block, 8)", t);
    if (in[t] % 3 == 0) {
      int csum = 0, evens = 0;
      for (int k = base; k < base + 32; ++k)
        if (in[k] % 3 == 0) {
          csum += in[k];
          evens += (in[k] % 2 == 0) == (in[t] % 2 == 0);
        }
      // A coalesced group is the converged lanes of the branch: here all of them.
      EXPECT(r.coalescedSum == csum, "thread %d: reduce over coalesced_threads() %d, want %d", t, r.coalescedSum, csum);
      EXPECT(r.evenSize == evens, "thread %d: binary_partition size %d, want %d", t, r.evenSize, evens);
    }
  }

  int* wide;
  CUDA_CHECK(cudaMalloc(&wide, 128 * sizeof(int)));
  wide_tiles<<<1, 128>>>(wide);
  int hw[128];
  CUDA_CHECK(cudaMemcpy(hw, wide, sizeof hw, cudaMemcpyDeviceToHost));
  for (int t = 0; t < 128; ++t) {
    const int base = t - t % 64;
    int sum = 0;
    for (int k = base; k < base + 64; ++k) sum += 3 * k;
    const int want = sum * 4 + 3 * (base + 5) * 2 + (t % 64 + 1) + (t / 64) * 1000000;
    EXPECT(hw[t] == want, "thread %d: tile<64> reduce/shfl/scan %d, want %d", t, hw[t], want);
  }

  // Grid sync: as many blocks as fit at once, as the programming guide sizes a cooperative launch.
  int smCount = 0, perSm = 0, supported = 0;
  CUDA_CHECK(cudaDeviceGetAttribute(&supported, cudaDevAttrCooperativeLaunch, 0));
  EXPECT(supported == 1, "cooperative launch supported");
  CUDA_CHECK(cudaDeviceGetAttribute(&smCount, cudaDevAttrMultiProcessorCount, 0));
  CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perSm, grid_phases, 128, 0));
  const int blocks = std::min(smCount * perSm, 4);
  const int n = blocks * 128;
  int *a, *b, *valid;
  CUDA_CHECK(cudaMalloc(&a, n * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&b, n * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&valid, sizeof(int)));
  CUDA_CHECK(cudaMemset(b, 0, n * sizeof(int)));
  int nArg = n;
  void* args[] = {&a, &b, &nArg, &valid};
  CUDA_CHECK(cudaLaunchCooperativeKernel((void*)grid_phases, blocks, 128, args, 0, 0));
  CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<int> hb(n);
  int hv = 0;
  CUDA_CHECK(cudaMemcpy(hb.data(), b, n * sizeof(int), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaMemcpy(&hv, valid, sizeof hv, cudaMemcpyDeviceToHost));
  for (int i = 0; i < n; ++i) EXPECT(hb[i] == 6 * ((i + 97) % n), "grid sync: b[%d] = %d", i, hb[i]);
  EXPECT(hv == 1000 + blocks, "grid: is_valid/num_blocks %d", hv);
  std::printf("tiles, coalesced groups and reductions of 64 threads; grid.sync() over a cooperative launch\n");
  return pass();
}
