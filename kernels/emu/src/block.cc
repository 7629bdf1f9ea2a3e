#include "block.h"

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "grid_sync.h"
#include "wpemu/control.h"
#include "wpemu/findings.h"
#include "wpemu/notes.h"

WPEMU_TLS_HIDDEN thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;

namespace wpemu {

WPEMU_TLS_HIDDEN thread_local ThreadCtx* tls_thread = nullptr;
thread_local BlockCtx tls_block{};

namespace {

thread_local Block* tls_runtime = nullptr;  // the block this OS thread is running

// A GPU thread may have up to 512 KiB of stack (cudaLimitStackSize); committed lazily (MAP_NORESERVE).
constexpr size_t kStackBytes = 512 << 10;
// Switch points a lane may pass elsewhere before a convergence point stops waiting for it.
constexpr uint32_t kConvergeWindow = 8;
constexpr uint64_t kCheckEvery = 1024;  // scheduler iterations between clock reads

const char* op_name(WarpOp op) {
  switch (op) {
    case WarpOp::Shfl: return "__shfl_sync";
    case WarpOp::ShflUp: return "__shfl_up_sync";
    case WarpOp::ShflDown: return "__shfl_down_sync";
    case WarpOp::ShflXor: return "__shfl_xor_sync";
    case WarpOp::Ballot: return "__ballot_sync";
    case WarpOp::Any: return "__any_sync";
    case WarpOp::All: return "__all_sync";
    case WarpOp::Uni: return "__uni_sync";
    case WarpOp::MatchAny: return "__match_any_sync";
    case WarpOp::MatchAll: return "__match_all_sync";
    case WarpOp::SyncWarp: return "__syncwarp";
    case WarpOp::ReduceAdd: return "__reduce_add_sync";
    case WarpOp::ReduceMin: return "__reduce_min_sync";
    case WarpOp::ReduceMax: return "__reduce_max_sync";
    case WarpOp::ReduceAnd: return "__reduce_and_sync";
    case WarpOp::ReduceOr: return "__reduce_or_sync";
    case WarpOp::ReduceXor: return "__reduce_xor_sync";
  }
  return "warp intrinsic";
}

const char* barrier_name(BarrierOp op) {
  switch (op) {
    case BarrierOp::Sync: return "__syncthreads";
    case BarrierOp::Count: return "__syncthreads_count";
    case BarrierOp::And: return "__syncthreads_and";
    case BarrierOp::Or: return "__syncthreads_or";
    case BarrierOp::Grid: return "grid.sync()";
  }
  return "__syncthreads";
}

std::string base_name(const char* path) {
  if (!path) return "?";
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

std::string site(const char* file, unsigned line) { return base_name(file) + ":" + std::to_string(line); }

std::string hex(unsigned v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

// "3", "0-31", "0-3,8": the lanes (or threads) of a bit set.
std::string lanes_of(unsigned mask) {
  std::string out;
  for (int i = 0; i < 32;) {
    if (!(mask >> i & 1)) {
      ++i;
      continue;
    }
    int j = i;
    while (j + 1 < 32 && (mask >> (j + 1) & 1)) ++j;
    if (!out.empty()) out += ",";
    out += std::to_string(i);
    if (j > i) out += "-" + std::to_string(j);
    i = j + 1;
  }
  return out;
}

// A source site's bit in a 64-bit bloom filter.
unsigned site_slot(const char* file, unsigned line) {
  const uint64_t h = (reinterpret_cast<uintptr_t>(file) ^ (uint64_t(line) * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
  return unsigned(h >> 58);
}

// SIGSEGV/SIGBUS on an emulated thread become a fault of its block (kernels/emu/README.md).
struct sigaction g_old_segv, g_old_bus;

void on_fault_signal(int sig, siginfo_t* si, void* uc);

void install_fault_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_fault_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_old_segv);
    sigaction(SIGBUS, &sa, &g_old_bus);
  });
}

// The stack the handler runs on: the faulting fiber's stack may be the one that overflowed.
struct AltStack {
  static constexpr size_t kBytes = 64 << 10;
  void* mem = nullptr;
  AltStack() {
    mem = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
      mem = nullptr;
      return;
    }
    stack_t st{};
    st.ss_sp = mem;
    st.ss_size = kBytes;
    sigaltstack(&st, nullptr);
  }
  ~AltStack() {
    if (!mem) return;
    stack_t st{};
    st.ss_flags = SS_DISABLE;
    sigaltstack(&st, nullptr);
    munmap(mem, kBytes);
  }
};

std::string dim_str(dim3 d) {
  if (d.y == 1 && d.z == 1) return std::to_string(d.x);
  return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," + std::to_string(d.z) + ")";
}

// A 1-D grid's block is its number; otherwise its (x,y,z).
std::string block_str(dim3 b, dim3 grid) {
  if (grid.y == 1 && grid.z == 1) return std::to_string(b.x);
  return "(" + std::to_string(b.x) + "," + std::to_string(b.y) + "," + std::to_string(b.z) + ")";
}

}  // namespace

Block::Block() = default;

// A uniform index below n from the next random number, by multiplication: a division here would
// cost more than the rest of a switch.
size_t Block::pick(size_t n) { return size_t((next_random() >> 32) * uint64_t(n) >> 32); }

uint64_t Block::next_random() {
  // xorshift64*: fast, and plenty for choosing among at most 1024 fibers.
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  return rng_ * 0x2545f4914f6cdd1dULL;
}

void Block::entry(void* arg) {
  auto* f = static_cast<Fiber*>(arg);
  f->block->job_->run(f->block->job_->args);
  f->block->exit_current();
}

