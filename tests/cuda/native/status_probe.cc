// Links against out/cuda/libwpcuda.a alone (no addon, no Node): what the CUDA backend says about
// this machine, and that a runner it cannot build is a ConfigError, not an abort.
#include <cstdio>
#include <exception>

#include "writeprof/runner.h"

int main() {
  wp::CudaStatus s = wp::cudaStatus();
  std::printf("compiled=%d available=%d runtime=%d reason=%s\n", int(s.compiled), int(s.available), s.runtimeVersion,
              s.reason.c_str());
  if (s.available) return 0;  // a GPU: the conformance tests cover the runner
  wp::CaseParams p;
  p.keys = 1000;
  try {
    auto r = wp::makeCudaRunner(p);
    std::printf("runner: built without a device\n");
    return 1;
  } catch (const wp::ConfigError& e) {
    std::printf("runner: ConfigError: %s\n", e.what());
  } catch (const std::exception& e) {
    std::printf("runner: other exception: %s\n", e.what());
    return 1;
  }
  return 0;
}
