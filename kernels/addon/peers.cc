#include "peers.h"

#include <utility>

#include "writeprof/peers.h"

namespace wpaddon {
namespace {

class RedisInfoWorker final : public Napi::AsyncWorker {
 public:
  RedisInfoWorker(Napi::Env env, wp::RedisTarget target)
      : Napi::AsyncWorker(env, "writeprof.redisInfo"), deferred_(Napi::Promise::Deferred::New(env)), target_(std::move(target)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      info_ = wp::redisServerInfo(target_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("version", info_.version);
    o.Set("hiredis", wp::hiredisVersion());
    Napi::Object fields = Napi::Object::New(env);
    for (const auto& [k, v] : info_.fields) fields.Set(k, v);
    o.Set("fields", fields);
    deferred_.Resolve(o);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  wp::RedisTarget target_;
  wp::RedisServerInfo info_;
};

}  // namespace

std::unique_ptr<wp::CaseRunner> make_peer_runner(const ParsedCase& parsed) {
  if (parsed.backend == "redis") return wp::makeRedisRunner(parsed.params, parsed.redis);
  return wp::makeCuckooRunner(parsed.params, parsed.cuckooStore);
}

Napi::Value RedisInfo(const Napi::CallbackInfo& info) {
  wp::RedisTarget target = parse_redis_target(info[0]);
  auto* worker = new RedisInfoWorker(info.Env(), std::move(target));  // deletes itself when done
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace wpaddon
