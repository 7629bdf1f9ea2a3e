// The access tap: the ThreadSanitizer hooks that the instrumented kernels/cuda objects call (g++
// -fsanitize=thread, no libtsan) turned into wpemu::Access records for the observers. It
// classifies every address (the thread's stack, the block's shared memory, the launch's
// arguments, an allocation, static data, or nowhere), performs atomics for real under a lock of
// their address, and never lets a kernel touch an invalid address: such an access ends its block
// with a fault (after observers, memcheck among them, saw it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "memory_map.h"
#include "shadow.h"
#include "wpemu/observe.h"

namespace wpemu::check {

// The block running on this OS thread, as the tap classifies its addresses.
struct BlockCtx {
  bool active = false;
  const LaunchInfo* launch = nullptr;
  unsigned linear = 0, threads = 0;
  uintptr_t tlsLo = 0, tlsHi = 0;  // the module's thread-local block: __shared__ variables
  uintptr_t dynLo = 0, dynHi = 0;  // dynamic shared memory
  uintptr_t parLo = 0, parHi = 0;  // the kernel's arguments
  const uintptr_t* stacks = nullptr;
};

MemoryMap& memory_map();
BlockCtx& block_ctx();
// Registers the tap as the first observer (once). Observers added later see every access.
void install_tap();
// The lock an atomic on `a` holds while its observers see it done (atomic_done), and its stripe
// number: observers keep per-address state in as many stripes, each guarded by its lock.
constexpr size_t kAtomicStripes = 1024;
inline size_t atomic_stripe(uintptr_t a) { return (a >> 3) & (kAtomicStripes - 1); }
// Offset of `pc` in the module holding the instrumented code.
uint32_t module_offset(uintptr_t pc);
// The file of that module (the program itself: /proc/self/exe), and the address an offset has in
// it as linked (what addr2line takes: the offset itself for a shared object or a PIE).
std::string module_file();
uintptr_t module_address(uint32_t offset);
// The module's thread-local variables, from its symbol table: a kernel's __shared__ variables and
// the runtime's own (`runtime`). `offset` counts from the start of the module's TLS block.
struct TlsSymbol {
  std::string name;  // mangled
  uintptr_t offset = 0;
  size_t size = 0;
  bool runtime = false;
};
std::vector<TlsSymbol> module_tls_symbols();
// The Access for [addr, addr + size) by the running thread (host code when no kernel thread runs).
Access classify(uintptr_t addr, uint32_t size, uintptr_t pc);

}  // namespace wpemu::check
