// The emulator's CUDA semantics, checked against what the CUDA programming guide specifies: each
// check launches a small kernel and compares its output with values computed here on the host.
// Built only by tests/emu/semantics.test.ts. Usage: semantics <seed> [workers]; prints one JSON
// line per check: {"name": ..., "ok": true|false, "detail": ...}.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "launch.h"
#include "wpemu/control.h"

namespace {

int g_failed = 0;

void report(const char* name, bool ok, const std::string& detail = "") {
  if (!ok) ++g_failed;
  std::printf("{\"name\":\"%s\",\"ok\":%s,\"detail\":\"%s\"}\n", name, ok ? "true" : "false", detail.c_str());
}

template <class T>
std::vector<T> fetch(const T* d, size_t n) {
  std::vector<T> h(n);
  cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost);
  return h;
}

}  // namespace

// Lane l of each warp writes the results of every shuffle flavour, a ballot and a match.
__global__ void k_shuffles(unsigned* out) {
  const unsigned lane = threadIdx.x % 32, t = threadIdx.x;
  unsigned* o = out + t * 8;
  o[0] = __shfl_sync(0xffffffffu, lane * 10, 5);         // everyone reads lane 5
  o[1] = __shfl_up_sync(0xffffffffu, lane * 10, 3);      // lanes < 3 keep their own
  o[2] = __shfl_down_sync(0xffffffffu, lane * 10, 4);    // lanes > 27 keep their own
  o[3] = __shfl_xor_sync(0xffffffffu, lane * 10, 1);     // pairs swap
  o[4] = __shfl_sync(0xffffffffu, lane * 10, 2, 8);      // width 8: lane 2 of each group of 8
  o[5] = __ballot_sync(0xffffffffu, lane % 3 == 0);
  o[6] = __match_any_sync(0xffffffffu, lane / 4);        // groups of four lanes
  o[7] = __reduce_add_sync(0xffffffffu, lane);
}

// Partial masks: only the even lanes shuffle, among themselves.
__global__ void k_partial(int* out) {
  const int lane = int(threadIdx.x % 32);
  if (lane % 2 == 0) out[threadIdx.x] = __shfl_sync(0x55555555u, lane, 6);
  else out[threadIdx.x] = -1;
}

// __syncthreads_count/_and/_or over the block, and shared memory across the barrier.
__global__ void k_barriers(int* out) {
  __shared__ int s[256];
  s[threadIdx.x] = int(threadIdx.x);
  int c = __syncthreads_count(threadIdx.x % 4 == 0);
  int a = __syncthreads_and(threadIdx.x < 1000);
  int o = __syncthreads_or(threadIdx.x == 200);
  out[threadIdx.x] = s[(threadIdx.x + 1) % blockDim.x] + 1000 * c + 100000 * a + 1000000 * o;
}

// Dynamic shared memory (the launch's third argument) and a 2-D block.
__global__ void k_dynamic(int* out) {
  extern __shared__ int buf[];
  const int t = int(threadIdx.x + blockDim.x * threadIdx.y);
  buf[t] = t * 3;
  __syncthreads();
  const int n = int(blockDim.x * blockDim.y);
  out[blockIdx.x * n + t] = buf[n - 1 - t] + int(threadIdx.y) * 100000;
}

// Atomics from every thread of several blocks: nothing lost.
__global__ void k_atomics(unsigned long long* sum, unsigned* maxv, int* cas) {
  atomicAdd(sum, 1ull);
  atomicMax(maxv, unsigned(blockIdx.x * blockDim.x + threadIdx.x));
  int old = atomicCAS(cas, 0, int(threadIdx.x) + 1);
  (void)old;
}

// A kernel that never ends while the host has not answered (the persistent-server pattern).
__global__ void k_wait_for_host(volatile unsigned* flag, unsigned* seen) {
  if (threadIdx.x == 0) {
    unsigned v;
    while ((v = cuda::atomic_ref<unsigned, cuda::thread_scope_system>(*const_cast<unsigned*>(flag))
                    .load(cuda::std::memory_order_acquire)) == 0)
      __nanosleep(100);
    *seen = v;
  }
  __syncwarp();
}

