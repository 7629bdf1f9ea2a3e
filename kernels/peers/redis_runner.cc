// The Redis peer: the case's writes as SET commands over hiredis, as redis-benchmark sends them.
//  single:     one SET round trip per write;
//  batch:      a pipeline of N SETs per submission (or one MSET of N pairs);
//  concurrent: T connections on T threads, each pipelining its share of the stream.
// A sample deletes the case's keys (untimed), times the writes (`stage`: formatting the RESP
// bytes and the values in place; `roundtrip`: sending them and reading every reply), then reads
// every distinct key back with pipelined GETs (untimed) and checks its bytes like the table's.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "peers/peer_common.h"
#include "peers/redis_conn.h"
#include "writeprof/pattern.h"

namespace wp::peers {
namespace {

constexpr uint32_t kVerifyChunk = 1000;  // GETs per pipelined round trip when verifying

class RedisRunner final : public CaseRunner {
 public:
  RedisRunner(const CaseParams& p, const RedisTarget& t) : p_(p), t_(t), w_(p) {
    // Formatted commands of one submission, per connection (hiredis copies them once more).
    uint64_t perWrite = uint64_t(p.valueSize) + t.prefix.size() + 8 + 48;
    uint64_t perSubmission = p.mode == Mode::Single ? 1 : std::min<uint64_t>(w_.batch, p.keys);
    uint64_t need = 2 * perWrite * perSubmission * w_.workers + host::kStreamBytesPerKey * p.keys;
    host::Budget budget = host::host_budget();
    if (!budget.holds(need))
      throw ConfigError("batchSize: the pipelined commands of " + std::to_string(w_.workers) + " connection(s) need " +
                        host::bytes_str(need) + ", " + budget.over() + "; lower batchSize, valueSize or threads");
    requests_.resize(w_.workers);
    for (uint32_t i = 0; i < w_.workers; ++i) {
      conns_.push_back(std::make_unique<RedisConn>(t_));
      requests_[i].reserve(perWrite * perSubmission);
    }
  }

  SampleResult runSample() override {
    // Untimed reset: the previous sample's values must not pass this sample's verification.
    conns_[0]->unlink(t_.prefix, w_.distinct());

    const bool mset = t_.mset && p_.mode != Mode::Single;
    SampleResult out = timed_sample(
        p_, w_, "stage", "roundtrip", [&](uint32_t i, uint64_t first, uint64_t n) { format(requests_[i], mset, first, n); },
        [&](uint32_t i, uint64_t, uint64_t n) {
          conns_[i]->send(requests_[i]);
          conns_[i]->expect_ok(mset ? 1 : n, mset ? "MSET" : "SET");
        });
    out.verification = verify();
    notes(out);
    return out;
  }

  void finish() override {
    // A connection of its own: the sample's may have died with the error that ended the case.
    RedisConn c(t_);
    c.unlink(t_.prefix, w_.distinct());
  }

 private:
  // A submission's commands: SET key value per write (or one MSET), values generated in place.
  void format(Resp& req, bool mset, uint64_t first, uint64_t n) const {
    req.clear();
    if (mset) {
      req.array(1 + 2 * n);
      req.bulk("MSET", 4);
    }
    for (uint64_t wno = first; wno < first + n; ++wno) {
      if (!mset) {
        req.array(3);
        req.bulk("SET", 3);
      }
      req.key(t_.prefix, w_.stream[wno]);
      fill_value(req.bulk_slot(p_.valueSize), p_.valueSize, w_.stream[wno], wno);
    }
  }

  // Every distinct key read back: absent is lost, wrong bytes or length corrupted, an overwritten
  // write's value stale.
  Verification verify() {
    Verification v = w_.verification();
    const std::vector<uint64_t>& distinct = w_.distinct();
    RedisConn& c = *conns_[0];
    Resp req;
    for (size_t first = 0; first < distinct.size(); first += kVerifyChunk) {
      size_t n = std::min<size_t>(kVerifyChunk, distinct.size() - first);
      req.clear();
      for (size_t i = 0; i < n; ++i) {
        req.array(2);
        req.bulk("GET", 3);
        req.key(t_.prefix, distinct[first + i]);
      }
      c.send(req);
      for (size_t i = 0; i < n; ++i) {
        Reply r = c.reply("GET");
        if (r->type == REDIS_REPLY_NIL) ++v.lost;
        else if (r->type == REDIS_REPLY_STRING)
          w_.judge(reinterpret_cast<const uint8_t*>(r->str), r->len, p_.valueSize, distinct[first + i], v);
        else ++v.corrupted;
      }
    }
    return v;
  }

  void notes(SampleResult& out) const {
    const char* how = p_.mode == Mode::Single ? "one SET round trip per write"
                      : t_.mset               ? "one MSET per submission"
                                              : "a pipeline of SETs per submission";
    out.notes.push_back(std::string("redis: ") + how + " over hiredis " + hiredisVersion() +
                        (w_.workers > 1 ? ", " + std::to_string(w_.workers) + " connections" : ""));
  }

  CaseParams p_;
  RedisTarget t_;
  Workload w_;
  std::vector<std::unique_ptr<RedisConn>> conns_;
  std::vector<Resp> requests_;
};

}  // namespace
}  // namespace wp::peers

namespace wp {

std::unique_ptr<CaseRunner> makeRedisRunner(const CaseParams& p, const RedisTarget& t) {
  return std::make_unique<peers::RedisRunner>(p, t);
}

std::string hiredisVersion() {
  return std::to_string(HIREDIS_MAJOR) + "." + std::to_string(HIREDIS_MINOR) + "." + std::to_string(HIREDIS_PATCH);
}

RedisServerInfo redisServerInfo(const RedisTarget& t) {
  peers::RedisConn c(t);
  RedisServerInfo info;
  peers::Reply r = c.command({"INFO", "server"}, "INFO server");
  std::string text = r->str ? std::string(r->str, r->len) : "";
  size_t at = text.find("redis_version:");
  if (at != std::string::npos) {
    at += 14;
    info.version = text.substr(at, text.find_first_of("\r\n", at) - at);
  }
  // The settings that shape a write's cost. CONFIG may be refused on a managed service (ACLs,
  // renamed commands): then they are not recorded, and the run goes on.
  for (const char* name : {"save", "appendonly", "appendfsync", "maxmemory", "maxmemory-policy", "io-threads"}) {
    try {
      peers::Reply cfg = c.command({"CONFIG", "GET", name}, "CONFIG GET");
      if (cfg->type == REDIS_REPLY_ARRAY && cfg->elements == 2 && cfg->element[1]->str)
        info.fields.emplace_back(name, std::string(cfg->element[1]->str, cfg->element[1]->len));
    } catch (const PeerError&) {
      // recorded as absent
    }
  }
  return info;
}

}  // namespace wp
