#include "params.h"

#include <cmath>
#include <set>

namespace wpaddon {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1

// The message format of src/errors.ts invalid(): "<field>: <value> is invalid; allowed: <allowed>".
[[noreturn]] void invalid(const Napi::Env& env, const std::string& field, const Napi::Value& v,
                          const std::string& allowed) {
  std::string shown;
  if (v.IsUndefined()) shown = "undefined";
  else if (v.IsNull()) shown = "null";
  else if (v.IsString()) shown = "\"" + v.As<Napi::String>().Utf8Value() + "\"";
  else if (v.IsNumber() || v.IsBoolean()) shown = v.ToString().Utf8Value();
  else shown = "a value of type " + std::string(v.IsObject() ? "object" : "other");
  throw Napi::Error::New(env, field + ": " + shown + " is invalid; allowed: " + allowed);
}

class Reader {
 public:
  Reader(Napi::Object obj) : obj_(obj), env_(obj.Env()) {}

  std::string oneOf(const char* field, std::initializer_list<const char*> allowed) {
    Napi::Value v = get(field);
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    if (v.IsString()) {
      std::string s = v.As<Napi::String>().Utf8Value();
      for (const char* a : allowed)
        if (s == a) return s;
    }
    invalid(env_, field, v, list);
  }

  double number(const char* field, double lo, double hi, bool integer, const std::string& allowed) {
    Napi::Value v = get(field);
    if (!v.IsNumber()) invalid(env_, field, v, allowed);
    double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || (integer && std::floor(d) != d) || d < lo || d > hi) invalid(env_, field, v, allowed);
    return d;
  }

  // Open-below interval (lo, hi].
  double above(const char* field, double lo, double hi, const std::string& allowed) {
    double d = number(field, lo, hi, false, allowed);
    if (!(d > lo)) invalid(env_, field, get(field), allowed);
    return d;
  }

  // A string of at most maxLen bytes. `secret`: a bad value is never shown (a password).
  std::string text(const char* field, size_t maxLen, bool secret = false) {
    Napi::Value v = get(field);
    if (v.IsString()) {
      std::string s = v.As<Napi::String>().Utf8Value();
      if (s.size() <= maxLen) return s;
    }
    std::string allowed = "a string of at most " + std::to_string(maxLen) + " bytes";
    if (secret) throw Napi::Error::New(env_, std::string(field) + ": the value is invalid; allowed: " + allowed);
    invalid(env_, field, v, allowed);
  }

  bool has(const char* field) { return !get(field).IsUndefined(); }

  bool boolean(const char* field) {
    Napi::Value v = get(field);
    if (!v.IsBoolean()) invalid(env_, field, v, "true or false");
    return v.As<Napi::Boolean>().Value();
  }

  void rejectUnknown(const std::set<std::string>& known) {
    Napi::Array names = obj_.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string name = names.Get(i).ToString().Utf8Value();
      if (!known.count(name)) throw Napi::Error::New(env_, name + ": unknown field; allowed: the fields of NativeCaseParams");
    }
  }

 private:
  Napi::Value get(const char* field) { return obj_.Get(field); }
  Napi::Object obj_;
  Napi::Env env_;
};

wp::Strategy strategy_of(const std::string& s) {
  if (s == "baseline") return wp::Strategy::Baseline;
  if (s == "warp-coop") return wp::Strategy::WarpCoop;
  if (s == "lock-free") return wp::Strategy::LockFree;
  if (s == "mem-opt") return wp::Strategy::MemOpt;
  return wp::Strategy::WriteCombine;
}

// libcuckoo's `peer` object: which store.
wp::CuckooStore parse_cuckoo_store(const Napi::Value& value) {
  if (!value.IsObject() || value.IsArray()) throw Napi::Error::New(value.Env(), "peer: expected an object of peer settings");
  Reader r(value.As<Napi::Object>());
  r.rejectUnknown({"store"});
  return r.oneOf("store", {"arena", "inline"}) == "inline" ? wp::CuckooStore::Inline : wp::CuckooStore::Arena;
}

wp::Mode mode_of(const std::string& s) {
  if (s == "single") return wp::Mode::Single;
  if (s == "batch") return wp::Mode::Batch;
  return wp::Mode::Concurrent;
}

}  // namespace

