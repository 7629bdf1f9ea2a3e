#include "clock.h"

#include <algorithm>

namespace wpemu::check {

namespace {
inline uint32_t agent_of(uint64_t e) { return uint32_t(e >> 32); }
inline uint32_t clock_of(uint64_t e) { return uint32_t(e); }
inline uint64_t entry(uint32_t a, uint32_t c) { return uint64_t(a) << 32 | c; }

// Merge two sorted entry lists taking the larger clock per agent; `changed` tells whether the
// result differs from `a`.
void merge(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b, std::vector<uint64_t>& out, bool& changed) {
  out.clear();
  out.reserve(a.size() + b.size());
  changed = false;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const uint32_t x = agent_of(a[i]), y = agent_of(b[j]);
    if (x < y) out.push_back(a[i++]);
    else if (y < x) {
      out.push_back(b[j++]);
      changed = true;
    } else {
      if (clock_of(b[j]) > clock_of(a[i])) {
        out.push_back(b[j]);
        changed = true;
      } else {
        out.push_back(a[i]);
      }
      ++i, ++j;
    }
  }
  while (i < a.size()) out.push_back(a[i++]);
  if (j < b.size()) changed = true;
  while (j < b.size()) out.push_back(b[j++]);
}

// Whether every entry of b is at most a's.
bool covers(const VC& a, const VC& b) {
  if (b.e.size() > 64 && a.e.size() >= b.e.size()) {
    size_t i = 0;
    for (uint64_t x : b.e) {
      while (i < a.e.size() && agent_of(a.e[i]) < agent_of(x)) ++i;
      if (i == a.e.size() || agent_of(a.e[i]) != agent_of(x) || clock_of(a.e[i]) < clock_of(x)) return false;
    }
    return true;
  }
  for (uint64_t x : b.e)
    if (a.get(agent_of(x)) < clock_of(x)) return false;
  return true;
}
}  // namespace

uint32_t VC::get(uint32_t agent) const {
  auto it = std::lower_bound(e.begin(), e.end(), entry(agent, 0));
  return it != e.end() && agent_of(*it) == agent ? clock_of(*it) : 0;
}

VCRef join(const VCRef& a, const VCRef& b) {
  if (!b || b->e.empty() || a == b) return a;
  if (!a || a->e.empty()) return b;
  if (covers(*a, *b)) return a;
  auto out = std::make_shared<VC>();
  bool changed = false;
  merge(a->e, b->e, out->e, changed);
  return out;
}

VCRef with(const VCRef& a, uint32_t agent, uint32_t clock) {
  if (a && a->get(agent) >= clock) return a;
  auto out = std::make_shared<VC>();
  if (a) out->e = a->e;
  auto it = std::lower_bound(out->e.begin(), out->e.end(), entry(agent, 0));
  if (it != out->e.end() && agent_of(*it) == agent) *it = entry(agent, clock);
  else out->e.insert(it, entry(agent, clock));
  return out;
}

VCRef join_all(const std::vector<const VCRef*>& bases, const std::vector<uint64_t>& own) {
  // Distinct bases first (threads that synchronised before share theirs).
  std::vector<const VCRef*> distinct;
  for (const VCRef* b : bases) {
    if (!*b) continue;
    bool seen = false;
    for (const VCRef* d : distinct) seen |= d->get() == b->get();
    if (!seen) distinct.push_back(b);
  }
  VCRef acc = distinct.empty() ? VCRef() : *distinct[0];
  for (size_t i = 1; i < distinct.size(); ++i) acc = join(acc, *distinct[i]);
  bool need = false;
  for (uint64_t x : own)
    if (!acc || acc->get(agent_of(x)) < clock_of(x)) {
      need = true;
      break;
    }
  if (!need) return acc;
  auto out = std::make_shared<VC>();
  bool changed = false;
  static const std::vector<uint64_t> kEmpty;
  merge(acc ? acc->e : kEmpty, own, out->e, changed);
  return out;
}

// ---- agents ----

Agents::Agents() {
  for (auto& p : pages_) p.store(nullptr, std::memory_order_relaxed);
}

Agents::~Agents() { reset(); }

uint32_t Agents::add(Group g, uint32_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint32_t chunks = std::max<uint32_t>(1, (count + kChunk - 1) / kChunk);
  const uint32_t firstChunk = nextChunk_.fetch_add(chunks);
  if (uint64_t(firstChunk) + chunks > uint64_t(kPage) * kPages) return 0;  // out of agents: callers stop checking
  g.first = firstChunk * kChunk;
  g.count = count;
  groups_.push_back(g);
  const Group* stored = &groups_.back();
  for (uint32_t c = firstChunk; c < firstChunk + chunks; ++c) {
    const uint32_t page = c / kPage;
    const Group** p = pages_[page].load(std::memory_order_acquire);
    if (!p) {
      p = new const Group*[kPage]();
      pages_[page].store(p, std::memory_order_release);
    }
    p[c % kPage] = stored;
  }
  return g.first;
}

const Group* Agents::group(uint32_t agent) const {
  const uint32_t c = agent / kChunk;
  const Group** p = pages_[c / kPage].load(std::memory_order_acquire);
  return p ? p[c % kPage] : nullptr;
}

Launch* Agents::keep(Launch l) {
  std::lock_guard<std::mutex> lock(mu_);
  launches_.push_back(std::move(l));
  return &launches_.back();
}

void Agents::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& p : pages_) {
    delete[] p.load(std::memory_order_relaxed);
    p.store(nullptr, std::memory_order_relaxed);
  }
  // Numbering goes on across cases: a shadow slot left from an earlier case (shared memory keeps
  // its shadow per OS thread) can never name a thread of this one.
  groups_.clear();
  launches_.clear();
}

// ---- a thread's clock ----

void Clocked::start(uint32_t a, const VCRef& b) {
  agent = a;
  clock = 1;
  published = false;
  base = b;
  snap.reset();
  snapOf.reset();
  snapClock = 0;
  relFence.reset();
  acqPending.reset();
  lastAcquired.reset();
}

const VCRef& Clocked::publish() {
  if (!snap || snapOf != base || snapClock != clock) {
    snap = with(base, agent, clock);
    snapOf = base;
    snapClock = clock;
  }
  published = true;
  return snap;
}

void Clocked::acquire(const VCRef& v) {
  if (!v || v == lastAcquired) return;
  base = join(base, v);
  lastAcquired = v;
}

VCRef prune(const VCRef& v, const Agents& agents) {
  if (!v) return v;
  size_t dead = 0;
  for (uint64_t x : v->e) {
    const Group* g = agents.group(agent_of(x));
    if (g && g->kind == Group::Device && g->seq && v->get(g->stream) >= g->seq) ++dead;
  }
  if (!dead) return v;
  auto out = std::make_shared<VC>();
  out->e.reserve(v->e.size() - dead);
  for (uint64_t x : v->e) {
    const Group* g = agents.group(agent_of(x));
    if (!(g && g->kind == Group::Device && g->seq && v->get(g->stream) >= g->seq)) out->e.push_back(x);
  }
  return out;
}

bool knows(const Clocked& t, const Agents& agents, uint32_t a, uint32_t c) {
  if (a == t.agent) return true;
  if (!t.base) return false;
  if (t.base->get(a) >= c) return true;
  const Group* g = agents.group(a);
  return g && g->kind == Group::Device && g->seq && t.base->get(g->stream) >= g->seq;
}

}  // namespace wpemu::check
