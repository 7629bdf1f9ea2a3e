#include "params.h"

#include <cmath>
#include <set>

#include "writeprof/host/names.h"
#include "writeprof/limits.h"
#include "writeprof/params.h"

namespace wpaddon {
namespace {

namespace lim = wp::limits;

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

// The field names of every object the addon reads are declared once, in TypeScript
// (src/backends/contract.ts); tests/native/contract.test.ts holds this reader to them.
class Reader {
 public:
  Reader(Napi::Object obj) : obj_(obj), env_(obj.Env()) {}

  template <class E, size_t N>
  E oneOf(const char* field, const std::pair<E, const char*> (&table)[N]) {
    Napi::Value v = get(field);
    E out{};
    if (v.IsString() && wp::host::value_of(table, v.As<Napi::String>().Utf8Value(), &out)) return out;
    std::string list;
    for (const auto& [e, name] : table) list += (list.empty() ? "" : ", ") + std::string(name);
    invalid(env_, field, v, list);
  }

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

  // A number within one of src/limits.ts's ranges.
  double number(const char* field, const lim::Range& r) {
    Napi::Value v = get(field);
    if (!v.IsNumber() || !r.holds(v.As<Napi::Number>().DoubleValue())) invalid(env_, field, v, r.allowed);
    return v.As<Napi::Number>().DoubleValue();
  }

  // Any finite number (a field that means nothing for this case, still a number).
  double finite(const char* field) {
    Napi::Value v = get(field);
    if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) invalid(env_, field, v, "a finite number");
    return v.As<Napi::Number>().DoubleValue();
  }

  // A string of at most `bytes.max` bytes. `secret`: a bad value is never shown (a password).
  std::string text(const char* field, const lim::Range& bytes, bool secret = false) {
    Napi::Value v = get(field);
    if (v.IsString()) {
      std::string s = v.As<Napi::String>().Utf8Value();
      if (s.size() <= bytes.max) return s;
    }
    std::string allowed = "a string of at most " + std::to_string(uint64_t(bytes.max)) + " bytes";
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

  Napi::Value get(const char* field) { return obj_.Get(field); }

 private:
  Napi::Object obj_;
  Napi::Env env_;
};

// libcuckoo's `peer` object: which store.
wp::CuckooStore parse_cuckoo_store(const Napi::Value& value) {
  if (!value.IsObject() || value.IsArray()) throw Napi::Error::New(value.Env(), "peer: expected an object of peer settings");
  Reader r(value.As<Napi::Object>());
  r.rejectUnknown({"store"});
  return r.oneOf("store", {"arena", "inline"}) == "inline" ? wp::CuckooStore::Inline : wp::CuckooStore::Arena;
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
                              "dist", "zipfTheta", "updateShare", "seed", "countConflicts", "slowdownNs", "latencyEvery", "arenaLimitBytes",
                              "peer"};
  if (emu) known.insert({"emuSeed", "emuWorkers", "emuTimeoutSec"});
  r.rejectUnknown(known);

  wp::CaseParams& p = out.params;
  // Peers have no strategy: theirs is "peer", and their settings come in a `peer` object.
  bool peer = out.backend == "redis" || out.backend == "libcuckoo";
  if (peer) {
    r.oneOf("strategy", {"peer"});
    Napi::Value settings = r.get("peer");
    if (out.backend == "redis") out.redis = parse_redis_target(settings);
    else out.cuckooStore = parse_cuckoo_store(settings);
  } else {
    if (r.has("peer")) throw Napi::Error::New(env, "peer: allowed only with a peer backend (redis, libcuckoo)");
    p.strategy = r.oneOf("strategy", wp::host::kStrategyNames);
  }
  p.mode = r.oneOf("mode", wp::host::kModeNames);
  p.valueSize = uint32_t(r.number("valueSize", lim::cases::kValueSize));
  p.batchSize = uint32_t(r.number("batchSize", lim::cases::kBatchSize));
  p.threads = uint32_t(r.number("threads", lim::cases::kThreads));
  p.keys = uint64_t(r.number("keys", lim::cases::kKeys));
  // The table's own bound, (0, 1]: a full table still works (runs stop at kLoadFactor).
  Napi::Value lf = r.get("loadFactor");
  if (!lf.IsNumber()) invalid(env, "loadFactor", lf, "a number in (0, 1]");
  p.loadFactor = lf.As<Napi::Number>().DoubleValue();
  if (const char* allowed = wp::table_problem(p.keys, p.loadFactor)) invalid(env, "loadFactor", lf, allowed);
  p.zipf = r.oneOf("dist", {"uniform", "zipf"}) == "zipf";
  p.zipfTheta = p.zipf ? r.number("zipfTheta", lim::cases::kZipfTheta) : r.finite("zipfTheta");
  p.updateShare = r.number("updateShare", lim::cases::kUpdateShare);
  p.seed = uint64_t(r.number("seed", lim::cases::kSeed));
  p.countConflicts = r.boolean("countConflicts");
  p.slowdownNs = uint32_t(r.number("slowdownNs", lim::cases::kSlowdownNs));
  p.latencyEvery = uint32_t(r.number("latencyEvery", lim::cases::kLatencyEvery));
  p.arenaLimitBytes = uint64_t(r.number("arenaLimitBytes", lim::cases::kArenaLimitBytes));
  if (emu) {
    out.emu.seed = uint64_t(r.number("emuSeed", lim::emulator::kSeed));
    out.emu.workers = uint32_t(r.number("emuWorkers", lim::emulator::kWorkers));
    out.emu.timeoutSec = r.number("emuTimeoutSec", lim::emulator::kTimeoutSec);
  }
  return out;
}

wp::RedisTarget parse_redis_target(const Napi::Value& value) {
  if (!value.IsObject() || value.IsArray()) throw Napi::Error::New(value.Env(), "peer: expected an object of Redis settings");
  Reader r(value.As<Napi::Object>());
  r.rejectUnknown({"host", "port", "db", "user", "password", "prefix", "timeoutMs", "command"});
  wp::RedisTarget t;
  t.host = r.text("host", lim::redis::kHostBytes);
  t.port = int(r.number("port", lim::redis::kPort));
  t.db = int(r.number("db", lim::redis::kDb));
  t.user = r.text("user", lim::redis::kUserBytes);
  t.password = r.text("password", lim::redis::kPasswordBytes, true);
  t.prefix = r.text("prefix", lim::redis::kPrefixBytes);
  t.timeoutMs = uint32_t(r.number("timeoutMs", lim::redis::kTimeoutMs));
  t.mset = r.oneOf("command", {"set", "mset"}) == "mset";
  return t;
}

}  // namespace wpaddon
