// The emulator addon's entry for `--backend cuda-emu`: set the scheduler seed, workers and
// timeout, clear a previous case's sticky fault (what a restart would do on a GPU), then build the
// very CUDA runner kernels/cuda/runner.cu defines, compiled here against the emulated runtime.
#include "writeprof/runner.h"
#include "wpemu/control.h"

namespace wp {

std::unique_ptr<CaseRunner> makeEmulatedCudaRunner(const CaseParams& p, const EmuOptions& o) {
  wpemu::Config c;
  c.seed = o.seed;
  c.workers = o.workers;
  c.timeoutSec = o.timeoutSec;
  wpemu::configure(c);
  wpemu::clear_sticky_error();
  return makeCudaRunner(p);
}

}  // namespace wp
