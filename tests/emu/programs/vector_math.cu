// Vector types (sizes and alignments as CUDA's), make_*, and the math intrinsics programs use:
// rsqrtf, __expf, __fdividef, __saturatef, __float_as_int, __float2int_rn, __sinf, __powf,
// sincosf, fminf/fmaxf, and CUDA's min/max in device and host code. Results are checked within
// the intrinsics' documented error and printed rounded, so a GPU prints the same.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "check.cuh"

static_assert(sizeof(float2) == 8 && alignof(float2) == 8, "float2");
static_assert(sizeof(float3) == 12 && alignof(float3) == 4, "float3");
static_assert(sizeof(float4) == 16 && alignof(float4) == 16, "float4");
static_assert(sizeof(int2) == 8 && alignof(int2) == 8, "int2");
static_assert(sizeof(uchar4) == 4 && alignof(uchar4) == 4, "uchar4");
static_assert(sizeof(double2) == 16 && alignof(double2) == 16, "double2");
static_assert(sizeof(short2) == 4 && alignof(short2) == 4, "short2");
static_assert(sizeof(uint3) == 12, "uint3");

struct Results {
  float4 sum;
  float3 cross;
  float len, rs, ex, dv, sat[3], sn, pw, s, c;
  int bits, rn[4], mn, mx;
  unsigned umx;
  uchar4 pix;
  int2 i2;
  double2 d2;
};

__device__ float3 cross3(float3 a, float3 b) {
  return make_float3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}

__global__ void compute(Results* r, const float4* a, const float4* b) {
  const float4 x = a[threadIdx.x], y = b[threadIdx.x];
  if (threadIdx.x != 0) return;
  r->sum = make_float4(x.x + y.x, x.y + y.y, x.z + y.z, x.w + y.w);
  r->cross = cross3(make_float3(x.x, x.y, x.z), make_float3(y.x, y.y, y.z));
  r->len = sqrtf(x.x * x.x + x.y * x.y);
  r->rs = rsqrtf(4.0f);
  r->ex = __expf(1.0f);
  r->dv = __fdividef(7.0f, 2.0f);
  r->sat[0] = __saturatef(-0.5f);
  r->sat[1] = __saturatef(0.25f);
  r->sat[2] = __saturatef(3.0f);
  r->bits = __float_as_int(1.0f);
  r->rn[0] = __float2int_rn(2.5f);
  r->rn[1] = __float2int_rn(3.5f);
  r->rn[2] = __float2int_rn(-2.5f);
  r->rn[3] = __float2int_rz(-2.7f);
  r->sn = __sinf(0.5f);
  r->pw = __powf(2.0f, 10.0f);
  sincosf(0.0f, &r->s, &r->c);
  r->mn = min(-3, 4);
  r->mx = max(-3, 4);
  r->umx = max(3u, 4u);
  r->pix = make_uchar4(1, 2, 3, 255);
  r->i2 = make_int2(int(fminf(x.x, y.x)), int(fmaxf(x.x, y.x)));
  r->d2 = make_double2(double(x.w) / 3.0, 1.0 / 3.0);
}

bool near(float got, float want, float rel) { return std::fabs(got - want) <= rel * std::fabs(want) + 1e-6f; }

int main() {
  float4 ha[32], hb[32];
  for (int i = 0; i < 32; ++i) {
    ha[i] = make_float4(3.0f, 4.0f, 1.0f, float(i));
    hb[i] = make_float4(-1.0f, 0.5f, 2.0f, 1.0f);
  }
  float4 *da, *db;
  Results* dr;
  CUDA_CHECK(cudaMalloc(&da, sizeof ha));
  CUDA_CHECK(cudaMalloc(&db, sizeof hb));
  CUDA_CHECK(cudaMalloc(&dr, sizeof(Results)));
  CUDA_CHECK(cudaMemcpy(da, ha, sizeof ha, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(db, hb, sizeof hb, cudaMemcpyHostToDevice));
  compute<<<1, 32>>>(dr, da, db);
  Results r;
  CUDA_CHECK(cudaMemcpy(&r, dr, sizeof r, cudaMemcpyDeviceToHost));
  EXPECT(r.sum.x == 2.0f && r.sum.y == 4.5f && r.sum.z == 3.0f && r.sum.w == 1.0f, "float4 sum");
  EXPECT(r.cross.x == 7.5f && r.cross.y == -7.0f && r.cross.z == 5.5f, "cross (%g %g %g)", r.cross.x, r.cross.y, r.cross.z);
  EXPECT(r.len == 5.0f, "length %g", r.len);
  EXPECT(near(r.rs, 0.5f, 1e-6f), "rsqrtf %g", r.rs);
  EXPECT(near(r.ex, 2.718281828f, 1e-5f), "__expf %g", r.ex);
  EXPECT(near(r.dv, 3.5f, 1e-6f), "__fdividef %g", r.dv);
  EXPECT(r.sat[0] == 0.0f && r.sat[1] == 0.25f && r.sat[2] == 1.0f, "__saturatef");
  EXPECT(r.bits == 0x3f800000, "__float_as_int %x", r.bits);
  EXPECT(r.rn[0] == 2 && r.rn[1] == 4 && r.rn[2] == -2 && r.rn[3] == -2, "__float2int_rn/_rz");
  EXPECT(near(r.sn, 0.479425539f, 1e-5f), "__sinf %g", r.sn);
  EXPECT(near(r.pw, 1024.0f, 1e-5f), "__powf %g", r.pw);
  EXPECT(r.s == 0.0f && r.c == 1.0f, "sincosf");
  EXPECT(r.mn == -3 && r.mx == 4 && r.umx == 4u, "device min/max");
  EXPECT(r.pix.x == 1 && r.pix.w == 255, "uchar4");
  EXPECT(r.i2.x == -1 && r.i2.y == 3, "int2 from fminf/fmaxf");
  EXPECT(r.d2.y == 1.0 / 3.0 && r.d2.x == 0.0, "double2");
  // CUDA's min/max are host functions too.
  EXPECT(min(2, 9) == 2 && max(2.5f, 1.0f) == 2.5f && max(7ull, 3ull) == 7ull, "host min/max");
  std::printf("sum (%.1f %.1f %.1f %.1f) cross (%.1f %.1f %.1f) |v| %.1f rsqrt %.4f exp %.4f div %.2f\n", r.sum.x,
              r.sum.y, r.sum.z, r.sum.w, r.cross.x, r.cross.y, r.cross.z, r.len, r.rs, r.ex, r.dv);
  std::printf("saturate %.2f %.2f %.2f bits 0x%08x rn %d %d %d rz %d sin %.4f pow %.1f min %d max %d\n", r.sat[0],
              r.sat[1], r.sat[2], r.bits, r.rn[0], r.rn[1], r.rn[2], r.rn[3], r.sn, r.pw, r.mn, r.mx);
  return pass();
}
