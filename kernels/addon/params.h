// JS object -> CaseParams, validating every field (a bad value is a JS Error naming the field,
// never an abort). Returns which backend the case asked for.
#pragma once
#include <napi.h>

#include <string>

#include "writeprof/runner.h"

namespace wpaddon {

struct ParsedCase {
  std::string backend;  // "cpu" | "cuda" | "cuda-emu"
  wp::CaseParams params;
  wp::EmuOptions emu;  // cuda-emu only
};

ParsedCase parse_case_params(const Napi::Value& value);

}  // namespace wpaddon