std::string Block::run(LaunchJob& job, unsigned linear) {
  job_ = &job;
  linear_ = linear;
  const dim3 bd = job.block, gd = job.grid;
  threads_ = bd.x * bd.y * bd.z;
  tls_block.bdim = bd;
  tls_block.gdim = gd;
  tls_block.bidx = dim3(linear % gd.x, (linear / gd.x) % gd.y, linear / (gd.x * gd.y));
  ::blockIdx = tls_block.bidx;
  ::blockDim = bd;
  ::gridDim = gd;
  tls_runtime = this;
  install_fault_handler();
  thread_local AltStack altStack;
  (void)altStack;

  while (stacks_.size() < threads_) stacks_.push_back(std::make_unique<Stack>(kStackBytes));
  fibers_.assign(threads_, Fiber{});
  runnable_.resize(threads_);
  warps_.assign((threads_ + 31) / 32, Warp{});
  for (unsigned t = 0; t < threads_; ++t) {
    Fiber& f = fibers_[t];
    f.block = this;
    f.ctx.tid = t;
    f.ctx.lane = t % 32;
    f.ctx.warp = t / 32;
    f.ctx.tidx = dim3(t % bd.x, (t / bd.x) % bd.y, t / (bd.x * bd.y));
    f.runPos = int(t);
    runnable_[t] = int(t);
    warps_[t / 32].exists |= 1u << (t % 32);
    // Stack tops staggered by a few cache lines per thread: at one offset from a common alignment,
    // every fiber's hot top lines would compete for the same cache sets.
    make_context(f.cpu, *stacks_[t], &Block::entry, &f, size_t(t % 61) * 1024 + size_t(t % 7) * 64);
  }
  barrier_ = Barrier{};
  converges_.clear();
  noted_.clear();
  signalFiber_ = nullptr;
  dynShared_.assign(job.sharedBytes, 0);
  live_ = threads_;
  exitedCount_ = 0;
  faulted_ = false;
  fault_.clear();
  faultCode_ = cudaErrorLaunchFailure;
  progress_ = sleepsWithoutProgress_ = switches_ = 0;
  rng_ = rng_seed_ = mix64(job.seed ^ mix64(uint64_t(linear) + 0x9e3779b97f4a7c15ULL)) | 1;
  if (observe::on()) {
    stackRanges_.resize(2 * threads_);
    for (unsigned t = 0; t < threads_; ++t) {
      stackRanges_[2 * t] = reinterpret_cast<uintptr_t>(stacks_[t]->bottom());
      stackRanges_[2 * t + 1] = reinterpret_cast<uintptr_t>(stacks_[t]->top());
    }
    info_ = BlockInfo{&job.info, linear, threads_, dynShared_.data(), dynShared_.size(), stackRanges_.data()};
    observe::each([&](Observer& o) { o.block_begin(info_); });
  }

  const double timeoutNs = config().timeoutSec * 1e9;
  const uint64_t started = now_ns();
  uint64_t seenProgress = 0;
  // Fibers switch among themselves (dispatch); control comes back here when none can run, when
  // the block ends or faults, and every kCheckEvery switches for the clock and abort checks.
  while (live_ > 0 && !faulted_) {
    if (runnable_.empty()) {
      set_fault("deadlock: no thread can progress");
      break;
    }
    if (job.abort.load(std::memory_order_relaxed)) break;  // another block faulted: abandon
    uint64_t now = now_ns();
    if (progress_ != seenProgress) {
      seenProgress = progress_;
      g_last_progress_ns.store(now, std::memory_order_relaxed);
    } else {
      // Signed: another worker may have recorded progress after `now` was read.
      const int64_t idle = int64_t(now) - int64_t(std::max(g_last_progress_ns.load(std::memory_order_relaxed), started));
      if (double(idle) > timeoutNs) {
        char what[96];
        std::snprintf(what, sizeof what, "no thread made progress for %.1f s (deadlock or livelock)", double(idle) / 1e9);
        set_fault(what);
        break;
      }
    }
    cur_ = &fibers_[runnable_[pick(runnable_.size())]];
    tls_thread = &cur_->ctx;
    ::threadIdx = cur_->ctx.tidx;
    notify_switch(nullptr, cur_);
    switch_context(sched_, cur_->cpu);
    tls_thread = nullptr;
    if (signalFiber_) {
      const Fiber& f = *signalFiber_;
      const Stack& st = *stacks_[f.ctx.tid];
      const char* a = static_cast<const char*>(signalAddr_);
      const bool overflow = a < static_cast<const char*>(st.bottom()) && a >= static_cast<const char*>(st.bottom()) - st.guard();
      const dim3 bd = job.block;
      const std::string who = "thread " + std::to_string(f.ctx.tid) +
                              (bd.y == 1 && bd.z == 1 ? std::string() : " " + dim_str(f.ctx.tidx));
      char what[256];
      if (overflow)
        std::snprintf(what, sizeof what, "stack overflow: %s used more than its %zu KiB of stack", who.c_str(),
                      kStackBytes >> 10);
      else
        std::snprintf(what, sizeof what, "illegal memory access (%s at address %p) by %s, last at %s",
                      signalNo_ == SIGBUS ? "SIGBUS" : "SIGSEGV", signalAddr_, who.c_str(),
                      f.what ? (std::string(f.what) + " " + site(f.file, f.line)).c_str() : "its start");
      signalFiber_ = nullptr;
      if (!overflow) faultCode_ = cudaErrorIllegalAddress;
      set_fault(what);
      break;
    }
  }
  cur_ = nullptr;
  if (observe::on()) observe::each([&](Observer& o) { o.block_end(info_); });
  tls_runtime = nullptr;
  if (progress_ != seenProgress) g_last_progress_ns.store(now_ns(), std::memory_order_relaxed);
  return faulted_ ? fault_ : std::string();
}

