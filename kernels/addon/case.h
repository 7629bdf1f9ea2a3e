// class Case(params): one configured case of either backend. runSample() schedules a sample on
// a worker thread (Napi::AsyncWorker) and returns a Promise of the RawSample; close() lets the
// runner go (after any sample still in flight).
#pragma once
#include <napi.h>

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
  Napi::Value Close(const Napi::CallbackInfo& info);
  std::shared_ptr<CaseState> state_;
};

}  // namespace wpaddon
