// A call stack of its own for script runs, so that a run can be suspended anywhere.
//
// Redis answers other clients while a script runs past busy-reply-threshold by processing events
// from inside Lua's count hook. Node's event loop cannot be entered from a native call: the server
// can only answer once the EVAL call has returned to JavaScript. So the run executes on this stack,
// and the hook switches back to the server's stack (suspend): EVAL returns, unanswered, with the
// run's frames kept here, whatever they are — a table.sort comparator, a string.gsub replacement
// function, a metamethod, an xpcall message handler, a coroutine of the script's own, each a C call
// that a Lua coroutine yield could not cross. resume() switches back into the hook, and the run goes
// on as if nothing had happened. Lua itself is unchanged and unaware of it.
//
// JavaScript must not run here (V8 checks that the stack pointer lies within the thread's stack):
// code that calls into JavaScript while a run may be in progress goes through callOnServerStack().
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <type_traits>

namespace rp::scripting {

class RunStack {
 public:
  using Task = void (*)(void* arg);

  RunStack();  // defined where Context is complete
  RunStack(const RunStack&) = delete;
  RunStack& operator=(const RunStack&) = delete;
  ~RunStack();

  // Runs task(arg) on this stack until it returns (true) or calls suspend() (false). An exception
  // that leaves the task is rethrown here.
  bool start(Task task, void* arg);
  // Continues the suspended task from its suspend(): true once it returned.
  bool resume();
  // From this stack: back to the caller of start()/resume(), until the next resume().
  void suspend();
  // Runs fn(arg) on the server's stack: from this stack, by switching out and back.
  void callOnServerStack(Task fn, void* arg);

  // What a stack that is not running saved to go on later (machine-specific).
  struct Context;

 private:
  enum class Exit { Returned, Suspended, Call };
  // Switches in and serves callOnServerStack requests until the task returns or suspends.
  bool enter();
  void leave(Exit why);
  [[noreturn]] static void main(void* self);

  void* memory_ = nullptr;
  size_t size_ = 0;
  std::unique_ptr<Context> server_;
  std::unique_ptr<Context> own_;
  bool inside_ = false;
  Exit exit_ = Exit::Returned;
  Task task_ = nullptr;
  void* arg_ = nullptr;
  Task call_ = nullptr;
  void* callArg_ = nullptr;
  std::exception_ptr failure_;
};

// The stack script runs execute on (one run at a time in the process).
RunStack& runStack();

// fn(arg) on the server's stack, wherever the caller runs: for code that calls into JavaScript.
template <typename Fn>
void callOnServerStack(Fn&& fn) {
  using Callable = std::remove_reference_t<Fn>;
  runStack().callOnServerStack([](void* p) { (*static_cast<Callable*>(p))(); }, &fn);
}

}  // namespace rp::scripting
