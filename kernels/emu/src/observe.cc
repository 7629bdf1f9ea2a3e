// The observer registry (wpemu/observe.h) and the findings collector (wpemu/findings.h): part of
// every build, idle unless a checker registers.
#include <dlfcn.h>

#include <algorithm>
#include <mutex>
#include <tuple>

#include "runtime.h"
#include "wpemu/findings.h"
#include "wpemu/observe.h"
#include "wpemu/sched.h"

namespace wpemu {

namespace observe {
int g_count = 0;
namespace {
thread_local int tls_host_quiet = 0;
}
int* quiet_counter() { return tls_thread ? &tls_thread->quiet : &tls_host_quiet; }
bool quiet() { return tls_thread ? tls_thread->quiet != 0 : tls_host_quiet != 0; }
namespace {
constexpr int kMax = 8;
Observer* g_list[kMax] = {};
}  // namespace
Observer* const* all() { return g_list; }
}  // namespace observe

void add_observer(Observer* o) {
  if (observe::g_count >= observe::kMax) return;
  if (std::find(observe::g_list, observe::g_list + observe::g_count, o) != observe::g_list + observe::g_count) return;
  observe::g_list[observe::g_count++] = o;
}

void remove_observer(Observer* o) {
  auto end = observe::g_list + observe::g_count;
  auto it = std::find(observe::g_list, end, o);
  if (it == end) return;
  std::copy(it + 1, end, it);
  --observe::g_count;
}

const char* space_name(Space s) {
  switch (s) {
    case Space::Local: return "local";
    case Space::Shared: return "shared";
    case Space::Global: return "global";
    case Space::Host: return "host";
    case Space::Param: return "param";
    case Space::Static: return "static";
    case Space::Invalid: return "invalid";
  }
  return "?";
}

const char* atomic_op_name(AtomicOp op) {
  switch (op) {
    case AtomicOp::None: return "";
    case AtomicOp::Load: return "load";
    case AtomicOp::Store: return "store";
    case AtomicOp::Exchange: return "exchange";
    case AtomicOp::Add: return "add";
    case AtomicOp::Sub: return "sub";
    case AtomicOp::And: return "and";
    case AtomicOp::Or: return "or";
    case AtomicOp::Xor: return "xor";
    case AtomicOp::Nand: return "nand";
    case AtomicOp::Cas: return "CAS";
  }
  return "?";
}

// ---- findings ----

namespace {

struct Collector {
  std::mutex mu;
  bool on = false;
  std::vector<FoldedFinding> folded;
  size_t dropped = 0;
};

Collector& collector() {
  static auto* c = new Collector();
  return *c;
}

constexpr size_t kMaxDistinct = 2000;  // a kernel racing everywhere still yields a bounded report

bool same_site(const FindingSite& a, const FindingSite& b) {
  return a.pc == b.pc && a.where == b.where && a.access == b.access && a.space == b.space;
}

bool same(const Finding& a, const Finding& b) {
  if (a.tool != b.tool || a.kind != b.kind || a.kernel != b.kernel || a.sites.size() != b.sites.size()) return false;
  for (size_t i = 0; i < a.sites.size(); ++i)
    if (!same_site(a.sites[i], b.sites[i])) return false;
  return a.sites.empty() ? a.message == b.message : true;
}

}  // namespace

bool collecting_findings() {
  Collector& c = collector();
  std::lock_guard<std::mutex> lock(c.mu);
  return c.on;
}

void collect_findings(bool on) {
  Collector& c = collector();
  std::lock_guard<std::mutex> lock(c.mu);
  c.on = on;
  if (!on) c.folded.clear();
}

void report_finding(Finding f) {
  Collector& c = collector();
  std::lock_guard<std::mutex> lock(c.mu);
  if (!c.on) return;
  for (auto it = c.folded.rbegin(); it != c.folded.rend(); ++it)
    if (same(it->first, f)) {
      ++it->count;
      return;
    }
  if (c.folded.size() >= kMaxDistinct) {
    ++c.dropped;
    return;
  }
  c.folded.push_back(FoldedFinding{std::move(f), 1});
}

std::vector<FoldedFinding> take_findings() {
  Collector& c = collector();
  std::lock_guard<std::mutex> lock(c.mu);
  std::vector<FoldedFinding> out;
  out.swap(c.folded);
  return out;
}

std::string code_module() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&code_module), &info) && info.dli_fname) return info.dli_fname;
  return "";
}

}  // namespace wpemu
