// What both peers share: the case's key stream and its distinct keys, and the timed sample: T
// submitters released together (concurrent mode, writeprof/host/together.h), each over its
// contiguous share of the stream, as the CPU runner splits it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "writeprof/host/clock.h"
#include "writeprof/host/memory.h"
#include "writeprof/host/split.h"
#include "writeprof/host/together.h"
#include "writeprof/keystream.h"
#include "writeprof/params.h"
#include "writeprof/peers.h"
#include "writeprof/verify.h"

namespace wp::peers {

using host::now_ns;

// The writes of one case: which key each write targets, the keys verification looks up and what
// each may end with (a connection or thread applies its writes in order: kProgramOrder).
struct Workload {
  std::vector<uint64_t> stream;
  FinalWrites final;
  uint32_t workers = 1;  // submitters: threads in concurrent mode, else 1
  uint32_t batch = 1;    // writes per submission

  explicit Workload(const CaseParams& p) {
    check_params(p);
    stream = make_stream(p.keys, p.zipf, p.zipfTheta, p.seed, p.updateShare);
    workers = host::submitters(p);
    batch = host::submission_writes(p);
    final = FinalWrites(stream.data(), p.keys, host::submissions(p), kProgramOrder);
  }
  const std::vector<uint64_t>& distinct() const { return final.distinct(); }
  // A fresh count: the writes made and their distinct keys.
  Verification verification() const {
    Verification v;
    v.writes = stream.size();
    v.distinct = final.distinct().size();
    return v;
  }
  // Counts what a value read back for `key` is.
  void judge(const uint8_t* v, size_t len, uint32_t valueSize, uint64_t key, Verification& out) const {
    final.count(final.held(v, len, valueSize, key, stream.data()), out);
  }
  uint64_t begin(uint32_t w) const { return host::share_begin(stream.size(), w, workers); }
  uint64_t end(uint32_t w) const { return host::share_begin(stream.size(), w + 1, workers); }
};

// Per-submitter phase totals (ns), summed into the sample's phases afterwards.
struct Phases {
  uint64_t stage = 0, send = 0;
};

// The timed part of a peer's sample. Each submitter walks its share of the stream in submissions
// of `batch` writes: stage(i, first, n) prepares them (values generated, requests formatted),
// send(i, first, n) hands them to the peer; the two are timed into the phases named
// stageName and sendName, and single mode samples a per-write latency every latencyEvery writes.
template <class Stage, class Send>
SampleResult timed_sample(const CaseParams& p, const Workload& w, const char* stageName, const char* sendName, Stage stage, Send send) {
  SampleResult out;
  out.writes = p.keys;
  std::vector<Phases> phases(w.workers);
  std::vector<uint32_t>* latency = p.mode == Mode::Single && p.latencyEvery > 0 ? &out.latencyNs : nullptr;
  if (latency) latency->reserve(p.keys / p.latencyEvery + 1);
  out.elapsedNs = host::run_together(w.workers, [&](uint32_t i) {
    Phases& ph = phases[i];
    uint64_t t = now_ns();
    for (uint64_t first = w.begin(i), end = w.end(i); first < end;) {
      uint64_t n = std::min<uint64_t>(w.batch, end - first), t0 = t;
      stage(i, first, n);
      uint64_t staged = now_ns();
      send(i, first, n);
      uint64_t done = now_ns();
      ph.stage += staged - t;
      ph.send += done - staged;
      if (latency && first % p.latencyEvery == 0) latency->push_back(uint32_t(std::min<uint64_t>(done - t0, UINT32_MAX)));
      t = done;
      first += n;
    }
  });
  double stageNs = 0, sendNs = 0;
  for (const Phases& ph : phases) {
    stageNs += double(ph.stage);
    sendNs += double(ph.send);
  }
  out.phasesNs = {{stageName, stageNs}, {sendName, sendNs}};
  return out;
}

}  // namespace wp::peers
