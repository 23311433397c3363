// The string commands: SET and its relatives, GET and its relatives, counters, ranges and LCS.
//
// Every behaviour here is Redis 7.0.15's, checked against redis-server: the order in which
// arguments are validated (it decides which error a bad request gets), the error texts, the RESP3
// nulls, which lookups count as keyspace hits/misses (read lookups) and which do not (write
// lookups), when a key keeps its TTL (APPEND, SETRANGE, INCR*, SET KEEPTTL) and when it loses it
// (SET, GETSET, MSET, SETEX), and the OBJECT ENCODING a command leaves behind (the StrHint passed to
// the keyspace). Where Redis has a quirk that clients can see, the quirk is kept and commented.
//
// KeyRef rule (keyspace.h): a KeyRef and the string_views it hands out die at the next lookup or
// mutation of the same Db, so every handler replies with an old value before it stores a new one.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/context.h"
#include "commands/registry.h"
#include "util/numbers.h"

namespace rp {
namespace {

// Redis's proto-max-bulk-len default: the largest string APPEND/SETRANGE may build and the largest
// transient table LCS may allocate. The engine has no accessor for the configured value yet.
constexpr long long kProtoMaxBulkLen = 512LL * 1024 * 1024;

constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
constexpr std::string_view kErrNanOrInfinity = "ERR increment would produce NaN or Infinity";
constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
constexpr std::string_view kErrDecrementOverflow = "ERR decrement would overflow";
constexpr std::string_view kErrOffsetRange = "ERR offset is out of range";
constexpr std::string_view kErrStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
constexpr std::string_view kErrLcsKeyTypes = "ERR The specified keys must contain string values";
constexpr std::string_view kErrLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr std::string_view kErrLcsTooLong = "ERR String too long for LCS";
constexpr std::string_view kErrLcsTableTooBig =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
constexpr std::string_view kErrLcsAllocation =
    "ERR Insufficient memory, failed allocating transient memory for LCS";

// ---- shared helpers ----------------------------------------------------------------------------

// Looks up `key`; a key of another type gets WRONGTYPE and false. A missing key is `out` empty.
bool lookupString(CommandContext& c, std::string_view key, unsigned flags, KeyRef& out) {
  out = c.db.lookup(key, flags);
  if (out && !out.isString()) {
    c.wrongType();
    return false;
  }
  return true;
}

void replyStringValue(CommandContext& c, const KeyRef& ref) {
  if (ref.isIntEncoded()) {
    c.reply.bulkInteger(ref.intValue());
  } else {
    IntText scratch;
    c.reply.bulk(ref.stringView(scratch));
  }
}

// Replaces whatever `key` holds (any type) with a string; `existing` is the result of a lookup of
// the same key done just before (it saves a second hash lookup when the key is a string).
KeyRef storeString(CommandContext& c, KeyRef& existing, std::string_view key, std::string_view value,
                   Ttl ttl, StrHint hint = StrHint::Auto) {
  if (existing && existing.isString()) {
    c.db.overwriteString(existing, value, ttl, hint);
    return existing;
  }
  return c.db.setString(key, value, ttl, hint);
}

// ---- SET / GETEX options -----------------------------------------------------------------------

enum OptionFlag : unsigned {
  kOptNx = 1u << 0,
  kOptXx = 1u << 1,
  kOptGet = 1u << 2,
  kOptKeepTtl = 1u << 3,
  kOptPersist = 1u << 4,
  kOptEx = 1u << 5,
  kOptPx = 1u << 6,
  kOptExAt = 1u << 7,
  kOptPxAt = 1u << 8,
};
constexpr unsigned kOptAnyExpire = kOptEx | kOptPx | kOptExAt | kOptPxAt;

enum class OptionsOf { Set, GetEx };

struct ExtendedOptions {
  unsigned flags = 0;
  std::string_view expire;  // the EX/PX/EXAT/PXAT argument (the last one given wins)
};

// Parses SET's / GETEX's options from arg(first) on, Redis-style: an option is refused (syntax
// error) when it conflicts with one already seen, but repeating the same option is allowed
// ("EX 10 EX 20" sets 20). Nothing is validated beyond the syntax here: the expire value is checked
// later, after the key lookups, because that is where Redis reports its errors.
bool parseExtendedOptions(CommandContext& c, int first, OptionsOf command, ExtendedOptions& out) {
  const bool isSet = command == OptionsOf::Set;
  unsigned& flags = out.flags;
  for (int j = first; j < c.argc(); ++j) {
    const std::string_view option = c.arg(j);
    const bool hasNext = j + 1 < c.argc();
    unsigned expireFlag = 0;
    if (equalsIgnoreCase(option, "ex")) {
      expireFlag = kOptEx;
    } else if (equalsIgnoreCase(option, "px")) {
      expireFlag = kOptPx;
    } else if (equalsIgnoreCase(option, "exat")) {
      expireFlag = kOptExAt;
    } else if (equalsIgnoreCase(option, "pxat")) {
      expireFlag = kOptPxAt;
    }
    if (expireFlag != 0) {
      if ((flags & (kOptKeepTtl | kOptPersist)) || (flags & kOptAnyExpire & ~expireFlag) || !hasNext) {
        c.syntaxError();
        return false;
      }
      flags |= expireFlag;
      out.expire = c.arg(++j);
    } else if (isSet && equalsIgnoreCase(option, "nx") && !(flags & kOptXx)) {
      flags |= kOptNx;
    } else if (isSet && equalsIgnoreCase(option, "xx") && !(flags & kOptNx)) {
      flags |= kOptXx;
    } else if (isSet && equalsIgnoreCase(option, "get")) {
      flags |= kOptGet;
    } else if (isSet && equalsIgnoreCase(option, "keepttl") && !(flags & (kOptPersist | kOptAnyExpire))) {
      flags |= kOptKeepTtl;
    } else if (!isSet && equalsIgnoreCase(option, "persist") &&
               !(flags & (kOptKeepTtl | kOptAnyExpire))) {
      flags |= kOptPersist;
    } else {
      c.syntaxError();
      return false;
    }
  }
  return true;
}

void invalidExpireError(CommandContext& c, std::string_view command) {
  std::string message = "ERR invalid expire time in '";
  message.append(command);
  message.append("' command");
  c.reply.error(message);
}

// Turns an EX/PX/EXAT/PXAT argument into an absolute unix-ms deadline. Redis's rules: the number
// must be a strict integer (else "not an integer"), > 0, small enough that seconds * 1000 and
// now + relative time do not overflow (else "invalid expire time in '<command>' command").
bool resolveExpire(CommandContext& c, std::string_view text, unsigned unitFlag, std::string_view command,
                   long long& whenMs) {
  long long value = 0;
  if (!parseLongLong(text, value)) {
    c.reply.error(kErrNotInteger);
    return false;
  }
  const bool seconds = (unitFlag & (kOptEx | kOptExAt)) != 0;
  if (value <= 0 || (seconds && value > LLONG_MAX / 1000)) {
    invalidExpireError(c, command);
    return false;
  }
  if (seconds) value *= 1000;
  if (unitFlag & (kOptEx | kOptPx)) {
    if (__builtin_add_overflow(value, c.nowMs, &value) || value <= 0) {
      invalidExpireError(c, command);
      return false;
    }
  }
  whenMs = value;
  return true;
}

// ---- SET family --------------------------------------------------------------------------------

enum class SetReply { OkOrNull, OneOrZero };

// SET, SETNX, SETEX and PSETEX. With GET the old value is the reply (written before the store); a
// refused NX/XX then adds nothing. Without GET: +OK / :1 on store, null / :0 when refused.
void setGeneric(CommandContext& c, unsigned flags, std::string_view key, std::string_view value,
                std::string_view expireText, std::string_view command, SetReply replies) {
  long long whenMs = 0;
  const unsigned expireFlag = flags & kOptAnyExpire;
  if (expireFlag && !resolveExpire(c, expireText, expireFlag, command, whenMs)) return;

  KeyRef existing;
  if (flags & kOptGet) {
    // GET reads like GET does (hit/miss stats, WRONGTYPE), before any NX/XX decision.
    if (!lookupString(c, key, kLookupRead, existing)) return;
    if (existing) {
      replyStringValue(c, existing);
    } else {
      c.reply.nullBulk();
    }
  } else {
    existing = c.db.lookupWrite(key);
  }
  const bool found = static_cast<bool>(existing);
  if (((flags & kOptNx) && found) || ((flags & kOptXx) && !found)) {
    if (!(flags & kOptGet)) {
      replies == SetReply::OneOrZero ? c.reply.integer(0) : c.reply.nullBulk();
    }
    return;
  }
  KeyRef stored = storeString(c, existing, key, value, (flags & kOptKeepTtl) ? Ttl::Keep : Ttl::Clear);
  c.addDirty();
  c.notify(kNotifyString, "set", key);
  if (expireFlag) c.notify(kNotifyGeneric, "expire", key);
  // A deadline already in the past is stored as is: Redis 7.0 keeps such a key until it is looked
  // up or sampled by active expiry (DBSIZE still counts it right after the SET).
  if (expireFlag) {
    c.db.setExpire(stored, whenMs);
    // Replay must not depend on when it happens: the deadline is logged as absolute.
    c.propagateAs({"SET", key, value, "PXAT", decimal(whenMs)});
  }
  if (!(flags & kOptGet)) {
    replies == SetReply::OneOrZero ? c.reply.integer(1) : c.reply.ok();
  }
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]
void setCommand(CommandContext& c) {
  ExtendedOptions options;
  if (!parseExtendedOptions(c, 3, OptionsOf::Set, options)) return;
  setGeneric(c, options.flags, c.arg(1), c.arg(2), options.expire, "set", SetReply::OkOrNull);
}

// SETNX key value -> :1 stored, :0 key exists
void setnxCommand(CommandContext& c) {
  setGeneric(c, kOptNx, c.arg(1), c.arg(2), {}, "setnx", SetReply::OneOrZero);
}

// SETEX key seconds value
void setexCommand(CommandContext& c) {
  setGeneric(c, kOptEx, c.arg(1), c.arg(3), c.arg(2), "setex", SetReply::OkOrNull);
}

// PSETEX key milliseconds value
void psetexCommand(CommandContext& c) {
  setGeneric(c, kOptPx, c.arg(1), c.arg(3), c.arg(2), "psetex", SetReply::OkOrNull);
}

// ---- GET family --------------------------------------------------------------------------------

// GET key
void getCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupString(c, c.arg(1), kLookupRead, ref)) return;
  if (ref) {
    replyStringValue(c, ref);
  } else {
    c.reply.nullBulk();
  }
}

