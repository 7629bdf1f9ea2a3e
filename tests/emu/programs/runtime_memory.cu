// The runtime's memory calls: pitched 2-D allocation, copy and set; symbols (__constant__ and
// __device__ variables, by value and by address); managed memory; stream-ordered allocation;
// registered host memory; pointer attributes.
#include <cuda_runtime.h>

#include <cstring>
#include <vector>

#include "check.cuh"

__constant__ float c_coeff[4];
__device__ int d_counter;
__device__ int d_table[8];

__global__ void scale_rows(float* m, size_t pitch, int width, int height) {
  const int x = int(blockIdx.x * blockDim.x + threadIdx.x), y = int(blockIdx.y);
  if (x >= width || y >= height) return;
  float* row = reinterpret_cast<float*>(reinterpret_cast<char*>(m) + y * pitch);
  row[x] = row[x] * c_coeff[y % 4] + float(d_table[x % 8]);
  atomicAdd(&d_counter, 1);
}

__global__ void bump(int* p, int n) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n) p[i] += i;
}

int main() {
  const int width = 37, height = 11;
  float* m;
  size_t pitch = 0;
  CUDA_CHECK(cudaMallocPitch(&m, &pitch, width * sizeof(float), height));
  EXPECT(pitch >= width * sizeof(float) && pitch % 256 == 0, "pitch %zu", pitch);
  std::vector<float> h(width * height);
  for (int i = 0; i < width * height; ++i) h[i] = float(i);
  CUDA_CHECK(cudaMemset2D(m, pitch, 0, width * sizeof(float), height));
  CUDA_CHECK(cudaMemcpy2D(m, pitch, h.data(), width * sizeof(float), width * sizeof(float), height, cudaMemcpyHostToDevice));
  const float coeff[4] = {1.0f, 2.0f, 0.5f, -1.0f};
  int table[8] = {0, 10, 20, 30, 40, 50, 60, 70};
  CUDA_CHECK(cudaMemcpyToSymbol(c_coeff, coeff, sizeof coeff));
  CUDA_CHECK(cudaMemcpyToSymbol(d_table, table + 4, 4 * sizeof(int), 4 * sizeof(int)));  // with an offset
  CUDA_CHECK(cudaMemcpyToSymbol(d_table, table, 4 * sizeof(int)));
  const int zero = 0;
  CUDA_CHECK(cudaMemcpyToSymbol(d_counter, &zero, sizeof zero));
  scale_rows<<<dim3((width + 31) / 32, height), 32>>>(m, pitch, width, height);
  std::vector<float> back(width * height);
  CUDA_CHECK(cudaMemcpy2D(back.data(), width * sizeof(float), m, pitch, width * sizeof(float), height, cudaMemcpyDeviceToHost));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      EXPECT(back[y * width + x] == h[y * width + x] * coeff[y % 4] + float(table[x % 8]), "2-D element (%d,%d)", x, y);
  int counter = 0;
  CUDA_CHECK(cudaMemcpyFromSymbol(&counter, d_counter, sizeof counter));
  EXPECT(counter == width * height, "__device__ counter %d", counter);
  int* symAddr = nullptr;
  CUDA_CHECK(cudaGetSymbolAddress((void**)&symAddr, d_table));
  int fromAddr[8];
  CUDA_CHECK(cudaMemcpy(fromAddr, symAddr, sizeof fromAddr, cudaMemcpyDeviceToHost));
  EXPECT(std::memcmp(fromAddr, table, sizeof table) == 0, "symbol address");
  size_t symSize = 0;
  CUDA_CHECK(cudaGetSymbolSize(&symSize, d_table));
  EXPECT(symSize == sizeof table, "symbol size %zu", symSize);

  // Managed memory: written by the host, updated by a kernel, read by the host.
  const int n = 1000;
  int* managed;
  CUDA_CHECK(cudaMallocManaged(&managed, n * sizeof(int)));
  for (int i = 0; i < n; ++i) managed[i] = 1;
  bump<<<(n + 127) / 128, 128>>>(managed, n);
  CUDA_CHECK(cudaDeviceSynchronize());
  long long msum = 0;
  for (int i = 0; i < n; ++i) msum += managed[i];
  EXPECT(msum == n + (long long)n * (n - 1) / 2, "managed sum %lld", msum);
  cudaPointerAttributes attr;
  CUDA_CHECK(cudaPointerGetAttributes(&attr, managed + 10));
  EXPECT(attr.type == cudaMemoryTypeManaged, "managed pointer type %d", int(attr.type));
  CUDA_CHECK(cudaPointerGetAttributes(&attr, m));
  EXPECT(attr.type == cudaMemoryTypeDevice, "device pointer type %d", int(attr.type));
  CUDA_CHECK(cudaFree(managed));

  // Stream-ordered allocation and registered host memory on a stream.
  cudaStream_t s;
  CUDA_CHECK(cudaStreamCreate(&s));
  int* async = nullptr;
  CUDA_CHECK(cudaMallocAsync(&async, n * sizeof(int), s));
  std::vector<int> host(n, 5);
  CUDA_CHECK(cudaHostRegister(host.data(), n * sizeof(int), cudaHostRegisterDefault));
  CUDA_CHECK(cudaPointerGetAttributes(&attr, host.data()));
  EXPECT(attr.type == cudaMemoryTypeHost, "registered pointer type %d", int(attr.type));
  CUDA_CHECK(cudaMemcpyAsync(async, host.data(), n * sizeof(int), cudaMemcpyHostToDevice, s));
  bump<<<(n + 127) / 128, 128, 0, s>>>(async, n);
  CUDA_CHECK(cudaMemcpyAsync(host.data(), async, n * sizeof(int), cudaMemcpyDeviceToHost, s));
  CUDA_CHECK(cudaFreeAsync(async, s));
  CUDA_CHECK(cudaStreamSynchronize(s));
  EXPECT(host[999] == 5 + 999, "stream-ordered round trip %d", host[999]);
  CUDA_CHECK(cudaHostUnregister(host.data()));
  EXPECT(cudaHostUnregister(host.data()) == cudaErrorHostMemoryNotRegistered, "unregistering twice");
  cudaGetLastError();
  CUDA_CHECK(cudaStreamDestroy(s));
  CUDA_CHECK(cudaFree(m));
  std::printf("2-D %dx%d (pitch multiple of 256), symbols, managed %lld, stream-ordered %d\n", width, height, msum, host[999]);
  return pass();
}
