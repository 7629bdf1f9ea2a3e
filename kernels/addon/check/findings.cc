// The check addon's own functions (writeprof_check.node, `writeprof check`): which tools run, and
// the findings collected since the last call, as plain objects (their fields are declared in
// src/backends/contract.ts: CHECK_TOOLS, FINDING).
#include "findings.h"

#include "checker.h"
#include "wpemu/findings.h"

namespace wpaddon {

namespace {

Napi::Object dims(Napi::Env env, dim3 d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("x", d.x);
  o.Set("y", d.y);
  o.Set("z", d.z);
  return o;
}

}  // namespace

Napi::Value ConfigureCheck(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::Error::New(env, "tools: expected an object of booleans");
  Napi::Object o = info[0].As<Napi::Object>();
  wpemu::check::Tools t;
  const std::pair<const char*, bool*> fields[] = {{"memcheck", &t.memcheck}, {"racecheck", &t.racecheck},
                                                  {"initcheck", &t.initcheck}, {"synccheck", &t.synccheck},
                                                  {"weak", &t.weak}};
  Napi::Array names = o.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string n = names.Get(i).ToString().Utf8Value();
    bool known = false;
    for (auto& [f, _] : fields) known |= n == f;
    if (!known) throw Napi::Error::New(env, n + ": unknown tool; allowed: memcheck, racecheck, initcheck, synccheck, weak");
  }
  for (auto& [f, p] : fields) {
    Napi::Value v = o.Get(f);
    if (!v.IsBoolean()) throw Napi::Error::New(env, std::string(f) + ": expected true or false");
    *p = v.As<Napi::Boolean>().Value();
  }
  wpemu::check::configure(t);
  return env.Undefined();
}

Napi::Value TakeFindings(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<wpemu::FoldedFinding> all = wpemu::take_findings();
  Napi::Array out = Napi::Array::New(env, all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    const wpemu::Finding& f = all[i].first;
    Napi::Object o = Napi::Object::New(env);
    o.Set("tool", f.tool);
    o.Set("kind", f.kind);
    o.Set("severity", f.severity == wpemu::Severity::Note ? "note" : "error");
    o.Set("kernel", f.kernel);
    o.Set("grid", dims(env, f.grid));
    o.Set("block", dims(env, f.block));
    o.Set("message", f.message);
    o.Set("seed", double(f.seed));
    o.Set("count", double(all[i].count));
    Napi::Array sites = Napi::Array::New(env, f.sites.size());
    for (size_t j = 0; j < f.sites.size(); ++j) {
      const wpemu::FindingSite& s = f.sites[j];
      Napi::Object so = Napi::Object::New(env);
      so.Set("pc", double(s.pc));
      so.Set("where", s.where);
      so.Set("block", double(s.block));
      so.Set("warp", s.warp);
      so.Set("lane", s.lane);
      so.Set("access", s.access);
      so.Set("space", s.space);
      so.Set("offset", double(s.offset));
      so.Set("size", s.size);
      sites.Set(uint32_t(j), so);
    }
    o.Set("sites", sites);
    out.Set(uint32_t(i), o);
  }
  return out;
}

Napi::Value CheckInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("module", wpemu::code_module());
  o.Set("limits", wpemu::check::limits_hit());
  std::vector<std::string> k = wpemu::check::kernels_launched();
  Napi::Array kernels = Napi::Array::New(env, k.size());
  for (size_t i = 0; i < k.size(); ++i) kernels.Set(uint32_t(i), k[i]);
  o.Set("kernels", kernels);
  return o;
}

}  // namespace wpaddon
