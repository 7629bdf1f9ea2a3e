// The calibration knob (`--calibrate-slowdown`, `ab --calibrate-slowdown`): a fixed spin per write,
// which must add what it is asked to, on every backend alike.
#pragma once
#include <cstdint>

#include "writeprof/host/clock.h"

namespace wp::host {

// Polls the clock until `ns` have passed. Callers pay it in chunks of >= 1 us (SpinDebt), so the
// poll's cost (~30 ns here) is a few percent of the chunk, not of a 5 ns request per single write
// (which made a "10%" slowdown cost 40%). A counted loop with a once-measured rate was no better:
// its rate, taken as the fastest of five, ran 1.3-1.8x slower later on a shared VM (a "10%" cost
// 17-22%).
inline void spin_ns(uint64_t ns) {
  if (ns == 0) return;
  const uint64_t until = now_ns() + ns;
  while (now_ns() < until) {
  }
}

// The spin owed by one submitter: `perWriteNs` per write, paid once a chunk of >= 1 us is owed
// and at the end of the submitter's range, so a loop's fixed entry/exit cost does not add to a
// few-ns request per single write (the total added time is what the knob promises).
class SpinDebt {
 public:
  static constexpr uint64_t kChunkNs = 1000;
  explicit SpinDebt(uint32_t perWriteNs) : per_(perWriteNs) {}
  // After a submission of `writes` writes; `last`: the submitter's final one.
  void owe(uint64_t writes, bool last) {
    if (per_ == 0) return;
    owed_ += uint64_t(per_) * writes;
    if (owed_ >= kChunkNs || last) {
      spin_ns(owed_);
      owed_ = 0;
    }
  }

 private:
  uint32_t per_;
  uint64_t owed_ = 0;
};

}  // namespace wp::host
