// What the checker must understand, built only by tests/check/orders.test.ts: every way CUDA code
// orders two threads' accesses (release/acquire, fences around relaxed atomics, a lock built of
// atomics, __syncthreads, warp rendezvous, stream order, events, a host answering through mapped
// memory), each beside the same code with the ordering removed. The ordered scenario must give no
// finding, the broken one the tool's. Compiled as kernels/cuda is for the checker (instrumented).
// Usage: orders <scenario> <seed>; prints one JSON line: the findings by tool, and the first kinds.
#include <cuda_runtime.h>
#include <cuda/atomic>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>

#include "checker.h"
#include "launch.h"
#include "wpemu/control.h"
#include "wpemu/findings.h"

using Flag = cuda::atomic_ref<unsigned, cuda::thread_scope_device>;
using cuda::std::memory_order_acquire;
using cuda::std::memory_order_relaxed;
using cuda::std::memory_order_release;

// Block 0 publishes `data`, block 1 waits for the flag and reads it.
template <bool kOrdered>
__global__ void message_passing(unsigned* data, unsigned* flag, unsigned* out) {
  if (threadIdx.x != 0) return;
  if (blockIdx.x == 0) {
    data[0] = 42;
    Flag(*flag).store(1, kOrdered ? memory_order_release : memory_order_relaxed);
  } else {
    while (Flag(*flag).load(kOrdered ? memory_order_acquire : memory_order_relaxed) == 0) __nanosleep(10);
    out[0] = data[0];
  }
}

// The legacy form: relaxed atomics ordered by __threadfence on both sides.
template <bool kOrdered>
__global__ void fenced_flag(unsigned* data, unsigned* flag, unsigned* out) {
  if (threadIdx.x != 0) return;
  if (blockIdx.x == 0) {
    data[0] = 42;
    if (kOrdered) __threadfence();
    atomicExch(flag, 1u);
  } else {
    while (atomicAdd(flag, 0u) == 0) __nanosleep(10);
    if (kOrdered) __threadfence();
    out[0] = data[0];
  }
}

// A spin lock of atomicCAS/atomicExch guarding a plain counter; ordered only with the fences.
template <bool kOrdered>
__global__ void cas_lock(unsigned* lock, unsigned* counter) {
  while (atomicCAS(lock, 0u, 1u) != 0) __nanosleep(10);
  if (kOrdered) __threadfence();
  *counter = *counter + 1;
  if (kOrdered) __threadfence();
  atomicExch(lock, 0u);
}

template <bool kOrdered>
__global__ void block_barrier(unsigned* out) {
  __shared__ unsigned s[128];
  s[threadIdx.x] = threadIdx.x;
  if (kOrdered) __syncthreads();
  out[blockIdx.x * blockDim.x + threadIdx.x] = s[(threadIdx.x + 1) % blockDim.x];
}

template <bool kOrdered>
__global__ void warp_barrier(unsigned* out) {
  __shared__ unsigned s[32];
  s[threadIdx.x] = threadIdx.x;
  if (kOrdered) __syncwarp();
  out[threadIdx.x] = s[threadIdx.x ^ 1];
}

// A shuffle is a rendezvous of its lanes too: it orders what they did before it.
__global__ void shuffle_orders(unsigned* out) {
  __shared__ unsigned s[32];
  s[threadIdx.x] = threadIdx.x;
  unsigned v = __shfl_sync(0xffffffffu, threadIdx.x, 0);
  out[threadIdx.x] = s[threadIdx.x ^ 1] + v;
}

__global__ void write_all(unsigned* buf) { buf[threadIdx.x] = threadIdx.x; }
__global__ void read_all(const unsigned* buf, unsigned* out) { out[threadIdx.x] = buf[(threadIdx.x + 7) % blockDim.x]; }

// A persistent kernel answering the host through mapped memory.
template <bool kOrdered>
__global__ void mailbox(const unsigned* request, unsigned* seq, unsigned* out) {
  if (threadIdx.x != 0) return;
  cuda::atomic_ref<unsigned, cuda::thread_scope_system> s(*seq);
  while (s.load(kOrdered ? memory_order_acquire : memory_order_relaxed) == 0) __nanosleep(10);
  out[0] = request[0];
}

// Weak memory: the relaxed publish's data store is held back; the reader sees the flag first.
template <bool kOrdered>
__global__ void publish_in_block(unsigned* data, unsigned* flag, unsigned* out) {
  if (threadIdx.x == 0) {
    data[0] = 42;
    Flag(*flag).store(1, kOrdered ? memory_order_release : memory_order_relaxed);
  } else if (threadIdx.x == 32) {
    while (Flag(*flag).load(kOrdered ? memory_order_acquire : memory_order_relaxed) == 0) __nanosleep(10);
    out[0] = data[0];
  }
}

__global__ void misaligned_atomic(unsigned char* p) { atomicAdd(reinterpret_cast<unsigned*>(p + 2), 1u); }
__global__ void read_freed(const unsigned* p, unsigned* out) { out[threadIdx.x] = p[threadIdx.x]; }
__global__ void divergent_barrier(unsigned* out) {
  if (threadIdx.x < 32) __syncthreads();
  out[threadIdx.x] = 1;
}

namespace {

template <class L>
std::string run(L launch) {
  launch();
  cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) e = cudaDeviceSynchronize();
  return e == cudaSuccess ? "" : cudaGetErrorString(e);
}

