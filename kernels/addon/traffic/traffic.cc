#include "traffic.h"

#include "counter.h"

namespace wpaddon {

namespace {

Napi::Object space(Napi::Env env, const wpemu::traffic::SpaceCounts& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("loadRequests", double(s.loadRequests));
  o.Set("loadSectors", double(s.loadSectors));
  o.Set("storeRequests", double(s.storeRequests));
  o.Set("storeSectors", double(s.storeSectors));
  o.Set("orderedLoadRequests", double(s.orderedLoadRequests));
  o.Set("orderedLoadSectors", double(s.orderedLoadSectors));
  o.Set("orderedStoreRequests", double(s.orderedStoreRequests));
  o.Set("orderedStoreSectors", double(s.orderedStoreSectors));
  o.Set("atomicRequests", double(s.atomicRequests));
  o.Set("atomicSectors", double(s.atomicSectors));
  o.Set("atomics", double(s.atomics));
  o.Set("requestedBytes", double(s.requestedBytes));
  return o;
}

}  // namespace

Napi::Value CountTraffic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBoolean()) throw Napi::Error::New(env, "countTraffic: expected true or false");
  wpemu::traffic::enable(info[0].As<Napi::Boolean>().Value());
  wpemu::traffic::reset();
  return env.Undefined();
}

Napi::Value TakeTraffic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<wpemu::traffic::KernelCounts> all = wpemu::traffic::kernels();
  Napi::Array kernels = Napi::Array::New(env, all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    const wpemu::traffic::Counts& c = all[i].counts;
    Napi::Object k = Napi::Object::New(env);
    k.Set("name", all[i].name);
    k.Set("launches", double(c.launches));
    k.Set("blocks", double(c.blocks));
    k.Set("global", space(env, c.global));
    k.Set("host", space(env, c.host));
    Napi::Object ops = Napi::Object::New(env);
    for (int s = 0; s < wpemu::traffic::kAtomicSlots; ++s)
      if (c.atomicsByOp[s]) ops.Set(wpemu::traffic::atomic_slot_name(s), double(c.atomicsByOp[s]));
    k.Set("atomicsByOp", ops);
    k.Set("sharedLoadRequests", double(c.sharedLoadRequests));
    k.Set("sharedStoreRequests", double(c.sharedStoreRequests));
    k.Set("sharedAtomicRequests", double(c.sharedAtomicRequests));
    k.Set("sharedWavefronts", double(c.sharedWavefronts));
    k.Set("sharedIdealWavefronts", double(c.sharedIdealWavefronts));
    k.Set("requests", double(c.requests));
    k.Set("activeLanes", double(c.activeLanes));
    Napi::Array sites = Napi::Array::New(env, all[i].sites.size());
    for (size_t j = 0; j < all[i].sites.size(); ++j) {
      const wpemu::traffic::SiteCounts& s = all[i].sites[j];
      Napi::Object o = Napi::Object::New(env);
      o.Set("pc", double(s.offset));
      o.Set("space", s.space == 'g' ? "global" : s.space == 'h' ? "host" : "shared");
      o.Set("access", s.what == 'l' ? "load" : s.what == 's' ? "store" : "atomic");
      o.Set("requests", double(s.requests));
      o.Set("sectors", double(s.sectors));
      o.Set("activeLanes", double(s.activeLanes));
      sites.Set(uint32_t(j), o);
    }
    k.Set("sites", sites);
    kernels.Set(uint32_t(i), k);
  }
  const wpemu::traffic::Copies cp = wpemu::traffic::copies();
  Napi::Object copies = Napi::Object::New(env);
  copies.Set("hostToDevice", double(cp.hostToDevice));
  copies.Set("deviceToHost", double(cp.deviceToHost));
  copies.Set("deviceToDevice", double(cp.deviceToDevice));
  Napi::Object out = Napi::Object::New(env);
  out.Set("kernels", kernels);
  out.Set("copies", copies);
  wpemu::traffic::reset();
  return out;
}

}  // namespace wpaddon
