// Test-only: which planted bug is switched on (environment WP_PLANT), for the builds
// tests/verify/plants.ts makes of the real sources with plants patched in. Force-included
// (-include) there; never part of a writeprof build.
#pragma once
#include <cstdlib>
#include <cstring>

inline bool wp_plant(const char* name) {
  static const char* const on = std::getenv("WP_PLANT");
  return on != nullptr && std::strcmp(on, name) == 0;
}
