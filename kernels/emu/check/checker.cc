#include "checker.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "clock.h"
#include "runtime.h"
#include "shadow.h"
#include "tap.h"
#include "wpemu/findings.h"
#include "wpemu/observe.h"
#include "wpemu/sched.h"

namespace wpemu::check {

namespace {

constexpr size_t kMaxPending = 32;  // plain stores a thread holds back at most (the oldest drains)
constexpr uint32_t kDrainOneIn = 64;  // each held store drains early with this chance at a switch

// ---- per-thread state ----

// A plain store held back by its thread (weak): while the thread is switched out, memory shows
// `old`; while it runs, its own `val`.
struct Pending {
  uintptr_t addr = 0;
  uint32_t size = 0;
  uint32_t pub = 0;  // the thread's count of atomic writes when it stored
  uint32_t pc = 0;
  bool hidden = false;
  uint8_t old[16], val[16];
};

struct ThreadState {
  Clocked hb;
  std::vector<Pending> pending;
  uint32_t pubSeq = 0;  // atomic writes so far
  std::vector<std::pair<uint32_t, uint32_t>> seen;  // agent -> the latest of its atomic writes read
  VCRef folded;  // last base folded into the launch's completion
};

struct LaunchState {
  const Launch* rec = nullptr;
  uint32_t first = 0;  // agent of block 0 thread 0
  uint32_t streamAgent = 0, seq = 0;
  VCRef base;
  std::mutex mu;
  VCRef completion;  // what its threads learnt of others, joined at their exits
};

struct BlockState {
  bool active = false;
  LaunchState* launch = nullptr;
  unsigned linear = 0, threads = 0;
  uint32_t first = 0;
  std::vector<ThreadState> t;
  std::vector<Granule> shared;  // over the module's TLS block
  uintptr_t sharedLo = 0;
  std::vector<Granule> dyn;
  uintptr_t dynLo = 0;
  uint64_t rng = 1;
  uint64_t epoch = 0;  // the case its shared-memory shadow belongs to
  uint64_t next() {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
  }
};

thread_local BlockState tls_bs;

struct StreamState {
  uint32_t agent = 0;
  uint32_t seq = 0;  // the operation running or last run
  VCRef vc;
  VCRef completion;  // of the launch running in the current operation
};

struct HostState {
  Clocked hb;
  uint64_t epoch = 0;    // the case it belongs to
  uint64_t version = 0;  // the last begin_sample it adopted
};
thread_local HostState tls_host;

struct SyncVar {
  VCRef vc;
  uint32_t writer = 0, writerPub = 0, writerPc = 0;
};

// A held store as other threads find it (weak's stale-value check).
struct PendingRef {
  uint32_t agent, pub, pc;
  uintptr_t addr;
  uint32_t size;
};

bool is_acquire(MemOrder o) { return o == MemOrder::Acquire || o == MemOrder::Consume || o == MemOrder::AcqRel || o == MemOrder::SeqCst; }
bool is_release(MemOrder o) { return o == MemOrder::Release || o == MemOrder::AcqRel || o == MemOrder::SeqCst; }

std::string access_name(const Access& x) {
  if (x.kind == AccessKind::Atomic) return std::string("atomic ") + atomic_op_name(x.op);
  return x.kind == AccessKind::Write ? "write" : "read";
}

class Checker final : public Observer {
 public:
  Tools tools;

  void reset() {
    std::lock_guard<std::mutex> lock(mu_);
    ++epoch_;
    shadow_.reset();
    memory_map().reset();
    streams_.clear();
    events_.clear();
    launches_.clear();
    kernels_.clear();
    hostKnown_.reset();
    hostVersion_ = 0;
    for (auto& s : sync_) s.clear();
    {
      std::lock_guard<std::mutex> pl(pendingMu_);
      for (auto& p : pendingIndex_) p.clear();
      pendingCount_.store(0);
    }
    agents_.reset();
  }

