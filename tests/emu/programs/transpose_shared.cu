// A matrix transpose through a tile in dynamic shared memory (`extern __shared__`, sized by the
// launch's third argument), padded against bank conflicts, on a 2-D grid of 2-D blocks; and the
// same through a namespace-scope `extern __shared__` array.
#include <cuda_runtime.h>

#include <vector>

#include "check.cuh"

constexpr int kTile = 16;

extern __shared__ float g_tile[];  // namespace scope: the block's dynamic shared memory

__global__ void transpose(float* out, const float* in, int width, int height) {
  extern __shared__ float tile[];  // (kTile + 1) x kTile floats
  const int x = int(blockIdx.x) * kTile + int(threadIdx.x);
  const int y = int(blockIdx.y) * kTile + int(threadIdx.y);
  if (x < width && y < height) tile[threadIdx.y * (kTile + 1) + threadIdx.x] = in[y * width + x];
  __syncthreads();
  const int tx = int(blockIdx.y) * kTile + int(threadIdx.x);
  const int ty = int(blockIdx.x) * kTile + int(threadIdx.y);
  if (tx < height && ty < width) out[ty * height + tx] = tile[threadIdx.x * (kTile + 1) + threadIdx.y];
}

__global__ void transpose_global_tile(float* out, const float* in, int width, int height) {
  const int x = int(blockIdx.x) * kTile + int(threadIdx.x);
  const int y = int(blockIdx.y) * kTile + int(threadIdx.y);
  float* t = g_tile;
  if (x < width && y < height) t[threadIdx.y * (kTile + 1) + threadIdx.x] = in[y * width + x];
  __syncthreads();
  const int tx = int(blockIdx.y) * kTile + int(threadIdx.x);
  const int ty = int(blockIdx.x) * kTile + int(threadIdx.y);
  if (tx < height && ty < width) out[ty * height + tx] = g_tile[threadIdx.x * (kTile + 1) + threadIdx.y];
}

int main() {
  const int width = 100, height = 70;  // not multiples of the tile
  std::vector<float> h(width * height);
  for (int i = 0; i < width * height; ++i) h[i] = float(i % 1000) * 0.5f;
  float *dIn, *dOut;
  CUDA_CHECK(cudaMalloc(&dIn, h.size() * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dOut, h.size() * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(dIn, h.data(), h.size() * sizeof(float), cudaMemcpyHostToDevice));
  const dim3 block(kTile, kTile), grid((width + kTile - 1) / kTile, (height + kTile - 1) / kTile);
  const size_t shared = (kTile + 1) * kTile * sizeof(float);
  std::vector<float> out(h.size());
  for (int variant = 0; variant < 2; ++variant) {
    CUDA_CHECK(cudaMemset(dOut, 0, h.size() * sizeof(float)));
    if (variant == 0) transpose<<<grid, block, shared>>>(dOut, dIn, width, height);
    else transpose_global_tile<<<grid, block, shared, 0>>>(dOut, dIn, width, height);
    CUDA_CHECK(cudaGetLastError());
    CUDA_CHECK(cudaMemcpy(out.data(), dOut, h.size() * sizeof(float), cudaMemcpyDeviceToHost));
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        EXPECT(out[x * height + y] == h[y * width + x], "variant %d: out[%d][%d] = %g, want %g", variant, x, y,
               double(out[x * height + y]), double(h[y * width + x]));
  }
  std::printf("transposed %dx%d through %zu bytes of dynamic shared memory, two ways\n", width, height, shared);
  return pass();
}
