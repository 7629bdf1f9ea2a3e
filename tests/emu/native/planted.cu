// Planted bugs, built only by tests/emu/planted.test.ts: each kernel below breaks one rule the
// write kernels rely on, and the emulator must report it (lost writes, a deadlock, a mask error, a
// divergent barrier) instead of passing or hanging. Compiled by g++ against kernels/emu exactly as
// kernels/cuda/*.cu are. Usage: planted <name> <seed> [timeoutSec]; prints one JSON line.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "device.cuh"
#include "launch.h"
#include "writeprof/keystream.h"
#include "writeprof/pattern.h"
#include "writeprof/verify.h"
#include "wpemu/control.h"
#include "wpemu/notes.h"

using namespace wp;

// The lock-free claim with its CAS replaced by a load and a store: two writers can both see the
// slot EMPTY and both take it, and one key is lost.
__device__ bool claim_without_cas(Bucket* table, uint64_t buckets, uint64_t key, uint64_t ref, uint32_t size) {
  uint64_t b = home_bucket(key, buckets);
  for (uint64_t step = 0; step < buckets; ++step, b = next_bucket(b, buckets)) {
    Bucket& bk = table[b];
    for (int s = 0; s < kSlotsPerBucket; ++s) {
      uint64_t k = load_acquire(&bk.keys[s]);
      if (k == key) {
        store_release(&bk.values[s], ref);
        return true;
      }
      if (k != kKeyEmpty) continue;
      bk.values[s] = ref;  // PLANTED: no CAS (EMPTY -> LOCKED) before taking the slot
      bk.value_sizes[s] = size;
      bk.key_sizes[s] = kKeySize;
      store_release(&bk.keys[s], key);
      return true;
    }
  }
  return false;
}

__global__ void planted_no_cas(Bucket* table, uint64_t buckets, uint8_t* arena, const uint64_t* keys,
                               const uint8_t* vals, uint32_t n, uint32_t stride, uint32_t size) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  std::memcpy(arena + uint64_t(i) * stride, vals + uint64_t(i) * stride, stride);
  claim_without_cas(table, buckets, keys[i], uint64_t(i) * stride, size);
}

// The bucket lock taken and never released: the next writer of that bucket spins forever.
__global__ void planted_lock_never_released(Bucket* table) {
  gpu::Tally<true> t(false);
  gpu::lock_bucket(table[0], t);  // PLANTED: no unlock
}

// A lane that takes part in the shuffle is missing from its mask.
__global__ void planted_mask_missing_lane(int* out) {
  int v = __shfl_sync(0x7fffffffu, int(threadIdx.x), 0);  // PLANTED: lane 31 calls it too
  out[threadIdx.x] = v;
}

// A shuffle that reads a lane outside its mask.
__global__ void planted_shfl_outside_mask(int* out) {
  int v = 0;
  if (threadIdx.x < 16) v = __shfl_sync(0x0000ffffu, int(threadIdx.x), 20);  // PLANTED: lane 20 is not in the mask
  out[threadIdx.x] = v;
}

// __syncthreads inside a branch not every thread takes.
__global__ void planted_divergent_syncthreads(int* out) {
  if (threadIdx.x < 64) {
    __syncthreads();  // PLANTED: threads 64.. never get here
    out[threadIdx.x] = 1;
  }
}

// Half a warp leaves while the other half waits for it in a full-mask shuffle: PTX (sm_70+) does
// not wait for exited lanes, so it runs; a GPU before sm_70 hangs, which a portability note says.
__global__ void planted_lane_exits(int* out) {
  if (threadIdx.x % 32 >= 16) return;  // PLANTED: these lanes are in the mask below
  out[threadIdx.x] = __shfl_sync(0xffffffffu, int(threadIdx.x), 0);
}

namespace {

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n') {
      o += "\\n";
      continue;
    }
    o += c;
  }
  return o;
}

// Launch, wait, and report what the emulator said.
template <class Launch>
std::string run_and_wait(Launch launch) {
  launch();
  cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) e = cudaDeviceSynchronize();
  return e == cudaSuccess ? std::string() : std::string(cudaGetErrorString(e));
}

