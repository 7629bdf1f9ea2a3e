#include "tap.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "wpemu/sched.h"

namespace wpemu::check {

namespace {

thread_local BlockCtx tls_ctx;

struct ModuleInfo {
  uintptr_t base = 0;
};

ModuleInfo& module() {
  static ModuleInfo m = [] {
    ModuleInfo out;
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&module_offset), &info)) out.base = reinterpret_cast<uintptr_t>(info.dli_fbase);
    return out;
  }();
  return m;
}

struct TlsSearch {
  uintptr_t inside;
  uintptr_t lo = 0, hi = 0;
};

struct ModuleSearch {
  uintptr_t inside = 0;
  uintptr_t bias = 0;
  std::string file;
  bool found = false;
};

int find_module(dl_phdr_info* info, size_t, void* data) {
  auto* s = static_cast<ModuleSearch*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    const uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type != PT_LOAD || s->inside < lo || s->inside >= lo + ph.p_memsz) continue;
    s->bias = info->dlpi_addr;
    // The main program has no name here (dladdr would give argv[0], not a path to open).
    if (info->dlpi_name && *info->dlpi_name) {
      s->file = info->dlpi_name;
    } else {
      char path[4096];
      const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
      s->file = n > 0 ? std::string(path, size_t(n)) : "/proc/self/exe";
    }
    s->found = true;
    return 1;
  }
  return 0;
}

const ModuleSearch& this_module() {
  static const ModuleSearch m = [] {
    ModuleSearch s;
    s.inside = reinterpret_cast<uintptr_t>(&module_offset);
    dl_iterate_phdr(find_module, &s);
    return s;
  }();
  return m;
}

bool is_runtime_tls(const std::string& name) {
  return name.rfind("_ZN5wpemu", 0) == 0 || name.rfind("_ZZN5wpemu", 0) == 0 || name.rfind("_ZGVZN5wpemu", 0) == 0 ||
         name.rfind("__", 0) == 0 || name == "threadIdx" || name == "blockIdx" || name == "blockDim" || name == "gridDim";
}

// The module's thread-local variables that are the runtime's own (the emulator's bookkeeping, the
// coordinates it may keep in thread_locals): offsets in its TLS segment. Everything else there is
// a kernel's __shared__ variable.
std::vector<std::pair<uintptr_t, uintptr_t>> runtime_tls_ranges() {
  std::vector<std::pair<uintptr_t, uintptr_t>> out;
  for (const TlsSymbol& s : module_tls_symbols())
    if (s.runtime) out.emplace_back(s.offset, s.offset + s.size);
  std::sort(out.begin(), out.end());
  return out;
}

// Whether `offset` in the TLS segment is the runtime's (a read of a coordinate, not of shared memory).
bool runtime_tls(uintptr_t offset) {
  static const std::vector<std::pair<uintptr_t, uintptr_t>> ranges = runtime_tls_ranges();
  auto it = std::upper_bound(ranges.begin(), ranges.end(), std::make_pair(offset, ~uintptr_t(0)));
  return it != ranges.begin() && offset < (it - 1)->second;
}

// This thread's instance of the module's TLS segment: where `static thread_local` (__shared__) lives.
int find_tls(dl_phdr_info* info, size_t, void* data) {
  auto* s = static_cast<TlsSearch*>(data);
  bool mine = false;
  size_t tlsBytes = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD) {
      uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
      if (s->inside >= lo && s->inside < lo + ph.p_memsz) mine = true;
    } else if (ph.p_type == PT_TLS) {
      tlsBytes = ph.p_memsz;
    }
  }
  if (!mine) return 0;
  if (info->dlpi_tls_data && tlsBytes) {
    s->lo = reinterpret_cast<uintptr_t>(info->dlpi_tls_data);
    s->hi = s->lo + tlsBytes;
  }
  return 1;
}

