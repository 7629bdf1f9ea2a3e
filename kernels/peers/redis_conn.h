// One blocking hiredis connection, authenticated and on the target's database. Commands go out as
// RESP bytes the caller formats (so a pipeline is one append), replies are checked here: every
// failure becomes a PeerError naming the server and what happened, never the password.
// The server is not trusted to behave: connecting has the target's timeout, and each reply must
// be complete within that timeout of writeprof starting to wait for it (sending the queued
// commands included), with at most limits::redis::kReplyBytes bytes and kReplyElements elements,
// so that a server that trickles bytes or announces a 2 GiB reply costs bounded time and memory.
#pragma once
#include <hiredis/hiredis.h>

#include <cstdint>
#include <string>
#include <vector>

#include "writeprof/peers.h"

namespace wp::peers {

// RESP encoding of commands into a reusable buffer.
class Resp {
 public:
  void clear() { buf_.clear(); }
  void array(size_t n) { line('*', n); }
  void bulk(const void* p, size_t len) {
    line('$', len);
    append(p, len);
    append("\r\n", 2);
  }
  void bulk(const std::string& s) { bulk(s.data(), s.size()); }
  // A key as it is stored: the run's prefix, then the 8 key bytes the table strategies write.
  void key(const std::string& prefix, uint64_t k) {
    line('$', prefix.size() + sizeof k);
    append(prefix.data(), prefix.size());
    append(&k, sizeof k);
    append("\r\n", 2);
  }
  // Reserves `len` bytes of a bulk string for the caller to fill in place (a value).
  uint8_t* bulk_slot(size_t len) {
    line('$', len);
    size_t at = buf_.size();
    buf_.resize(at + len + 2);
    buf_[at + len] = '\r';
    buf_[at + len + 1] = '\n';
    return reinterpret_cast<uint8_t*>(&buf_[at]);
  }
  void append(const void* p, size_t len) { buf_.append(static_cast<const char*>(p), len); }
  const std::string& bytes() const { return buf_; }
  void reserve(size_t n) { buf_.reserve(n); }

 private:
  void line(char kind, size_t n) {
    char tmp[24];
    int len = 0;
    tmp[len++] = kind;
    char digits[20];
    int d = 0;
    do {
      digits[d++] = char('0' + n % 10);
      n /= 10;
    } while (n);
    while (d) tmp[len++] = digits[--d];
    tmp[len++] = '\r';
    tmp[len++] = '\n';
    buf_.append(tmp, size_t(len));
  }
  std::string buf_;
};

// A reply that frees itself.
class Reply {
 public:
  explicit Reply(redisReply* r) : r_(r) {}
  Reply(Reply&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply() {
    if (r_) freeReplyObject(r_);
  }
  const redisReply* operator->() const { return r_; }
  const redisReply* get() const { return r_; }

 private:
  redisReply* r_;
};

class RedisConn {
 public:
  explicit RedisConn(const RedisTarget& t);
  ~RedisConn();
  RedisConn(const RedisConn&) = delete;
  RedisConn& operator=(const RedisConn&) = delete;

  // Queues formatted commands (sent by the next reply()).
  void send(const Resp& r);
  // The next reply; `what` names the command in errors. A server error reply throws, with an
  // OOM (maxmemory) refusal said as such.
  Reply reply(const char* what);
  // One command, its reply.
  Reply command(const std::vector<std::string>& args, const char* what);
  // Expects a +OK status reply to each of `n` queued commands.
  void expect_ok(uint64_t n, const char* what);
  // Deletes prefix + each key (UNLINK, in pipelined chunks): only keys this case wrote.
  void unlink(const std::string& prefix, const std::vector<uint64_t>& keys);

  const std::string& where() const { return where_; }

 private:
  [[noreturn]] void fail_io(const char* what);
  // Sends what is queued and reads until one reply is whole, within the deadline and limits.
  void* read_reply(const char* what);
  // The socket timeout for the next blocking read or write: what is left until `deadlineNs`.
  void arm(const char* what, uint64_t deadlineNs);
  static void* create_array(const redisReadTask* task, int elements);
  redisContext* c_ = nullptr;
  const redisReplyObjectFunctions* hiredisFn_ = nullptr;
  redisReplyObjectFunctions fn_{};
  bool tooManyElements_ = false;
  std::string where_;  // "redis 127.0.0.1:6379"
  uint32_t timeoutMs_;
};

}  // namespace wp::peers
