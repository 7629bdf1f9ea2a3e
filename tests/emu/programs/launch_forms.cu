// The forms a launch takes in CUDA code, each launched unchanged: deduced and explicit template
// arguments (nested, with `>>`), `>>` and templates in the configuration, default arguments, 0
// and NULL for pointers, a lambda called in the arguments, overloads, a function pointer, a
// namespace, a kernel from a header, cudaLaunchKernel with an argument array, cudaLaunchKernelEx;
// and __CUDA_ARCH__/__CUDACC__ as nvcc defines them (device pass only, both passes).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstring>

#include "check.cuh"
#include "launch_forms.cuh"

#ifndef __CUDACC__
#error "__CUDACC__ is defined when nvcc compiles a .cu file"
#endif

template <typename T>
struct Box {
  T v;
};
template <int N>
struct Width {
  static constexpr int value = N;
};

template <typename T>
__global__ void fill(T* out, T value, int n = 32) {
  const int i = int(threadIdx.x);
  if (i < n) out[i] = value;
}

template <typename B>
__global__ void unbox(int* out, B b) {
  out[threadIdx.x] = int(b.v.v);
}

__global__ void over(int* out) { out[threadIdx.x] = 1; }
__global__ void over(float* out) { out[threadIdx.x] = 2.0f; }

__global__ void maybe(int* out, const int* in = nullptr, int scale = 3) {
  out[threadIdx.x] = in ? in[threadIdx.x] * scale : -scale;
}

namespace ns {
__global__ void shift(int* out, int by) { out[threadIdx.x] = int(threadIdx.x) >> by; }
}  // namespace ns

__global__ void by_args(int* out, int a, double b) { out[threadIdx.x] = a + int(b * 10); }

// Where the code runs, as nvcc compiles it: __CUDA_ARCH__ exists in the device pass only.
__host__ __device__ int where() {
#ifdef __CUDA_ARCH__
  return __CUDA_ARCH__ >= 700 ? 1 : -1;
#else
  return 0;
#endif
}

#ifdef __CUDA_ARCH__
__device__ int device_only_helper() { return 42; }
#endif

__global__ void arch(int* out) {
#if defined(__CUDA_ARCH__)
  out[0] = where();
  out[1] = device_only_helper();
#else
  out[0] = -99;  // never compiled into the device code
#endif
}

int main() {
  int *d, h[32];
  float* f;
  CUDA_CHECK(cudaMalloc(&d, 64 * sizeof(int)));
  CUDA_CHECK(cudaMalloc(&f, 32 * sizeof(float)));
  auto get = [&] { CUDA_CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost)); };
  const char* text = "not a launch: k<<<1, 1>>>();";  // a launch in a string stays text
  EXPECT(std::strlen(text) == 28, "string changed: %s", text);

  fill<<<1, 32>>>(d, 7);  // T deduced from the arguments; n defaulted
  get();
  EXPECT(h[31] == 7, "deduced template: %d", h[31]);

  const int n = 300;
  fill<int><<<std::max<int>(1, std::min<int>(1, 2)), Width<(n >> 4) + 14>::value>>>(d, (n >> 2) - 70);
  get();
  EXPECT(h[0] == 5 && h[31] == 5, ">> and templates in the configuration: %d", h[0]);

  unbox<Box<Box<int>>><<<1, 32>>>(d, Box<Box<int>>{{9}});  // nested template arguments closing with >>>
  get();
  EXPECT(h[5] == 9, "nested template argument: %d", h[5]);

  over<<<1, 32>>>(d);
  over<<<1, 32>>>(f);
  float hf[32];
  get();
  CUDA_CHECK(cudaMemcpy(hf, f, sizeof hf, cudaMemcpyDeviceToHost));
  EXPECT(h[3] == 1 && hf[3] == 2.0f, "overloads");

  maybe<<<1, 32>>>(d);  // defaults: in = nullptr, scale = 3
  get();
  EXPECT(h[0] == -3, "default arguments: %d", h[0]);
  maybe<<<1, 32>>>(d, NULL, 4);
  get();
  EXPECT(h[0] == -4, "NULL pointer: %d", h[0]);
  maybe<<<1, 32>>>(d, 0, [] { return 5; }());  // 0 for the pointer, a lambda called in the arguments
  get();
  EXPECT(h[0] == -5, "0 pointer and lambda: %d", h[0]);

  void (*fp)(int*, int) = ns::shift;
  fp<<<1, 32>>>(d, 1);
  get();
  EXPECT(h[31] == 15, "function pointer: %d", h[31]);
  ns::shift<<<
      1,
      32>>>(d, 2);  // a configuration over lines
  get();
  EXPECT(h[31] == 7, "qualified name: %d", h[31]);

  float *x, *y, hy[200];
  CUDA_CHECK(cudaMalloc(&x, 200 * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&y, 200 * sizeof(float)));
  std::fill(hy, hy + 200, 1.0f);
  CUDA_CHECK(cudaMemcpy(x, hy, sizeof hy, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(y, hy, sizeof hy, cudaMemcpyHostToDevice));
  launch_axpy(2.0f, x, y, 200);
  CUDA_CHECK(cudaMemcpy(hy, y, sizeof hy, cudaMemcpyDeviceToHost));
  EXPECT(hy[0] == 3.0f && hy[199] == 3.0f, "kernel from a header: %g", double(hy[199]));

  int a = 4;
  double b = 0.5;
  void* args[] = {&d, &a, &b};
  CUDA_CHECK(cudaLaunchKernel((const void*)by_args, dim3(1), dim3(32), args, 0, nullptr));
  get();
  EXPECT(h[0] == 9, "cudaLaunchKernel: %d", h[0]);

  cudaLaunchConfig_t cfg = {};
  cfg.gridDim = dim3(1);
  cfg.blockDim = dim3(32);
  CUDA_CHECK(cudaLaunchKernelEx(&cfg, by_args, d, 1, 0.2));
  get();
  EXPECT(h[31] == 3, "cudaLaunchKernelEx: %d", h[31]);

  arch<<<1, 1>>>(d);
  get();
  EXPECT(h[0] == 1 && h[1] == 42, "device pass: __CUDA_ARCH__ >= 700 and device-only code (%d, %d)", h[0], h[1]);
  EXPECT(where() == 0, "host pass: no __CUDA_ARCH__ (%d)", where());
  std::printf("14 launch forms; __CUDA_ARCH__ in device code only\n");
  return pass();
}