class Tap final : public Observer {
 public:
  void launch_begin(const LaunchInfo&) override {}
  void block_begin(const BlockInfo& b) override {
    BlockCtx& c = tls_ctx;
    if (c.tlsHi == 0) {
      TlsSearch s{reinterpret_cast<uintptr_t>(&find_tls)};
      dl_iterate_phdr(find_tls, &s);
      c.tlsLo = s.lo;
      c.tlsHi = s.hi;
    }
    c.active = true;
    c.launch = b.launch;
    c.linear = b.linear;
    c.threads = b.threads;
    c.dynLo = reinterpret_cast<uintptr_t>(b.dynShared);
    c.dynHi = c.dynLo + b.dynSharedBytes;
    c.parLo = reinterpret_cast<uintptr_t>(b.launch->params);
    c.parHi = c.parLo + b.launch->paramBytes;
    c.stacks = b.stacks;
  }
  void block_end(const BlockInfo&) override { tls_ctx.active = false; }
  void allocated(void* p, size_t bytes, bool device) override { memory_map().add(p, bytes, device); }
  void freed(void* p, size_t, bool) override { memory_map().remove(p); }
};

Tap& tap() {
  static Tap* t = new Tap();
  return *t;
}

inline void region_of(Alloc* a, Access& x) {
  x.region = a->region();
  x.region.handle = a;
  x.space = x.region.space;
}

}  // namespace

MemoryMap& memory_map() {
  static MemoryMap* m = new MemoryMap();
  return *m;
}

BlockCtx& block_ctx() { return tls_ctx; }

void install_tap() {
  static bool done = [] {
    add_observer(&tap());
    return true;
  }();
  (void)done;
}

uint32_t module_offset(uintptr_t pc) { return uint32_t(pc - module().base); }

std::string module_file() { return this_module().file; }

uintptr_t module_address(uint32_t offset) { return module().base + offset - this_module().bias; }

// Read from the module file's symbol table.
std::vector<TlsSymbol> module_tls_symbols() {
  std::vector<TlsSymbol> out;
  const std::string path = module_file();
  FILE* f = path.empty() ? nullptr : std::fopen(path.c_str(), "rb");
  if (!f) return out;
  std::vector<char> img;
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) img.insert(img.end(), buf, buf + n);
  std::fclose(f);
  if (img.size() < sizeof(ElfW(Ehdr))) return out;
  const auto* eh = reinterpret_cast<const ElfW(Ehdr)*>(img.data());
  if (std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_shoff + size_t(eh->e_shnum) * sizeof(ElfW(Shdr)) > img.size())
    return out;
  const auto* sh = reinterpret_cast<const ElfW(Shdr)*>(img.data() + eh->e_shoff);
  for (int i = 0; i < eh->e_shnum; ++i) {
    if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) continue;
    const ElfW(Shdr)& strs = sh[sh[i].sh_link];
    if (sh[i].sh_offset + sh[i].sh_size > img.size() || strs.sh_offset + strs.sh_size > img.size()) continue;
    const auto* sym = reinterpret_cast<const ElfW(Sym)*>(img.data() + sh[i].sh_offset);
    const size_t count = sh[i].sh_size / sizeof(ElfW(Sym));
    for (size_t k = 0; k < count; ++k) {
      if (ELF64_ST_TYPE(sym[k].st_info) != STT_TLS || sym[k].st_size == 0 || sym[k].st_name >= strs.sh_size) continue;
      std::string name(img.data() + strs.sh_offset + sym[k].st_name);
      const bool runtime = is_runtime_tls(name);
      out.push_back(TlsSymbol{std::move(name), sym[k].st_value, sym[k].st_size, runtime});
    }
  }
  return out;
}

