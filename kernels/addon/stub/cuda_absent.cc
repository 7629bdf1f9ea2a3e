// Linked instead of the CUDA backend when nvcc was missing at build time: the CUDA entry points
// exist, say why there is no CUDA backend, and refuse to run.
#include "writeprof/runner.h"

namespace wp {

namespace {
const char* const kReason = "writeprof was built without CUDA (nvcc not found at build time)";
}

CudaStatus cudaStatus() {
  CudaStatus s;
  s.compiled = false;
  s.available = false;
  s.reason = kReason;
  return s;
}

std::unique_ptr<CaseRunner> makeCudaRunner(const CaseParams&) { throw ConfigError(kReason); }

StrategyFileInfo strategyFileInfo() { return {}; }

}  // namespace wp
