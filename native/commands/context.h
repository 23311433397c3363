// What a command handler sees, and the helpers every command family needs.
//
// A handler is a plain function `void fooCommand(CommandContext& c)`. Arity is checked before it
// runs (from the arity the TypeScript command table passes to init), so handlers only validate their
// own options. Arguments are binary-safe string_views into the request bytes; arg(0) is the command
// name as sent (for subcommands arg(1) is the subcommand). Replies go to c.reply; every handler
// writes exactly one reply. Keyspace changes must call c.addDirty(n) like Redis's server.dirty++.
//
// Registering: each family file (strings.cc, keys.cc, ...) defines at namespace scope
//     static const rp::CommandFamily kStringCommands{{
//         {"get", getCommand},
//         {"set", setCommand},
//     }};
// Names are lowercase; a subcommand is registered as "container|sub" (e.g. "object|encoding").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>
#include <span>
#include <string_view>

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "protocol/reply.h"

namespace rp {

inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";

struct CommandContext {
  Engine& engine;
  Db& db;             // the connection's selected database
  int dbIndex;        // its number
  ReplyWriter& reply;
  int resp;           // 2 or 3 (reply already writes the right encodings)
  long long nowMs;    // one clock reading per command, unix ms
  unsigned clientFlags;  // rp::abi client flags (bit 0: NO-TOUCH)
  std::span<const std::string_view> argv;
  std::string_view name;  // the table's lowercase name, e.g. "get" or "object|encoding"

  int argc() const { return static_cast<int>(argv.size()); }
  std::string_view arg(int i) const { return argv[static_cast<size_t>(i)]; }
  void addDirty(long long n = 1) { engine.addDirty(n); }
  // A blocking command (BLPOP, BZPOPMIN, ...) with nothing to serve calls block() and writes no
  // reply: TypeScript parks the client and runs the command again when a key is ready or the
  // timeout passes (it answers the timeout itself).
  // timeoutMs: the wait the command asked for (0 = forever), -1 when TypeScript should parse it.
  void block(long long timeoutMs = -1) { engine.requestBlock(timeoutMs); }
  // What the AOF records instead of this command's argv (absolute expiries, deterministic
  // results of random or float commands); may be called several times for several records.
  void propagateAs(std::initializer_list<std::string_view> argv) { engine.propagateAs(argv); }
  void propagateAs(std::initializer_list<std::string_view> head, const std::vector<std::string>& tail) {
    engine.propagateAs(head, tail);
  }
  // True while records are kept (the AOF is on or being rewritten): gather what propagateAs needs.
  bool propagating() const { return engine.aof().active(); }
  void propagateNothing() { engine.propagateNothing(); }
  // Commands that add elements to a list or sorted set call this for the key they grew.
  void signalKeyReady(std::string_view key) { engine.signalKeyReady(dbIndex, key); }
  // For WATCH: the key counts as modified even if the command leaves `dirty` unchanged (Redis
  // calls signalModifiedKey there regardless, e.g. LTRIM that removes nothing). Changes made
  // through Db methods are reported without this.
  void signalModified(std::string_view key) {
    if (engine.watches().watching()) engine.watches().modified(dbIndex, key, true);
  }

  // Redis's notifyKeyspaceEvent for a key of this command's database (nothing unless enabled).
  void notify(unsigned cls, std::string_view event, std::string_view key) { engine.notify(cls, event, dbIndex, key); }

  // Parses arg(i) as a long long with Redis's strict rules; on failure replies
  // kErrNotInteger (or `message` when given) and returns false.
  bool argLongLong(int i, long long& out, std::string_view message = {});
  // A blocking command's timeout in seconds (fractions allowed) at arg(i), as whole milliseconds;
  // on failure replies Redis's "timeout is not a float or out of range" / "timeout is negative".
  bool argTimeout(int i, long long& ms);
  void syntaxError() { reply.error(kErrSyntax); }
  void wrongType() { reply.error(kErrWrongType); }
  // "ERR wrong number of arguments for '<name>' command" for the running command.
  void arityError();
};

using CommandHandler = void (*)(CommandContext&);

// Decimal text of n (for records built by propagateAs).
inline std::string decimal(long long n) { return std::to_string(n); }

// Redis's string2ll: optional '-', no '+', no spaces, no leading zeros ("0" only), no "-0",
// within int64. Used for every integer argument and for the int encoding of values.
bool parseLongLong(std::string_view text, long long& out);
// A container's HELP reply: "<NAME> <subcommand> ..." then the lines, then HELP's own two lines.
void replyHelp(CommandContext& c, std::initializer_list<std::string_view> lines);
// Case-insensitive comparison against an ASCII literal (either case).
bool equalsIgnoreCase(std::string_view text, std::string_view literal);

}  // namespace rp