ParsedCase parse_case_params(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || value.IsArray()) throw Napi::Error::New(env, "params: expected an object of case parameters");
  Reader r(value.As<Napi::Object>());
  ParsedCase out;
  out.backend = r.oneOf("backend", {"cpu", "cuda", "cuda-emu", "redis", "libcuckoo"});
  const bool emu = out.backend == "cuda-emu";
  std::set<std::string> known{"backend", "strategy", "mode", "valueSize", "batchSize", "threads", "keys", "loadFactor",
                              "dist", "zipfTheta", "seed", "countConflicts", "slowdownNs", "latencyEvery", "arenaLimitBytes",
                              "peer"};
  if (emu) known.insert({"emuSeed", "emuWorkers", "emuTimeoutSec"});
  r.rejectUnknown(known);

  wp::CaseParams& p = out.params;
  // Peers have no strategy: theirs is "peer", and their settings come in a `peer` object.
  bool peer = out.backend == "redis" || out.backend == "libcuckoo";
  if (peer) {
    r.oneOf("strategy", {"peer"});
    Napi::Value settings = value.As<Napi::Object>().Get("peer");
    if (out.backend == "redis") out.redis = parse_redis_target(settings);
    else out.cuckooStore = parse_cuckoo_store(settings);
  } else {
    if (r.has("peer")) throw Napi::Error::New(env, "peer: allowed only with a peer backend (redis, libcuckoo)");
    p.strategy = strategy_of(r.oneOf("strategy", {"baseline", "warp-coop", "lock-free", "mem-opt", "write-combine"}));
  }
  p.mode = mode_of(r.oneOf("mode", {"single", "batch", "concurrent"}));
  p.valueSize = uint32_t(r.number("valueSize", wp::kMinValueSize, wp::kMaxValueSize, true, "an integer from 8 to 65536"));
  p.batchSize = uint32_t(r.number("batchSize", 1, 1 << 24, true, "an integer from 1 to 16777216"));
  p.threads = uint32_t(r.number("threads", 1, 1024, true, "an integer from 1 to 1024"));
  p.keys = uint64_t(r.number("keys", 1, 4294967296.0, true, "an integer from 1 to 4294967296"));
  p.loadFactor = r.above("loadFactor", 0, 1, "a number in (0, 1]");
  // The table has keys / loadFactor slots; beyond 2^40 the runners' bucket count would overflow.
  if (double(p.keys) / p.loadFactor > 1099511627776.0)
    invalid(env, "loadFactor", value.As<Napi::Object>().Get("loadFactor"),
            "a number in (0, 1] with keys / loadFactor at most 2^40 slots");
  p.zipf = r.oneOf("dist", {"uniform", "zipf"}) == "zipf";
  p.zipfTheta = p.zipf ? r.above("zipfTheta", 0, 100, "a number in (0, 100]")
                       : r.number("zipfTheta", -kMaxSafeInteger, kMaxSafeInteger, false, "a finite number");
  p.seed = uint64_t(r.number("seed", 0, kMaxSafeInteger, true, "an integer from 0 to 2^53-1"));
  p.countConflicts = r.boolean("countConflicts");
  p.slowdownNs = uint32_t(r.number("slowdownNs", 0, 1e9, true, "an integer from 0 to 1000000000"));
  p.latencyEvery = uint32_t(r.number("latencyEvery", 0, 4294967295.0, true, "an integer from 0 to 4294967295"));
  p.arenaLimitBytes = uint64_t(r.number("arenaLimitBytes", 1, kMaxSafeInteger, true, "an integer from 1 to 2^53-1"));
  if (emu) {
    out.emu.seed = uint64_t(r.number("emuSeed", 0, kMaxSafeInteger, true, "an integer from 0 to 2^53-1"));
    out.emu.workers = uint32_t(r.number("emuWorkers", 0, 256, true, "an integer from 0 (one per core) to 256"));
    out.emu.timeoutSec = r.above("emuTimeoutSec", 0, 86400, "a number of seconds in (0, 86400]");
  }
  return out;
}

wp::RedisTarget parse_redis_target(const Napi::Value& value) {
  if (!value.IsObject() || value.IsArray()) throw Napi::Error::New(value.Env(), "peer: expected an object of Redis settings");
  Reader r(value.As<Napi::Object>());
  r.rejectUnknown({"host", "port", "db", "user", "password", "prefix", "timeoutMs", "command"});
  wp::RedisTarget t;
  t.host = r.text("host", 255);
  t.port = int(r.number("port", 1, 65535, true, "an integer from 1 to 65535"));
  t.db = int(r.number("db", 0, 1 << 20, true, "an integer from 0 to 1048576"));
  t.user = r.text("user", 255);
  t.password = r.text("password", 4096, true);
  t.prefix = r.text("prefix", 64);
  t.timeoutMs = uint32_t(r.number("timeoutMs", 1, 3600000, true, "an integer from 1 to 3600000"));
  t.mset = r.oneOf("command", {"set", "mset"}) == "mset";
  return t;
}

}  // namespace wpaddon
