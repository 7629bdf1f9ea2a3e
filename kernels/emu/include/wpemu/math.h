// CUDA's math API on the host: the standard functions come from <cmath> (in the global namespace,
// as CUDA declares them), and CUDA's own are defined here: the fast intrinsics (__expf, __sinf,
// __fdividef, ...: computed exactly, which is within their documented error), reinterpretations
// (__float_as_int, ...), conversions with a rounding mode (__float2int_rn, ...), saturation,
// integer intrinsics (__mul24, __sad, __byte_perm, __funnelshift_*, ...), and CUDA's overloaded
// min/max for host and device code.
#pragma once
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <math.h>
#include <stdlib.h>

namespace wpemu {
template <class To, class From>
inline To bits_as(From v) {
  static_assert(sizeof(To) == sizeof(From), "same size");
  To t;
  std::memcpy(&t, &v, sizeof t);
  return t;
}
// x rounded to an integer in the rounding mode `mode` (FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD).
inline double round_mode(double x, int mode) {
  switch (mode) {
    case FE_TOWARDZERO: return std::trunc(x);
    case FE_UPWARD: return std::ceil(x);
    case FE_DOWNWARD: return std::floor(x);
    default: return std::nearbyint(x);  // the default mode: to nearest, ties to even
  }
}
// Conversion to an integer type as the GPU does it: rounded, NaN to 0, saturated at the type's range.
template <class I>
inline I to_int_sat(double x, int mode) {
  if (std::isnan(x)) return 0;
  const double r = round_mode(x, mode);
  if (r <= double(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (r >= double(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return I(r);
}
// A float operation rounded in `mode`: evaluated with the host's rounding mode switched.
template <class F>
inline float in_mode(int mode, F f) {
  const int old = std::fegetround();
  std::fesetround(mode);
  volatile float r = f();
  std::fesetround(old);
  return r;
}
template <class F>
inline double in_mode_d(int mode, F f) {
  const int old = std::fegetround();
  std::fesetround(mode);
  volatile double r = f();
  std::fesetround(old);
  return r;
}
}  // namespace wpemu

// ---- reinterpretation ----
inline int __float_as_int(float x) { return wpemu::bits_as<int>(x); }
inline unsigned __float_as_uint(float x) { return wpemu::bits_as<unsigned>(x); }
inline float __int_as_float(int x) { return wpemu::bits_as<float>(x); }
inline float __uint_as_float(unsigned x) { return wpemu::bits_as<float>(x); }
inline long long __double_as_longlong(double x) { return wpemu::bits_as<long long>(x); }
inline double __longlong_as_double(long long x) { return wpemu::bits_as<double>(x); }
inline int __double2hiint(double x) { return int(uint64_t(__double_as_longlong(x)) >> 32); }
inline int __double2loint(double x) { return int(uint32_t(uint64_t(__double_as_longlong(x)))); }
inline double __hiloint2double(int hi, int lo) {
  return __longlong_as_double((long long)((uint64_t(uint32_t(hi)) << 32) | uint32_t(lo)));
}

// ---- conversions with a rounding mode ----
#define WPEMU_CVT(name, From, To, mode) \
  inline To name(From x) { return wpemu::to_int_sat<To>(double(x), mode); }
#define WPEMU_CVT4(prefix, From, To)               \
  WPEMU_CVT(prefix##_rn, From, To, FE_TONEAREST)   \
  WPEMU_CVT(prefix##_rz, From, To, FE_TOWARDZERO)  \
  WPEMU_CVT(prefix##_ru, From, To, FE_UPWARD)      \
  WPEMU_CVT(prefix##_rd, From, To, FE_DOWNWARD)
WPEMU_CVT4(__float2int, float, int)
WPEMU_CVT4(__float2uint, float, unsigned)
WPEMU_CVT4(__float2ll, float, long long)
WPEMU_CVT4(__float2ull, float, unsigned long long)
WPEMU_CVT4(__double2int, double, int)
WPEMU_CVT4(__double2uint, double, unsigned)
WPEMU_CVT4(__double2ll, double, long long)
WPEMU_CVT4(__double2ull, double, unsigned long long)
#undef WPEMU_CVT4
#undef WPEMU_CVT
#define WPEMU_TOF(prefix, From)                                                                         \
  inline float prefix##_rn(From x) { return wpemu::in_mode(FE_TONEAREST, [&] { return float(x); }); }  \
  inline float prefix##_rz(From x) { return wpemu::in_mode(FE_TOWARDZERO, [&] { return float(x); }); } \
  inline float prefix##_ru(From x) { return wpemu::in_mode(FE_UPWARD, [&] { return float(x); }); }     \
  inline float prefix##_rd(From x) { return wpemu::in_mode(FE_DOWNWARD, [&] { return float(x); }); }
WPEMU_TOF(__int2float, int)
WPEMU_TOF(__uint2float, unsigned)
WPEMU_TOF(__ll2float, long long)
WPEMU_TOF(__ull2float, unsigned long long)
WPEMU_TOF(__double2float, double)
#undef WPEMU_TOF
inline double __int2double_rn(int x) { return double(x); }
inline double __uint2double_rn(unsigned x) { return double(x); }
inline double __ll2double_rn(long long x) { return double(x); }
inline double __ull2double_rn(unsigned long long x) { return double(x); }

// ---- single precision arithmetic with a rounding mode ----
#define WPEMU_FOP(name, expr)                                                                          \
  inline float name##_rn(float a, float b) { return wpemu::in_mode(FE_TONEAREST, [&] { return expr; }); }  \
  inline float name##_rz(float a, float b) { return wpemu::in_mode(FE_TOWARDZERO, [&] { return expr; }); } \
  inline float name##_ru(float a, float b) { return wpemu::in_mode(FE_UPWARD, [&] { return expr; }); }     \
  inline float name##_rd(float a, float b) { return wpemu::in_mode(FE_DOWNWARD, [&] { return expr; }); }
WPEMU_FOP(__fadd, a + b)
WPEMU_FOP(__fsub, a - b)
WPEMU_FOP(__fmul, a * b)
WPEMU_FOP(__fdiv, a / b)
#undef WPEMU_FOP
#define WPEMU_DOP(name, expr)                                                                               \
  inline double name##_rn(double a, double b) { return wpemu::in_mode_d(FE_TONEAREST, [&] { return expr; }); }  \
  inline double name##_rz(double a, double b) { return wpemu::in_mode_d(FE_TOWARDZERO, [&] { return expr; }); } \
  inline double name##_ru(double a, double b) { return wpemu::in_mode_d(FE_UPWARD, [&] { return expr; }); }     \
  inline double name##_rd(double a, double b) { return wpemu::in_mode_d(FE_DOWNWARD, [&] { return expr; }); }
WPEMU_DOP(__dadd, a + b)
WPEMU_DOP(__dsub, a - b)
WPEMU_DOP(__dmul, a * b)
WPEMU_DOP(__ddiv, a / b)
#undef WPEMU_DOP
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline float __fmaf_rz(float a, float b, float c) { return wpemu::in_mode(FE_TOWARDZERO, [&] { return std::fma(a, b, c); }); }
inline float __fmaf_ru(float a, float b, float c) { return wpemu::in_mode(FE_UPWARD, [&] { return std::fma(a, b, c); }); }
inline float __fmaf_rd(float a, float b, float c) { return wpemu::in_mode(FE_DOWNWARD, [&] { return std::fma(a, b, c); }); }
inline double __fma_rn(double a, double b, double c) { return std::fma(a, b, c); }
#define WPEMU_UNARY(name, T, in_mode, expr)                                                    \
  inline T name##_rn(T x) { return wpemu::in_mode(FE_TONEAREST, [&] { return expr; }); }  \
  inline T name##_rz(T x) { return wpemu::in_mode(FE_TOWARDZERO, [&] { return expr; }); } \
  inline T name##_ru(T x) { return wpemu::in_mode(FE_UPWARD, [&] { return expr; }); }     \
  inline T name##_rd(T x) { return wpemu::in_mode(FE_DOWNWARD, [&] { return expr; }); }
WPEMU_UNARY(__frcp, float, in_mode, 1.0f / x)
WPEMU_UNARY(__fsqrt, float, in_mode, std::sqrt(x))
WPEMU_UNARY(__drcp, double, in_mode_d, 1.0 / x)
WPEMU_UNARY(__dsqrt, double, in_mode_d, std::sqrt(x))
#undef WPEMU_UNARY
inline float __frsqrt_rn(float x) { return 1.0f / std::sqrt(x); }

// ---- fast intrinsics (exact here: within their documented error) ----
inline float __expf(float x) { return std::exp(x); }
inline float __exp10f(float x) { return std::pow(10.0f, x); }
inline float __logf(float x) { return std::log(x); }
inline float __log2f(float x) { return std::log2(x); }
inline float __log10f(float x) { return std::log10(x); }
inline float __sinf(float x) { return std::sin(x); }
inline float __cosf(float x) { return std::cos(x); }
inline float __tanf(float x) { return std::tan(x); }
inline void __sincosf(float x, float* s, float* c) {
  *s = std::sin(x);
  *c = std::cos(x);
}
inline float __powf(float x, float y) { return std::pow(x, y); }
inline float __fdividef(float x, float y) { return x / y; }
inline double __fdivide(double x, double y) { return x / y; }
inline float __saturatef(float x) { return std::isnan(x) ? 0.0f : x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x; }

// ---- CUDA math functions the C library does not have ----
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline float rcbrtf(float x) { return 1.0f / std::cbrt(x); }
inline double rcbrt(double x) { return 1.0 / std::cbrt(x); }
inline float sinpif(float x) { return std::sin(float(M_PI) * x); }
inline double sinpi(double x) { return std::sin(M_PI * x); }
inline float cospif(float x) { return std::cos(float(M_PI) * x); }
inline double cospi(double x) { return std::cos(M_PI * x); }
inline void sincospif(float x, float* s, float* c) {
  *s = sinpif(x);
  *c = cospif(x);
}
inline void sincospi(double x, double* s, double* c) {
  *s = sinpi(x);
  *c = cospi(x);
}
inline float saturatef(float x) { return __saturatef(x); }
inline float normcdff(float x) { return 0.5f * std::erfc(-x / std::sqrt(2.0f)); }
inline double normcdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
inline double erfinv(double y) {
  // Newton's method on erf, from a rational first guess; exact to double precision in a few steps.
  if (y <= -1) return y == -1 ? -HUGE_VAL : NAN;
  if (y >= 1) return y == 1 ? HUGE_VAL : NAN;
  const double a = 0.147, l = std::log(1 - y * y), t = 2 / (M_PI * a) + l / 2;
  double x = std::copysign(std::sqrt(std::sqrt(t * t - l / a) - t), y);
  for (int i = 0; i < 4; ++i) x -= (std::erf(x) - y) / (2 / std::sqrt(M_PI) * std::exp(-x * x));
  return x;
}
inline float erfinvf(float y) { return float(erfinv(y)); }
inline double erfcinv(double y) { return erfinv(1 - y); }
inline float erfcinvf(float y) { return float(erfinv(1.0 - y)); }
inline double normcdfinv(double y) { return -std::sqrt(2.0) * erfcinv(2 * y); }
inline float normcdfinvf(float y) { return float(normcdfinv(y)); }

// ---- integer intrinsics ----
inline int __mul24(int a, int b) { return int((int64_t(a << 8 >> 8) * int64_t(b << 8 >> 8))); }
inline unsigned __umul24(unsigned a, unsigned b) { return (a & 0xffffffu) * (b & 0xffffffu); }
inline int __mulhi(int a, int b) { return int((int64_t(a) * b) >> 32); }
inline unsigned __sad(int a, int b, unsigned c) { return c + unsigned(a > b ? int64_t(a) - b : int64_t(b) - a); }
inline unsigned __usad(unsigned a, unsigned b, unsigned c) { return c + (a > b ? a - b : b - a); }
inline int __hadd(int a, int b) { return int((int64_t(a) + b) >> 1); }
inline int __rhadd(int a, int b) { return int((int64_t(a) + b + 1) >> 1); }
inline unsigned __uhadd(unsigned a, unsigned b) { return unsigned((uint64_t(a) + b) >> 1); }
inline unsigned __urhadd(unsigned a, unsigned b) { return unsigned((uint64_t(a) + b + 1) >> 1); }
inline unsigned __byte_perm(unsigned x, unsigned y, unsigned s) {
  const uint64_t bytes = (uint64_t(y) << 32) | x;
  unsigned r = 0;
  for (int i = 0; i < 4; ++i) r |= unsigned((bytes >> (8 * ((s >> (4 * i)) & 7))) & 0xff) << (8 * i);
  return r;
}
inline unsigned __funnelshift_l(unsigned lo, unsigned hi, unsigned shift) {
  return unsigned(((uint64_t(hi) << 32 | lo) << (shift & 31)) >> 32);
}
inline unsigned __funnelshift_lc(unsigned lo, unsigned hi, unsigned shift) {
  return unsigned(((uint64_t(hi) << 32 | lo) << (shift > 32 ? 32 : shift)) >> 32);
}
inline unsigned __funnelshift_r(unsigned lo, unsigned hi, unsigned shift) {
  return unsigned((uint64_t(hi) << 32 | lo) >> (shift & 31));
}
inline unsigned __funnelshift_rc(unsigned lo, unsigned hi, unsigned shift) {
  return unsigned((uint64_t(hi) << 32 | lo) >> (shift > 32 ? 32 : shift));
}
inline unsigned long long __brevll(unsigned long long x) {
  unsigned long long r = 0;
  for (int i = 0; i < 64; ++i) r |= ((x >> i) & 1ull) << (63 - i);
  return r;
}
// The n-th set bit of mask counting from base (up for n > 0, down for n < 0); 0xffffffff if none.
inline unsigned __fns(unsigned mask, unsigned base, int offset) {
  if (offset == 0) return 0xffffffffu;
  if (offset > 0) {
    for (unsigned i = base; i < 32; ++i)
      if ((mask >> i & 1) && --offset == 0) return i;
  } else {
    for (int i = int(base); i >= 0; --i)
      if ((mask >> i & 1) && ++offset == 0) return unsigned(i);
  }
  return 0xffffffffu;
}
inline int __dp4a(int a, int b, int c) {
  for (int i = 0; i < 4; ++i) c += int(int8_t(a >> (8 * i))) * int(int8_t(b >> (8 * i)));
  return c;
}
inline unsigned __dp4a(unsigned a, unsigned b, unsigned c) {
  for (int i = 0; i < 4; ++i) c += ((a >> (8 * i)) & 0xff) * ((b >> (8 * i)) & 0xff);
  return c;
}

// ---- CUDA's min and max: overloads for host and device code, mixed signedness as CUDA has them ----
#define WPEMU_MINMAX(T)                                 \
  inline T min(T a, T b) { return b < a ? b : a; }      \
  inline T max(T a, T b) { return a < b ? b : a; }
WPEMU_MINMAX(int)
WPEMU_MINMAX(unsigned)
WPEMU_MINMAX(long)
WPEMU_MINMAX(unsigned long)
WPEMU_MINMAX(long long)
WPEMU_MINMAX(unsigned long long)
#undef WPEMU_MINMAX
inline unsigned umin(unsigned a, unsigned b) { return min(a, b); }
inline unsigned umax(unsigned a, unsigned b) { return max(a, b); }
inline long long llmin(long long a, long long b) { return min(a, b); }
inline long long llmax(long long a, long long b) { return max(a, b); }
inline unsigned long long ullmin(unsigned long long a, unsigned long long b) { return min(a, b); }
inline unsigned long long ullmax(unsigned long long a, unsigned long long b) { return max(a, b); }
inline float min(float a, float b) { return std::fmin(a, b); }
inline float max(float a, float b) { return std::fmax(a, b); }
inline double min(double a, double b) { return std::fmin(a, b); }
inline double max(double a, double b) { return std::fmax(a, b); }
inline double min(float a, double b) { return std::fmin(double(a), b); }
inline double min(double a, float b) { return std::fmin(a, double(b)); }
inline double max(float a, double b) { return std::fmax(double(a), b); }
inline double max(double a, float b) { return std::fmax(a, double(b)); }
inline unsigned min(int a, unsigned b) { return min(unsigned(a), b); }
inline unsigned min(unsigned a, int b) { return min(a, unsigned(b)); }
inline unsigned max(int a, unsigned b) { return max(unsigned(a), b); }
inline unsigned max(unsigned a, int b) { return max(a, unsigned(b)); }
inline unsigned long long min(long long a, unsigned long long b) { return min((unsigned long long)a, b); }
inline unsigned long long min(unsigned long long a, long long b) { return min(a, (unsigned long long)b); }
inline unsigned long long max(long long a, unsigned long long b) { return max((unsigned long long)a, b); }
inline unsigned long long max(unsigned long long a, long long b) { return max(a, (unsigned long long)b); }
