// Generic key commands: DEL UNLINK EXISTS TYPE KEYS SCAN RANDOMKEY RENAME RENAMENX COPY MOVE
// TOUCH OBJECT, and the TTL family EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME
// PEXPIRETIME PERSIST. Semantics, replies and error texts are Redis 7.0's.
#include <cerrno>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include "commands/registry.h"
#include "engine/entry.h"
#include "engine/glob.h"

namespace rp {
namespace {

// ---- DEL / UNLINK / EXISTS / TYPE / TOUCH ------------------------------------------------------

void delCommand(CommandContext& c) {
  long long deleted = 0;
  for (int i = 1; i < c.argc(); ++i) {
    KeyRef k = c.db.lookup(c.arg(i), kLookupWrite | kLookupNoTouch);
    if (k) {
      c.db.remove(k);
      c.notify(kNotifyGeneric, "del", c.arg(i));
      ++deleted;
    }
  }
  c.addDirty(deleted);
  c.reply.integer(deleted);
}

void existsCommand(CommandContext& c) {
  long long count = 0;
  for (int i = 1; i < c.argc(); ++i)
    if (c.db.lookup(c.arg(i), kLookupRead | kLookupNoTouch)) ++count;
  c.reply.integer(count);
}

void typeCommand(CommandContext& c) {
  KeyRef k = c.db.lookup(c.arg(1), kLookupRead | kLookupNoTouch);
  c.reply.simple(k ? typeName(k.type()) : "none");
}

void touchCommand(CommandContext& c) {
  long long touched = 0;
  for (int i = 1; i < c.argc(); ++i) {
    KeyRef k = c.db.lookupRead(c.arg(i));
    if (k) {
      // TOUCH updates the access time even for a NO-TOUCH client.
      if (!c.engine.touchAllowed()) c.db.touch(k);
      ++touched;
    }
  }
  c.reply.integer(touched);
}

// ---- KEYS / SCAN / RANDOMKEY -------------------------------------------------------------------

void keysCommand(CommandContext& c) {
  std::string_view pattern = c.arg(1);
  bool all = pattern == "*";
  size_t position = c.reply.beginDeferred();
  size_t count = 0;
  long long now = c.nowMs;
  c.db.forEach([&](const KeyRef& k) {
    std::string_view key = k.key();
    if (!all && !globMatch(pattern, key)) return;
    long long when = k.expireAt();
    if (when >= 0 && now > when) return;  // logically expired: not listed (not deleted here)
    c.reply.bulk(key);
    ++count;
  });
  c.reply.endDeferredArray(position, count);
}

// Redis parses the cursor with strtoul over the C string: leading '-' wraps, "" is 0.
bool parseScanCursor(std::string_view text, uint64_t& cursor) {
  std::string s(text);
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  cursor = v;
  return true;
}

void scanCommand(CommandContext& c) {
  uint64_t cursor = 0;
  if (!parseScanCursor(c.arg(1), cursor)) {
    c.reply.error("ERR invalid cursor");
    return;
  }
  long long count = 10;
  std::string_view pattern;
  bool usePattern = false;
  std::string_view type;
  bool useType = false;
  for (int i = 2; i < c.argc();) {
    int remaining = c.argc() - i;
    std::string_view opt = c.arg(i);
    if (equalsIgnoreCase(opt, "count") && remaining >= 2) {
      if (!c.argLongLong(i + 1, count)) return;
      if (count < 1) {
        c.syntaxError();
        return;
      }
      i += 2;
    } else if (equalsIgnoreCase(opt, "match") && remaining >= 2) {
      pattern = c.arg(i + 1);
      usePattern = pattern != "*";
      i += 2;
    } else if (equalsIgnoreCase(opt, "type") && remaining >= 2) {
      type = c.arg(i + 1);
      useType = true;
      i += 2;
    } else {
      c.syntaxError();
      return;
    }
  }
  std::vector<std::string> keys;
  long long maxIterations = count * 10;
  do {
    cursor = c.db.scanStep(cursor, [&](const KeyRef& k) { keys.emplace_back(k.key()); });
  } while (cursor && maxIterations-- && keys.size() < static_cast<unsigned long long>(count));

  std::vector<const std::string*> kept;
  kept.reserve(keys.size());
  for (const std::string& key : keys) {
    if (usePattern && !globMatch(pattern, key)) continue;
    if (useType) {
      KeyRef k = c.db.lookup(key, kLookupRead | kLookupNoTouch);
      if (!equalsIgnoreCase(type, k ? typeName(k.type()) : "none")) continue;
    }
    // Expired keys are deleted here and left out.
    if (!c.db.lookup(key, kLookupWrite | kLookupNoTouch | kLookupNoStats) && !useType) continue;
    kept.push_back(&key);
  }
  c.reply.arrayHeader(2);
  char digits[24];
  int n = std::snprintf(digits, sizeof digits, "%llu", static_cast<unsigned long long>(cursor));
  c.reply.bulk(std::string_view(digits, static_cast<size_t>(n)));
  c.reply.arrayHeader(kept.size());
  for (const std::string* key : kept) c.reply.bulk(*key);
}

void randomkeyCommand(CommandContext& c) {
  for (;;) {
    KeyRef k = c.db.randomKey();
    if (!k) {
      c.reply.nullBulk();
      return;
    }
    long long when = k.expireAt();
    std::string key(k.key());
    if (when >= 0 && c.nowMs > when) {
      // Expired: delete it (lookup does, and counts it) and draw again.
      c.db.lookup(key, kLookupWrite | kLookupNoTouch);
      continue;
    }
    c.reply.bulk(key);
    return;
  }
}

// ---- RENAME / RENAMENX / MOVE / COPY ----------------------------------------------------------

// A list, sorted set or stream appearing under a key may serve clients blocked on it (Redis signals every
// such key added to a database).
bool mayServeBlocked(const KeyRef& ref) {
  ObjType type = ref.type();
  return type == ObjType::List || type == ObjType::ZSet || type == ObjType::Stream;
}

void renameGeneric(CommandContext& c, bool nx) {
  std::string_view from = c.arg(1), to = c.arg(2);
  KeyRef src = c.db.lookupWrite(from);
  if (!src) {
    c.reply.error(kErrNoSuchKey);
    return;
  }
  if (from == to) {
    nx ? c.reply.integer(0) : c.reply.ok();
    return;
  }
  KeyRef dst = c.db.lookupWrite(to);
  if (dst) {
    if (nx) {
      c.reply.integer(0);
      return;
    }
    c.db.remove(dst);
  }
  // The lookups above may have moved things (rehash step, lazy expiry): find the source again.
  src = c.db.lookup(from, kLookupWrite | kLookupNoTouch);
  bool signal = mayServeBlocked(src);
  c.db.transfer(src, c.db, to);
  if (signal) c.signalKeyReady(to);
  c.addDirty();
  c.notify(kNotifyGeneric, "rename_from", from);
  c.notify(kNotifyGeneric, "rename_to", to);
  nx ? c.reply.integer(1) : c.reply.ok();
}

void renameCommand(CommandContext& c) { renameGeneric(c, false); }
void renamenxCommand(CommandContext& c) { renameGeneric(c, true); }

// getIntFromObjectOrReply: a strict integer within int range.
bool argInt(CommandContext& c, int i, long long& out) {
  if (!c.argLongLong(i, out)) return false;
  if (out < INT_MIN || out > INT_MAX) {
    c.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  return true;
}

void moveCommand(CommandContext& c) {
  long long target = 0;
  if (!argInt(c, 2, target)) return;
  if (target < 0 || target >= c.engine.databaseCount()) {
    c.reply.error(kErrDbIndex);
    return;
  }
  if (target == c.dbIndex) {
    c.reply.error("ERR source and destination objects are the same");
    return;
  }
  std::string_view key = c.arg(1);
  KeyRef src = c.db.lookupWrite(key);
  if (!src) {
    c.reply.integer(0);
    return;
  }
  Db& dst = c.engine.db(static_cast<int>(target));
  if (dst.lookupWrite(key)) {
    c.reply.integer(0);
    return;
  }
  bool signal = mayServeBlocked(src);
  c.db.transfer(src, dst, key);
  if (signal) c.engine.signalKeyReady(static_cast<int>(target), key);
  c.addDirty();
  c.notify(kNotifyGeneric, "move_from", key);
  c.engine.notify(kNotifyGeneric, "move_to", static_cast<int>(target), key);
  c.reply.integer(1);
}

void copyCommand(CommandContext& c) {
  long long target = c.dbIndex;
  bool replace = false;
  for (int j = 3; j < c.argc(); ++j) {
    bool hasValue = c.argc() - j - 1 >= 1;
    if (equalsIgnoreCase(c.arg(j), "replace")) {
      replace = true;
    } else if (equalsIgnoreCase(c.arg(j), "db") && hasValue) {
      if (!argInt(c, j + 1, target)) return;
      if (target < 0 || target >= c.engine.databaseCount()) {
        c.reply.error(kErrDbIndex);
        return;
      }
      ++j;
    } else {
      c.syntaxError();
      return;
    }
  }
  std::string_view from = c.arg(1), to = c.arg(2);
  Db& dst = c.engine.db(static_cast<int>(target));
  if (&dst == &c.db && from == to) {
    c.reply.error("ERR source and destination objects are the same");
    return;
  }
  KeyRef src = c.db.lookupRead(from);
  if (!src) {
    c.reply.integer(0);
    return;
  }
  KeyRef existing = dst.lookupWrite(to);
  if (existing) {
    if (!replace) {
      c.reply.integer(0);
      return;
    }
    dst.remove(existing);
  }
  src = c.db.lookup(from, kLookupWrite | kLookupNoTouch);
  bool signal = mayServeBlocked(src);
  c.db.copyTo(src, dst, to);
  if (signal) c.engine.signalKeyReady(static_cast<int>(target), to);
  c.addDirty();
  c.engine.notify(kNotifyGeneric, "copy_to", static_cast<int>(target), to);
  c.reply.integer(1);
}

// ---- OBJECT -----------------------------------------------------------------------------------

constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
    "between policies at runtime LRU and LFU data will take some time to adjust.";

KeyRef objectLookup(CommandContext& c) {
  KeyRef k = c.db.lookup(c.arg(2), kLookupRead | kLookupNoTouch | kLookupNoNotify);
  if (!k) c.reply.nullBulk();
  return k;
}

bool isSharedInteger(CommandContext& c, const KeyRef& k) {
  if (!k.isString() || !k.isIntEncoded() || !c.engine.sharedIntegers()) return false;
  long long v = k.intValue();
  return v >= 0 && v < 10000;
}

void objectEncodingCommand(CommandContext& c) {
  KeyRef k = objectLookup(c);
  if (!k) return;
  c.reply.bulk(k.isString() ? encodingName(k.stringEncoding()) : k.object()->encodingName());
}

void objectRefcountCommand(CommandContext& c) {
  KeyRef k = objectLookup(c);
  if (!k) return;
  c.reply.integer(isSharedInteger(c, k) ? INT_MAX : 1);
}

long long idleSeconds(const Engine& engine, uint32_t lru) {
  uint32_t now = engine.lruClock();
  uint64_t ticks = now >= lru ? now - lru : now + (entry::kLruMask - lru);
  return static_cast<long long>(ticks);
}

void objectIdletimeCommand(CommandContext& c) {
  KeyRef k = objectLookup(c);
  if (!k) return;
  if (c.engine.lfuSelected()) {
    c.reply.error(kLfuSelected);
    return;
  }
  c.reply.integer(idleSeconds(c.engine, k.lruField()));
}

void objectFreqCommand(CommandContext& c) {
  KeyRef k = objectLookup(c);
  if (!k) return;
  if (!c.engine.lfuSelected()) {
    c.reply.error(kLfuNotSelected);
    return;
  }
  c.reply.integer(isSharedInteger(c, k) ? 0 : c.engine.lfuCounter(k.lruField()));
}

void objectHelpCommand(CommandContext& c) {
  replyHelp(c, {
                   "ENCODING <key>",
                   "    Return the kind of internal representation used in order to store the value",
                   "    associated with a <key>.",
                   "FREQ <key>",
                   "    Return the access frequency index of the <key>. The returned integer is",
                   "    proportional to the logarithm of the recent access frequency of the key.",
                   "IDLETIME <key>",
                   "    Return the idle time of the <key>, that is the approximated number of",
                   "    seconds elapsed since the last access to the key.",
                   "REFCOUNT <key>",
                   "    Return the number of references of the value associated with the specified",
                   "    <key>.",
               });
}

// ---- EXPIRE family ----------------------------------------------------------------------------

enum ExpireFlag : unsigned { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

void expireGeneric(CommandContext& c, long long basetime, bool seconds) {
  unsigned flags = 0;
  for (int j = 3; j < c.argc(); ++j) {
    std::string_view opt = c.arg(j);
    if (equalsIgnoreCase(opt, "nx")) flags |= kNx;
    else if (equalsIgnoreCase(opt, "xx")) flags |= kXx;
    else if (equalsIgnoreCase(opt, "gt")) flags |= kGt;
    else if (equalsIgnoreCase(opt, "lt")) flags |= kLt;
    else {
      std::string msg = "ERR Unsupported option ";
      msg.append(opt);
      c.reply.error(msg);
      return;
    }
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) {
    c.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if ((flags & kGt) && (flags & kLt)) {
    c.reply.error("ERR GT and LT options at the same time are not compatible");
    return;
  }
  long long when = 0;
  if (!c.argLongLong(2, when)) return;
  auto invalid = [&c] {
    std::string msg = "ERR invalid expire time in '";
    msg.append(c.name);
    msg.append("' command");
    c.reply.error(msg);
  };
  if (seconds) {
    if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
      invalid();
      return;
    }
    when *= 1000;
  }
  if (when > LLONG_MAX - basetime) {
    invalid();
    return;
  }
  when += basetime;
  KeyRef k = c.db.lookupWrite(c.arg(1));
  if (!k) {
    c.reply.integer(0);
    return;
  }
  if (flags) {
    long long current = k.expireAt();
    if ((flags & kNx) && current != -1) return c.reply.integer(0);
    if ((flags & kXx) && current == -1) return c.reply.integer(0);
    if ((flags & kGt) && (when <= current || current == -1)) return c.reply.integer(0);
    if ((flags & kLt) && current != -1 && when >= current) return c.reply.integer(0);
  }
  // The notification and the reply in Redis's order: a RESP3 client subscribed to its own keys
  // gets "del" before the reply and "expire" after it.
  c.addDirty();
  if (when <= c.nowMs && !c.engine.loading()) {
    c.propagateAs({"DEL", c.arg(1)});
    c.db.remove(k);
    c.notify(kNotifyGeneric, "del", c.arg(1));
    c.reply.integer(1);
  } else {
    c.db.setExpire(k, when);
    c.propagateAs({"PEXPIREAT", c.arg(1), decimal(when)});
    c.reply.integer(1);
    c.notify(kNotifyGeneric, "expire", c.arg(1));
  }
}

void expireCommand(CommandContext& c) { expireGeneric(c, c.nowMs, true); }
void pexpireCommand(CommandContext& c) { expireGeneric(c, c.nowMs, false); }
void expireatCommand(CommandContext& c) { expireGeneric(c, 0, true); }
void pexpireatCommand(CommandContext& c) { expireGeneric(c, 0, false); }

void ttlGeneric(CommandContext& c, bool milliseconds, bool absolute) {
  KeyRef k = c.db.lookup(c.arg(1), kLookupRead | kLookupNoTouch);
  if (!k) {
    c.reply.integer(-2);
    return;
  }
  long long expire = k.expireAt();
  if (expire == -1) {
    c.reply.integer(-1);
    return;
  }
  long long ttl = absolute ? expire : expire - c.nowMs;
  if (ttl < 0) ttl = 0;
  c.reply.integer(milliseconds ? ttl : (ttl + 500) / 1000);
}

void ttlCommand(CommandContext& c) { ttlGeneric(c, false, false); }
void pttlCommand(CommandContext& c) { ttlGeneric(c, true, false); }
void expiretimeCommand(CommandContext& c) { ttlGeneric(c, false, true); }
void pexpiretimeCommand(CommandContext& c) { ttlGeneric(c, true, true); }

void persistCommand(CommandContext& c) {
  KeyRef k = c.db.lookupWrite(c.arg(1));
  if (k && c.db.removeExpire(k)) {
    c.addDirty();
    c.notify(kNotifyGeneric, "persist", c.arg(1));
    c.reply.integer(1);
  } else {
    c.reply.integer(0);
  }
}

const CommandFamily kKeyCommands{{
    {"del", delCommand},
    {"unlink", delCommand},
    {"exists", existsCommand},
    {"type", typeCommand},
    {"touch", touchCommand},
    {"keys", keysCommand},
    {"scan", scanCommand},
    {"randomkey", randomkeyCommand},
    {"rename", renameCommand},
    {"renamenx", renamenxCommand},
    {"move", moveCommand},
    {"copy", copyCommand},
    {"object|encoding", objectEncodingCommand},
    {"object|refcount", objectRefcountCommand},
    {"object|idletime", objectIdletimeCommand},
    {"object|freq", objectFreqCommand},
    {"object|help", objectHelpCommand},
    {"expire", expireCommand},
    {"pexpire", pexpireCommand},
    {"expireat", expireatCommand},
    {"pexpireat", pexpireatCommand},
    {"ttl", ttlCommand},
    {"pttl", pttlCommand},
    {"expiretime", expiretimeCommand},
    {"pexpiretime", pexpiretimeCommand},
    {"persist", persistCommand},
}};

}  // namespace

// Exposed for DEBUG OBJECT (server.cc).
bool keysIsSharedInteger(CommandContext& c, const KeyRef& k) { return isSharedInteger(c, k); }
long long keysIdleSeconds(const Engine& engine, uint32_t lru) { return idleSeconds(engine, lru); }

}  // namespace rp
