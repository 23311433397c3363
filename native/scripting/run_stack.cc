#include "scripting/run_stack.h"

#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

#include <sys/mman.h>
#include <unistd.h>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace rp::scripting {
namespace {

// As much as the main thread's stack usually has (ulimit -s): Lua bounds its C recursion (200 C
// calls), but a pattern match may recurse once per pattern item. Pages are committed as they are
// touched; the lowest one is a guard, so an overflow faults as it would on the main stack.
constexpr size_t kStackBytes = size_t{8} << 20;

}  // namespace

#if defined(__x86_64__)

// The switch saves what the System V ABI makes callee-saved (rbx, rbp, r12-r15, the SSE control
// word and the x87 control word) on the stack it leaves, stores that stack pointer in *save, and
// restores the same from `to`. A new stack starts in rp_run_stack_first, whose frame the
// constructor lays out as if it had been switched away from: r12 holds the function, r13 its
// argument.
extern "C" void rp_run_stack_switch(void** save, void* to);
extern "C" void rp_run_stack_first();
asm(R"(
  .text
  .p2align 4
  .globl rp_run_stack_switch
  .hidden rp_run_stack_switch
  .type rp_run_stack_switch, @function
rp_run_stack_switch:
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
  .size rp_run_stack_switch, .-rp_run_stack_switch

  .p2align 4
  .globl rp_run_stack_first
  .hidden rp_run_stack_first
  .type rp_run_stack_first, @function
rp_run_stack_first:
  movq %r13, %rdi
  callq *%r12
  ud2
  .size rp_run_stack_first, .-rp_run_stack_first
)");

struct RunStack::Context {
  void* sp = nullptr;
};

namespace {

void prepare(RunStack::Context& c, void* base, size_t size, void (*fn)(void*), void* arg) {
  auto top = (reinterpret_cast<uintptr_t>(base) + size) & ~uintptr_t{15};
  auto* slots = reinterpret_cast<uint64_t*>(top) - 8;
  uint32_t mxcsr = 0;
  uint16_t fpucw = 0;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(fpucw));
  slots[0] = mxcsr | (uint64_t{fpucw} << 32);
  slots[1] = slots[2] = 0;                        // r15, r14
  slots[3] = reinterpret_cast<uint64_t>(arg);     // r13
  slots[4] = reinterpret_cast<uint64_t>(fn);      // r12
  slots[5] = slots[6] = 0;                        // rbx, rbp (0 ends backtraces here)
  slots[7] = reinterpret_cast<uint64_t>(&rp_run_stack_first);
  c.sp = slots;
}

void switchStacks(RunStack::Context& from, RunStack::Context& to) { rp_run_stack_switch(&from.sp, to.sp); }

}  // namespace

#else

// Elsewhere, the C library's contexts (slower: they save the signal mask with a system call).
struct RunStack::Context {
  ucontext_t uc;
};

namespace {

void (*firstFunction)(void*) = nullptr;
void* firstArgument = nullptr;

void first() { firstFunction(firstArgument); }

void prepare(RunStack::Context& c, void* base, size_t size, void (*fn)(void*), void* arg) {
  getcontext(&c.uc);
  c.uc.uc_stack.ss_sp = base;
  c.uc.uc_stack.ss_size = size;
  c.uc.uc_link = nullptr;
  firstFunction = fn;
  firstArgument = arg;
  makecontext(&c.uc, first, 0);
}

void switchStacks(RunStack::Context& from, RunStack::Context& to) { swapcontext(&from.uc, &to.uc); }

}  // namespace

#endif

RunStack::RunStack() = default;

RunStack::~RunStack() {
  // (Only at exit: a task still suspended here is abandoned with its frames.)
  if (memory_ != nullptr) munmap(memory_, size_);
}

bool RunStack::start(Task task, void* arg) {
  if (memory_ == nullptr) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    void* memory = mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
    mprotect(memory, page, PROT_NONE);
    memory_ = memory;
    size_ = kStackBytes;
    server_ = std::make_unique<Context>();
    own_ = std::make_unique<Context>();
    prepare(*own_, static_cast<char*>(memory_) + page, size_ - page, &RunStack::main, this);
  }
  task_ = task;
  arg_ = arg;
  return enter();
}

bool RunStack::resume() { return enter(); }

bool RunStack::enter() {
  for (;;) {
    inside_ = true;
    switchStacks(*server_, *own_);
    inside_ = false;
    if (exit_ != Exit::Call) break;
    call_(callArg_);
  }
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  return exit_ == Exit::Returned;
}

void RunStack::leave(Exit why) {
  exit_ = why;
  switchStacks(*own_, *server_);
}

void RunStack::suspend() {
  // (Off this stack there is nothing to leave: the caller goes on.)
  if (inside_) leave(Exit::Suspended);
}

void RunStack::callOnServerStack(Task fn, void* arg) {
  if (!inside_) return fn(arg);
  call_ = fn;
  callArg_ = arg;
  leave(Exit::Call);
}

void RunStack::main(void* self) {
  auto& stack = *static_cast<RunStack*>(self);
  for (;;) {
    try {
      stack.task_(stack.arg_);
    } catch (...) {
      stack.failure_ = std::current_exception();
    }
    stack.leave(Exit::Returned);
  }
}

RunStack& runStack() {
  static RunStack stack;
  return stack;
}

}  // namespace rp::scripting
