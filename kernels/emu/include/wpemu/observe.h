// What the emulator tells its observers: every memory access of device code in the instrumented
// build (kernels/cuda compiled with -fsanitize=thread, whose hooks live in kernels/emu/check), and
// the runtime's events that order those accesses (launches, blocks, warp rendezvous, barriers,
// stream operations, allocations). `writeprof check`'s tools are observers; so can be a counter of
// memory traffic (one Access per lane: a warp-level request is the lanes of one warp at one `pc`
// with the same per-lane occurrence number). In the plain build nothing observes: every call
// below is one test of a global counter.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "types.h"

namespace wpemu {

enum class Space : uint8_t {
  Local,    // the thread's own stack (never reported to observers)
  Shared,   // the block's __shared__ variables and dynamic shared memory
  Global,   // a live cudaMalloc allocation
  Host,     // pinned or mapped host memory (cudaHostAlloc, cudaMallocHost)
  Param,    // the launch's kernel arguments
  Static,   // the program's own globals and constants
  Invalid,  // none of the above: outside every allocation, or freed
};
const char* space_name(Space s);

enum class AccessKind : uint8_t { Read, Write, Atomic };
enum class AtomicOp : uint8_t { None, Load, Store, Exchange, Add, Sub, And, Or, Xor, Nand, Cas };
enum class MemOrder : uint8_t { Relaxed, Consume, Acquire, Release, AcqRel, SeqCst };
const char* atomic_op_name(AtomicOp op);

// The allocation (or shared-memory window, argument block...) an address falls in.
struct Region {
  uintptr_t base = 0;
  size_t bytes = 0;
  Space space = Space::Invalid;
  uint64_t id = 0;  // allocation number (Global, Host): stable within a process
  void* handle = nullptr;  // the checker's record of the allocation (kernels/emu/check)
};

// One access of one thread, as the instruction is about to execute it.
struct Access {
  uintptr_t addr = 0;
  uint32_t size = 0;
  AccessKind kind = AccessKind::Read;
  AtomicOp op = AtomicOp::None;
  MemOrder order = MemOrder::Relaxed;
  bool isVolatile = false;
  Space space = Space::Invalid;
  Region region;      // where addr falls (space Invalid: nowhere valid)
  uintptr_t pc = 0;   // the access's instruction: site_of(pc) names file and line
  bool host = false;  // host code (the runner), not a kernel thread: then no block/warp/lane
  unsigned block = 0, warp = 0, lane = 0, tid = 0;  // linear block index, warp in block, lane, thread in block
};

// A launch as observers see it.
struct LaunchInfo {
  uint64_t id = 0;      // launches numbered from 1 in this process
  uint64_t stream = 0;  // the stream's id (0: the default stream)
  std::string name;
  dim3 grid, block;
  size_t sharedBytes = 0;
  const void* params = nullptr;  // the argument block every thread reads its arguments from
  size_t paramBytes = 0;
};

struct BlockInfo {
  const LaunchInfo* launch = nullptr;
  unsigned linear = 0;  // block index, x fastest
  unsigned threads = 0;
  void* dynShared = nullptr;
  size_t dynSharedBytes = 0;
  const uintptr_t* stacks = nullptr;  // [2 * tid] .. [2 * tid + 1]: thread tid's stack range
};

class Observer {
 public:
  virtual ~Observer() = default;
  // Kernel threads and instrumented host code (Access::host), before the access; an atomic's value
  // is read or written after every observer returned.
  virtual void access(const Access&) {}
  // An atomic just took effect (under a lock of its address: no other atomic on it in between).
  // `wrote`: it changed memory (a store, an RMW, a CAS that succeeded).
  virtual void atomic_done(const Access&, bool wrote) {}
  virtual void fence(MemOrder) {}
  // Stream executor thread, around a launch's blocks.
  virtual void launch_begin(const LaunchInfo&) {}
  virtual void launch_end(const LaunchInfo&) {}
  // The OS thread that runs the block, before its first thread starts and after its last ended.
  virtual void block_begin(const BlockInfo&) {}
  virtual void block_end(const BlockInfo&) {}
  // On the block's OS thread: the scheduler leaves thread `from` for `to` (-1: the scheduler).
  virtual void switch_threads(int from, int to) {}
  virtual void thread_exit(unsigned tid) {}
  // A warp rendezvous completed: lanes `mask` of `warp` are ordered with one another.
  virtual void warp_sync(unsigned warp, unsigned mask) {}
  // __syncthreads completed: every thread of the block is ordered with every other.
  virtual void block_sync() {}
  // Host thread: an operation is enqueued on a stream; the token comes back at op_begin.
  virtual void* op_enqueue(uint64_t stream) { return nullptr; }
  // Stream executor: the operation starts and ends (stream order).
  virtual void op_begin(uint64_t stream, void* token) {}
  virtual void op_end(uint64_t stream) {}
  // Stream executor, inside an operation: cudaMemcpy* and cudaMemset* on device or host memory.
  virtual void copied(void* dst, const void* src, size_t bytes) {}
  virtual void filled(void* dst, size_t bytes) {}
  // Host thread: it waited for a stream, an event or the device (it now knows what they did).
  virtual void host_waited_stream(uint64_t stream) {}
  virtual void event_reached(const void* event, uint64_t stream) {}  // executor, at the record point
  virtual void host_waited_event(const void* event) {}
  virtual void allocated(void* p, size_t bytes, bool device) {}
  virtual void freed(void* p, size_t bytes, bool device) {}
};

// ---- runtime services for observers, on a kernel thread ----
// Ends the running thread's block with this fault (as a failed launch: the case fails).
[[noreturn]] void fault_block(const std::string& what);
// A scheduling point at a plain memory access (racecheck, weak): another thread may run first.
void access_switch_point();
// This block's scheduler seed, for observers that make seeded choices of their own.
uint64_t block_seed();

// Observers are registered between cases, while no kernel runs.
void add_observer(Observer* o);
void remove_observer(Observer* o);

// ---- called by the runtime (kernels/emu/src) and the access hooks (kernels/emu/check) ----
namespace observe {
extern int g_count;
// The runtime's and observers' own code on a thread (a kernel thread or a host thread) may call
// inline library code the instrumented objects hold too (the linker keeps one copy, perhaps the
// instrumented one): while a Quiet lives on a thread, the access hooks ignore that thread.
int* quiet_counter();
struct Quiet {
  int* c = nullptr;
  Quiet() {
    if (g_count) ++*(c = quiet_counter());  // the plain build: one test
  }
  ~Quiet() {
    if (c) --*c;
  }
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;
};
bool quiet();
Observer* const* all();
inline bool on() { return g_count != 0; }
template <class F>
inline void each(F f) {
  Observer* const* o = all();
  for (int i = 0; i < g_count; ++i) f(*o[i]);
}
}  // namespace observe

}  // namespace wpemu
