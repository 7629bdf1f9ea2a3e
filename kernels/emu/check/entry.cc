// The check addon's entry (writeprof_check.node, `writeprof check`): the very CUDA runner of
// kernels/cuda/runner.cu, built from the instrumented objects, with the checker's state reset per
// case and every host thread brought up to date before each sample.
#include <memory>

#include "checker.h"
#include "writeprof/runner.h"

namespace wp {

namespace {

class CheckedRunner final : public CaseRunner {
 public:
  explicit CheckedRunner(std::unique_ptr<CaseRunner> r) : r_(std::move(r)) {}
  SampleResult runSample() override {
    wpemu::check::begin_sample();
    return r_->runSample();
  }
  void finish() override { r_->finish(); }

 private:
  std::unique_ptr<CaseRunner> r_;
};

}  // namespace

std::unique_ptr<CaseRunner> makeCheckedCudaRunner(const CaseParams& p, const EmuOptions& o) {
  wpemu::check::begin_case();  // before the runner allocates: its allocations are this case's
  return std::make_unique<CheckedRunner>(makeEmulatedCudaRunner(p, o));
}

}  // namespace wp
