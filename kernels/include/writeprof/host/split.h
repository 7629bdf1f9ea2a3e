// How every runner splits a case, the same way: its submitters (threads in concurrent mode, else
// one), each over a contiguous share of the key stream, in submissions of batchSize writes (one in
// single mode); and the value arena it needs, refused above arenaLimitBytes.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>

#include "writeprof/host/memory.h"
#include "writeprof/layout.h"
#include "writeprof/runner.h"

namespace wp::host {

inline uint32_t submitters(const CaseParams& p) { return p.mode == Mode::Concurrent ? p.threads : 1; }

// Submitter i of n writes [share_begin(i), share_begin(i + 1)) of the stream (verify.h's
// FinalWrites cuts the stream the same way).
inline uint64_t share_begin(uint64_t writes, uint32_t i, uint32_t n) { return writes * i / n; }

// Writes per submission: batchSize, one in single mode.
inline uint32_t submission_writes(const CaseParams& p) { return p.mode == Mode::Single ? 1 : p.batchSize; }

// How verification sees the split (verify.h).
inline Submissions submissions(const CaseParams& p) { return {submitters(p), submission_writes(p)}; }

// The largest submission a submitter makes: what its staging must hold.
inline uint32_t max_submission(const CaseParams& p) {
  if (p.mode == Mode::Single) return 1;
  uint32_t n = submitters(p);
  return uint32_t(std::min<uint64_t>(p.batchSize, (p.keys + n - 1) / n));
}

// keys x the value stride, or a ConfigError naming arenaLimitBytes.
inline uint64_t arena_bytes(const CaseParams& p) {
  const uint32_t stride = value_stride(p.valueSize);
  const uint64_t bytes = p.keys * uint64_t(stride);
  if (bytes > p.arenaLimitBytes)
    throw ConfigError("arenaLimitBytes: the value arena needs " + bytes_str(bytes) + " (keys " + std::to_string(p.keys) +
                      " x stride " + std::to_string(stride) + " for valueSize " + std::to_string(p.valueSize) +
                      "), above the limit of " + bytes_str(p.arenaLimitBytes) + "; lower keys or valueSize");
  return bytes;
}

}  // namespace wp::host
