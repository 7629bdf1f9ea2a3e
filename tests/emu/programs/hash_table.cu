// A GPU hash table (open addressing, linear probing, keys claimed with atomicCAS), as public GPU
// hash tables build it: inserted and queried by kernels launched with <<<>>>, one of them a
// template with a default argument and a pointer parameter passed as NULL.
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "check.cuh"

constexpr uint32_t kEmpty = 0xffffffffu;

struct KeyValue {
  uint32_t key;
  uint32_t value;
};

__device__ uint32_t hash32(uint32_t k) {
  k ^= k >> 16;
  k *= 0x85ebca6bu;
  k ^= k >> 13;
  k *= 0xc2b2ae35u;
  k ^= k >> 16;
  return k;
}

__global__ void insert(KeyValue* table, uint32_t capacity, const KeyValue* kvs, unsigned n, unsigned* probes) {
  const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const uint32_t key = kvs[i].key;
  uint32_t slot = hash32(key) & (capacity - 1);
  for (;;) {
    const uint32_t prev = atomicCAS(&table[slot].key, kEmpty, key);
    if (prev == kEmpty || prev == key) {
      table[slot].value = kvs[i].value;
      return;
    }
    if (probes) atomicAdd(probes, 1u);
    slot = (slot + 1) & (capacity - 1);
  }
}

// Lookups: a template kernel whose miss value has a default.
template <typename V, V Miss = V(kEmpty)>
__global__ void lookup(const KeyValue* table, uint32_t capacity, const uint32_t* keys, V* out, unsigned n,
                       unsigned* found = nullptr) {
  const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const uint32_t key = keys[i];
  uint32_t slot = hash32(key) & (capacity - 1);
  for (uint32_t step = 0; step < capacity; ++step) {
    const KeyValue kv = table[slot];
    if (kv.key == key) {
      out[i] = V(kv.value);
      if (found) atomicAdd(found, 1u);
      return;
    }
    if (kv.key == kEmpty) break;
    slot = (slot + 1) & (capacity - 1);
  }
  out[i] = Miss;
}

int main() {
  const unsigned n = 20000, capacity = 1u << 15;
  std::vector<KeyValue> kvs(n);
  for (unsigned i = 0; i < n; ++i) kvs[i] = KeyValue{(i * 2654435761u) % 1000003u, i};
  KeyValue *dTable, *dKvs;
  uint32_t* dKeys;
  uint32_t* dOut;
  unsigned *dProbes, *dFound;
  CUDA_CHECK(cudaMalloc(&dTable, capacity * sizeof(KeyValue)));
  CUDA_CHECK(cudaMemset(dTable, 0xff, capacity * sizeof(KeyValue)));
  CUDA_CHECK(cudaMalloc(&dKvs, n * sizeof(KeyValue)));
  CUDA_CHECK(cudaMemcpy(dKvs, kvs.data(), n * sizeof(KeyValue), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMalloc(&dProbes, sizeof(unsigned)));
  CUDA_CHECK(cudaMemset(dProbes, 0, sizeof(unsigned)));
  insert<<<(n + 255) / 256, 256>>>(dTable, capacity, dKvs, n, dProbes);
  CUDA_CHECK(cudaGetLastError());
  // Again without the probe counter: NULL for a pointer parameter.
  insert<<<(n + 255) / 256, 256>>>(dTable, capacity, dKvs, n, NULL);
  CUDA_CHECK(cudaDeviceSynchronize());

  // Every key, and as many absent ones.
  std::vector<uint32_t> keys(2 * n);
  for (unsigned i = 0; i < n; ++i) {
    keys[i] = kvs[i].key;
    keys[n + i] = 2000000u + i;
  }
  CUDA_CHECK(cudaMalloc(&dKeys, 2 * n * sizeof(uint32_t)));
  CUDA_CHECK(cudaMemcpy(dKeys, keys.data(), 2 * n * sizeof(uint32_t), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMalloc(&dOut, 2 * n * sizeof(uint32_t)));
  CUDA_CHECK(cudaMalloc(&dFound, sizeof(unsigned)));
  CUDA_CHECK(cudaMemset(dFound, 0, sizeof(unsigned)));
  lookup<uint32_t><<<(2 * n + 127) / 128, 128>>>(dTable, capacity, dKeys, dOut, 2 * n, dFound);
  lookup<uint32_t><<<(2 * n + 127) / 128, 128>>>(dTable, capacity, dKeys, dOut, 2 * n);  // default: no counter
  CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<uint32_t> out(2 * n);
  unsigned found = 0;
  CUDA_CHECK(cudaMemcpy(out.data(), dOut, 2 * n * sizeof(uint32_t), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaMemcpy(&found, dFound, sizeof(unsigned), cudaMemcpyDeviceToHost));

  std::vector<bool> seen(1000003);
  unsigned distinct = 0;
  for (unsigned i = 0; i < n; ++i) distinct += !seen[kvs[i].key] ? (seen[kvs[i].key] = true, 1) : 0;
  unsigned hits = 0, misses = 0;
  for (unsigned i = 0; i < n; ++i) {
    EXPECT(out[i] != kEmpty, "key %u lost", keys[i]);
    EXPECT(kvs[out[i]].key == keys[i], "key %u holds the value of key %u", keys[i], kvs[out[i]].key);
    ++hits;
  }
  for (unsigned i = n; i < 2 * n; ++i) {
    EXPECT(out[i] == kEmpty, "absent key %u found", keys[i]);
    ++misses;
  }
  EXPECT(found == n, "found counter %u, want %u", found, n);
  std::printf("distinct keys %u, hits %u, misses %u\n", distinct, hits, misses);
  return pass();
}
