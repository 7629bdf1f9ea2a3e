// Streams and events. A stream is an in-order queue run by its own executor thread, so a kernel
// that never ends (the persistent single-write server) blocks only its stream, as on a GPU.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "wpemu/types.h"

namespace wpemu {

// How far a stream's queue has run: ops are numbered as enqueued; an op can wait for another
// stream's op by number (shared, so a destroyed stream's waiters are safe).
struct StreamProgress {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t completed = 0;
  void wait_for(uint64_t op);
};

struct Stream {
  // `blocking`: created without cudaStreamNonBlocking, so it synchronizes with the legacy default
  // stream as CUDA's do: default-stream work waits for the blocking streams' earlier work, and
  // their work waits for the default stream's earlier work.
  Stream(uint64_t id, bool blocking);
  ~Stream();  // drains the queue, then joins the executor
  // `inlineIfIdle`: with nothing queued or running, run `op` now on the caller (copies, fills,
  // event records; never a kernel, which may wait for its host).
  void enqueue(std::function<void()> op, bool inlineIfIdle = false);
  void synchronize();  // until every enqueued op has run
  bool idle();

  const uint64_t id;
  const bool blocking;
  // For block seeds: the lowest number no live stream had when this one was created (0: the
  // default stream), so a case's schedule does not depend on the streams of the cases before it.
  uint64_t seedNumber = 0;
  std::atomic<uint64_t> launches{0};  // launch number on this stream, for block seeds
  const std::shared_ptr<StreamProgress> progress = std::make_shared<StreamProgress>();

 private:
  void loop();
  void run_locked(std::unique_lock<std::mutex>& lock, const std::function<void()>& op);
  std::mutex mu_;
  std::condition_variable work_, drained_;
  std::deque<std::function<void()>> queue_;
  uint64_t enqueued_ = 0;
  bool running_ = false, quit_ = false;
  std::thread thread_;
};

struct Event {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t recorded = 0;   // records issued
  uint64_t completed = 0;  // records the stream has reached
  uint64_t timeNs = 0;     // host time when the last one was reached
};

// nullptr is the default stream; a destroyed or foreign handle gives nullptr.
Stream* resolve_stream(cudaStream_t s);
// The calling host thread waited for everything enqueued on `st` so far (observers learn of it).
void host_waited(Stream& st);

}  // namespace wpemu
