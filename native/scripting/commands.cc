// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, FCALL, FCALL_RO and FUNCTION: the command handlers
// over ScriptEngine.
#include "commands/registry.h"
#include "scripting/script_engine.h"

namespace rp::scripting {
namespace {

void evalCommand(CommandContext& c) { ScriptEngine::instance().eval(c, false, false); }
void evalShaCommand(CommandContext& c) { ScriptEngine::instance().eval(c, true, false); }
void evalRoCommand(CommandContext& c) { ScriptEngine::instance().eval(c, false, true); }
void evalShaRoCommand(CommandContext& c) { ScriptEngine::instance().eval(c, true, true); }

void scriptLoadCommand(CommandContext& c) { ScriptEngine::instance().load(c, c.arg(2)); }

void scriptExistsCommand(CommandContext& c) {
  ScriptEngine& engine = ScriptEngine::instance();
  c.reply.arrayHeader(static_cast<size_t>(c.argc() - 2));
  for (int i = 2; i < c.argc(); ++i) {
    std::string sha(c.arg(i));
    for (char& ch : sha) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.reply.integer(engine.cached(sha) ? 1 : 0);
  }
}

void scriptFlushCommand(CommandContext& c) {
  if (c.argc() > 3 || (c.argc() == 3 && !equalsIgnoreCase(c.arg(2), "sync") && !equalsIgnoreCase(c.arg(2), "async")))
    return c.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  ScriptEngine::instance().flush();
  c.reply.ok();
}

// Served while a script runs past busy-reply-threshold (the server is busy, see ScriptEngine).
void scriptKillCommand(CommandContext& c) { ScriptEngine::instance().kill(c, true); }

template <size_t N>
void replyHelp(CommandContext& c, const std::string_view (&lines)[N]) {
  c.reply.arrayHeader(N);
  for (std::string_view line : lines) c.reply.simple(line);
}

void scriptHelpCommand(CommandContext& c) {
  static constexpr std::string_view kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  replyHelp(c, kLines);
}

void fcallCommand(CommandContext& c) { ScriptEngine::instance().fcall(c, false); }
void fcallRoCommand(CommandContext& c) { ScriptEngine::instance().fcall(c, true); }
void functionLoadCommand(CommandContext& c) { ScriptEngine::instance().functionLoad(c); }
void functionDeleteCommand(CommandContext& c) { ScriptEngine::instance().functionDelete(c); }
void functionFlushCommand(CommandContext& c) { ScriptEngine::instance().functionFlush(c); }
void functionListCommand(CommandContext& c) { ScriptEngine::instance().functionList(c); }
void functionStatsCommand(CommandContext& c) { ScriptEngine::instance().functionStats(c); }
void functionDumpCommand(CommandContext& c) { ScriptEngine::instance().functionDump(c); }
void functionRestoreCommand(CommandContext& c) { ScriptEngine::instance().functionRestore(c); }
void functionKillCommand(CommandContext& c) { ScriptEngine::instance().kill(c, false); }

void functionHelpCommand(CommandContext& c) {
  static constexpr std::string_view kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  replyHelp(c, kLines);
}

const CommandFamily kScriptingCommands{{
    {"eval", evalCommand},
    {"evalsha", evalShaCommand},
    {"eval_ro", evalRoCommand},
    {"evalsha_ro", evalShaRoCommand},
    {"script|load", scriptLoadCommand},
    {"script|exists", scriptExistsCommand},
    {"script|flush", scriptFlushCommand},
    {"script|kill", scriptKillCommand},
    {"script|help", scriptHelpCommand},
    {"fcall", fcallCommand},
    {"fcall_ro", fcallRoCommand},
    {"function|load", functionLoadCommand},
    {"function|delete", functionDeleteCommand},
    {"function|flush", functionFlushCommand},
    {"function|list", functionListCommand},
    {"function|stats", functionStatsCommand},
    {"function|dump", functionDumpCommand},
    {"function|restore", functionRestoreCommand},
    {"function|kill", functionKillCommand},
    {"function|help", functionHelpCommand},
}};

}  // namespace
}  // namespace rp::scripting