void Block::note(Fiber& f, const char* what, const Loc& loc) {
  f.what = what;
  f.file = loc.file_name();
  f.line = unsigned(loc.line());
}

void Block::yield(const char* what, const Loc& loc) {
  Fiber& f = *cur_;
  note(f, what, loc);
  f.recent[f.recentPos++ & 3] = uint8_t(site_slot(f.file, f.line) + 1);  // 0: no site yet
  ++f.switches;
  if (warps_[f.ctx.warp].openCv) settle_convergences(f.ctx.warp);
  dispatch(f);
}

void Block::yield_access() {
  Fiber& f = *cur_;
  f.what = "a load or store";
  f.file = nullptr;
  dispatch(f);
}

// The seeded scheduler's choice of the next fiber, switched to straight from `from` (possibly
// `from` itself: then nothing switches). Returns when `from` runs again.
void Block::dispatch(Fiber& from) {
  ++switches_;
  if (runnable_.empty() || switches_ % kCheckEvery == 0) {
    notify_switch(&from, nullptr);
    switch_context(from.cpu, sched_);
    return;
  }
  Fiber& next = fibers_[runnable_[pick(runnable_.size())]];
  if (&next == &from) return;
  notify_switch(&from, &next);
  cur_ = &next;
  tls_thread = &next.ctx;
  ::threadIdx = next.ctx.tidx;
  switch_context(from.cpu, next.cpu);
}

void Block::notify_switch(const Fiber* from, const Fiber* to) {
  if (!observe::on()) return;
  const int a = from ? int(from->ctx.tid) : -1, b = to ? int(to->ctx.tid) : -1;
  observe::each([&](Observer& o) { o.switch_threads(a, b); });
}

void Block::nanosleep(const Loc& loc) {
  // A block whose threads only sleep and poll gives its core away: the thread it waits for (a
  // lock holder in another block, or the host answering a mailbox) may need it, and on a machine
  // with few cores spinning here only delays that. A lone poller past a short spin waits for the
  // host to ring (wpemu/control.h), or 200 us: yielding alone kept it on a shared core, and the
  // host then waited for a time slice on every request.
  if (++sleepsWithoutProgress_ == 1) ringsSeen_ = mapped_rings();
  if (runnable_.size() == 1 && sleepsWithoutProgress_ > 64) wait_mapped(ringsSeen_, 200);
  else if (runnable_.size() == 1 || sleepsWithoutProgress_ % 64 == 0) sched_yield();
  yield("__nanosleep", loc);
}

void Block::make_runnable(Fiber& f) {
  f.state = State::Runnable;
  f.runPos = int(runnable_.size());
  runnable_.push_back(int(&f - fibers_.data()));
}

void Block::unqueue(Fiber& f) {
  int pos = f.runPos, last = runnable_.back();
  runnable_[pos] = last;
  fibers_[last].runPos = pos;
  runnable_.pop_back();
  f.runPos = -1;
}

// Takes the running fiber off the run queue and runs another; returns when some fiber made it
// runnable again and the scheduler picked it.
void Block::block_current() {
  Fiber& f = *cur_;
  unqueue(f);
  dispatch(f);
}

void Block::set_fault(const std::string& what) {
  if (faulted_) return;
  faulted_ = true;
  const LaunchJob& j = *job_;
  char seed[64];
  std::snprintf(seed, sizeof seed, "%" PRIu64, config().seed);
  fault_ = "kernel " + j.name + "<<<" + dim_str(j.grid) + ", " + dim_str(j.block) + ">>> (emulator seed " + seed +
           "): block " + block_str(tls_block.bidx, j.grid) + ": " + what + "; " + dump();
}

// A synccheck finding by the running thread, at `where` (its last switch point when empty).
Finding Block::synccheck_finding(const char* kind, Severity severity, const std::string& where, const std::string& what) {
  Finding f;
  f.tool = "synccheck";
  f.kind = kind;
  f.severity = severity;
  f.kernel = job_->name;
  f.grid = job_->grid;
  f.block = job_->block;
  f.message = what;
  f.seed = config().seed;
  FindingSite at;
  at.where = where;
  if (cur_) {
    if (at.where.empty()) at.where = site(cur_->file, cur_->line);
    at.block = linear_;
    at.warp = int(cur_->ctx.warp);
    at.lane = int(cur_->ctx.lane);
    at.access = cur_->what ? cur_->what : "";
  }
  f.sites.push_back(at);
  return f;
}

void Block::sync_fault(const char* kind, const std::string& what) {
  if (collecting_findings()) report_finding(synccheck_finding(kind, Severity::Error, std::string(), what));
  fault(what);
}

void Block::fault(const std::string& what) {
  set_fault(what);
  if (cur_) {
    switch_context(cur_->cpu, sched_);  // never resumed: the block is abandoned
  }
  std::abort();
}

