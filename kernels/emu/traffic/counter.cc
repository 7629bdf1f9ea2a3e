#include "counter.h"

#include <algorithm>
#include <bit>
#include <mutex>
#include <unordered_map>

#include "memory_map.h"
#include "tap.h"
#include "wpemu/observe.h"

namespace wpemu::traffic {

namespace {

constexpr unsigned kWarp = 32;
constexpr unsigned kSectorShift = 5;  // 32-byte sectors
constexpr unsigned kWordShift = 2;    // shared memory: 32 banks of 4 bytes
constexpr unsigned kBanks = 32;
constexpr uint32_t kWidest = 16;  // the widest access one lane makes in one instruction (LDG.128)

enum class What : uint8_t { Load, Store, Atomic };
enum class Where : uint8_t { Global, Host, Shared };

int slot_of(AtomicOp op) {
  switch (op) {
    case AtomicOp::Exchange: return kExchange;
    case AtomicOp::Add: return kAdd;
    case AtomicOp::Sub: return kSub;
    case AtomicOp::And: return kAnd;
    case AtomicOp::Or: return kOr;
    case AtomicOp::Xor: return kXor;
    case AtomicOp::Nand: return kNand;
    case AtomicOp::Cas: return kCas;
    default: return -1;
  }
}

// One lane's instruction: its site and which execution of that site by this lane.
struct Site {
  uintptr_t pc;
  uint32_t piece;  // a lane's access wider than kWidest is that many instructions
  bool operator==(const Site&) const = default;
};
struct SiteHash {
  size_t operator()(const Site& s) const { return std::hash<uintptr_t>()(s.pc * 31 + s.piece); }
};

struct ReqKey {
  uintptr_t pc;
  uint32_t piece, occurrence;
  uint32_t warp;
  Where where;
  bool operator==(const ReqKey&) const = default;
};
struct ReqKeyHash {
  size_t operator()(const ReqKey& k) const {
    uint64_t h = k.pc * 0x9e3779b97f4a7c15ULL;
    h ^= (uint64_t(k.piece) << 40) ^ (uint64_t(k.occurrence) << 8) ^ (uint64_t(k.warp) << 24) ^ uint64_t(k.where);
    return std::hash<uint64_t>()(h);
  }
};

struct Req {
  uint32_t lanes = 0;  // mask of the lanes that executed it
  What what = What::Load;
  bool ordered = false;  // an atomic load or store
  int slot = -1;
  uint64_t bytes = 0;
  std::vector<uint64_t> units;  // sectors (global, host) or 4-byte words (shared) the lanes touched
};

using SiteMap = std::unordered_map<uint64_t, SiteCounts>;  // by pc and space

struct BlockState {
  bool active = false;
  std::string kernel;
  unsigned threads = 0;
  std::vector<std::unordered_map<Site, uint32_t, SiteHash>> seen;  // per thread: executions of each site
  std::unordered_map<ReqKey, Req, ReqKeyHash> open;
  Counts counts;
  SiteMap sites;
  std::vector<std::vector<uint64_t>> spare;  // finished requests' unit lists, reused (no malloc per request)
};

thread_local BlockState tls_block;
thread_local uint64_t tls_stream = 0;  // the stream whose operation this executor thread runs

void add_site(SiteMap& sites, const ReqKey& k, const Req& r, uint64_t lanes, uint64_t sectors) {
  SiteCounts& s = sites[uint64_t(k.pc) * 4 + uint64_t(k.where)];
  s.space = k.where == Where::Global ? 'g' : k.where == Where::Host ? 'h' : 's';
  s.what = r.what == What::Load ? 'l' : r.what == What::Store ? 's' : 'a';
  ++s.requests;
  s.sectors += sectors;
  s.activeLanes += lanes;
}

void finish(const ReqKey& k, Req& r, Counts& c, SiteMap& sites) {
  std::sort(r.units.begin(), r.units.end());
  r.units.erase(std::unique(r.units.begin(), r.units.end()), r.units.end());
  const uint64_t lanes = std::popcount(r.lanes);
  ++c.requests;
  c.activeLanes += lanes;
  if (k.where == Where::Shared) {
    // A wavefront serves one distinct word per bank; lanes reading the same word share it.
    unsigned perBank[kBanks] = {};
    unsigned worst = 0;
    for (uint64_t w : r.units) worst = std::max(worst, ++perBank[w % kBanks]);
    add_site(sites, k, r, lanes, worst);
    c.sharedWavefronts += worst;
    c.sharedIdealWavefronts += (r.units.size() + kBanks - 1) / kBanks;
    if (r.what == What::Load) ++c.sharedLoadRequests;
    else if (r.what == What::Store) ++c.sharedStoreRequests;
    else ++c.sharedAtomicRequests;
    return;
  }
  SpaceCounts& s = k.where == Where::Global ? c.global : c.host;
  const uint64_t sectors = r.units.size();
  add_site(sites, k, r, lanes, sectors);
  s.requestedBytes += r.bytes;
  switch (r.what) {
    case What::Load:
      ++s.loadRequests;
      s.loadSectors += sectors;
      if (r.ordered) {
        ++s.orderedLoadRequests;
        s.orderedLoadSectors += sectors;
      }
      break;
    case What::Store:
      ++s.storeRequests;
      s.storeSectors += sectors;
      if (r.ordered) {
        ++s.orderedStoreRequests;
        s.orderedStoreSectors += sectors;
      }
      break;
    case What::Atomic:
      ++s.atomicRequests;
      s.atomicSectors += sectors;
      s.atomics += lanes;
      if (r.slot >= 0) c.atomicsByOp[r.slot] += lanes;
      break;
  }
}

class Counter final : public Observer {
 public:
  std::mutex mu;
  bool on = false;
  std::vector<KernelCounts> totals;
  Copies copies;

