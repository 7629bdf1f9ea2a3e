// JS object -> CaseParams, validating every field (a bad value is a JS Error naming the field,
// never an abort). Returns which backend the case asked for.
#pragma once
#include <napi.h>

#include <string>

#include "writeprof/peers.h"
#include "writeprof/runner.h"

namespace wpaddon {

struct ParsedCase {
  std::string backend;  // "cpu" | "cuda" | "cuda-emu" | a peer: "redis" | "libcuckoo"
  wp::CaseParams params;
  wp::EmuOptions emu;                                    // backend "cuda-emu"
  wp::RedisTarget redis;                                 // backend "redis": the `peer` object
  wp::CuckooStore cuckooStore = wp::CuckooStore::Arena;  // backend "libcuckoo"
};

ParsedCase parse_case_params(const Napi::Value& value);
// The Redis `peer` object: { host, port, db, user, password, prefix, timeoutMs, command }.
wp::RedisTarget parse_redis_target(const Napi::Value& value);

}  // namespace wpaddon