void Block::exit_current() {
  observe::Quiet q;
  Fiber& f = *cur_;
  const unsigned bit = 1u << f.ctx.lane;
  Warp& w = warps_[f.ctx.warp];
  // PTX (sm_70+): a warp intrinsic waits for the non-exited lanes of its mask. Lanes waiting for
  // this one stop waiting; a rendezvous it completes by leaving completes now.
  for (bool again = true; again;) {
    again = false;
    for (int i = 0; i < w.open; ++i) {
      Rendezvous& r = w.rv[i];
      if (!(r.mask & bit) || (r.arrived & bit)) continue;
      note_portability(r.file, r.line,
                       std::string(op_name(r.op)) + "(mask " + hex(r.named) +
                           "): a lane of the mask exited while the others waited for it (not waited for since "
                           "sm_70; a GPU before sm_70 would hang)");
      r.mask &= ~bit;
      if (r.arrived == r.mask) {
        complete(w, r, f.ctx.warp);
        again = true;
        break;
      }
    }
  }
  if (barrier_.arrived > 0)
    sync_fault("exit during barrier", "thread " + std::to_string(f.ctx.tid) + " exited while " + std::to_string(barrier_.arrived) +
          " threads wait at " + barrier_name(barrier_.op) + " (" + site(barrier_.file, barrier_.line) +
          "): a barrier in divergent code");
  if (observe::on()) observe::each([&](Observer& o) { o.thread_exit(f.ctx.tid); });
  w.exited |= bit;
  ++exitedCount_;
  --live_;
  ++progress_;
  f.what = "exited";
  unqueue(f);
  f.state = State::Exited;
  if (w.openCv) settle_convergences(f.ctx.warp);
  dispatch(f);
  std::abort();  // an exited fiber is never resumed
}

unsigned Block::active_mask() const {
  const Warp& w = warps_[cur_->ctx.warp];
  return w.exists & ~w.exited;
}

// Recorded once per block and site: what synccheck would flag, and a plain run accepts.
void Block::note_portability(const char* file, unsigned line, const std::string& what) {
  for (const auto& [f, l] : noted_)
    if (f == file && l == line) return;
  noted_.emplace_back(file, line);
  record_note(job_->name, file, line, what);
  if (collecting_findings()) report_finding(synccheck_finding("portability", Severity::Note, site(file, line), what));
}

// The convergence rule. Lanes reaching the same __activemask()/coalesced_threads() call site are
// converged there; the point completes, returning the lanes that arrived, once every other live
// lane of the warp is accounted for: waiting in a warp intrinsic, a barrier or another
// convergence point, exited, or shown to be elsewhere (it passed a switch point that no arrived
// lane passed on its way here, or kConvergeWindow switch points, since the point opened). A lane
// still on the arrived lanes' path is waited for. Of several open points, the earliest in the
// source completes first. So a lane outside the caller's branch is never included, a lane inside
// it is unless it lags by a switch point of its own, and the result is a function of the
// schedule, hence of the seed.
unsigned Block::converge(const Loc& loc) {
  Fiber& f = *cur_;
  note(f, "__activemask", loc);
  const unsigned warp = f.ctx.warp, bit = 1u << f.ctx.lane;
  Warp& w = warps_[warp];
  Convergence* c = nullptr;
  for (Convergence& x : converges_)
    if (x.open && x.warp == warp && x.line == unsigned(loc.line()) && x.column == unsigned(loc.column()) &&
        std::strcmp(x.file, loc.file_name()) == 0) {
      c = &x;
      break;
    }
  if (!c) {
    auto slot = std::find_if(converges_.begin(), converges_.end(), [](const Convergence& x) { return !x.open; });
    if (slot == converges_.end()) slot = converges_.insert(converges_.end(), Convergence{});
    c = &*slot;
    *c = Convergence{};
    c->warp = warp;
    c->file = loc.file_name();
    c->line = unsigned(loc.line());
    c->column = unsigned(loc.column());
    c->open = true;
    for (unsigned l = 0; l < 32; ++l)
      if (w.exists >> l & 1) c->openSwitches[l] = lane_fiber(warp, l).switches;
    ++w.openCv;
  }
  c->arrived |= bit;
  for (uint32_t s : f.recent)
    if (s) c->path |= 1ull << (s - 1);
  f.state = State::InConverge;
  f.cv = int16_t(c - converges_.data());
  f.result = 0;
  unqueue(f);
  settle_convergences(warp);  // may complete it, this lane included
  dispatch(f);                // returns when the point completed and the scheduler picked this lane
  return unsigned(f.result);
}

bool Block::settled(const Convergence& c, unsigned lane) const {
  const Fiber& o = fibers_[c.warp * 32 + lane];
  switch (o.state) {
    case State::Exited:
    case State::InWarpOp:
    case State::InBarrier: return true;
    case State::InConverge: return &converges_[size_t(o.cv)] != &c;
    case State::Runnable: break;
  }
  const uint32_t since = o.switches - c.openSwitches[lane];
  if (since == 0) return false;  // not yet run since the point opened: it may be on its way
  if (since >= kConvergeWindow) return true;
  const uint32_t last = o.recent[(o.recentPos - 1) & 3];
  return last && !(c.path >> (last - 1) & 1);
}

// When several points are open in a warp (lanes split by a branch, or some lanes still behind
// at an earlier point), the one earliest in the source completes first, as a GPU runs the earlier
// code before the branches after it; its lanes then join the later points.
void Block::settle_convergences(unsigned warp) {
  const Warp& w = warps_[warp];
  Convergence* first = nullptr;
  for (Convergence& c : converges_) {
    if (!c.open || c.warp != warp) continue;
    if (!first) {
      first = &c;
      continue;
    }
    const int byFile = std::strcmp(c.file, first->file);
    if (byFile < 0 || (byFile == 0 && (c.line < first->line || (c.line == first->line && c.column < first->column))))
      first = &c;
  }
  if (!first) return;
  const unsigned live = w.exists & ~w.exited;
  for (unsigned rest = live & ~first->arrived; rest; rest &= rest - 1)
    if (!settled(*first, unsigned(__builtin_ctz(rest)))) return;
  complete_convergence(*first);
}

