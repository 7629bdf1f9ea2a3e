// Running a launch: its blocks are claimed one at a time by the stream's executor thread and by
// idle workers (config().workers OS threads in all). A block runs to its end on the thread that
// claimed it, so a block holding a lock is always running and another block's spin on that lock
// cannot starve it. The executor always takes part, so a launch finishes even when every worker
// is busy (a persistent kernel on another stream, say).
#include <algorithm>
#include <deque>
#include <thread>
#include <vector>

#include "block.h"
#include "grid_sync.h"
#include "runtime.h"
#include "stream.h"

namespace wpemu {

namespace {

Block& this_thread_block() {
  thread_local Block b;
  return b;
}

// Runs blocks of `job` until none is left (an aborted launch's remaining blocks are skipped).
void work_on(LaunchJob& job) {
  Block& b = this_thread_block();
  for (;;) {
    unsigned i = job.next.fetch_add(1);
    if (i >= job.blocks) return;
    std::string fault;
    if (!job.abort.load()) fault = b.run(job, i);
    std::lock_guard<std::mutex> lock(job.mu);
    if (!fault.empty() && job.fault.empty()) {
      job.fault = fault;
      job.faultCode = b.fault_code();
      job.abort.store(true);
    }
    if (job.done.fetch_add(1) + 1 == job.blocks) job.cv.notify_all();
  }
}

class Pool {
 public:
  // Offers `job` to idle workers; the caller works on it too.
  void offer(const std::shared_ptr<LaunchJob>& job) {
    const unsigned helpers = effective_workers() - 1;
    std::lock_guard<std::mutex> lock(mu_);
    while (threads_.size() < helpers) {
      unsigned index = unsigned(threads_.size());
      threads_.emplace_back([this, index] { loop(index); });
      threads_.back().detach();  // the pool lives as long as the process
    }
    jobs_.push_back(job);
    cv_.notify_all();
  }

  void retire(const std::shared_ptr<LaunchJob>& job) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.erase(std::remove(jobs_.begin(), jobs_.end(), job), jobs_.end());
  }

 private:
  void loop(unsigned index) {
    for (;;) {
      std::shared_ptr<LaunchJob> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] {
          if (index + 1 >= effective_workers()) return false;  // fewer workers configured now
          for (auto& j : jobs_)
            if (j->next.load() < j->blocks) return true;
          return false;
        });
        for (auto& j : jobs_)
          if (j->next.load() < j->blocks) {
            job = j;
            break;
          }
      }
      work_on(*job);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> threads_;
  std::deque<std::shared_ptr<LaunchJob>> jobs_;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: its threads outlive static destruction
  return *p;
}

}  // namespace

void run_launch(const std::shared_ptr<LaunchJob>& job) {
  if (job->blocks > 1 && effective_workers() > 1) pool().offer(job);
  work_on(*job);
  {
    std::unique_lock<std::mutex> lock(job->mu);
    job->cv.wait(lock, [&] { return job->done.load() == job->blocks; });
  }
  if (job->blocks > 1 && effective_workers() > 1) pool().retire(job);
}

namespace {

// Threads for cooperative launches, kept between launches (a grid-synchronizing loop launches
// many): each block of a cooperative launch takes an idle one, and the pool grows so that every
// block has its own.
class CoopPool {
 public:
  void run(const std::shared_ptr<LaunchJob>& job) {
    job->gridSync = std::make_shared<GridBarrier>(job->blocks);
    std::unique_lock<std::mutex> lock(mu_);
    for (unsigned i = 0; i < job->blocks; ++i) tasks_.push_back({job, i});
    while (idle_ < tasks_.size()) {
      ++idle_;
      std::thread([this] { loop(); }).detach();  // the pool lives as long as the process
    }
    work_.notify_all();
    done_.wait(lock, [&] { return job->done.load() == job->blocks; });
  }

 private:
  struct Task {
    std::shared_ptr<LaunchJob> job;
    unsigned block;
  };
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_.wait(lock, [&] { return !tasks_.empty(); });
      Task t = std::move(tasks_.front());
      tasks_.pop_front();
      --idle_;
      lock.unlock();
      run_block(*t.job, t.block);
      lock.lock();
      ++idle_;
      done_.notify_all();
    }
  }
  static void run_block(LaunchJob& job, unsigned i) {
    Block& b = this_thread_block();
    std::string fault = b.run(job, i);
    {
      std::lock_guard<std::mutex> lock(job.mu);
      if (!fault.empty() && job.fault.empty()) {
        job.fault = fault;
        job.faultCode = b.fault_code();
        job.abort.store(true);
      }
    }
    if (!fault.empty()) job.gridSync->wake_all();
    job.gridSync->block_finished(job, i);
    job.done.fetch_add(1);
  }

  std::mutex mu_;
  std::condition_variable work_, done_;
  std::deque<Task> tasks_;
  size_t idle_ = 0;
};

CoopPool& coop_pool() {
  static CoopPool* p = new CoopPool();  // never destroyed: its threads outlive static destruction
  return *p;
}

}  // namespace

void run_cooperative(const std::shared_ptr<LaunchJob>& job) { coop_pool().run(job); }

void launch_kernel(const char* name, dim3 grid, dim3 block, size_t sharedBytes, cudaStream_t s,
                   void (*run)(void*), std::shared_ptr<void> keep, void* args, size_t argBytes, bool cooperative) {
  const uint64_t threads = uint64_t(block.x) * block.y * block.z;
  const uint64_t blocks = uint64_t(grid.x) * grid.y * grid.z;
  if (threads == 0 || threads > 1024 || block.z > 64 || blocks == 0 || grid.y > 65535 || grid.z > 65535 ||
      blocks > (1ull << 31) || sharedBytes > (227u << 10)) {
    set_last_error(cudaErrorInvalidConfiguration);
    return;
  }
  Stream* st = resolve_stream(s);
  if (!st) {
    set_last_error(cudaErrorInvalidResourceHandle);
    return;
  }
  auto job = std::make_shared<LaunchJob>();
  static std::atomic<uint64_t> launches{0};
  job->info.id = ++launches;
  job->info.stream = st->id;
  job->info.params = args;
  job->info.paramBytes = argBytes;
  job->name = name;
  job->grid = grid;
  job->block = block;
  job->sharedBytes = sharedBytes;
  job->run = run;
  job->args = args;
  job->keep = std::move(keep);
  job->blocks = unsigned(blocks);
  job->cooperative = cooperative;
  // Seeds follow the host's order of launches on each stream, not the order executors run them.
  job->seed = mix64(config().seed ^ mix64(st->seedNumber * 0x100000001b3ULL + st->launches++));
  st->enqueue([job] {
    if (sticky_error() != cudaSuccess) return;
    if (observe::on()) observe::each([&](Observer& o) { o.launch_begin(job->info); });
    if (job->cooperative) run_cooperative(job);
    else run_launch(job);
    if (observe::on()) observe::each([&](Observer& o) { o.launch_end(job->info); });
    if (!job->fault.empty()) set_sticky_error(job->faultCode, job->fault);
  });
}

}  // namespace wpemu
