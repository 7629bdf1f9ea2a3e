// Built only with `writeprof emu build --instrument` (tests/emu/instrumented.test.ts): a program
// that checks itself. argv[1] picks what it does, argv[2] == "exit" ends it with exit() instead of
// returning from main:
//   race   a block rotates values through shared memory without the barrier between its writes
//          and its neighbours' reads (racecheck names both lines)
//   clean  the same with the barrier
//   oob    a write one element past a cudaMalloc allocation, then status 3 (the program's own)
//   none   no kernel at all
#include <cstdio>
#include <cstdlib>
#include <cstring>

__global__ void rotate_sum(const int* in, int* out, bool barrier) {
  __shared__ int tile[64];
  const unsigned t = threadIdx.x;
  tile[t] = in[t];
  if (barrier) __syncthreads();
  out[t] = tile[(t + 1) % blockDim.x] + tile[t];
}

__global__ void fill(int* p, int v) { p[threadIdx.x] = v; }

int rotate(bool barrier) {
  const int n = 64;
  int host[n], *in = nullptr, *out = nullptr;
  for (int i = 0; i < n; ++i) host[i] = i;
  cudaMalloc(&in, n * sizeof(int));
  cudaMalloc(&out, n * sizeof(int));
  cudaMemcpy(in, host, sizeof host, cudaMemcpyHostToDevice);
  rotate_sum<<<1, n>>>(in, out, barrier);
  cudaMemcpy(host, out, sizeof host, cudaMemcpyDeviceToHost);
  cudaFree(in);
  cudaFree(out);
  long sum = 0;
  for (int i = 0; i < n; ++i) sum += host[i];
  std::printf("sum %ld\n", sum);
  return 0;
}

int out_of_bounds() {
  int* p = nullptr;
  cudaMalloc(&p, 16 * sizeof(int));
  fill<<<1, 17>>>(p, 5);
  std::printf("%s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  cudaFree(p);
  return 3;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "race";
  const int status = !std::strcmp(mode, "oob") ? out_of_bounds() : !std::strcmp(mode, "none") ? 0 : rotate(!std::strcmp(mode, "clean"));
  if (argc > 2 && !std::strcmp(argv[2], "exit")) std::exit(status);
  return status;
}
