#include "lanes.h"

#include <algorithm>

#include "check.h"
#include "writeprof/host/clock.h"
#include "writeprof/host/names.h"
#include "writeprof/host/spin.h"
#include "writeprof/host/split.h"
#include "writeprof/host/together.h"
#include "writeprof/pattern.h"

namespace wp::gpu {
namespace {

using host::now_ns;

constexpr uint32_t kSingleEventEvery = 16;  // single launches: events on every 16th write

float elapsed_ms(cudaEvent_t a, cudaEvent_t b) {
  float ms = 0;
  check(cudaEventElapsedTime(&ms, a, b), "event elapsed time");
  return ms;
}

BatchArgs args(const CaseTarget& t, Lane& lane, Slot& slot, uint64_t first, uint32_t n) {
  BatchArgs a{};
  a.table = t.table;
  a.buckets = t.buckets;
  a.arena = t.arena;
  a.keys = reinterpret_cast<const uint64_t*>(slot.dev.get());
  a.vals = slot.dev.get() + t.keysBytes;
  a.firstWrite = first;
  a.stats = lane.stats.get();
  a.n = n;
  a.stride = t.stride;
  a.valueSize = t.p->valueSize;
  a.bucketBits = t.bucketBits;
  return a;
}

// Stage writes [first, first+n) into the slot's pinned buffer, then enqueue h2d, the kernel and
// the d2h of the counters (the submission's completion record) on the lane's stream.
void submit(const CaseTarget& t, Lane& lane, Slot& slot, uint64_t first, uint32_t n, bool timeEvents) {
  const CaseParams& p = *t.p;
  uint64_t t0 = now_ns();
  {
    NvtxRange r("stage");
    auto* keys = reinterpret_cast<uint64_t*>(slot.host.get());
    uint8_t* vals = slot.host.get() + t.keysBytes;
    for (uint32_t i = 0; i < n; ++i) {
      uint64_t k = t.stream[first + i];
      keys[i] = k;
      fill_value(vals + uint64_t(i) * t.stride, p.valueSize, k, first + i);
    }
  }
  lane.phases.stage += double(now_ns() - t0);
  NvtxRange r("submit");
  cudaStream_t s = lane.stream.get();
  if (timeEvents) check(cudaEventRecord(slot.ev[0].get(), s), "event record");
  check(cudaMemcpyAsync(slot.dev.get(), slot.host.get(), t.keysBytes + uint64_t(n) * t.stride, cudaMemcpyHostToDevice, s),
        "host-to-device copy");
  if (timeEvents) check(cudaEventRecord(slot.ev[1].get(), s), "event record");
  uint32_t wpb = writes_per_block(p.strategy);
  uint32_t blocks = std::min<uint32_t>((n + wpb - 1) / wpb, t.sms * 64);
  launch_batch(p.strategy, p.countConflicts, args(t, lane, slot, first, n), blocks, s);
  check_launch(host::strategy_name(p.strategy));
  if (timeEvents) check(cudaEventRecord(slot.ev[2].get(), s), "event record");
  check(cudaMemcpyAsync(lane.statsHost.get(), lane.stats.get(), sizeof(DevStats), cudaMemcpyDeviceToHost, s),
        "device-to-host copy");
  check(cudaEventRecord(slot.ev[3].get(), s), "event record");
  slot.pending = true;
  slot.timed = timeEvents;
  ++lane.phases.submissions;
}

// Wait for a slot's submission; charge its event-timed phases.
void finish(Lane& lane, Slot& slot) {
  check(cudaEventSynchronize(slot.ev[3].get()), "write kernel");
  if (slot.timed) {
    lane.phases.h2d += 1e6 * elapsed_ms(slot.ev[0].get(), slot.ev[1].get());
    lane.phases.kernel += 1e6 * elapsed_ms(slot.ev[1].get(), slot.ev[2].get());
    lane.phases.d2h += 1e6 * elapsed_ms(slot.ev[2].get(), slot.ev[3].get());
    ++lane.phases.timed;
  }
  slot.pending = false;
}

}  // namespace

uint64_t slot_bytes(const CaseTarget& t) { return t.keysBytes + uint64_t(t.cap) * t.stride; }

std::vector<std::unique_ptr<Lane>> make_lanes(const CaseTarget& t, uint32_t count) {
  std::vector<std::unique_ptr<Lane>> lanes;
  for (uint32_t i = 0; i < count; ++i) {
    auto lane = std::make_unique<Lane>();
    for (Slot& s : lane->slots) {
      s.host = PinnedBuffer(slot_bytes(t), false, "staging slot");
      s.dev = DeviceBuffer<uint8_t>(slot_bytes(t), "device staging slot");
    }
    lane->stats = DeviceBuffer<DevStats>(1, "device counters");
    lane->statsHost = PinnedBuffer(sizeof(DevStats), false, "counter copy");
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

uint64_t run_range(const CaseTarget& t, Lane& lane, uint64_t begin, uint64_t end, bool single, std::vector<uint32_t>* latency) {
  const CaseParams& p = *t.p;
  const uint32_t per = single ? 1 : t.cap;
  const bool wantLatency = single && latency && p.latencyEvery > 0;
  if (wantLatency) latency->reserve((end - begin) / p.latencyEvery + 1);
  host::SpinDebt spin(p.slowdownNs);  // the calibration knob, paid in >= 1 us chunks
  uint64_t t0 = now_ns();
  uint64_t j = 0;
  for (uint64_t first = begin; first < end; ++j) {
    uint32_t n = uint32_t(std::min<uint64_t>(per, end - first));
    uint64_t w0 = now_ns();
    Slot& slot = lane.slots[single ? 0 : (j & 1)];
    if (slot.pending) finish(lane, slot);
    submit(t, lane, slot, first, n, !single || j % kSingleEventEvery == 0);
    if (single) finish(lane, slot);
    spin.owe(n, first + n >= end);
    if (wantLatency && first % p.latencyEvery == 0) latency->push_back(uint32_t(std::min<uint64_t>(now_ns() - w0, UINT32_MAX)));
    first += n;
  }
  for (Slot& slot : lane.slots)
    if (slot.pending) finish(lane, slot);
  return now_ns() - t0;
}

uint64_t run_lanes(const CaseTarget& t, std::vector<std::unique_ptr<Lane>>& lanes) {
  const uint64_t keys = t.p->keys;
  const uint32_t n = uint32_t(lanes.size());
  return host::run_together(
      n, [&](uint32_t i) { run_range(t, *lanes[i], host::share_begin(keys, i, n), host::share_begin(keys, i + 1, n), false, nullptr); },
      [&](uint32_t) { check(cudaSetDevice(t.device), "set device"); });
}

}  // namespace wp::gpu
