// Stream calls beyond stream.cc: waiting on an event recorded in another stream, host functions
// in stream order, and priorities (accepted; every stream runs on its own executor anyway).
#include <mutex>

#include "runtime.h"
#include "stream.h"
#include "wpemu/api.h"
#include "wpemu/memory_api.h"

cudaError_t cudaStreamWaitEvent(cudaStream_t s, cudaEvent_t e, unsigned) {
  if (!e) return cudaErrorInvalidResourceHandle;
  wpemu::Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  uint64_t want;
  {
    std::lock_guard<std::mutex> lock(e->mu);
    want = e->recorded;  // the most recent record at the time of the call (none: nothing to wait for)
  }
  if (want == 0) return wpemu::sticky_error();
  st->enqueue([e, want] {
    std::unique_lock<std::mutex> lock(e->mu);
    e->cv.wait(lock, [&] { return e->completed >= want; });
  });
  return wpemu::sticky_error();
}

cudaError_t cudaLaunchHostFunc(cudaStream_t s, cudaHostFn_t fn, void* userData) {
  if (!fn) return cudaErrorInvalidValue;
  wpemu::Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  if (cudaError_t e = wpemu::sticky_error()) return e;
  st->enqueue([fn, userData] {
    if (wpemu::sticky_error() == cudaSuccess) fn(userData);
  });
  return cudaSuccess;
}

cudaError_t cudaStreamAddCallback(cudaStream_t s, cudaStreamCallback_t cb, void* userData, unsigned flags) {
  if (!cb || flags != 0) return cudaErrorInvalidValue;
  wpemu::Stream* st = wpemu::resolve_stream(s);
  if (!st) return cudaErrorInvalidResourceHandle;
  st->enqueue([s, cb, userData] { cb(s, wpemu::sticky_error(), userData); });
  return cudaSuccess;
}

cudaError_t cudaStreamCreateWithPriority(cudaStream_t* s, unsigned flags, int) {
  return cudaStreamCreateWithFlags(s, flags);
}

cudaError_t cudaDeviceGetStreamPriorityRange(int* leastPriority, int* greatestPriority) {
  if (leastPriority) *leastPriority = 0;
  if (greatestPriority) *greatestPriority = -5;
  return cudaSuccess;
}

cudaError_t cudaStreamGetPriority(cudaStream_t s, int* priority) {
  if (!priority) return cudaErrorInvalidValue;
  if (!wpemu::resolve_stream(s)) return cudaErrorInvalidResourceHandle;
  *priority = 0;
  return cudaSuccess;
}

cudaError_t cudaStreamGetFlags(cudaStream_t s, unsigned* flags) {
  if (!flags) return cudaErrorInvalidValue;
  if (!wpemu::resolve_stream(s)) return cudaErrorInvalidResourceHandle;
  *flags = s ? cudaStreamNonBlocking : cudaStreamDefault;
  return cudaSuccess;
}

cudaError_t cudaEventRecordWithFlags(cudaEvent_t e, cudaStream_t s, unsigned) { return cudaEventRecord(e, s); }
