// Memory traffic of device code, counted on the instrumented emulator build the way Nsight Compute
// counts it on a GPU: one more observer of the access stream (wpemu/observe.h). A request is the
// lanes of one warp executing the same memory instruction: the same call site (pc) at the same
// dynamic occurrence in each lane. Global and mapped-host requests are measured in 32-byte sectors,
// shared-memory requests in wavefronts over 32 banks of 4 bytes. Per kernel name.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wpemu::traffic {

// Atomic read-modify-writes by operation (atomic loads and stores are ld/st instructions on a GPU:
// they count as loads and stores).
enum AtomicSlot : int { kExchange, kAdd, kSub, kAnd, kOr, kXor, kNand, kCas, kAtomicSlots };
const char* atomic_slot_name(int slot);

// One memory space's requests (a warp's memory instruction), split by what they do.
struct SpaceCounts {
  uint64_t loadRequests = 0, loadSectors = 0;
  uint64_t storeRequests = 0, storeSectors = 0;
  // Of those, atomic loads and stores (acquire/release flags, polls: synchronization, not data).
  uint64_t orderedLoadRequests = 0, orderedLoadSectors = 0;
  uint64_t orderedStoreRequests = 0, orderedStoreSectors = 0;
  uint64_t atomicRequests = 0, atomicSectors = 0;
  uint64_t atomics = 0;         // lanes' atomic operations (atomicRequests x active lanes)
  uint64_t requestedBytes = 0;  // what the lanes asked for, sum over lanes
};

struct Counts {
  uint64_t launches = 0, blocks = 0;
  SpaceCounts global;  // cudaMalloc memory
  SpaceCounts host;    // pinned host memory mapped into the device (zero-copy, across the host link)
  uint64_t atomicsByOp[kAtomicSlots] = {};  // global and host
  // shared memory: requests, the wavefronts they took, and the fewest they could have taken
  uint64_t sharedLoadRequests = 0, sharedStoreRequests = 0, sharedAtomicRequests = 0;
  uint64_t sharedWavefronts = 0, sharedIdealWavefronts = 0;
  // active lanes summed over every request above (global, host, shared)
  uint64_t requests = 0, activeLanes = 0;
  void add(const Counts& o);
};

// One memory instruction's share of a kernel's traffic (global, host or shared), by call site.
struct SiteCounts {
  uint32_t offset = 0;  // the site's offset in the module holding the instrumented code
  char space = 'g';     // g(lobal), h(ost), s(hared)
  char what = 'l';      // l(oad), s(tore), a(tomic)
  uint64_t requests = 0, sectors = 0, activeLanes = 0;  // sectors: wavefronts for shared memory
};

struct KernelCounts {
  std::string name;
  Counts counts;
  std::vector<SiteCounts> sites;
};

// Bytes the runner's own streams copied (cudaMemcpy*Async on a non-default stream): the staging
// that crosses the host link. The default stream's copies (verification read-back) are left out.
struct Copies {
  uint64_t hostToDevice = 0, deviceToHost = 0, deviceToDevice = 0;
};

// Installs the access tap and the counter (once), and starts or stops counting.
void enable(bool on);
bool enabled();
// Forgets what was counted (nothing may run).
void reset();
// What was counted since the last reset, per kernel in order of first launch, and the copies.
std::vector<KernelCounts> kernels();
Copies copies();

}  // namespace wpemu::traffic
