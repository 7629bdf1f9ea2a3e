// Module entry: cpuInfo(), cudaStatus(), class Case, redisInfo(). Converting and scheduling only; every
// decision about what to run lives in TypeScript.
#include <napi.h>

#include <fstream>
#include <string>
#include <thread>

#include "case.h"
#if defined(WP_CHECK_ADDON)
#include "check/findings.h"
#include "traffic/traffic.h"
#endif
#include "peers.h"
#include "writeprof/runner.h"

namespace wpaddon {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  // x86 says "model name"; some ARM kernels only "Hardware" or "Processor".
  for (const char* field : {"model name", "Hardware", "Processor"}) {
    in.clear();
    in.seekg(0);
    while (std::getline(in, line)) {
      if (line.rfind(field, 0) != 0) continue;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      size_t start = line.find_first_not_of(" \t", colon + 1);
      if (start != std::string::npos) return line.substr(start);
    }
  }
  return "unknown CPU";
}

Napi::Value CpuInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("model", cpu_model());
  unsigned cores = std::thread::hardware_concurrency();
  o.Set("cores", Napi::Number::New(env, cores ? cores : 1));
  return o;
}

Napi::Value CudaStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  wp::CudaStatus s;
  try {
    s = wp::cudaStatus();
  } catch (const std::exception& e) {
    s.reason = e.what();
  } catch (...) {
    s.reason = "CUDA status query failed with a non-standard exception";
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("compiled", s.compiled);
  o.Set("available", s.available);
  o.Set("reason", s.reason);
  o.Set("name", s.name);
  o.Set("ccMajor", s.ccMajor);
  o.Set("ccMinor", s.ccMinor);
  o.Set("sms", s.sms);
  o.Set("memoryBytes", double(s.memoryBytes));
  o.Set("memBandwidthGBs", s.memBandwidthGBs);
  o.Set("pcieGen", s.pcieGen);
  o.Set("pcieWidth", s.pcieWidth);
  o.Set("runtimeVersion", s.runtimeVersion);
  o.Set("driverVersion", s.driverVersion);
  return o;
}

// The strategy file linked into this build (writeprof/kernel.cuh's WP_STRATEGY), or null.
Napi::Value StrategyFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  wp::StrategyFileInfo s = wp::strategyFileInfo();
  if (!s.present) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("apiVersion", s.apiVersion);
  o.Set("block", s.block);
  o.Set("writesPerBlock", s.writesPerBlock);
  o.Set("orderRun", s.orderRun);
  o.Set("single", s.single);
  o.Set("kernelApiVersion", s.kernelApiVersion);
  return o;
}

}  // namespace
}  // namespace wpaddon

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuInfo", Napi::Function::New<wpaddon::CpuInfo>(env, "cpuInfo"));
  exports.Set("cudaStatus", Napi::Function::New<wpaddon::CudaStatus>(env, "cudaStatus"));
  exports.Set("Case", wpaddon::Case::Define(env));
  exports.Set("redisInfo", Napi::Function::New<wpaddon::RedisInfo>(env, "redisInfo"));
  exports.Set("strategyFile", Napi::Function::New<wpaddon::StrategyFile>(env, "strategyFile"));
#if defined(WP_CHECK_ADDON)
  exports.Set("configureCheck", Napi::Function::New<wpaddon::ConfigureCheck>(env, "configureCheck"));
  exports.Set("takeFindings", Napi::Function::New<wpaddon::TakeFindings>(env, "takeFindings"));
  exports.Set("checkInfo", Napi::Function::New<wpaddon::CheckInfo>(env, "checkInfo"));
  exports.Set("countTraffic", Napi::Function::New<wpaddon::CountTraffic>(env, "countTraffic"));
  exports.Set("takeTraffic", Napi::Function::New<wpaddon::TakeTraffic>(env, "takeTraffic"));
#endif
  return exports;
}

NODE_API_MODULE(writeprof, Init)