int no_cas(unsigned) {
  const uint64_t writes = 4096;
  const uint32_t size = 64, stride = value_stride(size);
  std::vector<uint64_t> keys = make_stream(writes, false, 0, 7);
  const uint64_t buckets = buckets_for(writes, 0.9);
  std::vector<uint8_t> vals(writes * stride);
  for (uint64_t i = 0; i < writes; ++i) fill_value(vals.data() + i * stride, size, keys[i], i);
  Bucket* table;
  uint8_t *arena, *dvals;
  uint64_t* dkeys;
  cudaMalloc(&table, buckets * sizeof(Bucket));
  cudaMalloc(&arena, writes * stride);
  cudaMalloc(&dvals, writes * stride);
  cudaMalloc(&dkeys, writes * 8);
  cudaMemset(table, 0, buckets * sizeof(Bucket));
  cudaMemcpy(dvals, vals.data(), vals.size(), cudaMemcpyHostToDevice);
  cudaMemcpy(dkeys, keys.data(), writes * 8, cudaMemcpyHostToDevice);
  std::string fault = run_and_wait([&] {
    planted_no_cas<<<unsigned(writes / 256), 256, 0, nullptr>>>(table, buckets, arena, dkeys, dvals,
                                                                        uint32_t(writes), stride, size);
  });
  std::vector<Bucket> ht(buckets);
  std::vector<uint8_t> ha(writes * stride);
  cudaMemcpy(ht.data(), table, buckets * sizeof(Bucket), cudaMemcpyDeviceToHost);
  cudaMemcpy(ha.data(), arena, ha.size(), cudaMemcpyDeviceToHost);
  Verification v = verify_table(ht.data(), buckets, ha.data(), ha.size(), size, keys.data(), writes);
  std::printf("{\"name\":\"no-cas\",\"fault\":\"%s\",\"distinct\":%llu,\"verified\":%llu,\"lost\":%llu,\"corrupted\":%llu}\n",
              json_escape(fault).c_str(), (unsigned long long)v.distinct, (unsigned long long)v.verified,
              (unsigned long long)v.lost, (unsigned long long)v.corrupted);
  return 0;
}

int simple(const char* name) {
  int* out;
  cudaMalloc(&out, 1024 * sizeof(int));
  Bucket* table;
  cudaMalloc(&table, sizeof(Bucket));
  cudaMemset(table, 0, sizeof(Bucket));
  std::string n = name, fault;
  if (n == "lock-never-released")
    fault = run_and_wait([&] { planted_lock_never_released<<<2, 64, 0, nullptr>>>(table); });
  else if (n == "mask-missing-lane")
    fault = run_and_wait([&] { planted_mask_missing_lane<<<1, 32, 0, nullptr>>>(out); });
  else if (n == "shfl-outside-mask")
    fault = run_and_wait([&] { planted_shfl_outside_mask<<<1, 32, 0, nullptr>>>(out); });
  else if (n == "divergent-syncthreads")
    fault = run_and_wait([&] { planted_divergent_syncthreads<<<1, 256, 0, nullptr>>>(out); });
  else if (n == "lane-exits")
    fault = run_and_wait([&] { planted_lane_exits<<<1, 64, 0, nullptr>>>(out); });
  else {
    std::fprintf(stderr, "planted: unknown name %s\n", name);
    return 2;
  }
  std::string notes;
  for (const wpemu::PortabilityNote& note : wpemu::portability_notes())
    notes += (notes.empty() ? "\"" : ",\"") + json_escape(note.message) + "\"";
  std::printf("{\"name\":\"%s\",\"fault\":\"%s\",\"notes\":[%s]}\n", name, json_escape(fault).c_str(), notes.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: planted <name> <seed> [timeoutSec] [workers]\n");
    return 2;
  }
  wpemu::Config c;
  c.seed = std::strtoull(argv[2], nullptr, 10);
  c.timeoutSec = argc > 3 ? std::atof(argv[3]) : 2.0;
  c.workers = argc > 4 ? unsigned(std::atoi(argv[4])) : 1;
  wpemu::configure(c);
  if (std::string(argv[1]) == "no-cas") return no_cas(c.workers);
  return simple(argv[1]);
}
