// What every conformance program shares: a CUDA call checked, a result checked, and the verdict.
// Each program prints what it computed (only what any correct schedule gives, so the output is
// the same under every emulator seed and on a GPU) and exits 1 on the first wrong result.
#pragma once
#include <cstdio>
#include <cstdlib>

#define CUDA_CHECK(call)                                                                     \
  do {                                                                                       \
    cudaError_t e_ = (call);                                                                 \
    if (e_ != cudaSuccess) {                                                                 \
      std::printf("FAIL %s:%d: %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorName(e_)); \
      std::exit(1);                                                                          \
    }                                                                                        \
  } while (0)

#define EXPECT(cond, ...)                                   \
  do {                                                      \
    if (!(cond)) {                                          \
      std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      std::printf(__VA_ARGS__);                             \
      std::printf("\n");                                    \
      std::exit(1);                                         \
    }                                                       \
  } while (0)

inline int pass() {
  std::printf("PASS\n");
  return 0;
}