  std::unordered_map<std::string, SiteMap> sitesOf;  // per kernel name

  KernelCounts& of(const std::string& name) {
    for (auto& k : totals)
      if (k.name == name) return k;
    totals.push_back(KernelCounts{name, {}, {}});
    return totals.back();
  }

  void launch_begin(const LaunchInfo& l) override {
    std::lock_guard<std::mutex> lock(mu);
    if (on) ++of(l.name).counts.launches;
  }

  void block_begin(const BlockInfo& b) override {
    BlockState& s = tls_block;
    {
      std::lock_guard<std::mutex> lock(mu);
      s.active = on;
    }
    if (!s.active) return;
    s.kernel = b.launch->name;
    s.threads = b.threads;
    s.seen.assign(b.threads, {});
    s.open.clear();
    s.counts = Counts{};
    s.counts.blocks = 1;
  }

  void block_end(const BlockInfo&) override {
    BlockState& s = tls_block;
    if (!s.active) return;
    s.active = false;
    // Requests some lanes never reached (divergence, exited lanes) end with the block.
    for (auto& [k, r] : s.open) finish(k, r, s.counts, s.sites);
    s.open.clear();
    s.seen.clear();
    std::lock_guard<std::mutex> lock(mu);
    KernelCounts& kc = of(s.kernel);
    kc.counts.add(s.counts);
    for (const auto& [key, site] : s.sites) {
      auto it = sitesOf[kc.name].try_emplace(key, site);
      if (it.second) continue;
      it.first->second.requests += site.requests;
      it.first->second.sectors += site.sectors;
      it.first->second.activeLanes += site.activeLanes;
    }
    s.sites.clear();
  }

  void access(const Access& x) override {
    BlockState& s = tls_block;
    if (!s.active || x.host) return;
    Where where;
    if (x.space == Space::Global) where = Where::Global;
    else if (x.space == Space::Host) where = Where::Host;
    else if (x.space == Space::Shared) where = Where::Shared;
    else return;  // kernel arguments, static data, the thread's stack: not memory instructions here
    What what = What::Atomic;
    if (x.kind == AccessKind::Read || (x.kind == AccessKind::Atomic && x.op == AtomicOp::Load)) what = What::Load;
    else if (x.kind == AccessKind::Write || (x.kind == AccessKind::Atomic && x.op == AtomicOp::Store)) what = What::Store;
    const unsigned shift = where == Where::Shared ? kWordShift : kSectorShift;
    const unsigned inWarp = std::min<unsigned>(kWarp, s.threads - x.warp * kWarp);
    auto& seen = s.seen[x.tid];
    for (uint32_t off = 0, piece = 0; off < x.size; off += kWidest, ++piece) {
      const uint32_t n = std::min(kWidest, x.size - off);
      const uintptr_t a = x.addr + off;
      const uint32_t occurrence = ++seen[Site{x.pc, piece}];
      const ReqKey key{x.pc, piece, occurrence, x.warp, where};
      auto [it, fresh] = s.open.try_emplace(key);
      Req& r = it->second;
      if (fresh && !s.spare.empty()) {
        r.units = std::move(s.spare.back());
        s.spare.pop_back();
      }
      r.lanes |= 1u << x.lane;
      r.what = what;
      r.ordered = x.kind == AccessKind::Atomic;
      r.slot = what == What::Atomic ? slot_of(x.op) : -1;
      r.bytes += n;
      for (uint64_t u = a >> shift, last = (a + n - 1) >> shift; u <= last; ++u) r.units.push_back(u);
      if (unsigned(std::popcount(r.lanes)) == inWarp) {
        finish(key, r, s.counts, s.sites);
        if (s.spare.size() < 64) {
          r.units.clear();
          s.spare.push_back(std::move(r.units));
        }
        s.open.erase(it);
      }
    }
  }

