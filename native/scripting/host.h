// What the scripting engine needs from the server around it: running one command for redis.call.
// addon.cc installs the runner at init (it owns the command table); commands that TypeScript owns
// are passed on from there to the JavaScript callback given to setScriptCallback().
#pragma once

#include <span>
#include <string_view>

#include "protocol/reply.h"

namespace rp::scripting {

struct ScriptCall {
  std::span<const std::string_view> argv;
  int db;          // the script's database (SELECT inside a script changes only the script's)
  bool readOnly;   // EVAL_RO / EVALSHA_RO: write commands are refused
  bool propagate;  // redis.set_repl(): the command's effects go to the AOF
  ReplyWriter& out;  // receives the reply, at the script's RESP version (redis.setresp)
};

using CommandRunner = void (*)(ScriptCall& call);

void setCommandRunner(CommandRunner runner);

// Redis's texts for commands a script may not run.
inline constexpr std::string_view kErrUnknownFromScript = "ERR Unknown Redis command called from script";
inline constexpr std::string_view kErrArityFromScript = "ERR Wrong number of args calling Redis command from script";
inline constexpr std::string_view kErrNoScript = "ERR This Redis command is not allowed from script";
inline constexpr std::string_view kErrWriteFromReadOnly = "ERR Write commands are not allowed from read-only scripts.";

}  // namespace rp::scripting