__global__ void k_count(unsigned long long* n) { atomicAdd(n, 1ull); }

__global__ void k_trap() {
  if (threadIdx.x == 7) __trap();
}

int main(int argc, char** argv) {
  wpemu::Config c;
  c.seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1;
  c.workers = argc > 2 ? unsigned(std::atoi(argv[2])) : 2;
  c.timeoutSec = 5;
  wpemu::configure(c);

  {  // shuffles, ballot, match, reduce: two warps
    unsigned* d;
    cudaMalloc(&d, 64 * 8 * sizeof(unsigned));
    k_shuffles<<<1, 64, 0, nullptr>>>(d);
    cudaDeviceSynchronize();
    auto h = fetch(d, 64 * 8);
    bool ok = true;
    std::string why;
    for (unsigned t = 0; t < 64 && ok; ++t) {
      const unsigned l = t % 32;
      unsigned ballot = 0, match = 0;
      for (unsigned k = 0; k < 32; ++k) {
        if (k % 3 == 0) ballot |= 1u << k;
        if (k / 4 == l / 4) match |= 1u << k;
      }
      const unsigned want[8] = {50, l < 3 ? l * 10 : (l - 3) * 10, l > 27 ? l * 10 : (l + 4) * 10, (l ^ 1) * 10,
                                ((l & ~7u) + 2) * 10, ballot, match, 496};
      for (int i = 0; i < 8; ++i)
        if (h[t * 8 + i] != want[i]) {
          ok = false;
          why = "thread " + std::to_string(t) + " result " + std::to_string(i) + ": " + std::to_string(h[t * 8 + i]) +
                ", want " + std::to_string(want[i]);
          break;
        }
    }
    report("shuffles-ballot-match-reduce", ok, why);
  }
  {  // partial mask
    int* d;
    cudaMalloc(&d, 32 * sizeof(int));
    k_partial<<<1, 32, 0, nullptr>>>(d);
    cudaError_t e = cudaDeviceSynchronize();
    auto h = fetch(d, 32);
    bool ok = e == cudaSuccess;
    for (int l = 0; l < 32 && ok; ++l) ok = h[l] == (l % 2 == 0 ? 6 : -1);
    report("partial-mask-shuffle", ok, e == cudaSuccess ? "" : cudaGetErrorString(e));
  }
  {  // barriers
    int* d;
    cudaMalloc(&d, 256 * sizeof(int));
    k_barriers<<<1, 256, 0, nullptr>>>(d);
    cudaDeviceSynchronize();
    auto h = fetch(d, 256);
    bool ok = true;
    for (int t = 0; t < 256 && ok; ++t) ok = h[t] == (t + 1) % 256 + 1000 * 64 + 100000 * 1 + 1000000 * 1;
    report("syncthreads-count-and-or", ok, ok ? "" : "got " + std::to_string(h[0]));
  }
  {  // dynamic shared memory, 2-D blocks, several blocks
    int* d;
    cudaMalloc(&d, 3 * 128 * sizeof(int));
    k_dynamic<<<3, dim3(32, 4), 128 * sizeof(int), nullptr>>>(d);
    cudaDeviceSynchronize();
    auto h = fetch(d, 3 * 128);
    bool ok = true;
    for (int b = 0; b < 3 && ok; ++b)
      for (int t = 0; t < 128 && ok; ++t) ok = h[b * 128 + t] == (127 - t) * 3 + (t / 32) * 100000;
    report("dynamic-shared-2d-block", ok);
  }
  {  // atomics across blocks and workers
    unsigned long long* sum;
    unsigned* maxv;
    int* cas;
    cudaMalloc(&sum, 8);
    cudaMalloc(&maxv, 4);
    cudaMalloc(&cas, 4);
    cudaMemset(sum, 0, 8);
    cudaMemset(maxv, 0, 4);
    cudaMemset(cas, 0, 4);
    k_atomics<<<40, 128, 0, nullptr>>>(sum, maxv, cas);
    cudaDeviceSynchronize();
    auto s = fetch(sum, 1)[0];
    auto m = fetch(maxv, 1)[0];
    auto k = fetch(cas, 1)[0];
    report("atomics", s == 40 * 128 && m == 40 * 128 - 1 && k >= 1 && k <= 128,
           std::to_string(s) + " " + std::to_string(m) + " " + std::to_string(k));
  }
  {  // a persistent kernel on one stream; the host answers through mapped memory; stream query
    cudaStream_t st;
    cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking);
    unsigned *flag, *seen;
    cudaHostAlloc(&flag, 4, cudaHostAllocMapped);
    cudaMalloc(&seen, 4);
    *flag = 0;
    unsigned* dflag;
    cudaHostGetDevicePointer(&dflag, flag, 0);
    k_wait_for_host<<<1, 32, 0, st>>>(dflag, seen);
    bool running = cudaStreamQuery(st) == cudaErrorNotReady;
    __atomic_store_n(flag, 42u, __ATOMIC_RELEASE);
    cudaError_t e = cudaStreamSynchronize(st);
    report("persistent-kernel-and-host", running && e == cudaSuccess && fetch(seen, 1)[0] == 42,
           running ? "" : "the stream was idle while its kernel waited");
    cudaStreamDestroy(st);
  }
  {  // events: ordered, elapsed time non-negative
    cudaEvent_t a, b;
    cudaEventCreate(&a);
    cudaEventCreate(&b);
    int* d;
    cudaMalloc(&d, 256 * sizeof(int));
    cudaEventRecord(a, nullptr);
    k_barriers<<<1, 256, 0, nullptr>>>(d);
    cudaEventRecord(b, nullptr);
    cudaEventSynchronize(b);
    float ms = -1;
    cudaError_t e = cudaEventElapsedTime(&ms, a, b);
    report("events", e == cudaSuccess && ms >= 0, std::to_string(ms));
  }
  {  // invalid configuration is a launch error, not a crash
    int* d;
    cudaMalloc(&d, 4);
    k_partial<<<1, 2048, 0, nullptr>>>(d);
    cudaError_t e = cudaGetLastError();
    report("invalid-configuration", e == cudaErrorInvalidConfiguration, cudaGetErrorString(e));
  }
  {  // many short multi-block launches on several workers: progress recorded by one worker while
     // another checks its clock is never mistaken for a stall (it once read as 18446744073 s)
    unsigned long long* n;
    cudaMalloc(&n, 8);
    cudaMemset(n, 0, 8);
    for (int i = 0; i < 400; ++i) k_count<<<16, 32, 0, nullptr>>>(n);
    cudaError_t e = cudaDeviceSynchronize();
    auto got = fetch(n, 1)[0];
    report("no-spurious-timeout", e == cudaSuccess && got == 400ull * 16 * 32, e == cudaSuccess ? std::to_string(got) : cudaGetErrorString(e));
  }
  {  // a fault is sticky, as on a GPU, until reset; its message names kernel, block, warp and lane
    k_trap<<<2, 64, 0, nullptr>>>();
    cudaError_t e = cudaDeviceSynchronize();
    std::string msg = cudaGetErrorString(e);
    int* d = nullptr;
    cudaError_t after = cudaMalloc(&d, 4);
    cudaDeviceReset();
    cudaError_t cleared = cudaMalloc(&d, 4);
    bool ok = e == cudaErrorLaunchFailure && after == cudaErrorLaunchFailure && cleared == cudaSuccess &&
              msg.find("k_trap<<<2, 64>>>") != std::string::npos && msg.find("__trap() by thread 7") != std::string::npos &&
              msg.find("warp 0") != std::string::npos;
    report("trap-sticky-reset", ok, ok ? "" : msg);
  }
  return g_failed ? 1 : 0;
}
