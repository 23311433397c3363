// The Lua scripting engine: one Lua 5.1 state for the process, sandboxed as in Redis 7.0 (no
// os/io/loadfile/dofile, globals read-only, math.random deterministic), the script cache keyed by
// SHA-1, and the run of one script (EVAL/EVALSHA and their _RO forms) whose redis.call/pcall go
// straight to the engine's command handlers through the runner addon.cc installs (host.h).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/context.h"
#include "protocol/reply.h"
#include "scripting/host.h"
#include "scripting/lua_allocator.h"
#include "scripting/lua_api.h"

namespace rp::scripting {

// Shared by EVAL scripts and functions: the message handler of every run (adds source/line to
// the error), and the metamethods of read-only environments.
int scriptErrorHandler(lua_State* L);
int missingGlobal(lua_State* L);
int readOnlyAssign(lua_State* L);
// Marks the table on top of the stack, the tables it holds and their metatables read-only.
void protectRecursively(lua_State* L);
// Gives the table on top a metatable whose __index is `index` and whose __newindex refuses.
void setReadOnlyMetatable(lua_State* L, lua_CFunction index);
// The space-separated words of a "#!..." line (EVAL's shebang, a library's header).
std::vector<std::string_view> splitWords(std::string_view line);

// After SCRIPT KILL: the hook raises the kill error at every new line of `co`, as Redis does, so that
// a pcall in the script cannot swallow it.
void setKillHook(lua_State* co);
// Installs Redis's pcall, and coroutine.running and yield that treat the run's coroutine as the
// main thread (protected.cc).
void openProtectedCalls(lua_State* L);
// The script position an error raised at stack `level` of L names: that frame, or its caller when
// it is a C function (error(), redis.call, ...).
bool locateError(lua_State* L, int level, lua_Debug& where);

// A function registered by a library (redis.register_function).
struct LuaFunction {
  std::string name;
  std::string description;
  bool hasDescription = false;
  std::vector<std::string> flags;  // in Redis's order: no-writes, allow-oom, allow-stale, ...
  bool noWrites = false;
};

// A library loaded by FUNCTION LOAD.
struct LuaLibrary {
  std::string name;
  std::string code;
  std::map<std::string, LuaFunction> functions;
};

// The state of the script being run (redis.setresp, redis.set_repl and SELECT change it).
struct ScriptRun {
  Engine* engine = nullptr;
  std::string sha;  // for a function: its name
  int db = 0;
  int resp = 2;
  bool readOnly = false;
  bool propagate = true;
  bool isFunction = false;
  // A write command ran (Redis's SCRIPT_WRITE_DIRTY): SCRIPT KILL refuses to stop the script then.
  bool wrote = false;
  // The script's writes reach the AOF as one MULTI/EXEC this run opened (not inside EXEC).
  bool ownTransaction = false;
  // The caller's command (FUNCTION STATS shows it while the run is suspended).
  std::vector<std::string> command;
};

class ScriptEngine {
 public:
  static ScriptEngine& instance();
  ScriptEngine(const ScriptEngine&) = delete;
  ScriptEngine& operator=(const ScriptEngine&) = delete;

  // EVAL script numkeys key... arg... (bySha: EVALSHA). readOnly: EVAL_RO / EVALSHA_RO.
  void eval(CommandContext& c, bool bySha, bool readOnly);
  // SCRIPT LOAD: compiles and caches the body; replies its SHA-1 (or the compile error).
  void load(CommandContext& c, std::string_view body);
  bool cached(std::string_view sha) const { return scripts_.count(std::string(sha)) != 0; }
  // SCRIPT FLUSH: a new Lua state for scripts, with an empty cache (Redis resets the state the same
  // way); functions keep theirs.
  void flush();
  size_t cachedScripts() const { return scripts_.size(); }
  // Bytes used by the scripts' Lua state (INFO used_memory_lua / used_memory_vm_eval) and the
  // functions' (used_memory_vm_functions).
  size_t memoryBytes() const { return vmBytes(scriptsVm_); }
  size_t functionsMemoryBytes() const { return vmBytes(functionsVm_); }
  // INFO's used_memory_scripts_eval / used_memory_functions: our own structures for them.
  size_t scriptCacheBytes() const {
    // Per entry: a hash node (link, hash, key, flags) and the 40-char SHA-1 on the heap.
    return scripts_.size() * (2 * sizeof(void*) + sizeof(std::string) + sizeof(ScriptFlags) + 41) +
           scripts_.bucket_count() * sizeof(void*);
  }
  size_t librariesBytes() const;
  size_t libraryCount() const { return libraries_.size(); }
  size_t functionCount() const {
    size_t n = 0;
    for (const auto& [name, lib] : libraries_) n += lib.functions.size();
    return n;
  }

  // ---- functions (FUNCTION LOAD / FCALL ...; functions.cc) ----
  void functionLoad(CommandContext& c);
  void fcall(CommandContext& c, bool readOnly);
  void functionDelete(CommandContext& c);
  void functionFlush(CommandContext& c);
  void functionList(CommandContext& c);
  void functionStats(CommandContext& c);
  void functionDump(CommandContext& c);
  void functionRestore(CommandContext& c);
  // The code of every library, for an AOF rewrite (FUNCTION LOAD commands) and snapshots.
  std::vector<std::string> libraryCodes() const;
  // A library from a snapshot: "" or the error.
  std::string loadLibraryCode(std::string_view code) {
    std::string name;
    return loadLibrary(code, false, name);
  }
  // redis.register_function during FUNCTION LOAD: null when no library is being loaded.
  LuaLibrary* loadingLibrary() { return loading_; }
  // The functions of the library being loaded, by name, across the other libraries.
  bool functionNameTaken(const std::string& name, const std::string& exceptLibrary) const;

