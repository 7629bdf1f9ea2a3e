// A header with a template kernel and the host function that launches it: the translation covers
// what a .cu file includes, not only the file itself.
#pragma once

template <typename T>
__global__ void axpy(T a, const T* x, T* y, int n) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n) y[i] = a * x[i] + y[i];
}

template <typename T>
void launch_axpy(T a, const T* x, T* y, int n, cudaStream_t s = 0) {
  axpy<<<(n + 127) / 128, 128, 0, s>>>(a, x, y, n);
}
