// writeprof_sys.node: the two system calls Node does not offer, for the TypeScript that needs them
// (src/io/sys.ts). No policy here.
//  exitNow(code)      _exit(2): ends the process at once. process.exit() first joins libuv's
//                     thread pool, which waits for every native call in flight (a peer's blocking
//                     read, a FIFO's open): a second Ctrl-C must not wait for them.
//  tryLock(fd)        flock(LOCK_EX | LOCK_NB): "locked", "busy" (another open file description
//                     holds it), or "unsupported" (the file system has no locks). Released when
//                     the descriptor is closed or the process ends, however it ends.
#include <napi.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace {

Napi::Value ExitNow(const Napi::CallbackInfo& info) {
  int code = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  _exit(code);
}

Napi::Value TryLock(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "tryLock(fd): fd must be a number");
  int fd = info[0].As<Napi::Number>().Int32Value();
  int r;
  do r = flock(fd, LOCK_EX | LOCK_NB);
  while (r != 0 && errno == EINTR);
  if (r == 0) return Napi::String::New(env, "locked");
  if (errno == EWOULDBLOCK) return Napi::String::New(env, "busy");
  if (errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOSYS) return Napi::String::New(env, "unsupported");
  throw Napi::Error::New(env, std::string("flock: ") + std::strerror(errno));
}

}  // namespace

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("exitNow", Napi::Function::New<ExitNow>(env, "exitNow"));
  exports.Set("tryLock", Napi::Function::New<TryLock>(env, "tryLock"));
  return exports;
}

NODE_API_MODULE(writeprof_sys, Init)
