#include "case.h"

#include <functional>
#include <string>
#include <utility>

#include "params.h"
#include "peers.h"

namespace wpaddon {
namespace {

// The fields of a sample are declared in src/backends/contract.ts (SAMPLE), where every sample is
// checked on arrival; tests/native/contract.test.ts holds this conversion to them.
Napi::Object sample_to_js(Napi::Env env, const wp::SampleResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("elapsedNs", Napi::Number::New(env, double(r.elapsedNs)));
  o.Set("writes", Napi::Number::New(env, double(r.writes)));

  Napi::Object phases = Napi::Object::New(env);
  for (const auto& [name, ns] : r.phasesNs) phases.Set(name, Napi::Number::New(env, ns));
  o.Set("phasesNs", phases);

  Napi::Object counters = Napi::Object::New(env);
  counters.Set("lockRetries", Napi::Number::New(env, double(r.counters.lockRetries)));
  counters.Set("casFailures", Napi::Number::New(env, double(r.counters.casFailures)));
  counters.Set("probeSteps", Napi::Number::New(env, double(r.counters.probeSteps)));
  o.Set("counters", counters);

  Napi::Object v = Napi::Object::New(env);
  const wp::Verification& rv = r.verification;
  for (const auto& [name, count] : {std::pair<const char*, uint64_t>{"writes", rv.writes}, {"distinct", rv.distinct},
                                    {"verified", rv.verified}, {"lost", rv.lost}, {"stale", rv.stale},
                                    {"corrupted", rv.corrupted}, {"duplicates", rv.duplicates}})
    v.Set(name, Napi::Number::New(env, double(count)));
  o.Set("verification", v);

  Napi::Uint32Array lat = Napi::Uint32Array::New(env, r.latencyNs.size());
  for (size_t i = 0; i < r.latencyNs.size(); ++i) lat[i] = r.latencyNs[i];
  o.Set("latencyNs", lat);

  Napi::Array notes = Napi::Array::New(env, r.notes.size());
  for (size_t i = 0; i < r.notes.size(); ++i) notes.Set(uint32_t(i), Napi::String::New(env, r.notes[i]));
  o.Set("notes", notes);

  if (r.bandwidth) {
    Napi::Object b = Napi::Object::New(env);
    b.Set("deviceCopyBytesPerSec", Napi::Number::New(env, r.bandwidth->deviceCopyBytesPerSec));
    b.Set("pinnedH2DBytesPerSec", Napi::Number::New(env, r.bandwidth->pinnedH2DBytesPerSec));
    b.Set("deviceCopyBytes", Napi::Number::New(env, double(r.bandwidth->deviceCopyBytes)));
    b.Set("h2dBytes", Napi::Number::New(env, double(r.bandwidth->h2dBytes)));
    o.Set("bandwidth", b);
  }
  return o;
}

// Runs `work` on the case's runner off the event loop and resolves with `result(env)`. Every C++
// exception becomes the promise's rejection message.
class RunnerWorker final : public Napi::AsyncWorker {
 public:
  using Work = std::function<void(wp::CaseRunner&)>;
  using Result = std::function<Napi::Value(Napi::Env)>;

  RunnerWorker(Napi::Env env, const char* name, std::shared_ptr<CaseState> state, Work work, Result result)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        state_(std::move(state)),
        runner_(state_->runner),
        work_(std::move(work)),
        result_(std::move(result)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      work_(*runner_);
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("native call failed with a non-standard exception");
    }
  }

  void OnOK() override {
    state_->busy = false;
    runner_.reset();
    deferred_.Resolve(result_(Env()));
  }

  void OnError(const Napi::Error& e) override {
    state_->busy = false;
    runner_.reset();
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<CaseState> state_;
  std::shared_ptr<wp::CaseRunner> runner_;  // keeps the runner alive across a close()
  Work work_;
  Result result_;
};

// The emulator addon (writeprof_emu.node) runs kernels/cuda on the host SIMT emulator and nothing
// else: its "CUDA" is emulated, so it must never answer for the real backend.
std::unique_ptr<wp::CaseRunner> make_runner(const ParsedCase& c) {
#if defined(WP_CHECK_ADDON)
  if (c.backend != "cuda-emu")
    throw wp::ConfigError("backend " + c.backend + ": this addon holds the checked CUDA emulator only (backend cuda-emu)");
  return wp::makeCheckedCudaRunner(c.params, c.emu);
#elif defined(WP_EMU_ADDON)
  if (c.backend != "cuda-emu")
    throw wp::ConfigError("backend " + c.backend + ": this addon holds the CUDA emulator only (backend cuda-emu)");
  return wp::makeEmulatedCudaRunner(c.params, c.emu);
#else
  if (c.backend == "cuda-emu")
    throw wp::ConfigError("backend cuda-emu: runs in the emulator addon (build/Release/writeprof_emu.node)");
  if (c.backend == "cuda") return wp::makeCudaRunner(c.params);
  if (c.backend == "cpu") return wp::makeCpuRunner(c.params);
  return make_peer_runner(c);
#endif
}

}  // namespace

Napi::Function Case::Define(Napi::Env env) {
  return DefineClass(env, "Case",
                     {InstanceMethod<&Case::RunSample>("runSample"), InstanceMethod<&Case::Finish>("finish"),
                      InstanceMethod<&Case::Close>("close")});
}

Case::Case(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Case>(info), state_(std::make_shared<CaseState>()) {
  Napi::Env env = info.Env();
  ParsedCase parsed = parse_case_params(info[0]);
  try {
    state_->runner = make_runner(parsed);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "case setup failed with a non-standard exception");
  }
}

Napi::Value Case::Queue(const Napi::CallbackInfo& info, const char* name, std::function<void(wp::CaseRunner&)> work,
                        std::function<Napi::Value(Napi::Env)> result) {
  Napi::Env env = info.Env();
  auto reject = [&](const char* msg) {
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
    d.Reject(Napi::Error::New(env, msg).Value());
    return d.Promise();
  };
  if (!state_->runner) return reject("case is closed");
  if (state_->busy) return reject("a sample of this case is already running; await it first");
  state_->busy = true;
  auto* worker = new RunnerWorker(env, name, state_, std::move(work), std::move(result));  // deletes itself when done
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Case::RunSample(const Napi::CallbackInfo& info) {
  auto sample = std::make_shared<wp::SampleResult>();
  return Queue(
      info, "writeprof.sample", [sample](wp::CaseRunner& r) { *sample = r.runSample(); },
      [sample](Napi::Env env) -> Napi::Value { return sample_to_js(env, *sample); });
}

Napi::Value Case::Finish(const Napi::CallbackInfo& info) {
  return Queue(
      info, "writeprof.finish", [](wp::CaseRunner& r) { r.finish(); }, [](Napi::Env env) { return env.Undefined(); });
}

Napi::Value Case::Close(const Napi::CallbackInfo& info) {
  state_->runner.reset();  // a sample in flight holds its own reference
  return info.Env().Undefined();
}

}  // namespace wpaddon