void Block::complete_convergence(Convergence& c) {
  const unsigned mask = c.arrived;
  for (unsigned rest = mask; rest; rest &= rest - 1) {
    Fiber& f = lane_fiber(c.warp, unsigned(__builtin_ctz(rest)));
    f.result = mask;
    f.cv = -1;
    make_runnable(f);
  }
  c.open = false;
  --warps_[c.warp].openCv;
  ++progress_;
}

// Lanes `lanes` are awaited by `me` (in rendezvous `mine`, or at the block barrier when null).
// Waits that can never end are faults now, not a hang later: an awaited lane blocked in another
// rendezvous that awaits `me`, or waiting at __syncthreads while `me` waits in a warp intrinsic.
void Block::check_waits_for(const Fiber& me, unsigned lanes, const Rendezvous* mine) {
  const unsigned bit = 1u << me.ctx.lane;
  Warp& w = warps_[me.ctx.warp];
  // The common case, one rendezvous open in the warp and nobody at the barrier, needs no scan.
  if (w.open <= 1 && barrier_.arrived == 0) return;
  for (unsigned rest = lanes & ~bit; rest; rest &= rest - 1) {
    unsigned k = unsigned(__builtin_ctz(rest));
    const Fiber& other = lane_fiber(me.ctx.warp, k);
    if (other.state == State::InWarpOp) {
      const Rendezvous& theirs = w.rv[other.rv];
      if (&theirs != mine && (theirs.mask & bit) && !(theirs.arrived & bit)) {
        std::string mineStr = mine ? std::string(op_name(mine->op)) + "(mask " + hex(mine->mask) + ")"
                                   : std::string(barrier_name(barrier_.op));
        sync_fault("warp mask mismatch", "mask mismatch in warp " + std::to_string(me.ctx.warp) + ": lane " + std::to_string(me.ctx.lane) +
              " waits in " + mineStr + " for lane " + std::to_string(k) + ", which waits in " + op_name(theirs.op) +
              "(mask " + hex(theirs.mask) + ") at " + site(theirs.file, theirs.line) + " for lane " +
              std::to_string(me.ctx.lane));
      }
    } else if (other.state == State::InBarrier && mine) {
      sync_fault("barrier in rendezvous", "warp " + std::to_string(me.ctx.warp) + " lane " + std::to_string(me.ctx.lane) + " waits in " +
            op_name(mine->op) + "(mask " + hex(mine->mask) + ") for lane " + std::to_string(k) +
            ", which waits at " + barrier_name(barrier_.op) + " (" + site(barrier_.file, barrier_.line) + ")");
    }
  }
}

uint64_t Block::warp_collective(WarpOp op, unsigned mask, uint64_t value, int arg, int width, int* pred,
                                const Loc& loc) {
  Fiber& f = *cur_;
  note(f, op_name(op), loc);
  const unsigned lane = f.ctx.lane, bit = 1u << lane, warp = f.ctx.warp;
  Warp& w = warps_[warp];
  auto who = [&] {  // only built for a fault: this path runs on every intrinsic
    return "warp " + std::to_string(warp) + " lane " + std::to_string(lane) + " calls " + op_name(op) + "(mask " +
           hex(mask) + ") at " + site(loc.file_name(), unsigned(loc.line()));
  };
  if (!(mask & bit)) sync_fault("invalid warp mask", who() + ", whose mask does not include the calling lane");
  if (width < 1 || width > 32 || (width & (width - 1)))
    sync_fault("invalid shuffle width", who() + ": width " + std::to_string(width) + " is not a power of two from 1 to 32");
  // PTX (sm_70+): the intrinsic waits for the non-exited lanes of its mask; lanes that exited or
  // do not exist are not waited for. A GPU before sm_70 would hang: a portability note.
  const unsigned live = w.exists & ~w.exited;
  if (mask & ~live) {
    const unsigned absent = mask & ~w.exists, gone = mask & w.exited;
    note_portability(loc.file_name(), unsigned(loc.line()),
                     std::string(op_name(op)) + "(mask " + hex(mask) + ") names " +
                         (absent ? "lanes " + lanes_of(absent) + ", which do not exist in the block" : std::string()) +
                         (absent && gone ? ", and " : "") +
                         (gone ? "lanes " + lanes_of(gone) + ", which exited" : std::string()) +
                         ": not waited for since sm_70; a GPU before sm_70 would hang");
  }

  Rendezvous* r = nullptr;
  for (int i = 0; i < w.open; ++i)
    if (w.rv[i].named == mask && !(w.rv[i].arrived & bit)) {
      r = &w.rv[i];
      break;
    }
  if (!r) {
    r = &w.rv[w.open++];
    *r = Rendezvous{op, mask & live, 0, width, loc.file_name(), unsigned(loc.line()), mask};
  } else if (r->op != op) {
    sync_fault("warp mask mismatch", who() + " while lanes " + lanes_of(r->arrived) + " of the same mask wait in " + op_name(r->op) + " at " +
          site(r->file, r->line));
  }
  check_waits_for(f, r->mask & ~r->arrived, r);
  r->arrived |= bit;
  f.value = value;
  f.arg = arg;
  if (r->arrived == r->mask) {
    complete(w, *r, warp);
    yield(op_name(op), loc);
  } else {
    f.state = State::InWarpOp;
    f.rv = int(r - w.rv);
    if (w.openCv) settle_convergences(warp);
    block_current();
  }
  if (pred) *pred = f.pred;
  return f.result;
}

