// The same words and layout as `writeprof check`'s terminal report (src/render/check.ts,
// src/check/summary.ts, src/check/sites.ts), made here because the program reports by itself:
// tests/emu/instrumented.test.ts renders the program's sites again with the TypeScript renderer
// and expects the same lines.
#include "report.h"

#include <cxxabi.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <regex>
#include <vector>

#include "tap.h"
#include "wpemu/findings.h"

extern char** environ;

namespace wpemu::program {

namespace {

struct SourceSite {
  std::string file, function;
  long line = 0;
};

// Frames in these files are the emulator's or the compiler's, not the program's.
bool machinery(const std::string& file) {
  return file.rfind("kernels/emu/include/", 0) == 0 || file.find("/kernels/emu/include/") != std::string::npos ||
         file.rfind("/usr/", 0) == 0 || file == "??";
}

// Relative to the working directory when under it, as `writeprof check` names files.
std::string tidy(const std::string& file) {
  if (file.empty() || file[0] != '/') return file;
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return file;
  std::string root(cwd);
  if (root != "/") root += '/';
  return file.rfind(root, 0) == 0 ? file.substr(root.size()) : file;
}

// `addr2line -a -f -C -i` output: per address a line `0x...`, then (function, file:line) pairs from
// the innermost inlined frame outwards; the first frame outside the machinery names the site.
std::map<uintptr_t, SourceSite> parse_addr2line(const std::string& text) {
  std::map<uintptr_t, SourceSite> out;
  std::vector<std::string> lines;
  for (size_t at = 0; at <= text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  static const std::regex addrLine("^0x[0-9a-fA-F]+$");
  static const std::regex whereLine("^(.*):(\\d+|\\?)(?: \\(discriminator \\d+\\))?$");
  bool have = false;
  uintptr_t addr = 0;
  std::vector<SourceSite> frames;
  auto flush = [&] {
    if (!have || frames.empty()) return;
    auto pick = std::find_if(frames.begin(), frames.end(), [](const SourceSite& f) { return !machinery(f.file); });
    const SourceSite& s = pick != frames.end() ? *pick : frames.front();
    if (s.file != "??") out[addr] = s;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (std::regex_match(l, addrLine)) {
      flush();
      have = true;
      addr = uintptr_t(std::strtoull(l.c_str(), nullptr, 16));
      frames.clear();
      continue;
    }
    if (!have || l.empty() || i + 1 >= lines.size()) continue;
    std::smatch m;
    if (std::regex_match(lines[i + 1], m, whereLine)) {
      frames.push_back(SourceSite{tidy(m[1]), l, m[2] == "?" ? 0 : std::strtol(m[2].str().c_str(), nullptr, 10)});
      ++i;
    }
  }
  flush();
  return out;
}

// Runs addr2line on the program; empty when it cannot (binutils missing): sites stay offsets.
std::string run_addr2line(const std::vector<uintptr_t>& addrs, bool* ran) {
  *ran = false;
  if (addrs.empty()) return "";
  const std::string module = check::module_file();
  std::vector<std::string> args = {"addr2line", "-e", module, "-a", "-f", "-C", "-i"};
  char buf[32];
  for (uintptr_t a : addrs) {
    std::snprintf(buf, sizeof buf, "0x%" PRIxPTR, a);
    args.push_back(buf);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (pipe(fds) != 0) return "";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, "addr2line", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  std::string text;
  if (rc == 0) {
    char chunk[1 << 14];
    for (ssize_t n; (n = read(fds[0], chunk, sizeof chunk)) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      text.append(chunk, size_t(n));
    }
  }
  close(fds[0]);
  if (rc != 0) return "";
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  *ran = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return *ran ? text : "";
}

std::string demangle(const std::string& name) {
  int st = 0;
  char* d = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &st);
  std::string out = st == 0 && d ? d : name;
  std::free(d);
  return out;
}

// "wp::gpu::(anonymous namespace)::f<true>(A const&)::x" -> "f<true>::x" (parameter lists, the
// translation's kernel-body lambda and writeprof's namespaces dropped, as src/check/sites.ts
// shortVariable).
std::string short_variable(const std::string& name) {
  std::string out;
  int depth = 0;
  static const std::string anon = "(anonymous namespace)";
  for (size_t i = 0; i < name.size(); ++i) {
    const char ch = name[i];
    if (ch == '(' && name.compare(i, anon.size(), anon) != 0) ++depth;
    if (depth == 0) out += ch;
    if (ch == ')' && depth > 0) --depth;
  }
  for (size_t at; (at = out.find(anon + "::")) != std::string::npos;) out.erase(at, anon.size() + 2);
  static const std::regex body("::\\{lambda#\\d+\\}::operator(?=::)");
  out = std::regex_replace(out, body, "");
  for (const char* ns : {"wp::gpu::", "wp::"})
    if (out.rfind(ns, 0) == 0) {
      out.erase(0, std::strlen(ns));
      break;
    }
  return out;
}

struct SharedVariable {
  uintptr_t start;
  size_t size;
  std::string name;
};

std::vector<SharedVariable> shared_variables() {
  std::vector<SharedVariable> out;
  for (const check::TlsSymbol& s : check::module_tls_symbols())
    if (!s.runtime) out.push_back(SharedVariable{s.offset, s.size, short_variable(demangle(s.name))});
  return out;
}

// "f(int*, int)" -> "f", as src/render/check.ts functionName; a kernel's body (a lambda in its
// translation) is named by the kernel.
std::string function_name(const std::string& f) {
  static const std::regex body("::\\{lambda\\(\\)#\\d+\\}::operator\\(\\)\\(\\)(?: const)?(?: \\[clone [^\\]]*\\])*$");
  static const std::regex clone(" \\[clone [^\\]]*\\]$");
  std::smatch m;
  if (std::regex_search(f, m, body)) return function_name(f.substr(0, size_t(m.position(0))));
  if (std::regex_search(f, m, clone)) return function_name(f.substr(0, size_t(m.position(0))));
  if (f.empty() || f.back() != ')') return f;
  int depth = 0;
  for (size_t i = f.size(); i-- > 0;) {
    if (f[i] == ')') ++depth;
    else if (f[i] == '(' && --depth == 0) return f.substr(0, i);
  }
  return f;
}

struct PlacedSite {
  std::string where, function, access, space, variable;
  int64_t block = -1, offset = -1;
  int warp = -1, lane = -1;
  uint32_t size = 0;
};

struct Placed {
  Finding f;
  std::vector<PlacedSite> sites;
  uint64_t count = 0;
};

std::string hex(uintptr_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+0x%" PRIxPTR, v);
  return buf;
}

PlacedSite place(const FindingSite& s, const std::map<uintptr_t, SourceSite>& lines, const std::vector<SharedVariable>& vars) {
  PlacedSite p;
  auto it = s.pc > 0 ? lines.find(s.pc) : lines.end();
  if (it != lines.end()) {
    p.where = it->second.file + ":" + std::to_string(it->second.line);
    p.function = it->second.function;
  } else {
    p.where = !s.where.empty() ? s.where : s.pc > 0 ? hex(s.pc) : "?";
  }
  p.block = s.block;
  p.warp = s.warp;
  p.lane = s.lane;
  p.access = s.access;
  p.space = s.space;
  p.offset = s.offset;
  p.size = s.size;
  if (s.space == "shared" && s.offset >= 0)
    for (const SharedVariable& v : vars)
      if (uintptr_t(s.offset) >= v.start && uintptr_t(s.offset) < v.start + v.size) {
        p.variable = v.name;
        p.offset = int64_t(uintptr_t(s.offset) - v.start);
        break;
      }
  return p;
}

// "write at race.cu:9 (k), block 0 warp 1 lane 3, shared k::tile +4, 4 B" (src/render/check.ts siteText)
std::string site_text(const PlacedSite& s) {
  std::string who = s.block < 0 ? "host code"
                                : "block " + std::to_string(s.block) + " warp " + std::to_string(s.warp) + " lane " + std::to_string(s.lane);
  std::string fn = s.function.empty() ? "" : " (" + function_name(s.function) + ")";
  std::string mem;
  if (!s.space.empty()) {
    mem = ", " + s.space + (s.variable.empty() ? "" : " " + s.variable);
    if (s.offset >= 0) mem += " +" + std::to_string(s.offset);
    if (s.size) mem += ", " + std::to_string(s.size) + " B";
  }
  return (s.access.empty() ? "at" : s.access) + " at " + s.where + fn + ", " + who + mem;
}

std::string dims(const dim3& d) {
  if (d.y == 1 && d.z == 1) return std::to_string(d.x);
  return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," + std::to_string(d.z) + ")";
}

std::vector<std::string> finding_lines(const Placed& p) {
  const Finding& f = p.f;
  const std::string times = p.count == 1 ? "once" : std::to_string(p.count) + " times";
  std::vector<std::string> out;
  out.push_back((f.severity == Severity::Note ? std::string("note") : f.tool) + ": " + f.kind + " in " + f.kernel + "<<<" +
                dims(f.grid) + ", " + dims(f.block) + ">>>, " + times + ", seed " + std::to_string(f.seed));
  if (p.sites.size() == 2) {
    out.push_back("  first:  " + site_text(p.sites[0]));
    out.push_back("  second: " + site_text(p.sites[1]));
  } else {
    for (size_t i = 0; i < p.sites.size(); ++i) out.push_back(std::string("  ") + (i ? "also" : "at") + ": " + site_text(p.sites[i]));
  }
  out.push_back("  " + f.message);
  return out;
}

// Identical once placed: the same tool, kind, kernel and sites' lines (several instructions of one
// source line are one site), as src/check/findings.ts folds.
bool same(const Placed& a, const Placed& b) {
  if (a.f.tool != b.f.tool || a.f.kind != b.f.kind || a.f.kernel != b.f.kernel || a.sites.size() != b.sites.size()) return false;
  for (size_t i = 0; i < a.sites.size(); ++i)
    if (a.sites[i].where != b.sites[i].where || a.sites[i].access != b.sites[i].access || a.sites[i].space != b.sites[i].space)
      return false;
  return true;
}

std::string plural(uint64_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

}  // namespace

CheckReport check_report(const check::Tools& tools) {
  std::vector<FoldedFinding> raw = take_findings();
  std::vector<uintptr_t> pcs;
  bool anyShared = false;
  for (const FoldedFinding& r : raw)
    for (const FindingSite& s : r.first.sites) {
      if (s.pc > 0) pcs.push_back(s.pc);
      anyShared |= s.space == "shared";
    }
  std::sort(pcs.begin(), pcs.end());
  pcs.erase(std::unique(pcs.begin(), pcs.end()), pcs.end());
  // The pc is the hook's return address: the instruction after the call, so back one byte.
  std::vector<uintptr_t> addrs;
  for (uintptr_t pc : pcs) addrs.push_back(check::module_address(uint32_t(pc)) - 1);
  bool ran = false;
  const std::map<uintptr_t, SourceSite> byAddr = parse_addr2line(run_addr2line(addrs, &ran));
  std::map<uintptr_t, SourceSite> lines;
  for (size_t i = 0; i < pcs.size(); ++i) {
    auto it = byAddr.find(addrs[i]);
    if (it != byAddr.end()) lines[pcs[i]] = it->second;
  }
  const std::vector<SharedVariable> vars = anyShared ? shared_variables() : std::vector<SharedVariable>{};

  std::vector<Placed> placed;
  for (FoldedFinding& r : raw) {
    Placed p{std::move(r.first), {}, r.count};
    for (const FindingSite& s : p.f.sites) p.sites.push_back(place(s, lines, vars));
    auto hit = std::find_if(placed.begin(), placed.end(), [&](const Placed& q) { return same(q, p); });
    if (hit != placed.end()) hit->count += p.count;
    else placed.push_back(std::move(p));
  }

  CheckReport rep;
  std::string& out = rep.text;
  for (const Placed& p : placed) {
    for (const std::string& l : finding_lines(p)) out += l + "\n";
    out += "\n";
  }
  if (!pcs.empty() && !ran) out += "writeprof emu: addr2line (binutils) did not run: sites are offsets in the program\n";
  const std::string limit = check::limits_hit();
  if (!limit.empty()) out += "limit: " + limit + "\n";
  const size_t kernels = check::kernels_launched().size();
  const std::pair<const char*, bool> selected[] = {{"memcheck", tools.memcheck}, {"racecheck", tools.racecheck},
                                                   {"initcheck", tools.initcheck}, {"synccheck", tools.synccheck},
                                                   {"weak", tools.weak}};
  for (auto& [tool, on] : selected) {
    if (!on) continue;
    uint64_t errors = 0, occurrences = 0, notes = 0;
    for (const Placed& p : placed) {
      if (p.f.tool != tool) continue;
      if (p.f.severity == Severity::Note) {
        ++notes;
      } else {
        ++errors;
        occurrences += p.count;
      }
    }
    const bool racecheck = std::strcmp(tool, "racecheck") == 0, weak = std::strcmp(tool, "weak") == 0;
    std::string line = std::string(tool) + ": " +
                       plural(errors, racecheck ? "hazard" : weak ? "stale value" : "error", racecheck ? "hazards" : weak ? "stale values" : "errors");
    if (errors && occurrences != errors) line += " (" + std::to_string(occurrences) + " occurrences)";
    if (notes) line += ", " + plural(notes, "note", "notes");
    line += " in " + plural(kernels, "kernel", "kernels") + ", 1 seed";
    out += line + "\n";
  }
  for (const Placed& p : placed) rep.failed |= p.f.severity != Severity::Note;
  if (kernels == 0) {
    out += "writeprof emu: no kernel ran: nothing was checked\n";
    rep.failed = true;
  }
  return rep;
}

}  // namespace wpemu::program
