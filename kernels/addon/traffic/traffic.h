// The check addon's memory-traffic functions (writeprof_check.node): countTraffic(on) starts or
// stops the counter and forgets what it counted; takeTraffic() -> { kernels, copies } is what it
// counted since (fields declared in src/backends/contract.ts: TRAFFIC).
#pragma once
#include <napi.h>

namespace wpaddon {

Napi::Value CountTraffic(const Napi::CallbackInfo& info);
Napi::Value TakeTraffic(const Napi::CallbackInfo& info);

}  // namespace wpaddon
