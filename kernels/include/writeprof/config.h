// Host/device portability for the shared table logic: one source for the CPU backend
// (g++, std::atomic_ref) and the CUDA kernels (nvcc, cuda::atomic_ref).
#pragma once
#include <cstdint>

#if defined(__CUDACC__) || defined(WP_CUDA_EMU)  // nvcc, or g++ for the SIMT emulator (kernels/emu)
#include <cuda/atomic>
#define WP_HD __host__ __device__ __forceinline__
#define WP_MO(order) cuda::std::memory_order_##order
template <class T>
using wp_aref = cuda::atomic_ref<T, cuda::thread_scope_device>;
#else
#include <atomic>
#define WP_HD inline
#define WP_MO(order) std::memory_order_##order
template <class T>
using wp_aref = std::atomic_ref<T>;
#endif

namespace wp {

template <class T>
WP_HD T load_acquire(T* p) { return wp_aref<T>(*p).load(WP_MO(acquire)); }

template <class T>
WP_HD T load_relaxed(T* p) { return wp_aref<T>(*p).load(WP_MO(relaxed)); }

template <class T>
WP_HD void store_release(T* p, T v) { wp_aref<T>(*p).store(v, WP_MO(release)); }

template <class T>
WP_HD void store_relaxed(T* p, T v) { wp_aref<T>(*p).store(v, WP_MO(relaxed)); }

// Strong CAS; on failure `expected` holds the value seen.
template <class T>
WP_HD bool cas(T* p, T& expected, T desired) {
  return wp_aref<T>(*p).compare_exchange_strong(expected, desired, WP_MO(acq_rel), WP_MO(acquire));
}

template <class T>
WP_HD T fetch_add(T* p, T v) { return wp_aref<T>(*p).fetch_add(v, WP_MO(relaxed)); }

}  // namespace wp