// GETSET key value: the old value (or null); the key loses its TTL.
void getsetCommand(CommandContext& c) {
  KeyRef existing;
  if (!lookupString(c, c.arg(1), kLookupRead, existing)) return;
  if (existing) {
    replyStringValue(c, existing);
  } else {
    c.reply.nullBulk();
  }
  storeString(c, existing, c.arg(1), c.arg(2), Ttl::Clear);
  c.addDirty();
  c.notify(kNotifyString, "set", c.arg(1));
}

// GETDEL key
void getdelCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupString(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) {
    c.reply.nullBulk();
    return;
  }
  replyStringValue(c, ref);
  c.db.remove(ref);
  c.addDirty();
  c.notify(kNotifyGeneric, "del", c.arg(1));
}

// GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]
// Errors come in Redis's order: option syntax, then the lookup (null / WRONGTYPE), then the expire
// value, so "GETEX missing EX abc" answers null.
void getexCommand(CommandContext& c) {
  ExtendedOptions options;
  if (!parseExtendedOptions(c, 2, OptionsOf::GetEx, options)) return;
  KeyRef ref;
  if (!lookupString(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) {
    c.reply.nullBulk();
    return;
  }
  const unsigned expireFlag = options.flags & kOptAnyExpire;
  long long whenMs = 0;
  if (expireFlag && !resolveExpire(c, options.expire, expireFlag, "getex", whenMs)) return;
  replyStringValue(c, ref);
  if ((expireFlag & (kOptExAt | kOptPxAt)) && whenMs <= c.nowMs) {
    // Unlike SET, GETEX deletes at once when an absolute deadline has already passed.
    c.propagateAs({"DEL", c.arg(1)});
    c.db.remove(ref);
    c.addDirty();
    c.notify(kNotifyGeneric, "del", c.arg(1));
  } else if (expireFlag) {
    c.db.setExpire(ref, whenMs);
    c.addDirty();
    c.propagateAs({"PEXPIREAT", c.arg(1), decimal(whenMs)});
    c.notify(kNotifyGeneric, "expire", c.arg(1));
  } else if (options.flags & kOptPersist) {
    if (c.db.removeExpire(ref)) {
      c.addDirty();
      c.propagateAs({"PERSIST", c.arg(1)});
      c.notify(kNotifyGeneric, "persist", c.arg(1));
    }
  }
}

// MGET key [key ...]: null for missing keys and for keys of other types (no WRONGTYPE).
void mgetCommand(CommandContext& c) {
  c.reply.arrayHeader(static_cast<size_t>(c.argc() - 1));
  for (int j = 1; j < c.argc(); ++j) {
    KeyRef ref = c.db.lookupRead(c.arg(j));
    if (ref && ref.isString()) {
      replyStringValue(c, ref);
    } else {
      c.reply.nullBulk();
    }
  }
}

// MSET key value [key value ...]
void msetCommand(CommandContext& c) {
  if (c.argc() % 2 == 0) {
    c.arityError();
    return;
  }
  for (int j = 1; j < c.argc(); j += 2) {
    KeyRef existing = c.db.lookupWrite(c.arg(j));
    storeString(c, existing, c.arg(j), c.arg(j + 1), Ttl::Clear);
    c.notify(kNotifyString, "set", c.arg(j));
  }
  c.addDirty((c.argc() - 1) / 2);
  c.reply.ok();
}

// MSETNX key value [key value ...] -> :1 when every key was absent (all set), else :0 (none set).
void msetnxCommand(CommandContext& c) {
  if (c.argc() % 2 == 0) {
    c.arityError();
    return;
  }
  for (int j = 1; j < c.argc(); j += 2) {
    if (c.db.lookupWrite(c.arg(j))) {
      c.reply.integer(0);
      return;
    }
  }
  for (int j = 1; j < c.argc(); j += 2) {
    // The same key may appear twice: the later value wins, as in Redis.
    c.db.setString(c.arg(j), c.arg(j + 1), Ttl::Clear);
    c.notify(kNotifyString, "set", c.arg(j));
  }
  c.addDirty((c.argc() - 1) / 2);
  c.reply.integer(1);
}

// ---- in-place edits ----------------------------------------------------------------------------

bool exceedsMaxBulk(long long offset, long long length) {
  long long total = 0;
  return __builtin_add_overflow(offset, length, &total) || total > kProtoMaxBulkLen;
}

// APPEND key value -> new length. A new key is stored like SET stores it (so "APPEND n 12" leaves
// an int); appending to an existing key always leaves it raw, even when the suffix is empty.
void appendCommand(CommandContext& c) {
  const std::string_view key = c.arg(1);
  const std::string_view suffix = c.arg(2);
  KeyRef ref = c.db.lookupWrite(key);
  if (!ref) {
    c.db.setString(key, suffix, Ttl::Clear);
    c.addDirty();
    c.notify(kNotifyString, "append", key);
    c.reply.integer(static_cast<long long>(suffix.size()));
    return;
  }
  if (!ref.isString()) {
    c.wrongType();
    return;
  }
  const size_t current = ref.stringLength();
  if (exceedsMaxBulk(static_cast<long long>(current), static_cast<long long>(suffix.size()))) {
    c.reply.error(kErrStringTooLong);
    return;
  }
  std::span<char> bytes = c.db.stringForWrite(ref, current + suffix.size());
  if (!suffix.empty()) std::memcpy(bytes.data() + current, suffix.data(), suffix.size());
  c.addDirty();
  c.notify(kNotifyString, "append", key);
  c.reply.integer(static_cast<long long>(current + suffix.size()));
}

// STRLEN key
void strlenCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupString(c, c.arg(1), kLookupRead, ref)) return;
  c.reply.integer(ref ? static_cast<long long>(ref.stringLength()) : 0);
}