// What lane `reader` of a shuffle reads from lane `src`: outside the mask the caller wrote is a
// fault; a lane of the mask that exited or does not exist gives an undefined value on a GPU, here
// the reader's own value (and a portability note).
uint64_t Block::shuffle_source(const Rendezvous& r, unsigned warp, unsigned reader, unsigned src) {
  if (src >= 32 || !(r.named >> src & 1))
    sync_fault("shuffle outside mask", "warp " + std::to_string(warp) + " lane " + std::to_string(reader) + " reads lane " + std::to_string(src) +
          " outside the mask " + hex(r.named) + " of " + op_name(r.op) + " at " + site(r.file, r.line));
  if (!(r.mask >> src & 1)) {
    note_portability(r.file, r.line,
                     std::string(op_name(r.op)) + "(mask " + hex(r.named) + ") reads lane " + std::to_string(src) +
                         ", which " + (warps_[warp].exists >> src & 1 ? "exited" : "does not exist") +
                         ": the value is undefined on a GPU (the emulator returns the reader's own)");
    return lane_fiber(warp, reader).value;
  }
  return lane_fiber(warp, src).value;
}

void Block::complete(Warp& w, Rendezvous& r, unsigned warp) {
  const unsigned mask = r.mask;
  const int width = r.width;
  auto source = [&](unsigned l, unsigned src) {
    // The usual case inline; outside the live mask (a fault, or an exited lane) out of line.
    return src < 32 && (mask >> src & 1) ? lane_fiber(warp, src).value : shuffle_source(r, warp, l, src);
  };
  uint64_t ballot = 0, any = 0, all = 1, sum = 0, andv = ~0ull, orv = 0, xorv = 0;
  int64_t smin = INT64_MAX, smax = INT64_MIN;
  uint64_t umin = UINT64_MAX, umax = 0;
  const uint64_t first = lane_fiber(warp, unsigned(__builtin_ctz(mask))).value;
  bool same = true;
  const bool shuffle = r.op == WarpOp::Shfl || r.op == WarpOp::ShflUp || r.op == WarpOp::ShflDown ||
                       r.op == WarpOp::ShflXor || r.op == WarpOp::SyncWarp;
  for (unsigned rest = shuffle ? 0u : mask; rest; rest &= rest - 1) {
    const Fiber& f = lane_fiber(warp, unsigned(__builtin_ctz(rest)));
    if (f.value) ballot |= 1ull << f.ctx.lane;
    any |= f.value != 0;
    all &= f.value != 0;
    sum += f.value;
    andv &= f.value;
    orv |= f.value;
    xorv ^= f.value;
    smin = std::min<int64_t>(smin, int64_t(f.value));
    smax = std::max<int64_t>(smax, int64_t(f.value));
    umin = std::min<uint64_t>(umin, f.value);
    umax = std::max<uint64_t>(umax, f.value);
    same &= f.value == first;
  }
  const bool isSigned = lane_fiber(warp, unsigned(__builtin_ctz(mask))).arg != 0;
  for (unsigned rest = mask; rest; rest &= rest - 1) {
    const unsigned l = unsigned(__builtin_ctz(rest));
    Fiber& f = lane_fiber(warp, l);
    const unsigned seg = l & ~unsigned(width - 1), inSeg = l - seg;
    switch (r.op) {
      case WarpOp::Shfl: f.result = source(l, seg + (unsigned(f.arg) & unsigned(width - 1))); break;
      case WarpOp::ShflUp:
        f.result = inSeg >= unsigned(f.arg) ? source(l, l - unsigned(f.arg)) : f.value;
        break;
      case WarpOp::ShflDown:
        f.result = inSeg + unsigned(f.arg) < unsigned(width) ? source(l, l + unsigned(f.arg)) : f.value;
        break;
      case WarpOp::ShflXor: {
        unsigned src = l ^ unsigned(f.arg);
        f.result = src < seg + unsigned(width) ? source(l, src) : f.value;
        break;
      }
      case WarpOp::Ballot: f.result = ballot; break;
      case WarpOp::Any: f.result = any; break;
      case WarpOp::All: f.result = all; break;
      case WarpOp::Uni: f.result = same; break;
      case WarpOp::MatchAny: {
        uint64_t m = 0;
        for (unsigned o = mask; o; o &= o - 1) {
          unsigned k = unsigned(__builtin_ctz(o));
          if (lane_fiber(warp, k).value == f.value) m |= 1ull << k;
        }
        f.result = m;
        break;
      }
      case WarpOp::MatchAll:
        f.result = same ? mask : 0;
        f.pred = same;
        break;
      case WarpOp::SyncWarp: f.result = 0; break;
      case WarpOp::ReduceAdd: f.result = sum; break;
      case WarpOp::ReduceMin: f.result = isSigned ? uint64_t(smin) : umin; break;
      case WarpOp::ReduceMax: f.result = isSigned ? uint64_t(smax) : umax; break;
      case WarpOp::ReduceAnd: f.result = andv; break;
      case WarpOp::ReduceOr: f.result = orv; break;
      case WarpOp::ReduceXor: f.result = xorv; break;
    }
  }
  if (observe::on()) observe::each([&](Observer& o) { o.warp_sync(warp, mask); });
  for (unsigned rest = mask; rest; rest &= rest - 1) {
    Fiber& f = lane_fiber(warp, unsigned(__builtin_ctz(rest)));
    if (&f != cur_) {
      f.rv = -1;
      make_runnable(f);
    }
  }
  // Keep rv[0 .. open) compact: the last open rendezvous takes this one's place.
  Rendezvous& last = w.rv[--w.open];
  if (&last != &r) {
    const int idx = int(&r - w.rv);
    r = last;
    for (unsigned rest = r.arrived; rest; rest &= rest - 1) lane_fiber(warp, unsigned(__builtin_ctz(rest))).rv = idx;
  }
  ++progress_;
  sleepsWithoutProgress_ = 0;
}