std::string scenario(const std::string& n) {
  unsigned *a, *b, *c;
  cudaMalloc(&a, 4096);
  cudaMalloc(&b, 4096);
  cudaMalloc(&c, 4096);
  cudaMemset(a, 0, 4096);
  cudaMemset(b, 0, 4096);
  cudaMemset(c, 0, 4096);
  const bool ok = n.find("-ordered") != std::string::npos;
  const std::string base = n.substr(0, n.find('-'));
  if (base == "mp") return ok ? run([&] { message_passing<true><<<2, 32, 0, nullptr>>>(a, b, c); })
                              : run([&] { message_passing<false><<<2, 32, 0, nullptr>>>(a, b, c); });
  if (base == "fence") return ok ? run([&] { fenced_flag<true><<<2, 32, 0, nullptr>>>(a, b, c); })
                                 : run([&] { fenced_flag<false><<<2, 32, 0, nullptr>>>(a, b, c); });
  if (base == "lock") return ok ? run([&] { cas_lock<true><<<4, 64, 0, nullptr>>>(a, b); })
                                : run([&] { cas_lock<false><<<4, 64, 0, nullptr>>>(a, b); });
  if (base == "barrier") return ok ? run([&] { block_barrier<true><<<2, 128, 0, nullptr>>>(a); })
                                   : run([&] { block_barrier<false><<<2, 128, 0, nullptr>>>(a); });
  if (base == "syncwarp") return ok ? run([&] { warp_barrier<true><<<1, 32, 0, nullptr>>>(a); })
                                    : run([&] { warp_barrier<false><<<1, 32, 0, nullptr>>>(a); });
  if (base == "shuffle") return run([&] { shuffle_orders<<<1, 32, 0, nullptr>>>(a); });
  if (base == "streams") {
    cudaStream_t s1, s2;
    cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking);
    cudaStreamCreateWithFlags(&s2, cudaStreamNonBlocking);
    cudaEvent_t e;
    cudaEventCreate(&e);
    // Ordered: the same stream, or the other stream after the host waited for an event of the
    // first. Broken: the other stream with nothing between (the writer made slow so they overlap).
    write_all<<<1, 256, 0, s1>>>(a);
    if (n == "streams-ordered") {
      read_all<<<1, 256, 0, s1>>>(a, b);
      cudaEventRecord(e, s1);
      cudaEventSynchronize(e);
      read_all<<<1, 256, 0, s2>>>(a, c);
    } else {
      read_all<<<1, 256, 0, s2>>>(a, c);
    }
    cudaDeviceSynchronize();
    return "";
  }
  if (base == "mailbox") {
    unsigned *req, *seq, *dreq, *dseq;
    cudaHostAlloc(&req, 64, cudaHostAllocMapped);
    cudaHostAlloc(&seq, 64, cudaHostAllocMapped);
    cudaHostGetDevicePointer(&dreq, req, 0);
    cudaHostGetDevicePointer(&dseq, seq, 0);
    *seq = 0;
    cudaStream_t s;
    cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    if (ok) mailbox<true><<<1, 32, 0, s>>>(dreq, dseq, a);
    else mailbox<false><<<1, 32, 0, s>>>(dreq, dseq, a);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    req[0] = 7;  // the request, then its sequence number
    __atomic_store_n(seq, 1u, ok ? __ATOMIC_RELEASE : __ATOMIC_RELAXED);
    cudaStreamSynchronize(s);
    return "";
  }
  if (base == "publish") return ok ? run([&] { publish_in_block<true><<<1, 64, 0, nullptr>>>(a, b, c); })
                                   : run([&] { publish_in_block<false><<<1, 64, 0, nullptr>>>(a, b, c); });
  if (base == "misaligned") return run([&] { misaligned_atomic<<<1, 1, 0, nullptr>>>(reinterpret_cast<unsigned char*>(a)); });
  if (base == "freed") {
    unsigned* gone;
    cudaMalloc(&gone, 4096);
    cudaFree(gone);
    return run([&] { read_freed<<<1, 32, 0, nullptr>>>(gone, a); });
  }
  if (base == "divergent") return run([&] { divergent_barrier<<<1, 64, 0, nullptr>>>(a); });
  std::fprintf(stderr, "orders: unknown scenario %s\n", n.c_str());
  std::exit(2);
}

std::string escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\';
    if (ch == '\n') continue;
    o += ch;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: orders <scenario> <seed>\n");
    return 2;
  }
  wpemu::check::Tools t;
  t.memcheck = t.racecheck = t.initcheck = t.synccheck = t.weak = true;
  wpemu::check::configure(t);
  wpemu::Config c;
  c.seed = std::strtoull(argv[2], nullptr, 10);
  c.timeoutSec = 5;
  wpemu::configure(c);
  wpemu::check::begin_case();
  const std::string fault = scenario(argv[1]);
  std::map<std::string, int> byTool;
  std::string kinds;
  for (const auto& f : wpemu::take_findings()) {
    ++byTool[f.first.tool];
    if (kinds.size() < 200) kinds += (kinds.empty() ? "" : ",") + f.first.tool + ":" + f.first.kind;
  }
  std::printf("{\"scenario\":\"%s\",\"fault\":\"%s\",\"kinds\":\"%s\"", argv[1], escape(fault.substr(0, 160)).c_str(), kinds.c_str());
  for (const char* tool : {"memcheck", "racecheck", "initcheck", "synccheck", "weak"}) std::printf(",\"%s\":%d", tool, byTool[tool]);
  std::printf("}\n");
  return 0;
}
