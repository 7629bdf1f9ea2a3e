#include "stream.h"

#include <mutex>
#include <unordered_set>
#include <vector>

#include "runtime.h"
#include "wpemu/api.h"
#include "wpemu/observe.h"
#include "wpemu/sched.h"

namespace wpemu {

namespace {

std::mutex g_streams_mu;
std::unordered_set<Stream*>& live_streams() {
  static auto* s = new std::unordered_set<Stream*>();
  return *s;
}
std::atomic<uint64_t> g_next_stream_id{1};

Stream& default_stream() {
  static Stream* s = new Stream(0, true);  // never destroyed, like the GPU's
  return *s;
}

struct Dependency {
  std::shared_ptr<StreamProgress> progress;
  uint64_t op;
};

}  // namespace

void StreamProgress::wait_for(uint64_t op) {
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return completed >= op; });
}

Stream::Stream(uint64_t streamId, bool isBlocking) : id(streamId), blocking(isBlocking) {
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

// The legacy default stream's implicit synchronization: an op on the default stream first waits
// for what the blocking streams had enqueued, an op on a blocking stream for what the default
// stream had; a non-blocking stream's op waits for nothing but its own stream.
void Stream::enqueue(std::function<void()> op, bool inlineIfIdle) {
  std::vector<Dependency> deps;
  Stream& legacy = default_stream();
  if (this == &legacy) {
    std::lock_guard<std::mutex> lock(g_streams_mu);
    for (Stream* s : live_streams()) {
      if (!s->blocking) continue;
      std::lock_guard<std::mutex> slock(s->mu_);
      std::lock_guard<std::mutex> plock(s->progress->mu);
      if (s->progress->completed < s->enqueued_) deps.push_back({s->progress, s->enqueued_});
    }
  } else if (blocking) {
    std::lock_guard<std::mutex> lock(legacy.mu_);
    std::lock_guard<std::mutex> plock(legacy.progress->mu);
    if (legacy.progress->completed < legacy.enqueued_) deps.push_back({legacy.progress, legacy.enqueued_});
  }
  if (!deps.empty()) {
    inlineIfIdle = false;  // it waits for another stream: never on the caller
    op = [deps = std::move(deps), op = std::move(op)] {
      for (const Dependency& d : deps) d.progress->wait_for(d.op);
      op();
    };
  }
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
      ++enqueued_;
      run_locked(lock, op);
      if (!queue_.empty()) work_.notify_one();  // queued meanwhile: the executor's now
      return;
    }
    queue_.push_back(std::move(op));
    ++enqueued_;
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

// Runs `op` with the lock released, marked running; counts it done (for other streams' waits) and
// tells waiters when the stream drained.
void Stream::run_locked(std::unique_lock<std::mutex>& lock, const std::function<void()>& op) {
  running_ = true;
  lock.unlock();
  op();
  {
    std::lock_guard<std::mutex> plock(progress->mu);
    ++progress->completed;
  }
  progress->cv.notify_all();
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
  if (!s || s == cudaStreamLegacy || s == cudaStreamPerThread) return &default_stream();
  std::lock_guard<std::mutex> lock(g_streams_mu);
  return live_streams().count(s) ? s : nullptr;
}

}  // namespace wpemu

using wpemu::Event;
using wpemu::Stream;

// cudaStreamNonBlocking: no implicit synchronization with the default stream (the runner's
// streams); without it, a stream synchronizes with the legacy default stream (Stream::enqueue).
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned flags) {
  if (!s) return cudaErrorInvalidValue;
  auto* st = new Stream(wpemu::g_next_stream_id.fetch_add(1), !(flags & cudaStreamNonBlocking));
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

namespace {
// A host wait from device code would wait for the kernel itself (dynamic parallelism's
// device-side synchronization is not emulated): a fault, not a hang.
void refuse_on_device(const char* call) {
  if (wpemu::tls_thread)
    wpemu::trap((std::string(call) + " called from device code (dynamic parallelism is not emulated)").c_str(),
                wpemu::Loc::current());
}
}  // namespace

cudaError_t cudaStreamSynchronize(cudaStream_t s) {
  refuse_on_device("cudaStreamSynchronize");
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
  refuse_on_device("cudaDeviceSynchronize");
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
