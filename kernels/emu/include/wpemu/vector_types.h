// CUDA's vector types (vector_types.h) and their make_* constructors (vector_functions.h), with
// CUDA's sizes and alignments: int2 is 8-aligned, float4 16-aligned, the 3-component types keep
// their element's alignment. Plain aggregates, so `{a, b}`, copies and memcpy behave as on a GPU.
#pragma once

#define WPEMU_VEC(T, name, n, align, ...) \
  struct __attribute__((aligned(align))) name { T __VA_ARGS__; };

WPEMU_VEC(signed char, char1, 1, 1, x)
WPEMU_VEC(signed char, char2, 2, 2, x, y)
WPEMU_VEC(signed char, char3, 3, 1, x, y, z)
WPEMU_VEC(signed char, char4, 4, 4, x, y, z, w)
WPEMU_VEC(unsigned char, uchar1, 1, 1, x)
WPEMU_VEC(unsigned char, uchar2, 2, 2, x, y)
WPEMU_VEC(unsigned char, uchar3, 3, 1, x, y, z)
WPEMU_VEC(unsigned char, uchar4, 4, 4, x, y, z, w)
WPEMU_VEC(short, short1, 1, 2, x)
WPEMU_VEC(short, short2, 2, 4, x, y)
WPEMU_VEC(short, short3, 3, 2, x, y, z)
WPEMU_VEC(short, short4, 4, 8, x, y, z, w)
WPEMU_VEC(unsigned short, ushort1, 1, 2, x)
WPEMU_VEC(unsigned short, ushort2, 2, 4, x, y)
WPEMU_VEC(unsigned short, ushort3, 3, 2, x, y, z)
WPEMU_VEC(unsigned short, ushort4, 4, 8, x, y, z, w)
WPEMU_VEC(int, int1, 1, 4, x)
WPEMU_VEC(int, int2, 2, 8, x, y)
WPEMU_VEC(int, int3, 3, 4, x, y, z)
WPEMU_VEC(int, int4, 4, 16, x, y, z, w)
WPEMU_VEC(unsigned int, uint1, 1, 4, x)
WPEMU_VEC(unsigned int, uint2, 2, 8, x, y)
WPEMU_VEC(unsigned int, uint3, 3, 4, x, y, z)
WPEMU_VEC(unsigned int, uint4, 4, 16, x, y, z, w)
WPEMU_VEC(long, long1, 1, sizeof(long), x)
WPEMU_VEC(long, long2, 2, 2 * sizeof(long), x, y)
WPEMU_VEC(long, long3, 3, sizeof(long), x, y, z)
WPEMU_VEC(long, long4, 4, 16, x, y, z, w)
WPEMU_VEC(unsigned long, ulong1, 1, sizeof(unsigned long), x)
WPEMU_VEC(unsigned long, ulong2, 2, 2 * sizeof(unsigned long), x, y)
WPEMU_VEC(unsigned long, ulong3, 3, sizeof(unsigned long), x, y, z)
WPEMU_VEC(unsigned long, ulong4, 4, 16, x, y, z, w)
WPEMU_VEC(long long, longlong1, 1, 8, x)
WPEMU_VEC(long long, longlong2, 2, 16, x, y)
WPEMU_VEC(long long, longlong3, 3, 8, x, y, z)
WPEMU_VEC(long long, longlong4, 4, 16, x, y, z, w)
WPEMU_VEC(unsigned long long, ulonglong1, 1, 8, x)
WPEMU_VEC(unsigned long long, ulonglong2, 2, 16, x, y)
WPEMU_VEC(unsigned long long, ulonglong3, 3, 8, x, y, z)
WPEMU_VEC(unsigned long long, ulonglong4, 4, 16, x, y, z, w)
WPEMU_VEC(float, float1, 1, 4, x)
WPEMU_VEC(float, float2, 2, 8, x, y)
WPEMU_VEC(float, float3, 3, 4, x, y, z)
WPEMU_VEC(float, float4, 4, 16, x, y, z, w)
WPEMU_VEC(double, double1, 1, 8, x)
WPEMU_VEC(double, double2, 2, 16, x, y)
WPEMU_VEC(double, double3, 3, 8, x, y, z)
WPEMU_VEC(double, double4, 4, 16, x, y, z, w)
#undef WPEMU_VEC