  void op_begin(uint64_t stream, void*) override { tls_stream = stream; }

  void copied(void* dst, const void* src, size_t bytes) override {
    if (tls_stream == 0) return;  // the default stream: the runner's read-back, not the workload
    auto device = [](const void* p) {
      const check::Alloc* a = check::memory_map().find(reinterpret_cast<uintptr_t>(p));
      return a && a->device;
    };
    const bool d = device(dst), s = device(src);
    std::lock_guard<std::mutex> lock(mu);
    if (!on) return;
    if (d && s) copies.deviceToDevice += bytes;
    else if (d) copies.hostToDevice += bytes;
    else if (s) copies.deviceToHost += bytes;
  }
};

Counter& counter() {
  static Counter* c = new Counter();
  return *c;
}

}  // namespace

const char* atomic_slot_name(int slot) {
  static const char* const names[kAtomicSlots] = {"exchange", "add", "sub", "and", "or", "xor", "nand", "CAS"};
  return slot >= 0 && slot < kAtomicSlots ? names[slot] : "?";
}

namespace {
void add_space(SpaceCounts& a, const SpaceCounts& b) {
  a.loadRequests += b.loadRequests;
  a.loadSectors += b.loadSectors;
  a.storeRequests += b.storeRequests;
  a.storeSectors += b.storeSectors;
  a.orderedLoadRequests += b.orderedLoadRequests;
  a.orderedLoadSectors += b.orderedLoadSectors;
  a.orderedStoreRequests += b.orderedStoreRequests;
  a.orderedStoreSectors += b.orderedStoreSectors;
  a.atomicRequests += b.atomicRequests;
  a.atomicSectors += b.atomicSectors;
  a.atomics += b.atomics;
  a.requestedBytes += b.requestedBytes;
}
}  // namespace

void Counts::add(const Counts& o) {
  launches += o.launches;
  blocks += o.blocks;
  add_space(global, o.global);
  add_space(host, o.host);
  for (int i = 0; i < kAtomicSlots; ++i) atomicsByOp[i] += o.atomicsByOp[i];
  sharedLoadRequests += o.sharedLoadRequests;
  sharedStoreRequests += o.sharedStoreRequests;
  sharedAtomicRequests += o.sharedAtomicRequests;
  sharedWavefronts += o.sharedWavefronts;
  sharedIdealWavefronts += o.sharedIdealWavefronts;
  requests += o.requests;
  activeLanes += o.activeLanes;
}

void enable(bool on) {
  static bool installed = [] {
    check::install_tap();  // classifies addresses; it must see the case's allocations
    add_observer(&counter());
    return true;
  }();
  (void)installed;
  std::lock_guard<std::mutex> lock(counter().mu);
  counter().on = on;
}

bool enabled() {
  std::lock_guard<std::mutex> lock(counter().mu);
  return counter().on;
}

void reset() {
  std::lock_guard<std::mutex> lock(counter().mu);
  counter().totals.clear();
  counter().sitesOf.clear();
  counter().copies = Copies{};
}

std::vector<KernelCounts> kernels() {
  std::lock_guard<std::mutex> lock(counter().mu);
  std::vector<KernelCounts> out = counter().totals;
  for (KernelCounts& k : out) {
    for (const auto& [key, site] : counter().sitesOf[k.name]) {
      SiteCounts s = site;
      s.offset = check::module_offset(uintptr_t(key / 4));
      k.sites.push_back(s);
    }
    std::sort(k.sites.begin(), k.sites.end(), [](const SiteCounts& a, const SiteCounts& b) { return a.sectors > b.sectors; });
  }
  return out;
}

Copies copies() {
  std::lock_guard<std::mutex> lock(counter().mu);
  return counter().copies;
}

}  // namespace wpemu::traffic
