#include "peers/redis_conn.h"

#include <cerrno>
#include <cstring>

namespace wp::peers {
namespace {

timeval timeval_of(uint32_t ms) {
  timeval tv;
  tv.tv_sec = ms / 1000;
  tv.tv_usec = suseconds_t(ms % 1000) * 1000;
  return tv;
}

std::string reply_text(const redisReply* r) {
  return r->str ? std::string(r->str, r->len) : std::string();
}

}  // namespace

RedisConn::RedisConn(const RedisTarget& t)
    : where_("redis " + t.host + ":" + std::to_string(t.port)), timeoutMs_(t.timeoutMs) {
  c_ = redisConnectWithTimeout(t.host.c_str(), t.port, timeval_of(t.timeoutMs));
  if (!c_) throw PeerError(where_ + ": cannot connect: out of memory");
  if (c_->err) {
    std::string why = c_->errstr;
    redisFree(c_);
    c_ = nullptr;
    throw PeerError(where_ + ": cannot connect: " + why);
  }
  if (redisSetTimeout(c_, timeval_of(t.timeoutMs)) != REDIS_OK) fail_io("setting the socket timeout");
  if (!t.password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!t.user.empty()) auth.push_back(t.user);
    auth.push_back(t.password);
    // The reply to a wrong password names no password ("WRONGPASS invalid username-password pair").
    command(auth, "AUTH");
  }
  if (t.db != 0) command({"SELECT", std::to_string(t.db)}, "SELECT");
}

RedisConn::~RedisConn() {
  if (c_) redisFree(c_);
}

void RedisConn::fail_io(const char* what) {
  std::string why = c_->errstr;
  if (c_->err == REDIS_ERR_IO && (why == std::strerror(EAGAIN) || why == std::strerror(EWOULDBLOCK)))
    why = "no reply within " + std::to_string(timeoutMs_) + " ms (timeout)";
  else if (c_->err == REDIS_ERR_EOF)
    why = "the server closed the connection";
  throw PeerError(where_ + ": " + what + ": " + why);
}

void RedisConn::send(const Resp& r) {
  if (c_->err) fail_io("connection lost earlier");
  if (redisAppendFormattedCommand(c_, r.bytes().data(), r.bytes().size()) != REDIS_OK) fail_io("queueing commands");
}

Reply RedisConn::reply(const char* what) {
  if (c_->err) fail_io("connection lost earlier");
  void* raw = nullptr;
  if (redisGetReply(c_, &raw) != REDIS_OK || raw == nullptr) fail_io(what);
  Reply r(static_cast<redisReply*>(raw));
  if (r->type == REDIS_REPLY_ERROR) {
    std::string text = reply_text(r.get());
    if (text.rfind("OOM", 0) == 0)
      throw PeerError(where_ + ": " + what + " refused, the server is out of memory (maxmemory reached): " + text);
    throw PeerError(where_ + ": " + what + " refused: " + text);
  }
  return r;
}

Reply RedisConn::command(const std::vector<std::string>& args, const char* what) {
  Resp r;
  r.array(args.size());
  for (const std::string& a : args) r.bulk(a);
  send(r);
  return reply(what);
}

void RedisConn::expect_ok(uint64_t n, const char* what) {
  for (uint64_t i = 0; i < n; ++i) {
    Reply r = reply(what);
    if (r->type != REDIS_REPLY_STATUS || reply_text(r.get()) != "OK")
      throw PeerError(where_ + ": " + what + ": unexpected reply (type " + std::to_string(r->type) + ")");
  }
}

void RedisConn::unlink(const std::string& prefix, const std::vector<uint64_t>& keys) {
  constexpr size_t kChunk = 1000;  // keys per UNLINK: one command stays small, few round trips
  Resp r;
  uint64_t commands = 0;
  for (size_t first = 0; first < keys.size(); first += kChunk) {
    size_t n = std::min(kChunk, keys.size() - first);
    r.array(n + 1);
    r.bulk("UNLINK", 6);
    for (size_t i = 0; i < n; ++i) r.key(prefix, keys[first + i]);
    ++commands;
  }
  if (commands == 0) return;
  send(r);
  for (uint64_t i = 0; i < commands; ++i) reply("UNLINK");
}

}  // namespace wp::peers
