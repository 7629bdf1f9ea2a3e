// class Case(params): one configured case of any backend. runSample() schedules a sample on
// a worker thread (Napi::AsyncWorker) and returns a Promise of the RawSample; finish() releases
// what the case holds outside the process (a peer's keys), off the event loop too; close() lets
// the runner go (after any sample still in flight).
#pragma once
#include <napi.h>

#include <functional>
#include <memory>

#include "writeprof/runner.h"

namespace wpaddon {

struct CaseState {
  std::shared_ptr<wp::CaseRunner> runner;  // null once closed
  bool busy = false;                       // touched on the JS thread only
};

class Case : public Napi::ObjectWrap<Case> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Case(const Napi::CallbackInfo& info);

 private:
  Napi::Value RunSample(const Napi::CallbackInfo& info);
  Napi::Value Finish(const Napi::CallbackInfo& info);
  // Schedules `work` on the runner (one call at a time per case); a Promise of `result`.
  Napi::Value Queue(const Napi::CallbackInfo& info, const char* name, std::function<void(wp::CaseRunner&)> work,
                    std::function<Napi::Value(Napi::Env)> result);
  Napi::Value Close(const Napi::CallbackInfo& info);
  std::shared_ptr<CaseState> state_;
};

}  // namespace wpaddon
