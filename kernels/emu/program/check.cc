// Linked into programs `writeprof emu build --instrument` makes, beside env.cc: before main the
// checker is installed with the tools of WRITEPROF_CHECK_TOOLS (`writeprof check --tool`'s
// values; default all), and when the program ends (main returns or exit() is called) it waits for
// the device, prints its findings and one summary line per tool on stderr, and turns a status of
// 0 into 1 when a tool found something. main and exit reach here through the linker's --wrap.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "checker.h"
#include "report.h"
#include "wpemu/api.h"

namespace {

constexpr const char* kAllowed = "all, or a list of memcheck, racecheck, initcheck, synccheck, weak";

wpemu::check::Tools g_tools;

wpemu::check::Tools tools_from(const char* name) {
  wpemu::check::Tools t{true, true, true, true, true};
  const char* raw = std::getenv(name);
  if (!raw || !*raw || std::strcmp(raw, "all") == 0) return t;
  t = wpemu::check::Tools{};
  const std::string s(raw);
  for (size_t at = 0; at <= s.size();) {
    size_t comma = s.find(',', at);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(at, comma - at);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    bool* slot = item == "memcheck"    ? &t.memcheck
                 : item == "racecheck" ? &t.racecheck
                 : item == "initcheck" ? &t.initcheck
                 : item == "synccheck" ? &t.synccheck
                 : item == "weak"      ? &t.weak
                                       : nullptr;
    if (!slot) {
      std::fprintf(stderr, "writeprof emu: %s: \"%s\" is invalid; allowed: %s\n", name, raw, kAllowed);
      std::exit(2);
    }
    *slot = true;
    at = comma + 1;
  }
  return t;
}

bool g_armed = false;  // the checker is configured: an exit before (a bad setting) has no report
std::once_flag g_reported;
int g_status = 0;

// The report, once, whichever way the program ends first; the status it should end with.
int report(int status, bool wait) {
  if (!g_armed) return status;
  std::call_once(g_reported, [&] {
    if (wait) cudaDeviceSynchronize();  // launches still running are part of the program
    std::fflush(stdout);                // the program's own output comes first
    const wpemu::program::CheckReport r = wpemu::program::check_report(g_tools);
    std::fputs(r.text.c_str(), stderr);
    std::fflush(stderr);
    g_status = status == 0 && r.failed ? 1 : status;
  });
  return g_status;
}

// An exit the wraps did not see (exit() called from a shared library): the report still comes; a
// status to change can then only be given by _exit, after stdio is flushed.
void at_exit(int status, void*) {
  const int s = report(status, false);
  if (s != status) {
    std::fflush(nullptr);
    _exit(s);
  }
}

struct CheckSettings {
  CheckSettings() {
    g_tools = tools_from("WRITEPROF_CHECK_TOOLS");
    wpemu::check::configure(g_tools);
    on_exit(at_exit, nullptr);
    g_armed = true;
  }
};

// After env.cc's settings (init_priority 200), before the program's own globals.
CheckSettings g_check __attribute__((init_priority(201)));

}  // namespace

extern "C" int __real_main(int argc, char** argv, char** envp);
extern "C" [[noreturn]] void __real_exit(int status);

extern "C" int __wrap_main(int argc, char** argv, char** envp) { return report(__real_main(argc, argv, envp), true); }

extern "C" [[noreturn]] void __wrap_exit(int status) { __real_exit(report(status, true)); }