int Block::barrier(BarrierOp op, int pred, const Loc& loc) {
  Fiber& f = *cur_;
  note(f, barrier_name(op), loc);
  auto here = [&] { return site(loc.file_name(), unsigned(loc.line())); };
  if (op == BarrierOp::Grid && !job_->cooperative)
    fault("thread " + std::to_string(f.ctx.tid) + " calls grid.sync() at " + here() +
          " in a kernel not launched cooperatively (cudaLaunchCooperativeKernel)");
  if (exitedCount_ > 0)
    sync_fault("divergent barrier", "thread " + std::to_string(f.ctx.tid) + " reaches " + barrier_name(op) + " at " + here() + " after " +
          std::to_string(exitedCount_) + " threads of the block exited: a barrier in divergent code");
  if (barrier_.arrived == 0) {
    barrier_.op = op;
    barrier_.file = loc.file_name();
    barrier_.line = unsigned(loc.line());
    barrier_.acc = op == BarrierOp::And ? 1 : 0;
  } else if (barrier_.line != unsigned(loc.line()) || std::strcmp(barrier_.file, loc.file_name()) != 0) {
    sync_fault("divergent barrier", "divergent " + std::string(barrier_name(op)) + ": " + std::to_string(barrier_.arrived) +
          " threads wait at " + site(barrier_.file, barrier_.line) + ", thread " + std::to_string(f.ctx.tid) +
          " arrives at " + here());
  }
  // Lanes of my warp waiting for me in a warp intrinsic would never see me arrive there.
  const Warp& w = warps_[f.ctx.warp];
  const unsigned bit = 1u << f.ctx.lane;
  for (int i = 0; i < w.open; ++i)
    if (const Rendezvous& r = w.rv[i]; (r.mask & bit) && !(r.arrived & bit))
      sync_fault("barrier in rendezvous", "warp " + std::to_string(f.ctx.warp) + " lane " + std::to_string(f.ctx.lane) + " reaches " +
            barrier_name(op) + " at " + here() + " while lanes " + lanes_of(r.arrived) + " wait for it in " +
            op_name(r.op) + "(mask " + hex(r.mask) + ") at " + site(r.file, r.line));
  switch (op) {
    case BarrierOp::Sync: break;
    case BarrierOp::Count: barrier_.acc += pred != 0; break;
    case BarrierOp::And: barrier_.acc &= pred != 0; break;
    case BarrierOp::Or: barrier_.acc |= pred != 0; break;
    case BarrierOp::Grid: break;
  }
  if (++barrier_.arrived == threads_) {
    if (op == BarrierOp::Grid) {
      // The whole block is here: wait, on this OS thread, for the other blocks of the grid.
      std::string why;
      if (!job_->gridSync->arrive_and_wait(*job_, linear_, &why))
        fault(why.empty() ? std::string("abandoned at grid.sync(): another block faulted") : why);
    }
    if (observe::on()) observe::each([&](Observer& o) { o.block_sync(); });
    const int result = barrier_.acc;
    for (Fiber& o : fibers_) {
      o.result = uint64_t(result);
      if (o.state == State::InBarrier) make_runnable(o);
    }
    barrier_ = Barrier{};
    ++progress_;
    sleepsWithoutProgress_ = 0;
    yield(barrier_name(op), loc);
  } else {
    f.state = State::InBarrier;
    if (warps_[f.ctx.warp].openCv) settle_convergences(f.ctx.warp);
    block_current();
  }
  return int(f.result);
}

// A lane's state for fault reports. Runnable lanes are one group whatever their last switch point
// (a spin loop alternates between two); dump() lists those points once per group.
std::string Block::describe(const Fiber& f) const {
  switch (f.state) {
    case State::Exited: return "exited";
    case State::InBarrier: return std::string("wait at ") + barrier_name(barrier_.op) + " (" + site(f.file, f.line) + ")";
    case State::InWarpOp: {
      const Rendezvous& r = warps_[f.ctx.warp].rv[f.rv];
      return std::string("wait in ") + op_name(r.op) + "(mask " + hex(r.mask) + ") at " + site(f.file, f.line);
    }
    case State::InConverge: return std::string("wait in __activemask at ") + site(f.file, f.line);
    case State::Runnable: return f.what ? "runnable" : "not started";
  }
  return "?";
}

