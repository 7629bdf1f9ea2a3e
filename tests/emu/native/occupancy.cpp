// Prints the emulator's occupancy model (kernels/emu/src/occupancy.cc) over a grid of kernels and
// block sizes, one JSON line each, for tests/emu/occupancy.test.ts to compare with
// src/occupancy/occupancy.ts.
#include <cstdio>
#include <initializer_list>

#include "wpemu/occupancy.h"

int main() {
  const char* names[] = {"warps", "blocks", "registers", "shared"};
  for (const wpemu::ArchLimits& a : wpemu::kArchLimits)
    for (int regs : {1, 16, 32, 40, 64, 96, 128, 168, 255})
      for (int shared : {0, 100, 1024, 8 << 10, 33 << 10, 48 << 10, 100 << 10})
        for (int block : {1, 31, 32, 64, 96, 128, 200, 256, 512, 640, 1024, 2048}) {
          wpemu::Occupancy o;
          if (!wpemu::theoretical_occupancy(a, regs, size_t(shared), block, &o)) continue;
          std::printf("{\"arch\":\"%s\",\"registers\":%d,\"sharedBytes\":%d,\"blockSize\":%d,\"blocksPerSM\":%d,\"warpsPerSM\":%d,\"limitedBy\":\"%s\"}\n",
                      a.arch, regs, shared, block, o.blocksPerSM, o.warpsPerSM, names[int(o.limitedBy)]);
        }
  return 0;
}
