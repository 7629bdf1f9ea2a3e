// Fiber contexts: a stack and a saved stack pointer. Switching saves the callee-saved registers on
// the current stack and loads another; nothing is a system call (swapcontext's signal-mask syscall
// would cost more than the kernels' work between switch points).
#pragma once
#include <cstddef>
#include <cstdint>

namespace wpemu {

struct Context {
  void* sp = nullptr;  // saved stack pointer (x86-64) or ucontext_t* (other targets)
  void (*entry)(void*) = nullptr;  // ucontext fallback only: what the fiber starts with
  void* arg = nullptr;
};

using FiberEntry = void (*)(void* arg);

// A stack of `bytes` usable bytes with an inaccessible guard region below it: an overflow faults at
// once instead of corrupting the neighbouring fiber (kernels are compiled with stack-clash
// protection, so a large frame probes its pages in order and cannot step over the guard).
class Stack {
 public:
  explicit Stack(size_t bytes);
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  void* top() const { return static_cast<char*>(base_) + guard_ + bytes_; }
  void* bottom() const { return static_cast<char*>(base_) + guard_; }
  size_t size() const { return bytes_; }
  size_t guard() const { return guard_; }

 private:
  void* base_ = nullptr;
  size_t bytes_ = 0, guard_ = 0;
};

// Prepare `ctx` so that the first switch to it runs entry(arg) on `stack`, starting `skip` bytes
// below its top. entry must never return.
void make_context(Context& ctx, Stack& stack, FiberEntry entry, void* arg, size_t skip = 0);

// Save the running context into `from` and resume `to`.
void switch_context(Context& from, Context& to);

}  // namespace wpemu
