// Access patterns whose memory traffic is known by hand, built only by
// tests/traffic/patterns.test.ts: compiled as kernels/cuda is for the checker (instrumented) and
// run under the emulator's traffic counter. One warp of 32 lanes each (two warps where a second
// one changes the answer); every array comes from cudaMalloc, 256-byte aligned as on a GPU.
// Usage: patterns; prints one JSON line per pattern with its kernel's counts.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "counter.h"
#include "wpemu/control.h"

namespace {

// 32 lanes store 4 bytes each, side by side: 128 bytes, 4 sectors, one request.
__global__ void coalesced_store(unsigned* out) { out[threadIdx.x] = threadIdx.x; }

// Each lane on its own 128-byte line: 32 sectors for one request.
__global__ void one_line_per_lane(unsigned* out) { out[threadIdx.x * 32] = threadIdx.x; }

// An 8-byte copy reading every other element: the loads span 512 bytes (16 sectors), the stores
// are side by side (256 bytes, 8 sectors).
__global__ void stride2_copy(unsigned long long* dst, const unsigned long long* src) { dst[threadIdx.x] = src[2 * threadIdx.x]; }

// A 16-byte vector copy per lane, side by side (as kernels/cuda copies values): 512 bytes, one
// load request and one store request of 16 sectors each.
__global__ void vector16_copy(uint4* dst, const uint4* src) { dst[threadIdx.x] = __ldg(src + threadIdx.x); }

// 4-byte stores starting 16 bytes into a line: bytes 16..143 touch sectors 0..4 (5), not 4.
__global__ void misaligned_store(unsigned* out) { out[threadIdx.x + 4] = threadIdx.x; }

// Half the warp stores (lanes 0..15, side by side): one request of 16 lanes, 2 sectors.
__global__ void half_warp_store(unsigned* out) {
  if (threadIdx.x < 16) out[threadIdx.x] = 1;
}

// The same store instruction executed `n` times by each lane (a loop the compiler cannot unroll:
// one call site): a request per execution.
__global__ void loop_store(unsigned* out, int n) {
  for (int i = 0; i < n; ++i) out[i * 32 + threadIdx.x] = i;
}

// Every lane adds to the same counter: one request, 32 atomics, 1 sector.
__global__ void one_atomic_per_lane(unsigned* counter) { atomicAdd(counter, 1u); }

// Shared memory, 4-byte words: lane l at word l * stride. Stride 1: one wavefront; stride 32: all
// 32 words in bank 0, 32 wavefronts (31 of them conflicts); stride 2: 2-way.
template <int kStride>
__global__ void shared_stride(unsigned* out) {
  __shared__ unsigned s[32 * 32];
  s[threadIdx.x * kStride] = threadIdx.x;
  __syncwarp();
  out[threadIdx.x] = s[threadIdx.x * kStride];
}

// Every lane reads the same shared word: a broadcast, one wavefront.
__global__ void shared_broadcast(unsigned* out) {
  __shared__ unsigned s[32];
  if (threadIdx.x == 0) s[0] = 7;
  __syncwarp();
  out[threadIdx.x] = s[0];
}

// Two warps storing side by side: two requests of 4 sectors each, never merged across warps.
__global__ void two_warps_store(unsigned* out) { out[threadIdx.x] = threadIdx.x; }

void print(const char* pattern) {
  cudaDeviceSynchronize();
  for (const auto& k : wpemu::traffic::kernels()) {
    const auto& c = k.counts;
    const auto& g = c.global;
    std::printf(
        "{\"pattern\":\"%s\",\"kernel\":\"%s\",\"launches\":%llu,\"loadRequests\":%llu,\"loadSectors\":%llu,"
        "\"storeRequests\":%llu,\"storeSectors\":%llu,\"atomicRequests\":%llu,\"atomicSectors\":%llu,\"atomics\":%llu,"
        "\"atomicAdd\":%llu,\"sharedLoadRequests\":%llu,\"sharedStoreRequests\":%llu,\"sharedWavefronts\":%llu,"
        "\"sharedIdealWavefronts\":%llu,\"requests\":%llu,\"activeLanes\":%llu,\"requestedBytes\":%llu}\n",
        pattern, k.name.c_str(), (unsigned long long)c.launches, (unsigned long long)g.loadRequests,
        (unsigned long long)g.loadSectors, (unsigned long long)g.storeRequests, (unsigned long long)g.storeSectors,
        (unsigned long long)g.atomicRequests, (unsigned long long)g.atomicSectors, (unsigned long long)g.atomics,
        (unsigned long long)c.atomicsByOp[wpemu::traffic::kAdd], (unsigned long long)c.sharedLoadRequests,
        (unsigned long long)c.sharedStoreRequests, (unsigned long long)c.sharedWavefronts,
        (unsigned long long)c.sharedIdealWavefronts, (unsigned long long)c.requests, (unsigned long long)c.activeLanes,
        (unsigned long long)g.requestedBytes);
  }
  wpemu::traffic::reset();
}

}  // namespace

int main() {
  wpemu::Config cfg;
  cfg.workers = 1;
  cfg.timeoutSec = 5;
  wpemu::configure(cfg);
  wpemu::traffic::enable(true);  // before the allocations: the tap classifies addresses by them
  unsigned *a = nullptr, *b = nullptr;
  cudaMalloc(&a, 64 << 10);
  cudaMalloc(&b, 64 << 10);
  cudaMemset(a, 0, 64 << 10);
  cudaMemset(b, 0, 64 << 10);
  wpemu::traffic::reset();
  auto* la = reinterpret_cast<unsigned long long*>(a);
  auto* lb = reinterpret_cast<unsigned long long*>(b);
  coalesced_store<<<1, 32>>>(a);
  print("coalesced-store");
  one_line_per_lane<<<1, 32>>>(a);
  print("line-per-lane");
  stride2_copy<<<1, 32>>>(la, lb);
  print("stride2-copy");
  vector16_copy<<<1, 32>>>(reinterpret_cast<uint4*>(a), reinterpret_cast<const uint4*>(b));
  print("vector16-copy");
  misaligned_store<<<1, 32>>>(a);
  print("misaligned-store");
  half_warp_store<<<1, 32>>>(a);
  print("half-warp-store");
  loop_store<<<1, 32>>>(a, 2);
  print("loop-store");
  one_atomic_per_lane<<<1, 32>>>(a);
  print("atomic-per-lane");
  shared_stride<1><<<1, 32>>>(a);
  print("shared-stride-1");
  shared_stride<2><<<1, 32>>>(a);
  print("shared-stride-2");
  shared_stride<32><<<1, 32>>>(a);
  print("shared-stride-32");
  shared_broadcast<<<1, 32>>>(a);
  print("shared-broadcast");
  two_warps_store<<<1, 64>>>(a);
  print("two-warps-store");
  return 0;
}
