// Bandwidth references measured on the device in the same run: what a case's bytes per second
// are compared against (the story claims 85% of it).
#pragma once
#include <cstdint>
#include <string>

namespace wp::gpu {

struct BandwidthRefs {
  double deviceCopyBytesPerSec = 0;  // cudaMemcpy device -> device: bytes copied per second
  double pinnedH2DBytesPerSec = 0;   // cudaMemcpy pinned host -> device
  uint64_t deviceCopyBytes = 0;      // transfer size each was measured with
  uint64_t h2dBytes = 0;
};

// Measured on first use in this process, then reused (a run's cases share one reference).
const BandwidthRefs& bandwidth_refs(int device);

// "bandwidth reference: deviceCopy=... GB/s (...), h2d=... GB/s (...)" for SampleResult.notes;
// src/backends/cuda.ts parses it back into numbers (results.cases[].bandwidth.deviceCopy / .h2d).
std::string bandwidth_note(const BandwidthRefs& r);

}  // namespace wp::gpu
