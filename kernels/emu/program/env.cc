// Linked into every program `writeprof emu build` makes (never into the writeprof addon): before
// main, the emulator takes its settings from the environment, as `writeprof run` takes them from
// --emu-seed/--emu-workers/--emu-timeout (same defaults and ranges, src/limits.ts), and a kernel
// fault's diagnosis goes to stderr the moment it happens, before the program sees the error code.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "wpemu/control.h"
#include "wpemu/sched.h"
#include "writeprof/limits.h"

namespace {

namespace lim = wp::limits::emulator;

// The variable's value checked against its range; the default when unset. A bad value ends the
// program with one line naming the variable and what is allowed (exit 2, as writeprof's own).
double setting(const char* name, const wp::limits::Range& range, double fallback) {
  const char* raw = std::getenv(name);
  if (!raw || !*raw) return fallback;
  char* end = nullptr;
  const double v = std::strtod(raw, &end);
  if (end == raw || *end != '\0' || !range.holds(v)) {
    std::fprintf(stderr, "writeprof emu: %s: \"%s\" is invalid; allowed: %s\n", name, raw, range.allowed);
    std::exit(2);
  }
  return v;
}

void report_fault(const char* message) {
  std::fprintf(stderr, "writeprof emu: kernel fault: %s\n", message);
  std::fflush(stderr);
}

struct ProgramSettings {
  ProgramSettings() {
    wpemu::Config c;
    c.seed = uint64_t(setting("WRITEPROF_EMU_SEED", lim::kSeed, double(c.seed)));
    c.workers = unsigned(setting("WRITEPROF_EMU_WORKERS", lim::kWorkers, double(c.workers)));
    c.timeoutSec = setting("WRITEPROF_EMU_TIMEOUT", lim::kTimeoutSec, c.timeoutSec);
    wpemu::configure(c);
    wpemu::set_fault_reporter(report_fault);
  }
};

// Initialized before main: this object is constructed with the program's other globals, and
// nothing of the emulator runs before a CUDA call, which globals' constructors seldom make.
ProgramSettings g_settings __attribute__((init_priority(200)));

}  // namespace

// assert() in device code, as on a GPU: the failing thread's block ends and the launch reports
// cudaErrorAssert (the program goes on and sees it). In host code, the C library's assert.
extern "C" void __assert_fail(const char* expr, const char* file, unsigned line, const char* func) noexcept {
  if (wpemu::tls_thread) wpemu::device_assert(expr, file, line, func);
  using Fail = void (*)(const char*, const char*, unsigned, const char*);
  static const Fail libc = reinterpret_cast<Fail>(dlsym(RTLD_NEXT, "__assert_fail"));
  if (libc) libc(expr, file, line, func);
  std::abort();
}
