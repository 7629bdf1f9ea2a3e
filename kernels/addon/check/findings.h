// The check addon's functions: configureCheck({memcheck, racecheck, initcheck, synccheck, weak}),
// takeFindings() -> [finding], checkInfo() -> { module, limits, kernels }.
#pragma once
#include <napi.h>

namespace wpaddon {

Napi::Value ConfigureCheck(const Napi::CallbackInfo& info);
Napi::Value TakeFindings(const Napi::CallbackInfo& info);
Napi::Value CheckInfo(const Napi::CallbackInfo& info);

}  // namespace wpaddon
