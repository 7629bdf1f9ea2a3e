// What the CUDA-to-emulator translation (src/emu/rewrite.ts) turns launches and kernels into.
//   f<<<grid, block, shared, stream>>>(args)  ->  (::wpemu::push_launch(grid, block, shared, stream) ? (void)0 : f(args))
//   __global__ void f(P p) { body }           ->  void f(P p) { ::wpemu::kernel_entry<&f>("f", [=]() mutable { body }); }
// A launch is thus a real call of the kernel (overloads, deduction, default arguments, conversions
// as in any call): the kernel, called on the host with a configuration pushed, copies its
// parameters into the closure, which is the launch's parameter buffer; each emulated thread runs
// its own copy of the closure, as each GPU thread has its own copy of the parameters.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

#include "sched.h"
#include "types.h"

namespace wpemu {

struct LaunchConfig {
  dim3 grid, block;
  size_t sharedBytes = 0;
  cudaStream_t stream = nullptr;
  bool cooperative = false;
};

// nvcc's __cudaPushCallConfiguration: the configuration of the call that follows. Returns 0.
int push_launch(dim3 grid, dim3 block, size_t sharedBytes = 0, cudaStream_t stream = nullptr);
int push_launch_config(const LaunchConfig& c);
// Takes the pushed configuration; false (and the reason recorded) when there is none: a kernel
// called like a function, or a launch from device code (dynamic parallelism is not emulated).
bool pop_launch(const char* kernel, LaunchConfig* out);
// A kernel's closure (its parameters), type-erased without <functional>: every header here is in
// every translation unit the emulator compiles, and compile time is mostly header parsing.
struct KernelBody {
  void* closure;                 // owned: destroy(closure) when the launch no longer needs it
  size_t bytes;                  // its size: the launch's parameter block
  void (*run)(void* closure);    // one emulated thread: its own copy of the closure, called
  void (*destroy)(void* closure);
};
// Validates and enqueues a launch of the kernel at `fn` (its attributes: cudaFuncSetAttribute).
void launch_kernel(const void* fn, const char* name, const LaunchConfig& c, KernelBody body);

// Kernels by address, for cudaLaunchKernel(const void*, ..., void** args, ...).
using KernelThunk = void (*)(void** args);
bool register_kernel(const void* fn, KernelThunk thunk);
KernelThunk find_kernel(const void* fn);

inline bool on_device() { return tls_thread != nullptr; }

template <class F>
struct KernelArgs;
template <class... P>
struct KernelArgs<void (*)(P...)> {
  // A real call of the kernel with the arguments cudaLaunchKernel points at.
  template <auto F, size_t... I>
  static void call(void** args, std::index_sequence<I...>) {
    F(*static_cast<std::remove_reference_t<P>*>(args[I])...);
  }
  template <auto F>
  static void thunk(void** args) {
    call<F>(args, std::index_sequence_for<P...>{});
  }
};

template <auto F>
struct KernelRegistration {
  static inline const bool done =
      register_kernel(reinterpret_cast<const void*>(F), &KernelArgs<decltype(F)>::template thunk<F>);
};

// One emulated thread: its own copy of the parameters, then the kernel's body. Copying the
// parameters is the launch's doing, not a memory access of the kernel: unobserved in the
// instrumented build (the body, not inlined here, is observed).
template <class B>
WPEMU_UNOBSERVED void run_closure(void* p) {
  B mine = *static_cast<B*>(p);
  mine();
}

template <auto F, class Body>
void kernel_entry(const char* name, Body&& body) {
  (void)&KernelRegistration<F>::done;  // instantiated with the kernel: cudaLaunchKernel finds it
  LaunchConfig c;
  if (!pop_launch(name, &c)) return;
  using B = std::decay_t<Body>;
  launch_kernel(reinterpret_cast<const void*>(F), name, c,
                KernelBody{new B(std::forward<Body>(body)), sizeof(B), &run_closure<B>,
                           [](void* p) { delete static_cast<B*>(p); }});
}

// `extern __shared__ T name[];` at namespace scope: the running block's dynamic shared memory.
template <class T>
struct DynamicSharedArray {
  operator T*() const { return static_cast<T*>(dynamic_shared()); }
  template <class U>
  explicit operator U*() const {
    return reinterpret_cast<U*>(dynamic_shared());
  }
  template <class I>
  T& operator[](I i) const {
    return static_cast<T*>(dynamic_shared())[i];
  }
};

}  // namespace wpemu
