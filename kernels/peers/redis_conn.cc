#include "peers/redis_conn.h"

#include <cerrno>
#include <cstring>

#include "writeprof/host/clock.h"
#include "writeprof/host/memory.h"
#include "writeprof/limits.h"

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
  // hiredis's reply builders, with arrays bounded (this conn is the reader's privdata).
  hiredisFn_ = c_->reader->fn;
  fn_ = *hiredisFn_;
  fn_.createArray = &RedisConn::create_array;
  c_->reader->fn = &fn_;
  c_->reader->privdata = this;
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
  if (tooManyElements_)
    throw PeerError(where_ + ": " + what + ": the reply has more than " + std::to_string(limits::redis::kReplyElements) +
                    " elements; refused (is this a Redis server?)");
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

void* RedisConn::create_array(const redisReadTask* task, int elements) {
  auto* self = static_cast<RedisConn*>(task->privdata);
  if (elements < 0 || uint64_t(elements) > limits::redis::kReplyElements) {
    self->tooManyElements_ = true;
    return nullptr;  // the reader stops with an error
  }
  return self->hiredisFn_->createArray(task, elements);
}

void RedisConn::arm(const char* what, uint64_t deadlineNs) {
  uint64_t now = host::now_ns();
  if (now >= deadlineNs)
    throw PeerError(where_ + ": " + what + ": no reply within " + std::to_string(timeoutMs_) + " ms (timeout)");
  uint64_t leftMs = (deadlineNs - now + 999'999) / 1'000'000;
  if (redisSetTimeout(c_, timeval_of(uint32_t(std::min<uint64_t>(leftMs, timeoutMs_)))) != REDIS_OK) fail_io(what);
}

void* RedisConn::read_reply(const char* what) {
  const uint64_t deadline = host::now_ns() + uint64_t(timeoutMs_) * 1'000'000;
  void* raw = nullptr;
  if (redisGetReplyFromReader(c_, &raw) != REDIS_OK) fail_io(what);
  if (raw) return raw;
  // Send what is queued: each write gets only what is left of the deadline.
  for (int done = 0; !done;) {
    arm(what, deadline);
    if (redisBufferWrite(c_, &done) != REDIS_OK) fail_io(what);
  }
  // Read until one reply is whole: bytes counted, time bounded, whatever the server sends.
  uint64_t received = 0;
  for (;;) {
    arm(what, deadline);
    size_t before = c_->reader->len;
    if (redisBufferRead(c_) != REDIS_OK) fail_io(what);
    received += c_->reader->len - before;
    if (redisGetReplyFromReader(c_, &raw) != REDIS_OK) fail_io(what);
    if (raw) return raw;
    if (received > limits::redis::kReplyBytes)
      throw PeerError(where_ + ": " + what + ": the reply is larger than " + host::bytes_str(limits::redis::kReplyBytes) +
                      "; refused (is this a Redis server?)");
  }
}

Reply RedisConn::reply(const char* what) {
  if (c_->err) fail_io("connection lost earlier");
  Reply r(static_cast<redisReply*>(read_reply(what)));
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
