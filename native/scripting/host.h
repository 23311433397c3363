// What the scripting engine needs from the server around it: running one command for redis.call.
// addon.cc installs the runner at init (it owns the command table); commands that TypeScript owns
// are passed on from there to the JavaScript callback given to setScriptCallback().
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "protocol/reply.h"

namespace rp::scripting {

struct ScriptCall {
  std::span<const std::string_view> argv;
  int db;          // the script's database (SELECT inside a script changes only the script's)
  bool readOnly;   // EVAL_RO / EVALSHA_RO: write commands are refused
  bool propagate;  // redis.set_repl(): the command's effects go to the AOF
  ReplyWriter& out;  // receives the reply, at the script's RESP version (redis.setresp)
  bool ranWrite = false;  // out: a write command ran (SCRIPT KILL may no longer stop the script)
  bool ran = false;       // out: an engine command ran (it was not refused): MONITOR shows it
};

using CommandRunner = void (*)(ScriptCall& call);

void setCommandRunner(CommandRunner runner);

// Set while a script that ran past busy-reply-threshold is suspended (EVAL/FCALL returned without
// a reply).
inline bool scriptSuspended = false;
// Set by the EVAL/FCALL that just suspended its script; the batch runner reads it after every
// command (hence a plain flag rather than a call) and clears it.
inline bool scriptJustSuspended = false;
// The error reply a script run just wrote is the error of a command it called (an error table
// marked ignore_error_stats_update), which errorstats counted already; the reader clears it.
inline bool scriptErrorCounted = false;
// MONITOR shows the commands scripts run, after the script's EVAL/FCALL line. While a client
// monitors (the batch's kClientFlagMonitored), each command a script ran is recorded here for
// TypeScript, which shows it with its own commands (a script's TypeScript-owned commands), in order.
void recordScriptCommands(bool on);
// The records since the last take, and none kept: per command the wall-clock time in µs (f64), the
// database and the argument count (i32), then each argument as its length (i32) and bytes; all
// numbers little-endian.
std::string takeScriptCommandRecords();
// Runs the suspended script for about sliceMs more; true when it ended and its reply (or error)
// was written to `reply`.
bool resumeSuspendedScript(ReplyWriter& reply, long long sliceMs);
// busy-reply-threshold (alias lua-time-limit), in ms.
void setBusyReplyThreshold(long long ms);

// INFO memory's scripting figures. EVAL scripts and functions have a Lua state each, as in Redis.
struct ScriptingMemory {
  size_t luaBytes = 0;        // the scripts' Lua state (used_memory_lua / used_memory_vm_eval)
  size_t functionsLuaBytes = 0;  // the functions' Lua state (used_memory_vm_functions)
  size_t cachedScripts = 0;   // number_of_cached_scripts
  size_t scriptsBytes = 0;    // the script cache's own structures (used_memory_scripts_eval)
  size_t functions = 0;       // number_of_functions
  size_t libraries = 0;       // number_of_libraries
  size_t functionsBytes = 0;  // libraries: code, names, descriptions, flags (used_memory_functions)
};
ScriptingMemory scriptingMemory();

// Redis's texts for commands a script may not run.
inline constexpr std::string_view kErrUnknownFromScript = "ERR Unknown Redis command called from script";
inline constexpr std::string_view kErrArityFromScript = "ERR Wrong number of args calling Redis command from script";
inline constexpr std::string_view kErrNoScript = "ERR This Redis command is not allowed from script";
// Answers while a script runs past busy-reply-threshold (an EVAL / a function).
inline constexpr std::string_view kErrBusyScript =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kErrBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kErrWriteFromReadOnly = "ERR Write commands are not allowed from read-only scripts.";

}  // namespace rp::scripting
