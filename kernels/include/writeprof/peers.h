// Peers: stores writeprof is measured against, run behind the same CaseRunner contract as the
// strategies (same key stream, same value bytes, same verification). They have no strategy.
//  - redis: a Redis server over hiredis (the native side only talks the protocol; which server,
//    and its lifecycle, are TypeScript's business);
//  - libcuckoo: libcuckoo's concurrent cuckoo hash map, in process.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "limits.h"
#include "runner.h"

namespace wp {

// A peer failed at run time (connection lost, timeout, a refusing reply): the case fails with
// this one-line message. Never carries a password.
struct PeerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RedisTarget {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  std::string prefix;    // every key written starts with these bytes
  uint32_t timeoutMs = uint32_t(limits::defaults::kRedisTimeoutMs);  // connect, and every read or write on the socket
  bool mset = false;     // batch/concurrent submissions as one MSET instead of a pipeline of SETs
};

// What a server says about itself (INFO server, CONFIG GET of the settings that shape writes).
struct RedisServerInfo {
  std::string version;
  std::vector<std::pair<std::string, std::string>> fields;
};

enum class CuckooStore {
  Arena,   // the map holds an offset into a value arena filled like writeprof's (its own design)
  Inline,  // the map holds the value bytes (what a libcuckoo user writes first; power-of-two sizes)
};

std::unique_ptr<CaseRunner> makeRedisRunner(const CaseParams& p, const RedisTarget& t);
RedisServerInfo redisServerInfo(const RedisTarget& t);  // throws PeerError
std::string hiredisVersion();

std::unique_ptr<CaseRunner> makeCuckooRunner(const CaseParams& p, CuckooStore store);

}  // namespace wp