Access classify(uintptr_t addr, uint32_t size, uintptr_t pc) {
  Access x;
  x.addr = addr;
  x.size = size;
  x.pc = pc;
  const ThreadCtx* th = tls_thread;
  const BlockCtx& c = tls_ctx;
  if (!th || !c.active) {
    x.host = true;
    if (Alloc* a = memory_map().find(addr)) region_of(a, x);
    return x;
  }
  x.tid = th->tid;
  x.warp = th->warp;
  x.lane = th->lane;
  x.block = c.linear;
  if (c.stacks && addr >= c.stacks[2 * th->tid] && addr < c.stacks[2 * th->tid + 1]) {
    x.space = Space::Local;
    return x;
  }
  if (addr >= c.tlsLo && addr < c.tlsHi) {
    if (runtime_tls(addr - c.tlsLo)) {
      x.space = Space::Local;  // the emulator's own thread-local state: not the kernel's memory
      return x;
    }
    x.space = Space::Shared;
    x.region = Region{c.tlsLo, c.tlsHi - c.tlsLo, Space::Shared, 0};
    return x;
  }
  if (addr >= c.dynLo && addr < c.dynHi) {
    x.space = Space::Shared;
    x.region = Region{c.dynLo, c.dynHi - c.dynLo, Space::Shared, 1};
    return x;
  }
  if (addr >= c.parLo && addr < c.parHi) {
    x.space = Space::Param;
    x.region = Region{c.parLo, c.parHi - c.parLo, Space::Param, 0};
    return x;
  }
  if (Alloc* a = memory_map().find(addr)) {
    region_of(a, x);
    if (addr + size > a->end) x.space = Space::Invalid;  // runs past its end
    return x;
  }
  if (memory_map().is_static(addr)) {
    x.space = Space::Static;
    return x;
  }
  x.space = Space::Invalid;
  return x;
}

}  // namespace wpemu::check

// ---- the hooks g++ -fsanitize=thread calls (--param tsan-instrument-func-entry-exit=0) ----

using wpemu::Access;
using wpemu::AccessKind;
using wpemu::AtomicOp;
using wpemu::MemOrder;
using wpemu::Observer;
using wpemu::Space;

namespace {

// Reports one plain access; an invalid one never happens: its block faults.
__attribute__((noinline)) void plain(uintptr_t addr, uint32_t size, bool write, bool isVolatile, uintptr_t pc) {
  if (!wpemu::observe::on() || wpemu::observe::quiet()) return;
  wpemu::observe::Quiet q;  // observers' own library calls are not the kernel's
  Access x = wpemu::check::classify(addr, size, pc);
  if (x.space == Space::Local) return;
  if (x.host && x.space != Space::Global && x.space != Space::Host) return;  // the host's own memory
  x.kind = write ? AccessKind::Write : AccessKind::Read;
  x.isVolatile = isVolatile;
  wpemu::observe::each([&](Observer& o) { o.access(x); });
  if (x.space == Space::Invalid && !x.host) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "invalid %s of %u bytes at 0x%lx by thread %u (block %u)", write ? "write" : "read",
                  size, (unsigned long)addr, x.tid, x.block);
    wpemu::fault_block(buf);
  }
}

MemOrder order_of(int mo) {
  switch (mo & 0x7fff) {
    case 0: return MemOrder::Relaxed;
    case 1: return MemOrder::Consume;
    case 2: return MemOrder::Acquire;
    case 3: return MemOrder::Release;
    case 4: return MemOrder::AcqRel;
    default: return MemOrder::SeqCst;
  }
}

// Stripes of locks that make an atomic and its observers' bookkeeping one step.
wpemu::check::SpinLock g_atomic_locks[wpemu::check::kAtomicStripes];
wpemu::check::SpinLock& lock_of(uintptr_t a) { return g_atomic_locks[wpemu::check::atomic_stripe(a)]; }

