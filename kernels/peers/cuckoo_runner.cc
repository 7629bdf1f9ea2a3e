// The libcuckoo peer (Debian libcuckoo-dev, header-only), in process: the case's writes as
// insert_or_assign calls on a cuckoohash_map sized like writeprof's table.
// Fairness (see bench/README.md):
// - the same stream, value bytes and submitter split as the CPU runner; values are generated
//   inside the timed region (`stage`), as writeprof stages them, then inserted (`insert`);
// - capacity for distinct / loadFactor elements (libcuckoo rounds up to a power of two, so its
//   real load is at most the asked one), the hashpower then frozen: no resize in a sample, as
//   writeprof's table is fixed (a full table fails the case instead);
// - the map is cleared (and the arena zeroed) between samples, untimed, as writeprof resets.
#include <libcuckoo/cuckoohash_map.hh>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "peers/peer_common.h"
#include "writeprof/host/aligned_buffer.h"
#include "writeprof/layout.h"
#include "writeprof/pattern.h"

namespace wp::peers {
namespace {

// Zeroed, page-aligned and touched once (no page faults inside a timed sample): the same
// buffers writeprof's CPU runner writes its arena and staging into.
using Buffer = host::AlignedBuf;
constexpr size_t kPage = 4096;

template <size_t N>
struct Val {
  uint8_t bytes[N];
};

// The map holds an offset into a value arena (write w's value at w * stride), writeprof's design.
struct ArenaStore {
  using Map = libcuckoo::cuckoohash_map<uint64_t, uint64_t>;
  static constexpr const char* kName = "arena";
  Buffer arena;
  uint32_t valueSize = 0, stride = 0;

  ArenaStore(const CaseParams& p) : valueSize(p.valueSize), stride(value_stride(p.valueSize)) {}
  static uint64_t entry_bytes(uint32_t) { return sizeof(uint64_t) * 2 + 1; }
  uint64_t extra_bytes(uint64_t keys) const { return keys * stride; }
  void allocate(uint64_t keys) { arena = Buffer(keys * stride, kPage, "value arena"); }
  void reset() { std::memset(arena.data(), 0, arena.size()); }
  // The value is complete in the arena before its offset is published in the map.
  void insert(Map& m, uint64_t key, uint64_t writeNo, const uint8_t* staged) {
    uint64_t off = arena_offset(writeNo, stride);
    std::memcpy(arena.data() + off, staged, valueSize);
    m.insert_or_assign(key, off);
  }
  void judge(uint64_t off, uint64_t key, const Workload& w, Verification& v) const {
    if (off > arena.size() || arena.size() - off < valueSize) ++v.corrupted;
    else w.judge(arena.data() + off, valueSize, valueSize, key, v);
  }
};

// The map holds the value bytes: what a libcuckoo user writes first.
template <size_t N>
struct InlineStore {
  using Map = libcuckoo::cuckoohash_map<uint64_t, Val<N>>;
  static constexpr const char* kName = "inline";
  InlineStore(const CaseParams&) {}
  static uint64_t entry_bytes(uint32_t) { return sizeof(uint64_t) + N + 1; }
  uint64_t extra_bytes(uint64_t) const { return 0; }
  void allocate(uint64_t) {}
  void reset() {}
  void insert(Map& m, uint64_t key, uint64_t, const uint8_t* staged) {
    m.insert_or_assign(key, *reinterpret_cast<const Val<N>*>(staged));
  }
  void judge(const Val<N>& val, uint64_t key, const Workload& w, Verification& v) const { w.judge(val.bytes, N, N, key, v); }
};

template <class Store>
class CuckooRunner final : public CaseRunner {
  using Map = typename Store::Map;

