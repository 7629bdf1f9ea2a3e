// Strategy and mode names as TypeScript, the results and the notes spell them: one table each,
// read both ways (the addon parses names, runners print them).
#pragma once
#include <string_view>
#include <utility>

#include "writeprof/runner.h"

namespace wp::host {

inline constexpr std::pair<Strategy, const char*> kStrategyNames[] = {
    {Strategy::Baseline, "baseline"}, {Strategy::WarpCoop, "warp-coop"},         {Strategy::LockFree, "lock-free"},
    {Strategy::MemOpt, "mem-opt"},    {Strategy::WriteCombine, "write-combine"}, {Strategy::User, "user"},
};
inline constexpr std::pair<Mode, const char*> kModeNames[] = {
    {Mode::Single, "single"}, {Mode::Batch, "batch"}, {Mode::Concurrent, "concurrent"}};

template <class E, size_t N>
const char* name_of(const std::pair<E, const char*> (&table)[N], E v) {
  for (const auto& [e, name] : table)
    if (e == v) return name;
  return "?";
}

// The value named `name`, or false when the table has no such name.
template <class E, size_t N>
bool value_of(const std::pair<E, const char*> (&table)[N], std::string_view name, E* out) {
  for (const auto& [e, n] : table)
    if (name == n) {
      *out = e;
      return true;
    }
  return false;
}

inline const char* strategy_name(Strategy s) { return name_of(kStrategyNames, s); }
inline const char* mode_name(Mode m) { return name_of(kModeNames, m); }

}  // namespace wp::host
