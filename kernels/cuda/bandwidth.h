// Bandwidth references measured on the device in the same run: what a case's bytes per second
// are compared against (the story claims 85% of it).
#pragma once
#include "writeprof/runner.h"

namespace wp::gpu {

// Measured on first use in this process, then reused (a run's cases share one reference); each
// sample carries them as numbers (SampleResult::bandwidth).
const BandwidthRefs& bandwidth_refs(int device);

}  // namespace wp::gpu
