// Host-side control of the emulator, for the program that embeds it (the emu addon, the tests'
// drivers): scheduler seed, worker threads and the no-progress timeout.
#pragma once
#include <cstdint>

#include "writeprof/limits.h"

namespace wpemu {

// Defaults: writeprof's (`--emu-seed`, `--emu-workers`, `--emu-timeout`), from src/limits.ts.
struct Config {
  uint64_t seed = wp::limits::defaults::kEmulatorSeed;  // scheduler seed: a block's interleaving is a function of it
  unsigned workers = unsigned(wp::limits::defaults::kEmulatorWorkers);  // OS threads that run blocks (0: one per host core)
  double timeoutSec = wp::limits::defaults::kEmulatorTimeoutSec;  // a launch with no thread making progress this long is a fault
};

void configure(const Config& c);
Config config();
unsigned effective_workers();

// Host and device meeting in mapped memory (a persistent kernel's mailbox): the side that
// publishes there rings; the side that polls waits for a ring (or `micros`) instead of spinning on
// a core the other side needs. System-scope atomic stores of device code ring by themselves.
uint64_t mapped_rings();
void ring_mapped();
void wait_mapped(uint64_t seen, unsigned micros);

// Clears a sticky kernel fault (what cudaDeviceReset does to it) so the next case can run.
void clear_sticky_error();

// Called with a kernel fault's diagnosis when it happens, before any API call can return its
// error code (programs built by `writeprof emu build` print it on stderr).
void set_fault_reporter(void (*report)(const char* message));

}  // namespace wpemu
