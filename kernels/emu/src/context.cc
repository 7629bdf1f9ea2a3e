#include "context.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <new>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace wpemu {

Stack::Stack(size_t bytes) : bytes_(bytes) {
  guard_ = std::max<size_t>(size_t(sysconf(_SC_PAGESIZE)), 64 << 10);
  void* p = mmap(nullptr, guard_ + bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  mprotect(p, guard_, PROT_NONE);
  base_ = p;
}

Stack::~Stack() { munmap(base_, guard_ + bytes_); }

#if defined(__x86_64__)

// wpemu_switch(void** save, void* load): System V callee-saved registers, the SSE control word and
// the x87 control word are the whole state a cooperative switch must keep.
asm(R"(
  .text
  .p2align 4
  .globl wpemu_switch
  .hidden wpemu_switch
  .type wpemu_switch,@function
wpemu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size wpemu_switch,.-wpemu_switch

  .p2align 4
  .globl wpemu_trampoline
  .hidden wpemu_trampoline
  .type wpemu_trampoline,@function
wpemu_trampoline:
  movq %r13, %rdi
  callq *%r12
  ud2
  .size wpemu_trampoline,.-wpemu_trampoline
)");

extern "C" void wpemu_switch(void** save, void* load);
extern "C" void wpemu_trampoline();

void make_context(Context& ctx, Stack& stack, FiberEntry entry, void* arg, size_t skip) {
  // Top of stack, 16-byte aligned. wpemu_switch pops 8 bytes of control words, six registers and
  // the return address (the trampoline); the trampoline then calls entry with rsp 16-byte aligned.
  auto* top = reinterpret_cast<uint64_t*>((reinterpret_cast<uintptr_t>(stack.top()) - skip) & ~uintptr_t(15));
  // The return-address slot sits at top - 24 (8 mod 16): after `ret` and the trampoline's call,
  // entry starts with rsp = 8 mod 16, as the ABI requires of a function entry.
  uint64_t* sp = top - 2;
  *--sp = reinterpret_cast<uint64_t>(&wpemu_trampoline);  // return address
  *--sp = 0;                                               // rbp
  *--sp = 0;                                               // rbx
  *--sp = reinterpret_cast<uint64_t>(entry);               // r12
  *--sp = reinterpret_cast<uint64_t>(arg);                 // r13
  *--sp = 0;                                               // r14
  *--sp = 0;                                               // r15
  uint32_t mxcsr = 0;
  uint16_t fcw = 0;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(fcw));
  *--sp = uint64_t(mxcsr) | (uint64_t(fcw) << 32);
  ctx.sp = sp;
}

void switch_context(Context& from, Context& to) { wpemu_switch(&from.sp, to.sp); }

#else  // portable fallback: ucontext (slower: swapcontext saves the signal mask with a syscall)

namespace {
void start_fiber(unsigned hi, unsigned lo) {
  auto* c = reinterpret_cast<Context*>((uintptr_t(hi) << 32) | uintptr_t(lo));
  c->entry(c->arg);
  std::abort();
}
}  // namespace

void make_context(Context& ctx, Stack& stack, FiberEntry entry, void* arg, size_t skip) {
  auto* uc = static_cast<ucontext_t*>(ctx.sp);
  if (!uc) uc = new ucontext_t();  // one per fiber slot, reused for every block
  getcontext(uc);
  uc->uc_stack.ss_sp = stack.bottom();
  uc->uc_stack.ss_size = stack.size() - skip;
  uc->uc_link = nullptr;
  ctx.entry = entry;
  ctx.arg = arg;
  uintptr_t p = reinterpret_cast<uintptr_t>(&ctx);
  makecontext(uc, reinterpret_cast<void (*)()>(start_fiber), 2, unsigned(p >> 32), unsigned(p));
  ctx.sp = uc;
}

void switch_context(Context& from, Context& to) {
  if (!from.sp) from.sp = new ucontext_t();
  swapcontext(static_cast<ucontext_t*>(from.sp), static_cast<ucontext_t*>(to.sp));
}

#endif

}  // namespace wpemu
