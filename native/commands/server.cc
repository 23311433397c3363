// Server-level data commands the engine answers: PING ECHO DBSIZE FLUSHDB FLUSHALL SWAPDB DEBUG.
#include <time.h>

#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "commands/registry.h"

namespace rp {

bool keysIsSharedInteger(CommandContext& c, const KeyRef& k);
long long keysIdleSeconds(const Engine& engine, uint32_t lru);

namespace {

void pingCommand(CommandContext& c) {
  if (c.argc() > 2) {
    c.arityError();
    return;
  }
  if (c.argc() == 1)
    c.reply.simple("PONG");
  else
    c.reply.bulk(c.arg(1));
}

void echoCommand(CommandContext& c) { c.reply.bulk(c.arg(1)); }

void dbsizeCommand(CommandContext& c) { c.reply.integer(static_cast<long long>(c.db.size())); }

// FLUSHDB/FLUSHALL [ASYNC|SYNC]; returns false after replying a syntax error.
bool flushMode(CommandContext& c, bool& async) {
  async = false;  // lazyfree-lazy-user-flush defaults to no
  if (c.argc() > 2) {
    c.syntaxError();
    return false;
  }
  if (c.argc() == 2) {
    if (equalsIgnoreCase(c.arg(1), "sync")) {
      async = false;
    } else if (equalsIgnoreCase(c.arg(1), "async")) {
      async = true;
    } else {
      c.syntaxError();
      return false;
    }
  }
  return true;
}

void flushdbCommand(CommandContext& c) {
  bool async = false;
  if (!flushMode(c, async)) return;
  long long removed = static_cast<long long>(c.db.size());
  c.db.clear(async);
  c.addDirty(removed);
  c.reply.ok();
}

void flushallCommand(CommandContext& c) {
  bool async = false;
  if (!flushMode(c, async)) return;
  long long removed = 0;
  for (int i = 0; i < c.engine.databaseCount(); ++i) removed += static_cast<long long>(c.engine.db(i).size());
  c.engine.flushAll(async);
  c.addDirty(removed + 1);
  c.reply.ok();
}

void swapdbCommand(CommandContext& c) {
  long long a = 0, b = 0;
  if (!parseLongLong(c.arg(1), a) || a < INT_MIN || a > INT_MAX) {
    c.reply.error("ERR invalid first DB index");
    return;
  }
  if (!parseLongLong(c.arg(2), b) || b < INT_MIN || b > INT_MAX) {
    c.reply.error("ERR invalid second DB index");
    return;
  }
  int n = c.engine.databaseCount();
  if (a < 0 || a >= n || b < 0 || b >= n) {
    c.reply.error(kErrDbIndex);
    return;
  }
  c.engine.swapDbs(static_cast<int>(a), static_cast<int>(b));
  // Clients blocked on keys of either database may find data there now.
  c.engine.signalDbReady(static_cast<int>(a));
  if (b != a) c.engine.signalDbReady(static_cast<int>(b));
  c.addDirty();
  c.reply.ok();
}

// ---- DEBUG ------------------------------------------------------------------------------------

// Length of Redis's RDB length prefix.
size_t rdbLengthBytes(size_t len) {
  if (len < (1u << 6)) return 1;
  if (len < (1u << 14)) return 2;
  if (len <= UINT32_MAX) return 5;
  return 9;
}

// Bytes of an integer in RDB's special int encoding, or 0 when it does not fit in 32 bits.
size_t rdbIntBytes(long long v) {
  if (v >= -(1 << 7) && v <= (1 << 7) - 1) return 2;
  if (v >= -(1 << 15) && v <= (1 << 15) - 1) return 3;
  if (v >= -(1LL << 31) && v <= (1LL << 31) - 1) return 5;
  return 0;
}

// Redis's rdbSavedObjectLen for a string (without LZF compression, which we do not estimate).
size_t serializedStringLength(const KeyRef& k) {
  IntText scratch;
  std::string_view s = k.stringView(scratch);
  long long v = 0;
  if (k.isIntEncoded() || (s.size() <= 11 && parseLongLong(s, v))) {
    if (k.isIntEncoded()) v = k.intValue();
    if (size_t n = rdbIntBytes(v)) return n;
  }
  return rdbLengthBytes(s.size()) + s.size();
}

void debugObject(CommandContext& c) {
  KeyRef k = c.db.lookup(c.arg(2), kLookupRead | kLookupNoTouch);
  if (!k) {
    c.reply.error(kErrNoSuchKey);
    return;
  }
  const char* encoding = k.isString() ? encodingName(k.stringEncoding()) : k.object()->encodingName();
  int refcount = keysIsSharedInteger(c, k) ? INT_MAX : 1;
  size_t serialized = k.isString() ? serializedStringLength(k) : 0;
  char line[256];
  std::snprintf(line, sizeof line, "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%lld",
                static_cast<const void*>(k.key().data()), refcount, encoding, serialized, k.lruField(),
                keysIdleSeconds(c.engine, k.lruField()));
  c.reply.simple(line);
}

void debugSleep(CommandContext& c) {
  std::string text(c.arg(2));
  double seconds = std::strtod(text.c_str(), nullptr);
  long long micros = static_cast<long long>(seconds * 1000000);
  if (micros > 0) {
    timespec ts;
    ts.tv_sec = micros / 1000000;
    ts.tv_nsec = (micros % 1000000) * 1000;
    nanosleep(&ts, nullptr);
  }
  c.reply.ok();
}

// getPositiveLongFromObjectOrReply
bool argPositive(CommandContext& c, int i, long long& out) {
  if (!parseLongLong(c.arg(i), out) || out < 0) {
    c.reply.error("ERR value is out of range, must be positive");
    return false;
  }
  return true;
}

void debugPopulate(CommandContext& c) {
  long long keys = 0;
  if (!argPositive(c, 2, keys)) return;
  long long valueSize = 0;
  if (c.argc() == 5 && !argPositive(c, 4, valueSize)) return;
  std::string prefix = c.argc() >= 4 ? std::string(c.arg(3)) : std::string("key");
  // Redis formats into a 128-byte buffer, so a long prefix is cut at 127 bytes; the prefix is a
  // C string, so it also ends at a NUL byte.
  prefix = prefix.c_str();
  std::string value;
  for (long long j = 0; j < keys; ++j) {
    char buf[128];
    int n = std::snprintf(buf, sizeof buf, "%s:%llu", prefix.c_str(), static_cast<unsigned long long>(j));
    std::string_view key(buf, static_cast<size_t>(n < static_cast<int>(sizeof buf) ? n : sizeof buf - 1));
    if (c.db.lookupWrite(key)) continue;
    char vbuf[128];
    int vn = std::snprintf(vbuf, sizeof vbuf, "value:%llu", static_cast<unsigned long long>(j));
    if (valueSize == 0) {
      c.db.setString(key, std::string_view(vbuf, static_cast<size_t>(vn)), Ttl::Clear, StrHint::NoInt);
    } else {
      value.assign(static_cast<size_t>(valueSize), '\0');
      value.replace(0, std::min<size_t>(static_cast<size_t>(vn), value.size()), vbuf,
                    std::min<size_t>(static_cast<size_t>(vn), value.size()));
      c.db.setString(key, value, Ttl::Clear, StrHint::NoInt);
    }
  }
  c.reply.ok();
}

void debugHelp(CommandContext& c) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <key>",
      "    Show low level info about the value stored at <key>.",
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix. These are not propagated to",
      "    replicas. Cluster slots are not respected so keys not belonging to the",
      "    current node can be created in cluster mode.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
  };
  c.reply.arrayHeader(std::size(kLines) + 3);
  c.reply.simple("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : kLines) c.reply.simple(line);
  c.reply.simple("HELP");
  c.reply.simple("    Prints this help.");
}

void debugCommand(CommandContext& c) {
  std::string_view sub = c.arg(1);
  int argc = c.argc();
  // DEBUG is not replayed (Redis does not propagate it); its data reaches the AOF by a rewrite.
  c.propagateNothing();
  if (argc == 2 && equalsIgnoreCase(sub, "help")) return debugHelp(c);
  if (argc == 3 && equalsIgnoreCase(sub, "object")) return debugObject(c);
  if (argc == 3 && equalsIgnoreCase(sub, "sleep")) return debugSleep(c);
  if (argc == 3 && equalsIgnoreCase(sub, "set-active-expire")) {
    std::string text(c.arg(2));
    c.engine.setActiveExpireEnabled(std::atoi(text.c_str()) != 0);
    return c.reply.ok();
  }
  if (argc >= 3 && argc <= 5 && equalsIgnoreCase(sub, "populate")) return debugPopulate(c);
  std::string msg = "ERR unknown subcommand or wrong number of arguments for '";
  msg.append(sub.substr(0, 128));
  msg.append("'. Try DEBUG HELP.");
  c.reply.error(msg);
}

const CommandFamily kServerCommands{{
    {"ping", pingCommand},
    {"echo", echoCommand},
    {"dbsize", dbsizeCommand},
    {"flushdb", flushdbCommand},
    {"flushall", flushallCommand},
    {"swapdb", swapdbCommand},
    {"debug", debugCommand},
}};

}  // namespace
}  // namespace rp