// An atomic: observers see it before (memcheck, initcheck, weak's flush), it happens, and they see
// its outcome under the lock of its address (racecheck's release/acquire).
template <class T, class Op>
T atomic(volatile void* p, AtomicOp op, int mo, uintptr_t pc, Op body, int failMo = -1) {
  const uintptr_t addr = reinterpret_cast<uintptr_t>(p);
  if (!wpemu::observe::on() || wpemu::observe::quiet()) {
    bool wrote = false;
    return body(wrote);
  }
  wpemu::observe::Quiet q;
  Access x = wpemu::check::classify(addr, sizeof(T), pc);
  x.kind = AccessKind::Atomic;
  x.op = op;
  x.order = order_of(mo);
  // Host atomics count wherever they are (they order host threads: a start flag on a stack).
  const bool reported = x.space != Space::Local;
  if (reported) wpemu::observe::each([&](Observer& o) { o.access(x); });
  if (x.space == Space::Invalid && !x.host) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "invalid atomic %s of %zu bytes at 0x%lx by thread %u (block %u)",
                  wpemu::atomic_op_name(op), sizeof(T), (unsigned long)addr, x.tid, x.block);
    wpemu::fault_block(buf);
  }
  if (!x.host && addr % sizeof(T) != 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "misaligned atomic %s of %zu bytes at 0x%lx by thread %u (block %u)",
                  wpemu::atomic_op_name(op), sizeof(T), (unsigned long)addr, x.tid, x.block);
    wpemu::fault_block(buf);
  }
  if (!reported) {
    bool wrote = false;
    return body(wrote);
  }
  auto& l = lock_of(addr);
  l.lock();
  bool wrote = false;
  T r = body(wrote);
  if (op == AtomicOp::Cas && !wrote && failMo >= 0) x.order = order_of(failMo);  // a failed CAS is a load
  wpemu::observe::each([&](Observer& o) { o.atomic_done(x, wrote); });
  l.unlock();
  return r;
}

template <class T>
T* ptr(volatile T* p) {
  return const_cast<T*>(p);
}

}  // namespace

#define PC reinterpret_cast<uintptr_t>(__builtin_return_address(0))

using wpemu_a8 = unsigned char;
using wpemu_a16 = unsigned short;
using wpemu_a32 = unsigned int;
using wpemu_a64 = unsigned long long;

extern "C" {

void __tsan_init() {}
void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
void __tsan_vptr_update(void**, void*) {}
void __tsan_vptr_read(void**) {}

#define WPEMU_PLAIN(n)                                                                        \
  void __tsan_read##n(void* a) { plain(reinterpret_cast<uintptr_t>(a), n, false, false, PC); }  \
  void __tsan_write##n(void* a) { plain(reinterpret_cast<uintptr_t>(a), n, true, false, PC); }  \
  void __tsan_unaligned_read##n(void* a) { plain(reinterpret_cast<uintptr_t>(a), n, false, false, PC); } \
  void __tsan_unaligned_write##n(void* a) { plain(reinterpret_cast<uintptr_t>(a), n, true, false, PC); } \
  void __tsan_volatile_read##n(void* a) { plain(reinterpret_cast<uintptr_t>(a), n, false, true, PC); }  \
  void __tsan_volatile_write##n(void* a) { plain(reinterpret_cast<uintptr_t>(a), n, true, true, PC); }  \
  void __tsan_unaligned_volatile_read##n(void* a) { plain(reinterpret_cast<uintptr_t>(a), n, false, true, PC); } \
  void __tsan_unaligned_volatile_write##n(void* a) { plain(reinterpret_cast<uintptr_t>(a), n, true, true, PC); }
WPEMU_PLAIN(1)
WPEMU_PLAIN(2)
WPEMU_PLAIN(4)
WPEMU_PLAIN(8)
WPEMU_PLAIN(16)
#undef WPEMU_PLAIN

void __tsan_read_range(void* a, unsigned long n) {
  if (n) plain(reinterpret_cast<uintptr_t>(a), uint32_t(n), false, false, PC);
}
void __tsan_write_range(void* a, unsigned long n) {
  if (n) plain(reinterpret_cast<uintptr_t>(a), uint32_t(n), true, false, PC);
}

// memcpy, memset and memmove of the instrumented objects (renamed by objcopy at build time): the
// library call itself is not instrumented, so its ranges are reported here.
void* wpemu_check_memcpy(void* d, const void* s, size_t n) {
  if (n) {
    plain(reinterpret_cast<uintptr_t>(s), uint32_t(n), false, false, PC);
    plain(reinterpret_cast<uintptr_t>(d), uint32_t(n), true, false, PC);
  }
  return std::memcpy(d, s, n);
}
void* wpemu_check_memmove(void* d, const void* s, size_t n) {
  if (n) {
    plain(reinterpret_cast<uintptr_t>(s), uint32_t(n), false, false, PC);
    plain(reinterpret_cast<uintptr_t>(d), uint32_t(n), true, false, PC);
  }
  return std::memmove(d, s, n);
}
void* wpemu_check_memset(void* d, int c, size_t n) {
  if (n) plain(reinterpret_cast<uintptr_t>(d), uint32_t(n), true, false, PC);
  return std::memset(d, c, n);
}

void __tsan_atomic_thread_fence(int mo) {
  if (!wpemu::observe::on() || wpemu::observe::quiet()) return __atomic_thread_fence(__ATOMIC_SEQ_CST);
  wpemu::observe::Quiet q;
  const MemOrder o = order_of(mo);
  wpemu::observe::each([&](Observer& ob) { ob.fence(o); });
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

#define WPEMU_RMW(n, T, name, Op, builtin)                                                                  \
  T __tsan_atomic##n##_##name(volatile T* a, T v, int mo) {                                                 \
    return atomic<T>(a, AtomicOp::Op, mo, PC, [&](bool& w) { w = true; return builtin(ptr(a), v, __ATOMIC_SEQ_CST); }); \
  }
#define WPEMU_CAS(n, T, name)                                                                               \
  int __tsan_atomic##n##_compare_exchange_##name(volatile T* a, T* c, T v, int mo, int fmo) {              \
    bool ok = false;                                                                                        \
    atomic<T>(a, AtomicOp::Cas, mo, PC, [&](bool& w) {                                                     \
      w = ok = __atomic_compare_exchange_n(ptr(a), c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);       \
      return T(0);                                                                                          \
    }, fmo);                                                                                                \
    return ok;                                                                                              \
  }
