// Every atomic function, in its device, _block and _system scopes, hammered by many threads of
// many blocks: the totals are what sequential execution in any order gives.
#include <cuda_runtime.h>

#include "check.cuh"

struct Cells {
  int add, sub, mn, mx, exch, cas, andv, orv, xorv;
  unsigned inc, dec, uadd;
  unsigned long long ull, ullCas, ullMax;
  long long llMin;
  float fadd, fexch;
  double dadd;
  int blockAdd, systemAdd;
  unsigned short cas16[2];
};

__global__ void hammer(Cells* c, int n) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n) return;
  atomicAdd(&c->add, 2);
  atomicSub(&c->sub, 3);
  atomicMin(&c->mn, 1000 - i);
  atomicMax(&c->mx, i * 2);
  atomicExch(&c->exch, 7);
  atomicAnd(&c->andv, ~(1 << (i % 31)));
  atomicOr(&c->orv, 1 << (i % 31));
  atomicXor(&c->xorv, i);
  atomicInc(&c->inc, 99u);   // wraps to 0 past 99
  atomicDec(&c->dec, 49u);   // wraps to 49 below 0
  atomicAdd(&c->uadd, 1u);
  atomicAdd(&c->ull, 1ull << 33);
  atomicMax(&c->ullMax, (unsigned long long)i << 40);
  atomicMin(&c->llMin, -(long long)i * 3);
  atomicAdd(&c->fadd, 0.5f);
  atomicExch(&c->fexch, 1.5f);
  atomicAdd(&c->dadd, 0.25);
  atomicAdd_block(&c->blockAdd, 1);
  atomicAdd_system(&c->systemAdd, 1);
  atomicMax_block(&c->mx, i * 2);
  atomicOr_system(&c->orv, 0);
  // A counter claimed with a CAS loop, 64- and 16-bit.
  unsigned long long old = c->ullCas, seen;
  do {
    seen = old;
    old = atomicCAS(&c->ullCas, seen, seen + 3);
  } while (old != seen);
  int o32 = c->cas, s32;
  do {
    s32 = o32;
    o32 = atomicCAS_block(&c->cas, s32, s32 + 1);
  } while (o32 != s32);
  if (i < 2000) {
    unsigned short o16 = c->cas16[0], s16;
    do {
      s16 = o16;
      o16 = atomicCAS(&c->cas16[0], s16, (unsigned short)(s16 + 1));
    } while (o16 != s16);
  }
}

int main() {
  const int n = 40 * 256;
  Cells h{};
  h.mn = 1 << 30;
  h.andv = -1;
  h.llMin = 0;
  Cells* d;
  CUDA_CHECK(cudaMalloc(&d, sizeof(Cells)));
  CUDA_CHECK(cudaMemcpy(d, &h, sizeof h, cudaMemcpyHostToDevice));
  hammer<<<40, 256>>>(d, n);
  CUDA_CHECK(cudaMemcpy(&h, d, sizeof h, cudaMemcpyDeviceToHost));
  int xorWant = 0;
  for (int i = 0; i < n; ++i) xorWant ^= i;
  EXPECT(h.add == 2 * n && h.sub == -3 * n, "add %d sub %d", h.add, h.sub);
  EXPECT(h.mn == 1000 - (n - 1) && h.mx == 2 * (n - 1), "min %d max %d", h.mn, h.mx);
  EXPECT(h.exch == 7 && h.andv == int(0x80000000u) && h.orv == 0x7fffffff && h.xorv == xorWant, "exch/and/or/xor");
  EXPECT(h.inc == unsigned(n % 100), "atomicInc wrap: %u", h.inc);
  EXPECT(h.dec == unsigned((50 - n % 50) % 50), "atomicDec wrap: %u", h.dec);
  EXPECT(h.uadd == unsigned(n) && h.ull == (unsigned long long)n << 33, "unsigned and 64-bit add");
  EXPECT(h.ullMax == (unsigned long long)(n - 1) << 40 && h.llMin == -3ll * (n - 1), "64-bit max/min");
  EXPECT(h.fadd == 0.5f * float(n) && h.fexch == 1.5f && h.dadd == 0.25 * n, "float/double add: %g %g", double(h.fadd), h.dadd);
  EXPECT(h.blockAdd == n && h.systemAdd == n, "_block/_system scopes");
  EXPECT(h.ullCas == 3ull * n && h.cas == n && h.cas16[0] == 2000 && h.cas16[1] == 0, "CAS loops %llu %d %u", h.ullCas, h.cas, h.cas16[0]);
  std::printf("%d threads: add %d sub %d inc %u dec %u ull 0x%llx cas %llu fadd %.1f dadd %.2f\n", n, h.add, h.sub,
              h.inc, h.dec, h.ull, h.ullCas, double(h.fadd), h.dadd);
  return pass();
}