inline constexpr char1 make_char1(signed char x) { return char1{x}; }
inline constexpr char2 make_char2(signed char x, signed char y) { return char2{x, y}; }
inline constexpr char3 make_char3(signed char x, signed char y, signed char z) { return char3{x, y, z}; }
inline constexpr char4 make_char4(signed char x, signed char y, signed char z, signed char w) { return char4{x, y, z, w}; }
inline constexpr uchar1 make_uchar1(unsigned char x) { return uchar1{x}; }
inline constexpr uchar2 make_uchar2(unsigned char x, unsigned char y) { return uchar2{x, y}; }
inline constexpr uchar3 make_uchar3(unsigned char x, unsigned char y, unsigned char z) { return uchar3{x, y, z}; }
inline constexpr uchar4 make_uchar4(unsigned char x, unsigned char y, unsigned char z, unsigned char w) { return uchar4{x, y, z, w}; }
inline constexpr short1 make_short1(short x) { return short1{x}; }
inline constexpr short2 make_short2(short x, short y) { return short2{x, y}; }
inline constexpr short3 make_short3(short x, short y, short z) { return short3{x, y, z}; }
inline constexpr short4 make_short4(short x, short y, short z, short w) { return short4{x, y, z, w}; }
inline constexpr ushort1 make_ushort1(unsigned short x) { return ushort1{x}; }
inline constexpr ushort2 make_ushort2(unsigned short x, unsigned short y) { return ushort2{x, y}; }
inline constexpr ushort3 make_ushort3(unsigned short x, unsigned short y, unsigned short z) { return ushort3{x, y, z}; }
inline constexpr ushort4 make_ushort4(unsigned short x, unsigned short y, unsigned short z, unsigned short w) { return ushort4{x, y, z, w}; }
inline constexpr int1 make_int1(int x) { return int1{x}; }
inline constexpr int2 make_int2(int x, int y) { return int2{x, y}; }
inline constexpr int3 make_int3(int x, int y, int z) { return int3{x, y, z}; }
inline constexpr int4 make_int4(int x, int y, int z, int w) { return int4{x, y, z, w}; }
inline constexpr uint1 make_uint1(unsigned int x) { return uint1{x}; }
inline constexpr uint2 make_uint2(unsigned int x, unsigned int y) { return uint2{x, y}; }
inline constexpr uint3 make_uint3(unsigned int x, unsigned int y, unsigned int z) { return uint3{x, y, z}; }
inline constexpr uint4 make_uint4(unsigned int x, unsigned int y, unsigned int z, unsigned int w) { return uint4{x, y, z, w}; }
inline constexpr long1 make_long1(long x) { return long1{x}; }
inline constexpr long2 make_long2(long x, long y) { return long2{x, y}; }
inline constexpr long3 make_long3(long x, long y, long z) { return long3{x, y, z}; }
inline constexpr long4 make_long4(long x, long y, long z, long w) { return long4{x, y, z, w}; }
inline constexpr ulong1 make_ulong1(unsigned long x) { return ulong1{x}; }
inline constexpr ulong2 make_ulong2(unsigned long x, unsigned long y) { return ulong2{x, y}; }
inline constexpr ulong3 make_ulong3(unsigned long x, unsigned long y, unsigned long z) { return ulong3{x, y, z}; }
inline constexpr ulong4 make_ulong4(unsigned long x, unsigned long y, unsigned long z, unsigned long w) { return ulong4{x, y, z, w}; }
inline constexpr longlong1 make_longlong1(long long x) { return longlong1{x}; }
inline constexpr longlong2 make_longlong2(long long x, long long y) { return longlong2{x, y}; }
inline constexpr longlong3 make_longlong3(long long x, long long y, long long z) { return longlong3{x, y, z}; }
inline constexpr longlong4 make_longlong4(long long x, long long y, long long z, long long w) { return longlong4{x, y, z, w}; }
inline constexpr ulonglong1 make_ulonglong1(unsigned long long x) { return ulonglong1{x}; }
inline constexpr ulonglong2 make_ulonglong2(unsigned long long x, unsigned long long y) { return ulonglong2{x, y}; }
inline constexpr ulonglong3 make_ulonglong3(unsigned long long x, unsigned long long y, unsigned long long z) { return ulonglong3{x, y, z}; }
inline constexpr ulonglong4 make_ulonglong4(unsigned long long x, unsigned long long y, unsigned long long z, unsigned long long w) { return ulonglong4{x, y, z, w}; }
inline constexpr float1 make_float1(float x) { return float1{x}; }
inline constexpr float2 make_float2(float x, float y) { return float2{x, y}; }
inline constexpr float3 make_float3(float x, float y, float z) { return float3{x, y, z}; }
inline constexpr float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }
inline constexpr double1 make_double1(double x) { return double1{x}; }
inline constexpr double2 make_double2(double x, double y) { return double2{x, y}; }
inline constexpr double3 make_double3(double x, double y, double z) { return double3{x, y, z}; }
inline constexpr double4 make_double4(double x, double y, double z, double w) { return double4{x, y, z, w}; }