#define WPEMU_ATOMICS(n, T)                                                                                 \
  T __tsan_atomic##n##_load(const volatile T* a, int mo) {                                                 \
    return atomic<T>(const_cast<volatile T*>(a), AtomicOp::Load, mo, PC,                                    \
                     [&](bool&) { return __atomic_load_n(ptr(a), __ATOMIC_SEQ_CST); });                     \
  }                                                                                                         \
  void __tsan_atomic##n##_store(volatile T* a, T v, int mo) {                                              \
    atomic<T>(a, AtomicOp::Store, mo, PC, [&](bool& w) {                                                   \
      __atomic_store_n(ptr(a), v, __ATOMIC_SEQ_CST);                                                       \
      w = true;                                                                                             \
      return T(0);                                                                                          \
    });                                                                                                     \
  }                                                                                                         \
  WPEMU_RMW(n, T, exchange, Exchange, __atomic_exchange_n)                                                  \
  WPEMU_RMW(n, T, fetch_add, Add, __atomic_fetch_add)                                                       \
  WPEMU_RMW(n, T, fetch_sub, Sub, __atomic_fetch_sub)                                                       \
  WPEMU_RMW(n, T, fetch_and, And, __atomic_fetch_and)                                                       \
  WPEMU_RMW(n, T, fetch_or, Or, __atomic_fetch_or)                                                          \
  WPEMU_RMW(n, T, fetch_xor, Xor, __atomic_fetch_xor)                                                       \
  WPEMU_RMW(n, T, fetch_nand, Nand, __atomic_fetch_nand)                                                    \
  WPEMU_CAS(n, T, strong)                                                                                   \
  WPEMU_CAS(n, T, weak)                                                                                     \
  T __tsan_atomic##n##_compare_exchange_val(volatile T* a, T c, T v, int mo, int fmo) {                   \
    return atomic<T>(a, AtomicOp::Cas, mo, PC, [&](bool& w) {                                              \
      w = __atomic_compare_exchange_n(ptr(a), &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);           \
      return c;                                                                                             \
    }, fmo);                                                                                                \
  }

WPEMU_ATOMICS(8, wpemu_a8)
WPEMU_ATOMICS(16, wpemu_a16)
WPEMU_ATOMICS(32, wpemu_a32)
WPEMU_ATOMICS(64, wpemu_a64)
#undef WPEMU_ATOMICS
#undef WPEMU_CAS
#undef WPEMU_RMW

}  // extern "C"
