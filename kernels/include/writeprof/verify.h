// Post-run verification, shared by every backend (the CUDA backend copies table and arena back,
// outside the timed region; the peers read their keys back). Every distinct key of the stream
// must be found exactly once, holding the complete value of a write it may legally end with under
// the strategy's ordering promise (order.h): found with an overwritten write's value is `stale`.
#pragma once
#include <vector>

#include "config.h"
#include "layout.h"
#include "order.h"
#include "pattern.h"
#include "probe.h"

namespace wp {

struct Verification {
  uint64_t writes = 0;      // writes made
  uint64_t distinct = 0;    // distinct keys among them: each one verified, lost, stale or corrupted
  uint64_t verified = 0;    // found, holding the intact value of a write it may end with
  uint64_t lost = 0;        // not found
  uint64_t stale = 0;       // found, holding the intact value of a write that a later one overwrote
  uint64_t corrupted = 0;   // found with wrong bytes, size or tag; and every entry beyond the keys
                            // found (a key stored twice, an unknown key, a slot left LOCKED)
  uint64_t duplicates = 0;  // of corrupted: entries holding a key that is stored elsewhere too
};

// Host code from here (nvcc parses it in its device pass too, and compiles none of it there).

// How a case's writes are cut (host/split.h): `submitters` contiguous shares of the stream, each
// applied in submissions of `batch` writes.
struct Submissions {
  uint32_t submitters = 1;
  uint32_t batch = 1;
};

// The writes each key may legally end with (order.h's rule), and the stream's distinct keys. Built
// once per case, since stream and promise are fixed for it, and read by every sample: one pass over
// the stream backwards with an index from key to distinct number sized once for the whole stream
// (no rehash), O(writes). Kept: one bit per write and the distinct keys; while building, at most
// kBuildBytesPerWrite more.
class FinalWrites {
 public:
  static constexpr uint64_t kBuildBytesPerWrite = 24;  // index (<= 2.9 slots x 4 B) + 12 B per distinct key

  FinalWrites() = default;
  FinalWrites(const uint64_t* stream, uint64_t writes, Submissions split, OrderPromise promise) : writes_(writes) {
    static_assert(limits::cases::kKeys.max < 4294967295.0, "write numbers and distinct numbers fit 32 bits");
    legal_.assign((writes + 63) / 64, 0);
    if (writes == 0) return;
    uint64_t cap = 16;
    while (cap * 7 < writes * 10) cap <<= 1;  // load at most 0.7
    std::vector<uint32_t> index(cap, kNone);
    // Per distinct key, within the submitter being scanned: the first write of its latest submission
    // holding the key, and the first write of the run holding its nearest later write.
    struct Seen {
      uint32_t submitter, latestSubmission, nextRun;
    };
    std::vector<Seen> seen;
    distinct_.reserve(writes);  // sized once: only the pages the distinct keys fill are touched
    seen.reserve(writes);
    const uint32_t n = split.submitters ? split.submitters : 1;
    const uint64_t batch = split.batch ? split.batch : 1;
    for (uint32_t s = n; s-- > 0;) {
      const uint64_t begin = writes * s / n, end = writes * (s + 1) / n;  // host::share_begin
      for (uint64_t i = end; i-- > begin;) {
        if (i >= begin + kAhead) __builtin_prefetch(&index[mix64(stream[i - kAhead]) & (cap - 1)]);  // the index misses cache
        const uint64_t submission = begin + (i - begin) / batch * batch;
        const uint64_t run = promise.run == kWholeSubmission ? submission : submission + (i - submission) / promise.run * promise.run;
        const uint64_t key = stream[i];
        uint64_t h = mix64(key) & (cap - 1);
        while (index[h] != kNone && distinct_[index[h]] != key) h = (h + 1) & (cap - 1);
        bool last;
        if (index[h] == kNone) {
          index[h] = uint32_t(distinct_.size());
          distinct_.push_back(key);
          seen.push_back({s, uint32_t(submission), uint32_t(run)});
          last = true;
        } else {
          Seen& k = seen[index[h]];
          if (k.submitter != s) {
            k = {s, uint32_t(submission), uint32_t(run)};
            last = true;
          } else {
            last = k.latestSubmission == submission && k.nextRun != run;
            k.nextRun = uint32_t(run);
          }
        }
        if (last) legal_[i >> 6] |= uint64_t(1) << (i & 63);
      }
    }
  }