 public:
  CuckooRunner(const CaseParams& p) : p_(p), w_(p), store_(p), map_(capacity(w_.distinct().size(), p.loadFactor)) {
    stride_ = value_stride(p.valueSize);
    // Refuse before allocating what overcommit would grant and the OOM killer would take back.
    uint64_t slots = uint64_t(map_.capacity());
    uint64_t staging = std::min<uint64_t>(w_.batch, p.keys) * stride_ * w_.workers;
    uint64_t need = slots * Store::entry_bytes(p.valueSize) + store_.extra_bytes(p.keys) + staging + host::kStreamBytesPerKey * p.keys;
    host::Budget budget = host::host_budget();
    if (!budget.holds(need))
      throw ConfigError("keys: libcuckoo's map (" + std::to_string(slots) + " slots), its values and staging need " +
                        host::bytes_str(need) + ", " + budget.over() + "; lower keys or valueSize, or raise loadFactor");
    map_.maximum_hashpower(map_.hashpower());  // fixed capacity: a resize would throw, not hide in timing
    store_.allocate(p.keys);
    for (uint32_t i = 0; i < w_.workers; ++i) staging_.emplace_back(std::min<uint64_t>(w_.batch, p.keys) * stride_, kPage, "staging buffer");
  }

  SampleResult runSample() override {
    map_.clear();
    store_.reset();
    SampleResult out;
    try {
      out = timed_sample(
          p_, w_, "stage", "insert",
          [&](uint32_t i, uint64_t first, uint64_t n) {
            uint8_t* staging = staging_[i].data();
            for (uint64_t j = 0; j < n; ++j) fill_value(staging + j * stride_, p_.valueSize, w_.stream[first + j], first + j);
          },
          [&](uint32_t i, uint64_t first, uint64_t n) {
            const uint8_t* staging = staging_[i].data();
            for (uint64_t j = 0; j < n; ++j) store_.insert(map_, w_.stream[first + j], first + j, staging + j * stride_);
          });
    } catch (const libcuckoo::maximum_hashpower_exceeded&) {
      throw PeerError("libcuckoo: the map is full at its fixed capacity of " + std::to_string(map_.capacity()) +
                      " slots (it would have to grow); lower loadFactor");
    }
    out.verification = verify();
    out.notes.push_back(std::string("libcuckoo: ") + Store::kName + " store, capacity " + std::to_string(map_.capacity()) +
                        " slots (hashpower " + std::to_string(map_.hashpower()) + ")");
    return out;
  }

 private:
  static size_t capacity(uint64_t distinct, double loadFactor) {
    return size_t(std::max(1.0, double(distinct) / loadFactor));
  }

  // Every distinct key looked up; entries beyond the distinct keys found are strays (corrupted).
  Verification verify() const {
    Verification v = w_.verification();
    for (uint64_t key : w_.distinct()) {
      bool found = map_.find_fn(key, [&](const typename Map::mapped_type& m) { store_.judge(m, key, w_, v); });
      if (!found) ++v.lost;
    }
    uint64_t size = map_.size(), seen = v.distinct - v.lost;
    if (size > seen) v.corrupted += size - seen;
    return v;
  }

  CaseParams p_;
  Workload w_;
  Store store_;
  Map map_;
  uint32_t stride_ = 0;
  std::vector<Buffer> staging_;
};

template <size_t N>
std::unique_ptr<CaseRunner> make_inline(const CaseParams& p) {
  return std::make_unique<CuckooRunner<InlineStore<N>>>(p);
}

std::unique_ptr<CaseRunner> inline_runner(const CaseParams& p) {
  switch (p.valueSize) {
    case 8: return make_inline<8>(p);
    case 16: return make_inline<16>(p);
    case 32: return make_inline<32>(p);
    case 64: return make_inline<64>(p);
    case 128: return make_inline<128>(p);
    case 256: return make_inline<256>(p);
    case 512: return make_inline<512>(p);
    case 1024: return make_inline<1024>(p);
    case 2048: return make_inline<2048>(p);
    case 4096: return make_inline<4096>(p);
    default:
      throw ConfigError("valueSize: " + std::to_string(p.valueSize) +
                        " is invalid for libcuckoo's inline store; allowed: 8, 16, 32, ..., 4096 (powers of two), or the arena store");
  }
}

}  // namespace
}  // namespace wp::peers

namespace wp {

std::unique_ptr<CaseRunner> makeCuckooRunner(const CaseParams& p, CuckooStore store) {
  if (store == CuckooStore::Inline) return peers::inline_runner(p);
  return std::make_unique<peers::CuckooRunner<peers::ArenaStore>>(p);
}

}  // namespace wp
