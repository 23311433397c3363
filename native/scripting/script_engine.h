// The Lua scripting engine: one Lua 5.1 state for the process, sandboxed as in Redis 7.0 (no
// os/io/loadfile/dofile, globals read-only, math.random deterministic), the script cache keyed by
// SHA-1, and the run of one script (EVAL/EVALSHA and their _RO forms) whose redis.call/pcall go
// straight to the engine's command handlers through the runner addon.cc installs (host.h).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "commands/context.h"
#include "protocol/reply.h"
#include "scripting/lua_api.h"

namespace rp::scripting {

// The state of the script being run (redis.setresp, redis.set_repl and SELECT change it).
struct ScriptRun {
  CommandContext* caller = nullptr;
  std::string sha;
  int db = 0;
  int resp = 2;
  bool readOnly = false;
  bool propagate = true;
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
  bool cached(std::string_view sha) const { return shas_.count(std::string(sha)) != 0; }
  // SCRIPT FLUSH: a new Lua state with an empty cache (Redis resets the state the same way).
  void flush();
  size_t cachedScripts() const { return shas_.size(); }
  // Bytes used by the Lua state (INFO used_memory_lua).
  size_t memoryBytes() const;

  // For the Lua C functions of the redis table.
  ScriptRun* run() { return run_; }
  // redis.call / redis.pcall: runs the command made of the arguments on the Lua stack and pushes
  // its reply as a Lua value; returns true when that value is an error table.
  bool call(lua_State* L);

 private:
  ScriptEngine();
  ~ScriptEngine();
  void open();
  // Compiles `body` as f_<sha> in the registry; on failure writes Redis's error to `reply`.
  bool compile(std::string_view body, const std::string& sha, ReplyWriter& reply);
  void setArgs(const char* name, std::span<const std::string_view> values);

  lua_State* L_ = nullptr;
  std::unordered_set<std::string> shas_;
  ScriptRun* run_ = nullptr;
  long long runsSinceGc_ = 0;
  // Reused by every redis.call: the command's arguments and reply.
  std::vector<std::string> argStorage_;
  std::vector<std::string_view> argv_;
  ReplyWriter scratch_;
};

}  // namespace rp::scripting
