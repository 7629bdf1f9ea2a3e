#include "stream.h"

#include <mutex>
#include <unordered_set>
#include <vector>

#include "runtime.h"
#include "wpemu/api.h"
#include "wpemu/observe.h"

namespace wpemu {

namespace {

std::mutex g_streams_mu;
std::unordered_set<Stream*>& live_streams() {
  static auto* s = new std::unordered_set<Stream*>();
  return *s;
}
std::atomic<uint64_t> g_next_stream_id{1};

Stream& default_stream() {
  static Stream* s = new Stream(0);  // never destroyed, like the GPU's
  return *s;
}

}  // namespace

Stream::Stream(uint64_t streamId) : id(streamId) {
  thread_ = std::thread([this] { loop(); });
}

Stream::~Stream() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  work_.notify_all();
  thread_.join();
}

void Stream::enqueue(std::function<void()> op, bool inlineIfIdle) {
  if (observe::on()) {
    // Observers order the operation after what the enqueuing host thread did so far.
    std::vector<void*> tokens;
    observe::each([&](Observer& o) { tokens.push_back(o.op_enqueue(id)); });
    op = [op = std::move(op), tokens = std::move(tokens), sid = id] {
      size_t i = 0;
      observe::each([&](Observer& o) { o.op_begin(sid, i < tokens.size() ? tokens[i++] : nullptr); });
      op();
      observe::each([&](Observer& o) { o.op_end(sid); });
    };
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (inlineIfIdle && queue_.empty() && !running_) {
      // Nothing ahead of it: done now, on the caller (an async copy may complete before it
      // returns), without waking the executor: a single write then costs one hand-over less.
      run_locked(lock, op);
      if (!queue_.empty()) work_.notify_one();  // queued meanwhile: the executor's now
      return;
    }
    queue_.push_back(std::move(op));
  }
  work_.notify_one();
}

void Stream::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // An operation running on its caller (inlineIfIdle) comes first: wait for it.
    work_.wait(lock, [&] { return quit_ || (!queue_.empty() && !running_); });
    if (queue_.empty()) return;  // quit, and nothing left to run
    auto op = std::move(queue_.front());
    queue_.pop_front();
    run_locked(lock, op);
  }
}

// Runs `op` with the lock released, marked running; tells waiters when the stream drained.
void Stream::run_locked(std::unique_lock<std::mutex>& lock, const std::function<void()>& op) {
  running_ = true;
  lock.unlock();
  op();
  lock.lock();
  running_ = false;
  if (queue_.empty()) drained_.notify_all();
}

void Stream::synchronize() {
  std::unique_lock<std::mutex> lock(mu_);
  drained_.wait(lock, [&] { return queue_.empty() && !running_; });
}

bool Stream::idle() {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.empty() && !running_;
}

void host_waited(Stream& st) {
  if (observe::on()) observe::each([&](Observer& o) { o.host_waited_stream(st.id); });
}

Stream* resolve_stream(cudaStream_t s) {
  if (!s) return &default_stream();
  std::lock_guard<std::mutex> lock(g_streams_mu);
  return live_streams().count(s) ? s : nullptr;
}

}  // namespace wpemu

using wpemu::Event;
using wpemu::Stream;

// Flags change nothing: no stream synchronizes implicitly with the default stream here, which
// is what cudaStreamNonBlocking (the only flag the runner passes) asks for.
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned) {
  if (!s) return cudaErrorInvalidValue;
  auto* st = new Stream(wpemu::g_next_stream_id.fetch_add(1));
  std::lock_guard<std::mutex> lock(wpemu::g_streams_mu);
  std::vector<bool> taken(wpemu::live_streams().size() + 2, false);
  for (const Stream* o : wpemu::live_streams())
    if (o->seedNumber < taken.size()) taken[o->seedNumber] = true;
  st->seedNumber = 1;
  while (taken[st->seedNumber]) ++st->seedNumber;
  wpemu::live_streams().insert(st);
  *s = st;
  return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t* s) { return cudaStreamCreateWithFlags(s, cudaStreamDefault); }