// GETRANGE key start end (and SUBSTR): both indexes are parsed before the lookup.
void getrangeCommand(CommandContext& c) {
  long long start = 0;
  long long end = 0;
  if (!c.argLongLong(2, start) || !c.argLongLong(3, end)) return;
  KeyRef ref;
  if (!lookupString(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) {
    c.reply.bulk({});
    return;
  }
  // Redis's clamping, quirks included: two negative indexes with start > end give "", but
  // "-100 -50" on an 11-byte string clamps both to 0 and gives the first byte.
  if (start < 0 && end < 0 && start > end) {
    c.reply.bulk({});
    return;
  }
  IntText scratch;
  const std::string_view text = ref.stringView(scratch);
  const long long length = static_cast<long long>(text.size());
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (length == 0 || start > end) {
    c.reply.bulk({});
    return;
  }
  c.reply.bulk(text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

// SETRANGE key offset value -> new length. An empty value changes nothing (not even a missing key,
// and no size check); a new key is created raw and zero-padded up to the offset.
void setrangeCommand(CommandContext& c) {
  const std::string_view key = c.arg(1);
  const std::string_view patch = c.arg(3);
  long long offset = 0;
  if (!c.argLongLong(2, offset)) return;
  if (offset < 0) {
    c.reply.error(kErrOffsetRange);
    return;
  }
  KeyRef ref = c.db.lookupWrite(key);
  if (ref && !ref.isString()) {
    c.wrongType();
    return;
  }
  if (patch.empty()) {
    c.reply.integer(ref ? static_cast<long long>(ref.stringLength()) : 0);
    return;
  }
  if (exceedsMaxBulk(offset, static_cast<long long>(patch.size()))) {
    c.reply.error(kErrStringTooLong);
    return;
  }
  const size_t end = static_cast<size_t>(offset) + patch.size();
  if (!ref) ref = c.db.setString(key, {}, Ttl::Clear, StrHint::Raw);
  const size_t length = std::max(ref.stringLength(), end);
  std::span<char> bytes = c.db.stringForWrite(ref, length);
  std::memcpy(bytes.data() + offset, patch.data(), patch.size());
  c.addDirty();
  c.notify(kNotifyString, "setrange", key);
  c.reply.integer(static_cast<long long>(length));
}

// ---- counters ----------------------------------------------------------------------------------

// The INCR family: a missing key counts as 0; the result is int-encoded and the TTL is kept.
void incrDecrBy(CommandContext& c, long long delta) {
  const std::string_view key = c.arg(1);
  KeyRef ref = c.db.lookupWrite(key);
  long long current = 0;
  if (ref) {
    if (!ref.isString()) {
      c.wrongType();
      return;
    }
    if (!ref.stringToInt(current)) {
      c.reply.error(kErrNotInteger);
      return;
    }
  }
  long long result = 0;
  if (__builtin_add_overflow(current, delta, &result)) {
    c.reply.error(kErrOverflow);
    return;
  }
  if (ref) {
    c.db.overwriteInteger(ref, result, Ttl::Keep);
  } else {
    c.db.setInteger(key, result, Ttl::Clear);
  }
  c.addDirty();
  c.notify(kNotifyString, "incrby", key);
  c.reply.integer(result);
}

void incrCommand(CommandContext& c) { incrDecrBy(c, 1); }
void decrCommand(CommandContext& c) { incrDecrBy(c, -1); }

// INCRBY key increment: the increment is parsed before the lookup (so a bad increment on a key of
// another type answers "not an integer", not WRONGTYPE).
void incrbyCommand(CommandContext& c) {
  long long delta = 0;
  if (!c.argLongLong(2, delta)) return;
  incrDecrBy(c, delta);
}

void decrbyCommand(CommandContext& c) {
  long long delta = 0;
  if (!c.argLongLong(2, delta)) return;
  // -LLONG_MIN does not exist; Redis 7.0 refuses it with its own message whatever the value is.
  if (delta == LLONG_MIN) {
    c.reply.error(kErrDecrementOverflow);
    return;
  }
  incrDecrBy(c, -delta);
}

// INCRBYFLOAT key increment: long double arithmetic; the result is stored and answered in
// formatLongDouble's text ("3.3", "5000"), never int-encoded, and the TTL is kept. Unlike INCRBY,
// the lookup (WRONGTYPE) and the stored value come before the increment's validation.
void incrbyfloatCommand(CommandContext& c) {
  const std::string_view key = c.arg(1);
  KeyRef ref = c.db.lookupWrite(key);
  long double current = 0;
  if (ref) {
    if (!ref.isString()) {
      c.wrongType();
      return;
    }
    IntText scratch;
    if (!num::parseLongDouble(ref.stringView(scratch), current)) {
      c.reply.error(kErrNotFloat);
      return;
    }
  }
  long double increment = 0;
  if (!num::parseLongDouble(c.arg(2), increment)) {
    c.reply.error(kErrNotFloat);
    return;
  }
  const long double result = current + increment;
  if (__builtin_isnan(result) || __builtin_isinf(result)) {
    c.reply.error(kErrNanOrInfinity);
    return;
  }
  char buffer[num::kLongDoubleFormatBuffer];
  const std::string_view text(buffer, num::formatLongDouble(result, buffer));
  if (ref) {
    c.db.overwriteString(ref, text, Ttl::Keep, StrHint::NoInt);
  } else {
    c.db.setString(key, text, Ttl::Clear, StrHint::NoInt);
  }
  c.addDirty();
  c.notify(kNotifyString, "incrbyfloat", key);
  // Float arithmetic may differ between platforms: the result is logged, not the increment.
  c.propagateAs({"SET", key, text, "KEEPTTL"});
  c.reply.bulk(text);
}

// ---- LCS ---------------------------------------------------------------------------------------

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool withMatchLen = false;
  long long minMatchLen = 0;
};

bool parseLcsOptions(CommandContext& c, LcsOptions& out) {
  for (int j = 3; j < c.argc(); ++j) {
    const std::string_view option = c.arg(j);
    if (equalsIgnoreCase(option, "idx")) {
      out.idx = true;
    } else if (equalsIgnoreCase(option, "len")) {
      out.len = true;
    } else if (equalsIgnoreCase(option, "withmatchlen")) {
      out.withMatchLen = true;
    } else if (equalsIgnoreCase(option, "minmatchlen") && j + 1 < c.argc()) {
      if (!c.argLongLong(j + 1, out.minMatchLen)) return false;
      if (out.minMatchLen < 0) out.minMatchLen = 0;
      ++j;
    } else {
      c.syntaxError();
      return false;
    }
  }
  if (out.len && out.idx) {
    c.reply.error(kErrLcsLenAndIdx);
    return false;
  }
  return true;
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]
//
// The classic dynamic-programming table (table[i][j] = LCS length of a[0..i) and b[0..j)), then a
// walk back from the bottom-right corner. Which of several equally long subsequences is returned,
// and the order and bounds of the IDX ranges, depend on that walk: on a mismatch it steps up (i-1)
// only when that keeps a strictly longer LCS, otherwise left (j-1), and ranges come out from the
// end of the strings towards the start, exactly as Redis reports them. The table is bounded like
// Redis bounds it: (|a|+1) * (|b|+1) * 4 bytes may not exceed proto-max-bulk-len.
void lcsCommand(CommandContext& c) {
  KeyRef refA = c.db.lookupRead(c.arg(1));
  const bool badA = refA && !refA.isString();
  // Copied now: the second lookup may invalidate views into the first entry.
  std::string textA;
  if (refA && !badA) {
    IntText scratch;
    textA.assign(refA.stringView(scratch));
  }
  KeyRef refB = c.db.lookupRead(c.arg(2));
  if (badA || (refB && !refB.isString())) {
    c.reply.error(kErrLcsKeyTypes);
    return;
  }
  IntText scratchB;
  const std::string_view a = textA;
  const std::string_view b = refB ? refB.stringView(scratchB) : std::string_view{};

  LcsOptions options;
  if (!parseLcsOptions(c, options)) return;

  const uint64_t lengthA = a.size();
  const uint64_t lengthB = b.size();
  if (lengthA >= UINT32_MAX - 1 || lengthB >= UINT32_MAX - 1) {
    c.reply.error(kErrLcsTooLong);
    return;
  }
  const uint64_t rowWidth = lengthB + 1;
  const uint64_t cells = (lengthA + 1) * rowWidth;
  if (cells > static_cast<uint64_t>(kProtoMaxBulkLen) / sizeof(uint32_t)) {
    c.reply.error(kErrLcsTableTooBig);
    return;
  }
  std::vector<uint32_t> table;
  try {
    table.resize(static_cast<size_t>(cells));  // row 0 and column 0 stay 0
  } catch (const std::bad_alloc&) {
    c.reply.error(kErrLcsAllocation);
    return;
  }
  auto at = [&](uint64_t i, uint64_t j) -> uint32_t& { return table[i * rowWidth + j]; };
  for (uint64_t i = 1; i <= lengthA; ++i) {
    uint32_t* row = &table[i * rowWidth];
    const uint32_t* above = row - rowWidth;
    const char ai = a[i - 1];
    for (uint64_t j = 1; j <= lengthB; ++j) {
      row[j] = ai == b[j - 1] ? above[j - 1] + 1 : std::max(above[j], row[j - 1]);
    }
  }
  const uint32_t lcsLength = at(lengthA, lengthB);

  if (options.len) {
    c.reply.integer(lcsLength);
    return;
  }

  std::string subsequence;
  size_t matchesPosition = 0;
  size_t matchCount = 0;
  if (options.idx) {
    c.reply.mapHeader(2);
    c.reply.bulk("matches");
    matchesPosition = c.reply.beginDeferred();
  } else {
    subsequence.resize(lcsLength);
  }

  // The range being extended while walking back: [startA, endA] in a, [startB, endB] in b.
  bool inRange = false;
  uint64_t startA = 0, endA = 0, startB = 0, endB = 0;
  uint64_t i = lengthA;
  uint64_t j = lengthB;
  size_t remaining = lcsLength;
  while (i > 0 && j > 0) {
    bool rangeEnds = false;
    if (a[i - 1] == b[j - 1]) {
      if (!options.idx) subsequence[remaining - 1] = a[i - 1];
      // Consecutive matches are always diagonal neighbours, so a match either opens a range or
      // extends the open one by one byte to the left.
      if (!inRange) {
        inRange = true;
        startA = endA = i - 1;
        startB = endB = j - 1;
      } else {
        startA = i - 1;
        startB = j - 1;
      }
      if (startA == 0 || startB == 0) rangeEnds = true;
      --remaining;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (inRange) rangeEnds = true;
    }
    if (rangeEnds) {
      const long long matchLength = static_cast<long long>(endA - startA + 1);
      if (options.idx && matchLength >= options.minMatchLen) {
        c.reply.arrayHeader(options.withMatchLen ? 3 : 2);
        c.reply.arrayHeader(2);
        c.reply.integer(static_cast<long long>(startA));
        c.reply.integer(static_cast<long long>(endA));
        c.reply.arrayHeader(2);
        c.reply.integer(static_cast<long long>(startB));
        c.reply.integer(static_cast<long long>(endB));
        if (options.withMatchLen) c.reply.integer(matchLength);
        ++matchCount;
      }
      inRange = false;
    }
  }

  if (options.idx) {
    c.reply.endDeferredArray(matchesPosition, matchCount);
    c.reply.bulk("len");
    c.reply.integer(lcsLength);
  } else {
    c.reply.bulk(subsequence);
  }
}

// Names and arities (the TypeScript command table owns the arities; listed here for reference):
//   set -3, get 2, getset 3, getdel 2, getex -2, mget -2, mset -3, msetnx -3, setnx 3, setex 4,
//   psetex 4, append 3, strlen 2, getrange 4, substr 4, setrange 4, incr 2, decr 2, incrby 3,
//   decrby 3, incrbyfloat 3, lcs -3
const CommandFamily kStringCommands{{
    {"set", setCommand},
    {"get", getCommand},
    {"getset", getsetCommand},
    {"getdel", getdelCommand},
    {"getex", getexCommand},
    {"mget", mgetCommand},
    {"mset", msetCommand},
    {"msetnx", msetnxCommand},
    {"setnx", setnxCommand},
    {"setex", setexCommand},
    {"psetex", psetexCommand},
    {"append", appendCommand},
    {"strlen", strlenCommand},
    {"getrange", getrangeCommand},
    {"substr", getrangeCommand},
    {"setrange", setrangeCommand},
    {"incr", incrCommand},
    {"decr", decrCommand},
    {"incrby", incrbyCommand},
    {"decrby", decrbyCommand},
    {"incrbyfloat", incrbyfloatCommand},
    {"lcs", lcsCommand},
}};

}  // namespace
}  // namespace rp