  const std::vector<uint64_t>& distinct() const { return distinct_; }
  uint64_t writes() const { return writes_; }
  // Write `writeNo` may be the value its key ends with.
  bool legal(uint64_t writeNo) const { return writeNo < writes_ && (legal_[writeNo >> 6] >> (writeNo & 63)) & 1; }

  // What a value read back for `key` is: intact and legal, intact but overwritten, or not a
  // complete value of a write of this key at all.
  enum Held { kVerified, kStale, kCorrupted };
  Held held(const uint8_t* v, uint64_t len, uint32_t valueSize, uint64_t key, const uint64_t* stream) const {
    if (len != valueSize) return kCorrupted;
    const uint64_t w = value_tag(v);
    if (w >= writes_ || stream[w] != key || !check_value(v, valueSize, key, w)) return kCorrupted;
    return legal(w) ? kVerified : kStale;
  }

  void count(Held h, Verification& out) const {
    if (h == kVerified) ++out.verified;
    else if (h == kStale) ++out.stale;
    else ++out.corrupted;
  }

 private:
  static constexpr uint32_t kNone = ~uint32_t(0);
  static constexpr uint64_t kAhead = 16;  // writes ahead whose index slot is fetched
  uint64_t writes_ = 0;
  std::vector<uint64_t> distinct_;
  std::vector<uint64_t> legal_;
};

// The value in slot s of bk, as FinalWrites::held judges it (sizes and arena bounds first).
inline FinalWrites::Held slot_held(const Bucket& bk, int s, const uint8_t* arena, uint64_t arenaBytes, uint32_t valueSize,
                                   const uint64_t* stream, uint64_t key, const FinalWrites& fw) {
  if (bk.key_sizes[s] != kKeySize) return FinalWrites::kCorrupted;
  const uint64_t ref = bk.values[s];
  if (ref > arenaBytes || arenaBytes - ref < valueSize) return FinalWrites::kCorrupted;
  return fw.held(arena + ref, bk.value_sizes[s], valueSize, key, stream);
}

// Verification over a table image: every distinct key looked up along its probe path; then the
// entries beyond those found (duplicates, strays, LOCKED slots) are corrupted, and a slot holding
// a key that its lookup finds elsewhere is a duplicate.
inline Verification verify_table(const Bucket* table, uint64_t buckets, const uint8_t* arena, uint64_t arenaBytes,
                                 uint32_t valueSize, const uint64_t* stream, const FinalWrites& fw) {
  Verification out;
  out.writes = fw.writes();
  out.distinct = fw.distinct().size();
  const std::vector<uint64_t>& keys = fw.distinct();
  constexpr uint64_t kAhead = 16;  // home buckets fetched this many keys early: lookups miss cache
  for (uint64_t i = 0; i < keys.size(); ++i) {
    if (i + kAhead < keys.size()) __builtin_prefetch(&table[home_bucket(keys[i + kAhead], buckets)]);
    uint64_t b;
    int s;
    if (!lookup(table, buckets, keys[i], &b, &s)) ++out.lost;
    else fw.count(slot_held(table[b], s, arena, arenaBytes, valueSize, stream, keys[i], fw), out);
  }
  uint64_t occupied = 0;
  for (uint64_t b = 0; b < buckets; ++b)
    for (int s = 0; s < kSlotsPerBucket; ++s)
      if (table[b].keys[s] != kKeyEmpty) ++occupied;
  const uint64_t found = out.distinct - out.lost;
  if (occupied <= found) return out;
  out.corrupted += occupied - found;
  for (uint64_t b = 0; b < buckets; ++b)  // only on failure: which extras are second copies
    for (int s = 0; s < kSlotsPerBucket; ++s) {
      const uint64_t key = table[b].keys[s];
      uint64_t fb;
      int fs;
      if (key != kKeyEmpty && key != kKeyLocked && lookup(table, buckets, key, &fb, &fs) && (fb != b || fs != s))
        ++out.duplicates;
    }
  return out;
}

// A table written by one unordered submission (every write of a key may end it): for drivers that
// run kernels outside a runner.
inline Verification verify_table(const Bucket* table, uint64_t buckets, const uint8_t* arena, uint64_t arenaBytes,
                                 uint32_t valueSize, const uint64_t* stream, uint64_t writes) {
  FinalWrites fw(stream, writes, {1, uint32_t(writes ? writes : 1)}, OrderPromise{1});
  return verify_table(table, buckets, arena, arenaBytes, valueSize, stream, fw);
}

}  // namespace wp