// "warp 0: lanes 0-3 wait in __shfl_sync(mask 0x0000000f) at warp_coop.cu:61; lanes 4-31 exited |
// warps 1-7: lanes 0-31 exited": lanes with one state are merged, then warps with one description.
std::string Block::dump() const {
  std::vector<std::string> perWarp;
  for (size_t wi = 0; wi < warps_.size(); ++wi) {
    std::vector<std::pair<std::string, unsigned>> groups;  // state -> lanes, in order of first lane
    std::vector<std::string> spinSites;
    for (unsigned l = 0; l < 32; ++l) {
      if (!(warps_[wi].exists >> l & 1)) continue;
      const Fiber& f = fibers_[wi * 32 + l];
      std::string d = describe(f);
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == d; });
      if (g == groups.end()) groups.emplace_back(d, 1u << l);
      else g->second |= 1u << l;
      if (d == "runnable") {
        std::string at = f.file ? std::string(f.what) + " at " + site(f.file, f.line) : std::string(f.what);
        if (std::find(spinSites.begin(), spinSites.end(), at) == spinSites.end()) spinSites.push_back(at);
      }
    }
    std::string line;
    for (auto& [d, lanes] : groups) {
      if (!line.empty()) line += "; ";
      line += (__builtin_popcount(lanes) == 1 ? "lane " : "lanes ") + lanes_of(lanes) + " " + d;
      if (d == "runnable") {
        line += " (last switch points: ";
        for (size_t i = 0; i < spinSites.size() && i < 3; ++i) line += (i ? ", " : "") + spinSites[i];
        line += spinSites.size() > 3 ? ", ...)" : ")";
      }
    }
    perWarp.push_back(line);
  }
  std::string out;
  for (size_t i = 0; i < perWarp.size();) {
    size_t j = i;
    while (j + 1 < perWarp.size() && perWarp[j + 1] == perWarp[i]) ++j;
    if (!out.empty()) out += " | ";
    out += (j > i ? "warps " + std::to_string(i) + "-" + std::to_string(j) : "warp " + std::to_string(i)) + ": " +
           perWarp[i];
    i = j + 1;
  }
  constexpr size_t kMax = 4000;
  if (out.size() > kMax) out = out.substr(0, kMax) + " ...";
  return out;
}

// ---- sched.h: the device-side entry points ----

void switch_point(const char* what, const Loc& loc) {
  observe::Quiet q;
  if (tls_thread) tls_runtime->yield(what, loc);
}

void progress_point() {
  observe::Quiet q;
  if (tls_thread) tls_runtime->progress();
}

uint64_t warp_collective(WarpOp op, unsigned mask, uint64_t value, int arg, int width, int* pred, const Loc& loc) {
  observe::Quiet q;
  if (!tls_thread) {
    std::fprintf(stderr, "wpemu: %s called outside a kernel (%s:%u)\n", "warp intrinsic", loc.file_name(),
                 unsigned(loc.line()));
    std::abort();
  }
  return tls_runtime->warp_collective(op, mask, value, arg, width, pred, loc);
}

int block_barrier(BarrierOp op, int pred, const Loc& loc) {
  observe::Quiet q;
  if (!tls_thread) {
    std::fprintf(stderr, "wpemu: __syncthreads called outside a kernel (%s:%u)\n", loc.file_name(),
                 unsigned(loc.line()));
    std::abort();
  }
  return tls_runtime->barrier(op, pred, loc);
}

void nanosleep(unsigned, const Loc& loc) {
  observe::Quiet q;
  if (tls_thread) tls_runtime->nanosleep(loc);
}

void device_assert(const char* expr, const char* file, unsigned line, const char* func) {
  const ThreadCtx& t = *tls_thread;
  std::string where = func ? func : "?";
  if (size_t lambda = where.find("::<lambda"); lambda != std::string::npos) where.resize(lambda);  // a kernel's body
  tls_runtime->fault_as(cudaErrorAssert, "device-side assert: Assertion `" + std::string(expr) + "` failed in " +
                                             (func ? func : "?") + " at " + site(file, line) + " by thread " +
                                             std::to_string(t.tid));
}

void trap(const char* why, const Loc& loc) {
  observe::Quiet q;
  if (tls_thread)
    tls_runtime->fault(std::string(why) + " by thread " + std::to_string(tls_thread->tid) + " at " +
                       site(loc.file_name(), unsigned(loc.line())));
  std::fprintf(stderr, "wpemu: %s outside a kernel\n", why);
  std::abort();
}

void* dynamic_shared() { return tls_runtime ? tls_runtime->dynamic_shared() : nullptr; }

// ---- observe.h: services for observers on a kernel thread ----

void fault_block(const std::string& what) {
  if (tls_thread) tls_runtime->fault(what);
  std::fprintf(stderr, "wpemu: %s outside a kernel\n", what.c_str());
  std::abort();
}

void access_switch_point() {
  if (tls_thread) tls_runtime->yield_access();
}

uint64_t block_seed() { return tls_runtime ? tls_runtime->seed() : 0; }

unsigned active_mask() { return tls_thread ? tls_runtime->active_mask() : 0u; }

unsigned converge(const Loc& loc) {
  if (!tls_thread) {
    std::fprintf(stderr, "wpemu: __activemask called outside a kernel (%s:%u)\n", loc.file_name(), unsigned(loc.line()));
    std::abort();
  }
  return tls_runtime->converge(loc);
}

void grid_sync(const Loc& loc) { block_barrier(BarrierOp::Grid, 1, loc); }

bool cooperative_launch() { return tls_thread && tls_runtime->cooperative(); }

void Block::fiber_signal(int sig, void* addr) {
  signalFiber_ = cur_;
  signalNo_ = sig;
  signalAddr_ = addr;
  switch_context(cur_->cpu, sched_);  // never resumed: the scheduler loop reports the fault
  std::abort();
}

namespace {

void on_fault_signal(int sig, siginfo_t* si, void* uc) {
  if (tls_thread && tls_runtime) tls_runtime->fiber_signal(sig, si->si_addr);
  // Not an emulated thread's: as if this handler were not there.
  const struct sigaction& old = sig == SIGSEGV ? g_old_segv : g_old_bus;
  if ((old.sa_flags & SA_SIGINFO) && old.sa_sigaction) {
    old.sa_sigaction(sig, si, uc);
  } else if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN && old.sa_handler) {
    old.sa_handler(sig);
  } else {
    signal(sig, SIG_DFL);  // the faulting instruction runs again and the default action ends the process
  }
}

}  // namespace

}  // namespace wpemu