  // ---- long-running scripts (Redis 7.0's busy-reply-threshold) ----
  //
  // Every run is a Lua coroutine with a count hook (every 100k instructions, as Redis), executed on
  // a stack of its own (run_stack.h). Once the run has lasted busy-reply-threshold ms the hook
  // leaves that stack, wherever the script is (inside pcall, a sort comparator, a metamethod, ...):
  // eval/fcall return without a reply and scriptSuspended is set. The server then answers other
  // clients BUSY (or serves SCRIPT KILL, FUNCTION KILL, FUNCTION STATS, SHUTDOWN NOSAVE) and calls
  // resume() in slices until the run ends; after a kill, the hook raises the kill error as Redis's.
  void setBusyThresholdMs(long long ms) { busyThresholdMs_ = ms; }
  // Runs the suspended script for about sliceMs more; true when it ended and its reply (or error)
  // was written to `reply`.
  bool resume(ReplyWriter& reply, long long sliceMs);
  bool suspendedIsFunction() const { return current_.isFunction; }
  // SCRIPT KILL (isEval) / FUNCTION KILL.
  void kill(CommandContext& c, bool isEval);

  // For the Lua C functions of the redis table.
  ScriptRun* run() { return run_; }
  // The count hook of every run (see above).
  void onHook(lua_State* co);
  // The coroutine of the run in progress (Redis's main thread, as scripts see it).
  lua_State* runningThread() const { return thread_; }
  // redis.call / redis.pcall: runs the command made of the arguments on the Lua stack and pushes
  // its reply as a Lua value; returns true when that value is an error table.
  bool call(lua_State* L);

 private:
  ScriptEngine();
  ~ScriptEngine();
  // A Lua state: EVAL scripts have one, functions another, as in Redis 7.0 (which reports their
  // memory apart, and resets only the scripts' one on SCRIPT FLUSH).
  struct LuaVm {
    // Declared before L: the state is closed (in ~ScriptEngine and flush()) before its allocator goes.
    std::unique_ptr<LuaAllocator> allocator;
    lua_State* L = nullptr;
    // The coroutine runs execute in (one, reused while runs end without error).
    lua_State* thread = nullptr;
    int threadRef = LUA_NOREF;
    long long runsSinceGc = 0;
  };
  // Opens the state with Redis's sandbox (and for functions the libraries' environments).
  void open(LuaVm& vm, bool forFunctions);
  static size_t vmBytes(const LuaVm& vm);
  // Compiles `body` as f_<sha> in the registry; on failure writes Redis's error to `reply`.
  bool compile(std::string_view body, const std::string& sha, ReplyWriter& reply);
  void setArgs(const char* name, std::span<const std::string_view> values);
  // Pushes a table of the strings (KEYS/ARGV, a function's keys and args).
  static void pushStrings(lua_State* L, std::span<const std::string_view> values);
  // Runs the function on the stack (above it `nargs` arguments) as script run.sha and writes its
  // reply or error to the caller, unless it ran past the busy threshold and was suspended.
  void runAndReply(CommandContext& c, ScriptRun& run, int nargs);
  // The coroutine vm's runs execute in.
  static lua_State* runThread(LuaVm& vm);
  // After the run thread returned (status): the reply or error, the AOF transaction, a GC step.
  void finishRun(ReplyWriter& reply, int status);
  // Redis's error text for a run that ended with an error (the thread is dropped after).
  std::string runError(lua_State* co, int status);
  // Read-only environments of function libraries: the load-time API and the run-time globals.
  void openFunctionEnvironments(lua_State* L);
  // Registers (or with `replace`, swaps in) a library; on failure returns the error text.
  std::string loadLibrary(std::string_view code, bool replace, std::string& loadedName);
  // Drops every library (FUNCTION FLUSH, and RESTORE before it loads the new set).
  void dropLibraries();

  LuaVm scriptsVm_;
  LuaVm functionsVm_;
  // The state of the run in progress (or the last one).
  LuaVm* vm_ = &scriptsVm_;
  // What a cached script's "#!lua flags=..." line declared.
  struct ScriptFlags {
    bool shebang = false;
    bool noWrites = false;
  };
  std::unordered_map<std::string, ScriptFlags> scripts_;
  std::map<std::string, LuaLibrary> libraries_;
  LuaLibrary* loading_ = nullptr;
  ScriptRun* run_ = nullptr;
  // The run in progress (its state outlives eval/fcall when it is suspended).
  ScriptRun current_;
  // The coroutine the run in progress executes in (its state's `thread`).
  lua_State* thread_ = nullptr;
  // Runs thread_ on the run stack: lua_resume with startArgs_ arguments; the status in runStatus_.
  static void resumeRunThread(void* engine);
  int startArgs_ = 0;
  int runStatus_ = 0;
  long long busyThresholdMs_ = 5000;
  std::chrono::steady_clock::time_point runStarted_;
  std::chrono::steady_clock::time_point sliceEnds_;
  bool busy_ = false;    // the run passed the threshold
  bool killed_ = false;  // SCRIPT KILL / FUNCTION KILL asked the run to stop
  // Reused by every redis.call: the command's arguments and reply.
  std::vector<std::string> argStorage_;
  std::vector<std::string_view> argv_;
  ReplyWriter scratch_;
};

}  // namespace rp::scripting
