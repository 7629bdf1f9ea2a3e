// Kernel launches on the emulator. kernels/cuda/ launches with WP_LAUNCH(kernel, grid, block,
// sharedBytes, stream)(args...), which nvcc expands to kernel<<<...>>>(args...) and the emulator to
// an enqueue on the stream: the arguments are copied now (as a launch copies them to the device),
// and every emulated thread calls the kernel with its own copy.
#pragma once
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sched.h"
#include "types.h"

namespace wpemu {

// Validates the configuration (cudaGetLastError reports a bad one) and enqueues `body`, run once
// per emulated thread, on stream `s`; a cooperative launch runs every block at once.
void launch_kernel(const char* name, dim3 grid, dim3 block, size_t sharedBytes, cudaStream_t s,
                   std::function<void()> body, bool cooperative = false);

template <class... P>
class Launcher {
 public:
  Launcher(const char* name, void (*fn)(P...), dim3 g, dim3 b, size_t sh, cudaStream_t s)
      : name_(name), fn_(fn), grid_(g), block_(b), shared_(sh), stream_(s) {}

  template <class... A>
  void operator()(A&&... args) const {
    auto params = std::make_shared<std::tuple<std::decay_t<P>...>>(std::forward<A>(args)...);
    auto fn = fn_;
    launch_kernel(name_, grid_, block_, shared_, stream_, [fn, params] { std::apply(fn, *params); });
  }

 private:
  const char* name_;
  void (*fn_)(P...);
  dim3 grid_, block_;
  size_t shared_;
  cudaStream_t stream_;
};

template <class... P>
Launcher<P...> launcher(const char* name, void (*fn)(P...), dim3 g, dim3 b, size_t sh, cudaStream_t s) {
  return Launcher<P...>(name, fn, g, b, sh, s);
}

template <class T>
T* dynamic_shared_as() {
  return static_cast<T*>(dynamic_shared());
}

}  // namespace wpemu

#define WPEMU_LAUNCH(kernel, grid, block, shared, stream) ::wpemu::launcher(#kernel, kernel, grid, block, shared, stream)