cudaError_t cudaStreamDestroy(cudaStream_t s) {
  {
    std::lock_guard<std::mutex> lock(wpemu::g_streams_mu);
    if (!s || !wpemu::live_streams().erase(s)) return cudaErrorInvalidResourceHandle;
  }
  delete s;  // as on a GPU, work already queued completes first
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t s) {
  Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  st->synchronize();
  wpemu::host_waited(*st);
  return wpemu::sticky_error();
}

cudaError_t cudaStreamQuery(cudaStream_t s) {
  Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  if (cudaError_t e = wpemu::sticky_error()) return e;
  if (!st->idle()) return cudaErrorNotReady;
  wpemu::host_waited(*st);
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() {
  std::vector<Stream*> all;
  {
    std::lock_guard<std::mutex> lock(wpemu::g_streams_mu);
    all.assign(wpemu::live_streams().begin(), wpemu::live_streams().end());
  }
  wpemu::resolve_stream(nullptr)->synchronize();
  for (Stream* s : all) s->synchronize();
  wpemu::host_waited(*wpemu::resolve_stream(nullptr));
  for (Stream* s : all) wpemu::host_waited(*s);
  return wpemu::sticky_error();
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t* e, unsigned) {
  if (!e) return cudaErrorInvalidValue;
  *e = new Event();
  return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t* e) { return cudaEventCreateWithFlags(e, cudaEventDefault); }

cudaError_t cudaEventDestroy(cudaEvent_t e) {
  if (!e) return cudaErrorInvalidResourceHandle;
  {
    // Destroying an event whose record is still queued is legal: let the record land first.
    std::unique_lock<std::mutex> lock(e->mu);
    e->cv.wait(lock, [&] { return e->completed >= e->recorded; });
  }
  delete e;
  return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s) {
  if (!e) return cudaErrorInvalidResourceHandle;
  Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  uint64_t gen;
  {
    std::lock_guard<std::mutex> lock(e->mu);
    gen = ++e->recorded;
  }
  st->enqueue(
      [e, gen, sid = st->id] {
    if (wpemu::observe::on()) wpemu::observe::each([&](wpemu::Observer& o) { o.event_reached(e, sid); });
    std::lock_guard<std::mutex> lock(e->mu);
    e->timeNs = wpemu::now_ns();
    if (gen > e->completed) e->completed = gen;
    e->cv.notify_all();
      },
      true);
  return wpemu::sticky_error();
}

cudaError_t cudaEventSynchronize(cudaEvent_t e) {
  if (!e) return cudaErrorInvalidResourceHandle;
  std::unique_lock<std::mutex> lock(e->mu);
  e->cv.wait(lock, [&] { return e->completed >= e->recorded; });
  lock.unlock();
  if (wpemu::observe::on()) wpemu::observe::each([&](wpemu::Observer& o) { o.host_waited_event(e); });
  return wpemu::sticky_error();
}

cudaError_t cudaEventQuery(cudaEvent_t e) {
  if (!e) return cudaErrorInvalidResourceHandle;
  if (cudaError_t err = wpemu::sticky_error()) return err;
  std::unique_lock<std::mutex> lock(e->mu);
  if (e->completed < e->recorded) return cudaErrorNotReady;
  lock.unlock();
  if (wpemu::observe::on()) wpemu::observe::each([&](wpemu::Observer& o) { o.host_waited_event(e); });
  return cudaSuccess;
}

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t a, cudaEvent_t b) {
  if (!ms || !a || !b) return cudaErrorInvalidValue;
  if (a == b) {
    std::lock_guard<std::mutex> lock(a->mu);
    if (a->recorded == 0) return cudaErrorInvalidResourceHandle;
    if (a->completed < a->recorded) return cudaErrorNotReady;
    *ms = 0;
    return cudaSuccess;
  }
  std::scoped_lock lock(a->mu, b->mu);
  if (a->recorded == 0 || b->recorded == 0) return cudaErrorInvalidResourceHandle;
  if (a->completed < a->recorded || b->completed < b->recorded) return cudaErrorNotReady;
  *ms = float((double(b->timeNs) - double(a->timeNs)) / 1e6);
  return cudaSuccess;
}