  void quiesce() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, s] : streams_) hostKnown_ = join(hostKnown_, s.vc);
    ++hostVersion_;
  }

  std::string limits() const {
    return shadow_.over_budget() ? "racecheck stopped recording new memory after 64 MiB of touched memory (its shadow budget)" : "";
  }

  // ---- accesses ----

  void access(const Access& x) override {
    if (x.host) {
      host_access(x);
      return;
    }
    BlockState& b = tls_bs;
    if (!b.active) return;
    ThreadState& t = b.t[x.tid];
    if (x.space == Space::Invalid) {
      if (tools.memcheck) report_invalid(b, x);
      return;  // the tap ends the block
    }
    if (x.kind == AccessKind::Atomic && x.addr % x.size != 0) {
      if (tools.memcheck) report_misaligned(b, x);
      return;
    }
    if (x.space != Space::Shared && x.space != Space::Global && x.space != Space::Host) return;
    if (x.kind != AccessKind::Atomic && (tools.racecheck || tools.weak)) access_switch_point();
    if (tools.weak) weak_access(b, t, x);
    if (tools.initcheck && x.space == Space::Global) init_access(b, x);
    if (tools.racecheck) race(b, t.hb, x);
  }

  void atomic_done(const Access& x, bool wrote) override {
    if (!tools.racecheck && !tools.weak) return;
    ThreadState* t = nullptr;
    Clocked* c;
    if (x.host) {
      c = &host();
    } else {
      BlockState& b = tls_bs;
      if (!b.active) return;
      t = &b.t[x.tid];
      c = &t->hb;
    }
    auto& stripe = sync_[atomic_stripe(x.addr)];
    // Host atomics on the host's own memory order host threads only: kept apart from device's.
    SyncVar& v = stripe[x.addr];
    const bool reads = x.op != AtomicOp::Store;
    if (tools.racecheck) {
      if (reads && v.vc) {
        if (is_acquire(x.order)) acquire(*c, v.vc);
        else c->acqPending = join(c->acqPending, v.vc);
      }
      if (wrote) {
        if (x.op == AtomicOp::Store) v.vc = is_release(x.order) ? c->publish() : c->relFence;
        else if (is_release(x.order)) v.vc = join(v.vc, c->publish());
        else if (c->relFence) v.vc = join(v.vc, c->relFence);
      }
    }
    if (tools.weak && t) {
      if (reads && v.writer && v.writer != c->agent) note_seen(*t, v.writer, v.writerPub);
      if (wrote) {
        ++t->pubSeq;
        v.writer = c->agent;
        v.writerPub = t->pubSeq;
        v.writerPc = module_offset(x.pc);
      }
    } else if (wrote && tools.weak) {
      v.writer = 0;
    }
  }

  void fence(MemOrder o) override {
    Clocked* c;
    ThreadState* t = nullptr;
    if (!tls_thread) {
      if (!tools.racecheck) return;
      c = &host();
    } else {
      BlockState& b = tls_bs;
      if (!b.active) return;
      t = &b.t[tls_thread->tid];
      c = &t->hb;
    }
    if (tools.weak && t && is_release(o)) flush(*t, false);
    if (!tools.racecheck) return;
    if (is_acquire(o) && c->acqPending) {
      acquire(*c, c->acqPending);
      c->acqPending.reset();
    }
    if (is_release(o)) c->relFence = c->publish();
  }

  // ---- launches and blocks ----

  void launch_begin(const LaunchInfo& l) override {
    auto ls = std::make_unique<LaunchState>();
    const uint32_t tpb = l.block.x * l.block.y * l.block.z;
    const uint64_t total = uint64_t(tpb) * l.grid.x * l.grid.y * l.grid.z;
    std::lock_guard<std::mutex> lock(mu_);
    StreamState& s = stream(l.stream);
    Launch* rec = agents_.keep(Launch{l.name, l.grid, l.block, tpb, 0, config().seed});
    ls->streamAgent = s.agent;
    ls->seq = s.seq;
    ls->base = s.vc;
    // Past 2^31 threads in one launch racecheck gives up on it (its blocks go unchecked).
    ls->first = total < (uint64_t(1) << 31) ? agents_.add(Group{Group::Device, 0, 0, s.agent, s.seq, rec}, uint32_t(total)) : 0;
    rec->firstAgent = ls->first;
    ls->rec = rec;
    launches_[l.id] = std::move(ls);
    if (std::find(kernels_.begin(), kernels_.end(), l.name) == kernels_.end()) kernels_.push_back(l.name);
  }

  std::vector<std::string> kernels() {
    std::lock_guard<std::mutex> lock(mu_);
    return kernels_;
  }

  void launch_end(const LaunchInfo& l) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = launches_.find(l.id);
    if (it == launches_.end()) return;
    StreamState& s = stream(l.stream);
    s.completion = join(s.completion, it->second->completion);
    launches_.erase(it);
  }

  void block_begin(const BlockInfo& bi) override {
    BlockState& b = tls_bs;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = launches_.find(bi.launch->id);
      b.launch = it == launches_.end() ? nullptr : it->second.get();
    }
    if (!b.launch || !b.launch->first) return;
    b.active = true;
    b.linear = bi.linear;
    b.threads = bi.threads;
    b.first = b.launch->first + bi.linear * bi.threads;
    b.t.resize(bi.threads);
    for (unsigned i = 0; i < bi.threads; ++i) {
      ThreadState& t = b.t[i];
      t.hb.start(b.first + i, b.launch->base);
      t.pending.clear();
      t.pubSeq = 0;
      t.seen.clear();
      t.folded.reset();
    }
    const BlockCtx& c = block_ctx();
    b.sharedLo = c.tlsLo;
    const size_t granules = (c.tlsHi - c.tlsLo + 7) / 8;
    if (b.epoch != epoch_) b.shared.assign(granules, Granule{});  // a new case: nothing recorded yet
    if (b.shared.size() < granules) b.shared.resize(granules);
    b.epoch = epoch_;
    b.dynLo = c.dynLo;
    const size_t dynGranules = (c.dynHi - c.dynLo + 7) / 8;
    b.dyn.assign(dynGranules, Granule{});
    b.rng = block_seed() ^ 0x6a09e667f3bcc909ULL;
    if (!b.rng) b.rng = 1;
  }

  void block_end(const BlockInfo&) override {
    BlockState& b = tls_bs;
    if (!b.active) return;
    // A faulted block leaves threads with held stores: they land now, as if drained at the fault.
    for (ThreadState& t : b.t) flush(t, true);
    b.active = false;
  }

  void thread_exit(unsigned tid) override {
    BlockState& b = tls_bs;
    if (!b.active) return;
    ThreadState& t = b.t[tid];
    // A thread's end is no release: what it still holds back stays hidden from the block's other
    // threads until the block ends (the kernel's end, for them), or drains at random before.
    if (tools.weak) hide(b, t, false);
    if (tools.racecheck && t.hb.base && t.hb.base != t.folded) {
      std::lock_guard<std::mutex> lock(b.launch->mu);
      b.launch->completion = join(b.launch->completion, t.hb.base);
      t.folded = t.hb.base;
    }
  }

  void switch_threads(int from, int to) override {
    if (!tools.weak) return;
    BlockState& b = tls_bs;
    if (!b.active) return;
    if (from >= 0) hide(b, b.t[unsigned(from)]);
    if (to >= 0) reveal(b.t[unsigned(to)]);
  }

  void warp_sync(unsigned warp, unsigned mask) override {
    BlockState& b = tls_bs;
    if (!b.active) return;
    for (unsigned rest = mask; rest; rest &= rest - 1) flush(b.t[warp * 32 + unsigned(__builtin_ctz(rest))], false);
    if (!tools.racecheck) return;
    sync_threads(b, [&](auto&& each) {
      for (unsigned rest = mask; rest; rest &= rest - 1) each(b.t[warp * 32 + unsigned(__builtin_ctz(rest))]);
    });
  }

  void block_sync() override {
    BlockState& b = tls_bs;
    if (!b.active) return;
    for (ThreadState& t : b.t) flush(t, false);
    if (!tools.racecheck) return;
    sync_threads(b, [&](auto&& each) {
      for (ThreadState& t : b.t) each(t);
    });
  }

  // ---- streams and the host ----

  void* op_enqueue(uint64_t stream) override {
    if (!tools.racecheck) return nullptr;
    Clocked& h = host();
    auto* token = new VCRef(h.publish());
    std::lock_guard<std::mutex> lock(mu_);
    hostKnown_ = prune(join(hostKnown_, *token), agents_);
    return token;
  }

  void op_begin(uint64_t stream, void* token) override {
    std::unique_ptr<VCRef> t(static_cast<VCRef*>(token));
    std::lock_guard<std::mutex> lock(mu_);
    StreamState& s = this->stream(stream);
    if (t) s.vc = join(s.vc, *t);
    ++s.seq;
    s.vc = with(s.vc, s.agent, s.seq - 1);
  }

  void op_end(uint64_t stream) override {
    std::lock_guard<std::mutex> lock(mu_);
    StreamState& s = this->stream(stream);
    s.vc = prune(with(join(s.vc, s.completion), s.agent, s.seq), agents_);
    s.completion.reset();
  }

  void host_waited_stream(uint64_t stream) override {
    if (!tools.racecheck) return;
    Clocked& h = host();
    VCRef v;
    {
      std::lock_guard<std::mutex> lock(mu_);
      v = this->stream(stream).vc;
    }
    acquire(h, v);
  }

  void event_reached(const void* e, uint64_t stream) override {
    std::lock_guard<std::mutex> lock(mu_);
    events_[e] = this->stream(stream).vc;
  }

  void host_waited_event(const void* e) override {
    if (!tools.racecheck) return;
    Clocked& h = host();
    VCRef v;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = events_.find(e);
      if (it != events_.end()) v = it->second;
    }
    acquire(h, v);
  }

  // A copy or memset by a stream: its bytes are written (initcheck) and start afresh (racecheck).
  void copied(void* dst, const void* src, size_t n) override {
    const auto d = reinterpret_cast<uintptr_t>(dst), s = reinterpret_cast<uintptr_t>(src);
    if (Alloc* a = memory_map().find(d)) {
      Alloc* from = memory_map().find(s);
      if (from) a->copy_written(d, *from, s, n);
      else a->mark_written(d, n);
    }
    shadow_.clear(d, n);
  }

  void filled(void* dst, size_t n) override {
    const auto d = reinterpret_cast<uintptr_t>(dst);
    if (Alloc* a = memory_map().find(d)) a->mark_written(d, n);
    shadow_.clear(d, n);
  }

  void freed(void* p, size_t n, bool) override { shadow_.clear(reinterpret_cast<uintptr_t>(p), n); }

 private:
  // ---- happens-before ----

  // Acquires, keeping the clock small: entries of finished launches' threads go once it grows.
  void acquire(Clocked& c, const VCRef& v) {
    c.acquire(v);
    if (c.base && c.base->e.size() > 64) c.base = prune(c.base, agents_);
  }

  StreamState& stream(uint64_t id) {  // mu_ held
    StreamState& s = streams_[id];
    if (!s.agent) {
      s.agent = agents_.add(Group{Group::Stream, 0, 0, 0, 0, nullptr}, 1);
      s.vc = hostKnown_;
    }
    return s;
  }

  Clocked& host() {
    HostState& h = tls_host;
    if (h.epoch != epoch_ || !h.hb.agent) {
      std::lock_guard<std::mutex> lock(mu_);
      // A host thread seen for the first time knows what the host threads published so far: the
      // runner creates its threads after its own work (thread creation is not observed).
      h.hb.start(agents_.add(Group{Group::Host, 0, 0, 0, 0, nullptr}, 1), hostKnown_);
      h.epoch = epoch_;
      h.version = hostVersion_;
    } else if (h.version != hostVersion_) {
      VCRef k;
      {
        std::lock_guard<std::mutex> lock(mu_);
        k = hostKnown_;
        h.version = hostVersion_;
      }
      h.hb.acquire(k);
    }
    return h.hb;
  }

  // Threads in a rendezvous or a barrier all know what each of them knew, and each other's clocks.
  template <class ForEach>
  void sync_threads(BlockState&, ForEach forEach) {
    bool same = true, known = true;
    const VC* first = nullptr;
    bool any = false;
    forEach([&](ThreadState& t) {
      if (!any) {
        first = t.hb.base.get();
        any = true;
      } else if (t.hb.base.get() != first) {
        same = false;
      }
      if (!t.hb.base || t.hb.base->get(t.hb.agent) < t.hb.clock) known = false;
    });
    if (!any) return;
    if (same && known) {
      forEach([&](ThreadState& t) { t.hb.published = true; });
      return;
    }
    scratchBases_.clear();
    scratchOwn_.clear();
    forEach([&](ThreadState& t) {
      scratchBases_.push_back(&t.hb.base);
      scratchOwn_.push_back(uint64_t(t.hb.agent) << 32 | t.hb.clock);
    });
    VCRef j = join_all(scratchBases_, scratchOwn_);
    forEach([&](ThreadState& t) {
      t.hb.base = j;
      t.hb.published = true;
    });
  }

  // ---- racecheck ----

  struct Who {
    int64_t block = -1;
    int warp = -1, lane = -1;
    const Launch* launch = nullptr;
    bool host = false;
  };

  Who who(uint32_t agent) const {
    Who w;
    const Group* g = agents_.group(agent);
    if (!g) return w;
    if (g->kind == Group::Host) {
      w.host = true;
      return w;
    }
    if (g->kind != Group::Device || !g->launch) return w;
    const uint32_t i = agent - g->first, tpb = g->launch->threadsPerBlock;
    w.block = tpb ? i / tpb : 0;
    w.warp = tpb ? int((i % tpb) / 32) : 0;
    w.lane = tpb ? int((i % tpb) % 32) : 0;
    w.launch = g->launch;
    return w;
  }

  void race(BlockState& b, Clocked& c, const Access& x) {
    const uint32_t clk = c.access_clock();
    Slot cur{c.agent, clk, module_offset(x.pc), 0, uint8_t((x.kind != AccessKind::Read ? kWrite : 0) |
                                                            (x.kind == AccessKind::Atomic || x.isVolatile ? kAtomic : 0))};
    if (x.kind == AccessKind::Atomic && x.op == AtomicOp::Load) cur.flags &= uint8_t(~kWrite);
    bool reported = false;
    const uintptr_t end = x.addr + x.size;
    for (uintptr_t g = x.addr & ~uintptr_t(7); g < end; g += 8) {
      const uintptr_t lo = std::max(g, x.addr), hi = std::min(g + 8, end);
      cur.mask = uint8_t(((1u << (hi - lo)) - 1) << (lo - g));
      if (x.space == Space::Shared) {
        const bool dyn = x.region.id == 1;
        std::vector<Granule>& sh = dyn ? b.dyn : b.shared;
        const size_t i = (g - (dyn ? b.dynLo : b.sharedLo)) / 8;
        if (i >= sh.size()) continue;
        const uint32_t lo2 = b.first, hi2 = b.first + b.threads;
        check_granule(sh[i], cur, c, x, g, reported, [&](uint32_t a) { return a >= lo2 && a < hi2; });
      } else {
        GlobalShadow::Page* p = shadow_.page(g);
        if (!p) return;
        std::lock_guard<SpinLock> lock(p->lock);
        check_granule(p->g[(g >> 3) & (GlobalShadow::kGranules - 1)], cur, c, x, g, reported,
                      [](uint32_t) { return true; });
      }
    }
  }

  template <class Valid>
  void check_granule(Granule& gr, const Slot& cur, const Clocked& c, const Access& x, uintptr_t g, bool& reported,
                     Valid valid) {
    int same = -1, empty = -1, before = -1;
    const bool curW = cur.flags & kWrite, curA = cur.flags & kAtomic;
    for (int i = 0; i < kSlots; ++i) {
      const Slot& s = gr.s[i];
      if (!s.agent || !valid(s.agent)) {
        if (empty < 0) empty = i;
        continue;
      }
      const bool sW = s.flags & kWrite, sA = s.flags & kAtomic;
      const bool covered = (s.mask & ~cur.mask) == 0 && (!sW || curW) && (!curA || sA);
      if (s.agent == cur.agent) {
        if (covered && same < 0) same = i;
        continue;
      }
      if (!(s.mask & cur.mask)) continue;
      const bool ordered = knows(c, agents_, s.agent, s.clock);
      if (ordered) {
        if (covered && before < 0) before = i;
        continue;
      }
      if ((sW || curW) && !(sA && curA) && !reported) {
        reported = true;
        report_race(s, cur, x, g);
      }
    }
    int at = same >= 0 ? same : empty >= 0 ? empty : before >= 0 ? before : int(tls_bs.next() % kSlots);
    gr.s[at] = cur;
  }

  // "shared" offsets count from the module's thread-local block (where __shared__ variables are:
  // the reader names the variable); dynamic shared memory is a window of its own.
  static const char* space_label(const Access& x) {
    return x.space == Space::Shared && x.region.id == 1 ? "dynamic shared" : space_name(x.space);
  }

  FindingSite site_of(const Slot& s, uint32_t agent, const Access& x, uintptr_t g) const {
    FindingSite f;
    f.pc = s.pc;
    Who w = who(agent);
    f.block = w.block;
    f.warp = w.warp;
    f.lane = w.lane;
    const bool atomic = s.flags & kAtomic, write = s.flags & kWrite;
    f.access = atomic ? (write ? "atomic write" : "atomic read") : (write ? "write" : "read");
    if (w.host) f.access = "host " + f.access;
    f.space = space_label(x);
    const uintptr_t first = g + uintptr_t(__builtin_ctz(s.mask));
    f.offset = int64_t(first - x.region.base);
    f.size = uint32_t(__builtin_popcount(s.mask));
    return f;
  }

  void report_race(const Slot& prev, const Slot& cur, const Access& x, uintptr_t g) {
    const bool pW = prev.flags & kWrite, cW = cur.flags & kWrite;
    const char* hazard = pW && cW ? "WAW hazard" : pW ? "RAW hazard" : "WAR hazard";
    Finding f;
    f.tool = "racecheck";
    f.kind = hazard;
    fill_kernel(f, x);
    FindingSite a = site_of(prev, prev.agent, x, g), b = site_of(cur, cur.agent, x, g);
    if (x.kind == AccessKind::Atomic) b.access = access_name(x);
    Who pw = who(prev.agent);
    std::string other = pw.host ? "host code" : pw.launch && pw.launch->name != f.kernel ? "kernel " + pw.launch->name : "another thread";
    f.message = std::string(hazard) + " on " + space_name(x.space) + " memory: a " + b.access + " and a " + a.access +
                " by " + other + " are not ordered by a barrier, a warp rendezvous, a fence or release/acquire";
    f.sites = {std::move(a), std::move(b)};
    report_finding(std::move(f));
  }

  // ---- memcheck ----

  void report_invalid(BlockState&, const Access& x) {
    Finding f;
    f.tool = "memcheck";
    fill_kernel(f, x);
    FindingSite s = site(x);
    const char* what = x.kind == AccessKind::Read ? "read" : x.kind == AccessKind::Write ? "write" : "atomic";
    uint64_t id = 0;
    uintptr_t base = 0;
    char buf[256];
    if (x.region.handle) {  // starts inside an allocation, runs past its end
      auto* a = static_cast<Alloc*>(x.region.handle);
      f.kind = std::string("out-of-bounds ") + what;
      s.space = a->device ? "global" : "host";
      s.offset = int64_t(x.addr - a->base);
      std::snprintf(buf, sizeof buf, "%s of %u bytes at offset %" PRId64 " runs past the end of a %zu-byte %s allocation",
                    what, x.size, s.offset, size_t(a->end - a->base), a->device ? "cudaMalloc" : "host");
    } else if (memory_map().freed(x.addr, &id, &base)) {
      f.kind = std::string("use-after-free ") + what;
      s.space = "global";
      s.offset = int64_t(x.addr - base);
      std::snprintf(buf, sizeof buf, "%s of %u bytes at offset %" PRId64 " of an allocation already freed", what, x.size, s.offset);
    } else if (Alloc* a = memory_map().nearest(x.addr)) {
      f.kind = std::string("out-of-bounds ") + what;
      s.space = "invalid";
      const bool after = x.addr >= a->end;
      const uintptr_t d = after ? x.addr - a->end : a->base - x.addr;
      s.offset = int64_t(x.addr - a->base);
      std::snprintf(buf, sizeof buf, "%s of %u bytes %zu bytes %s a %zu-byte %s allocation (outside every allocation)", what,
                    x.size, size_t(d), after ? "past the end of" : "before", size_t(a->end - a->base),
                    a->device ? "cudaMalloc" : "host");
    } else {
      f.kind = std::string("invalid ") + what;
      s.space = "invalid";
      std::snprintf(buf, sizeof buf, "%s of %u bytes at 0x%" PRIxPTR ", outside every allocation and shared memory", what,
                    x.size, x.addr);
    }
    f.message = buf;
    f.sites = {std::move(s)};
    report_finding(std::move(f));
  }

  void report_misaligned(BlockState&, const Access& x) {
    Finding f;
    f.tool = "memcheck";
    f.kind = "misaligned atomic";
    fill_kernel(f, x);
    FindingSite s = site(x);
    char buf[160];
    std::snprintf(buf, sizeof buf, "atomic %s of %u bytes at an address that is not a multiple of %u", atomic_op_name(x.op),
                  x.size, x.size);
    f.message = buf;
    f.sites = {std::move(s)};
    report_finding(std::move(f));
  }

  // ---- initcheck ----

  void init_access(BlockState&, const Access& x) {
    auto* a = static_cast<Alloc*>(x.region.handle);
    if (!a || !a->init) return;
    const bool reads = x.kind == AccessKind::Read || (x.kind == AccessKind::Atomic && x.op != AtomicOp::Store);
    const bool writes = x.kind == AccessKind::Write || (x.kind == AccessKind::Atomic && x.op != AtomicOp::Load);
    if (reads) {
      const int64_t hole = a->first_unwritten(x.addr, x.size);
      if (hole >= 0) {
        Finding f;
        f.tool = "initcheck";
        f.kind = x.kind == AccessKind::Atomic ? "uninitialized atomic read" : "uninitialized read";
        fill_kernel(f, x);
        FindingSite s = site(x);
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "%s of %u bytes at offset %" PRId64 " of a %zu-byte cudaMalloc allocation: byte %" PRId64
                      " was never written (by a kernel, cudaMemcpy or cudaMemset)",
                      access_name(x).c_str(), x.size, s.offset, size_t(a->end - a->base), hole);
        f.message = buf;
        f.sites = {std::move(s)};
        report_finding(std::move(f));
      }
    }
    if (writes) a->mark_written(x.addr, x.size);
  }

  // ---- weak ----

  void note_seen(ThreadState& t, uint32_t agent, uint32_t pub) {
    for (auto& [a, p] : t.seen)
      if (a == agent) {
        p = std::max(p, pub);
        return;
      }
    t.seen.emplace_back(agent, pub);
  }

  uint32_t seen_of(const ThreadState& t, uint32_t agent) const {
    for (auto& [a, p] : t.seen)
      if (a == agent) return p;
    return 0;
  }

  static size_t pending_stripe(uintptr_t granule) { return (granule >> 3) & (kPendingStripes - 1); }

  void index_add(const Pending& p, uint32_t agent) {
    std::lock_guard<std::mutex> lock(pendingMu_);
    for (uintptr_t g = p.addr & ~uintptr_t(7); g < p.addr + p.size; g += 8)
      pendingIndex_[pending_stripe(g)].emplace(g, PendingRef{agent, p.pub, p.pc, p.addr, p.size});
    pendingCount_.fetch_add(1, std::memory_order_relaxed);
  }

  void index_remove(const Pending& p, uint32_t agent) {
    std::lock_guard<std::mutex> lock(pendingMu_);
    for (uintptr_t g = p.addr & ~uintptr_t(7); g < p.addr + p.size; g += 8) {
      auto& m = pendingIndex_[pending_stripe(g)];
      auto range = m.equal_range(g);
      for (auto it = range.first; it != range.second; ++it)
        if (it->second.agent == agent && it->second.addr == p.addr) {
          m.erase(it);
          break;
        }
    }
    pendingCount_.fetch_sub(1, std::memory_order_relaxed);
  }

  // Drop `t`'s held stores: they become visible (written back if hidden).
  void flush(ThreadState& t, bool anyState) {
    (void)anyState;
    for (Pending& p : t.pending) {
      if (p.hidden) std::memcpy(reinterpret_cast<void*>(p.addr), p.val, p.size);
      index_remove(p, t.hb.agent);
    }
    t.pending.clear();
  }

  void drop(ThreadState& t, size_t i) {
    Pending& p = t.pending[i];
    if (p.hidden) std::memcpy(reinterpret_cast<void*>(p.addr), p.val, p.size);
    index_remove(p, t.hb.agent);
    t.pending.erase(t.pending.begin() + ptrdiff_t(i));
  }

  // Swap t's held stores out of memory. `drain`: each may land instead, at random (seeded).
  void hide(BlockState& b, ThreadState& t, bool drain = true) {
    for (size_t i = 0; i < t.pending.size();) {
      if (t.pending[i].hidden) {  // an exited thread's, hidden at its exit
        ++i;
        continue;
      }
      if (drain && b.next() % kDrainOneIn == 0) {  // this one drains now: visible from here on
        drop(t, i);
        continue;
      }
      Pending& p = t.pending[i++];
      std::memcpy(p.val, reinterpret_cast<void*>(p.addr), p.size);
      std::memcpy(reinterpret_cast<void*>(p.addr), p.old, p.size);
      p.hidden = true;
    }
  }

  void reveal(ThreadState& t) {
    for (Pending& p : t.pending) {
      if (!p.hidden) continue;
      std::memcpy(p.old, reinterpret_cast<void*>(p.addr), p.size);  // what others left meanwhile
      std::memcpy(reinterpret_cast<void*>(p.addr), p.val, p.size);
      p.hidden = false;
    }
  }

  void weak_access(BlockState& b, ThreadState& t, const Access& x) {
    if (pendingCount_.load(std::memory_order_relaxed) && !t.seen.empty()) check_stale(b, t, x);
    const uintptr_t lo = x.addr, hi = x.addr + x.size;
    if (x.kind == AccessKind::Atomic) {
      // Its own held stores to these bytes land first (coherence); all of them before a release.
      const bool release = x.op != AtomicOp::Load && is_release(x.order);
      for (size_t i = 0; i < t.pending.size();) {
        const Pending& p = t.pending[i];
        if (release || (p.addr < hi && lo < p.addr + p.size)) drop(t, i);
        else ++i;
      }
      return;
    }
    if (x.kind != AccessKind::Write || x.isVolatile) return;
    for (size_t i = 0; i < t.pending.size(); ++i) {
      const Pending& p = t.pending[i];
      if (p.addr == lo && p.size == x.size) return;  // held already: its first old value stays
      if (p.addr < hi && lo < p.addr + p.size) drop(t, i--);
    }
    if (x.size > sizeof(Pending::old)) return;  // a bulk copy is not held back
    if (t.pending.size() >= kMaxPending) drop(t, 0);
    Pending p;
    p.addr = x.addr;
    p.size = x.size;
    p.pub = t.pubSeq;
    p.pc = module_offset(x.pc);
    std::memcpy(p.old, reinterpret_cast<const void*>(x.addr), x.size);
    t.pending.push_back(p);
    index_add(p, t.hb.agent);
  }

  // `t` is about to touch bytes another thread stored without a release since, while `t` already
  // read an atomic that thread wrote later: the value `t` sees (or overwrites) is stale.
  void check_stale(BlockState& b, ThreadState& t, const Access& x) {
    PendingRef hit{};
    bool found = false;
    {
      std::lock_guard<std::mutex> lock(pendingMu_);
      for (uintptr_t g = x.addr & ~uintptr_t(7); g < x.addr + x.size && !found; g += 8) {
        auto& m = pendingIndex_[pending_stripe(g)];
        auto range = m.equal_range(g);
        for (auto it = range.first; it != range.second; ++it) {
          const PendingRef& r = it->second;
          if (r.agent == t.hb.agent || !(r.addr < x.addr + x.size && x.addr < r.addr + r.size)) continue;
          if (seen_of(t, r.agent) > r.pub) {
            hit = r;
            found = true;
            break;
          }
        }
      }
    }
    if (!found) return;
    Finding f;
    f.tool = "weak";
    f.kind = "store not yet visible";
    fill_kernel(f, x);
    FindingSite held;
    held.pc = hit.pc;
    Who w = who(hit.agent);
    held.block = w.block;
    held.warp = w.warp;
    held.lane = w.lane;
    held.access = "write";
    held.space = space_label(x);
    held.offset = int64_t(hit.addr - x.region.base);
    held.size = hit.size;
    FindingSite mine = site(x);
    f.message = "a " + mine.access + " by a thread that already read a later atomic write of the storing thread, while that store is still held back: the publish is not a release (nor preceded by a fence)";
    f.sites = {std::move(held), std::move(mine)};
    report_finding(std::move(f));
    (void)b;
  }

  // ---- host ----

  void host_access(const Access& x) {
    if (!tools.racecheck) return;
    if (x.kind == AccessKind::Atomic) return;  // ordering only (atomic_done)
    if (x.space != Space::Host) return;        // host code touches device memory only through the API
    race(tls_bs, host(), x);
  }

  // ---- reports ----

  void fill_kernel(Finding& f, const Access& x) {
    const BlockState& b = tls_bs;
    if (!x.host && b.launch && b.launch->rec) {
      f.kernel = b.launch->rec->name;
      f.grid = b.launch->rec->grid;
      f.block = b.launch->rec->block;
    } else {
      f.kernel = "(host code)";
    }
    f.seed = config().seed;
  }

  FindingSite site(const Access& x) const {
    FindingSite s;
    s.pc = module_offset(x.pc);
    if (!x.host) {
      s.block = x.block;
      s.warp = int(x.warp);
      s.lane = int(x.lane);
    }
    s.access = access_name(x);
    if (x.host) s.access = "host " + s.access;
    s.space = space_label(x);
    s.offset = x.region.base ? int64_t(x.addr - x.region.base) : -1;
    s.size = x.size;
    return s;
  }

  static constexpr size_t kPendingStripes = 256;

  std::mutex mu_;
  uint64_t epoch_ = 1;
  Agents agents_;
  GlobalShadow shadow_;
  std::unordered_map<uint64_t, StreamState> streams_;
  std::unordered_map<const void*, VCRef> events_;
  std::unordered_map<uint64_t, std::unique_ptr<LaunchState>> launches_;
  std::vector<std::string> kernels_;  // launched in this case, in order
  VCRef hostKnown_;
  uint64_t hostVersion_ = 0;
  std::array<std::unordered_map<uintptr_t, SyncVar>, kAtomicStripes> sync_;  // each under its tap lock
  std::mutex pendingMu_;
  std::array<std::unordered_multimap<uintptr_t, PendingRef>, kPendingStripes> pendingIndex_;
  std::atomic<size_t> pendingCount_{0};
  // sync_threads scratch (one block per OS thread: thread-local via the owner)
  static thread_local std::vector<const VCRef*> scratchBases_;
  static thread_local std::vector<uint64_t> scratchOwn_;
};

thread_local std::vector<const VCRef*> Checker::scratchBases_;
thread_local std::vector<uint64_t> Checker::scratchOwn_;

Checker& checker() {
  static Checker* c = new Checker();
  return *c;
}

}  // namespace

void configure(const Tools& t) {
  static bool installed = [] {
    install_tap();
    add_observer(&checker());
    return true;
  }();
  (void)installed;
  checker().tools = t;
  collect_findings(true);
}

Tools configured() { return checker().tools; }

void begin_case() {
  checker().reset();
  take_findings();
}

void begin_sample() { checker().quiesce(); }

std::string limits_hit() { return checker().limits(); }

std::vector<std::string> kernels_launched() { return checker().kernels(); }

}  // namespace wpemu::check
