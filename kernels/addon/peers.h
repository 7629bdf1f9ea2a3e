// The peers' addon entry points: a peer case's runner, and redisInfo(target) (what a server
// says about itself, asked off the event loop: the run checks it is reachable before the sweep).
#pragma once
#include <napi.h>

#include <memory>

#include "params.h"
#include "writeprof/runner.h"

namespace wpaddon {

std::unique_ptr<wp::CaseRunner> make_peer_runner(const ParsedCase& parsed);

// redisInfo({ host, port, ... }) -> Promise<{ version, hiredis, fields: { name: value } }>;
// rejects with one line (unreachable, refused AUTH, timeout).
Napi::Value RedisInfo(const Napi::CallbackInfo& info);

}  // namespace wpaddon
