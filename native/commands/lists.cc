// The list commands: pushes, pops (with counts, from several keys, blocking), ranges, positional
// reads and edits, LPOS, LMOVE and their blocking forms.
//
// Behaviour is Redis 7.0.15's, checked against redis-server: the order of validation (which error
// a bad request gets), error texts, RESP3 nulls (a missing key answers a null bulk for LPOP, a null
// array for LPOP with a count, BLPOP's timeout and LMPOP's nothing-to-pop), read lookups (hit/miss
// stats) for LLEN/LRANGE/LINDEX/LPOS and write lookups elsewhere. A list that becomes empty is
// deleted, as in Redis.
//
// Blocking forms validate everything, serve like the non-blocking form when a key has elements,
// and otherwise call c.block() and write no reply (TypeScript parks the client and runs the
// command again when a key is signalled). Every command that adds elements signals the key.
//
// KeyRef rule (keyspace.h): a KeyRef dies at the next lookup or mutation of the same Db; the
// ListValue it points to does not move, so commands that look up two keys keep the list pointer
// and look the key up again for the memory accounting.
#include <climits>
#include <string>
#include <string_view>

#include "batch_abi.h"
#include "commands/context.h"
#include "commands/registry.h"
#include "types/list.h"
#include "util/numbers.h"

namespace rp {
namespace {

constexpr std::string_view kErrOutOfRangePositive = "ERR value is out of range, must be positive";
constexpr std::string_view kErrIndexOutOfRange = "ERR index out of range";
constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrCount = "ERR count should be greater than 0";
constexpr std::string_view kErrRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kErrCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kErrMaxlenNegative = "ERR MAXLEN can't be negative";

constexpr unsigned kWriteQuiet = kLookupWrite | kLookupNoTouch | kLookupNoStats;

// Client flags (batch_abi.h):
//  - retrying: the command runs again for a blocked client because a key was signalled. Redis
//    then serves only from keys that hold a list; a key that now holds another type (a ZADD on a
//    key a BLPOP waits on) leaves the client waiting instead of answering WRONGTYPE.
//  - deny blocking: inside MULTI or a script, where Redis answers as if the timeout had passed.
constexpr unsigned kClientFlagRetryingBlocked = abi::kClientFlagRetryBlocked;
constexpr unsigned kClientFlagDenyBlocking = abi::kClientFlagDenyBlocking;

bool retrying(const CommandContext& c) { return (c.clientFlags & kClientFlagRetryingBlocked) != 0; }

// Nothing to serve: park the client, or answer the timeout reply where blocking is not allowed.
void blockOrTimeOut(CommandContext& c, bool nullArray, long long timeoutMs) {
  if (c.clientFlags & kClientFlagDenyBlocking) nullArray ? c.reply.nullArray() : c.reply.nullBulk();
  else c.block(timeoutMs);
}

// A blocking command's source key: false (WRONGTYPE replied) for another type, except on a retry,
// where such a key counts as empty.
bool lookupBlockingSource(CommandContext& c, std::string_view key, KeyRef& out) {
  out = c.db.lookup(key, kLookupWrite);
  if (out && out.type() != ObjType::List) {
    if (retrying(c)) {
      out = KeyRef();
      return true;
    }
    c.wrongType();
    return false;
  }
  return true;
}

// ---- helpers -----------------------------------------------------------------------------------

// Looks up a key that must hold a list (or be missing). WRONGTYPE is replied and false returned.
bool lookupList(CommandContext& c, std::string_view key, unsigned flags, KeyRef& out) {
  out = c.db.lookup(key, flags);
  if (out && out.type() != ObjType::List) {
    c.wrongType();
    return false;
  }
  return true;
}

// Redis's getRangeLongFromObjectOrReply with one message for both a non-integer and out of range.
bool argInRange(CommandContext& c, int i, long long min, long long max, long long& out, std::string_view message) {
  long long v;
  if (!parseLongLong(c.arg(i), v) || v < min || v > max) {
    c.reply.error(message);
    return false;
  }
  out = v;
  return true;
}

// "LEFT" / "RIGHT" (any case); else a syntax error. front == LEFT.
bool parseWhere(CommandContext& c, int i, bool& front) {
  if (equalsIgnoreCase(c.arg(i), "left")) front = true;
  else if (equalsIgnoreCase(c.arg(i), "right")) front = false;
  else {
    c.syntaxError();
    return false;
  }
  return true;
}

// After removing elements from the list `key` under ref: the command's event, then delete the key
// when empty ("del"), else account.
void afterRemoval(CommandContext& c, std::string_view key, KeyRef& ref, ListValue& list, size_t bytesBefore,
                  long long removed, std::string_view event) {
  c.notify(kNotifyList, event, key);
  if (list.empty()) {
    c.db.remove(ref);
    c.notify(kNotifyGeneric, "del", key);
  } else {
    c.db.objectResized(ref, bytesBefore);
  }
  c.addDirty(removed);
}

std::string_view popEvent(bool front) { return front ? "lpop" : "rpop"; }
std::string_view pushEvent(bool front) { return front ? "lpush" : "rpush"; }

// Replies with up to `count` elements popped from one end, as an array, and removes them.
void popRangeReply(CommandContext& c, std::string_view key, KeyRef& ref, long long count, bool front) {
  ListValue& list = listOf(ref);
  size_t before = list.memoryUsage();
  size_t n = static_cast<size_t>(count) < list.length() ? static_cast<size_t>(count) : list.length();
  c.reply.arrayHeader(n);
  ListValue::Cursor it = front ? list.begin() : list.rbegin();
  for (size_t i = 0; i < n; ++i) {
    c.reply.bulk(it.value());
    front ? it.next() : it.prev();
  }
  front ? list.removeFront(n) : list.removeBack(n);
  afterRemoval(c, key, ref, list, before, static_cast<long long>(n), popEvent(front));
}

// Replies with one element popped from one end (bulk) and removes it.
void popOneReply(CommandContext& c, std::string_view key, KeyRef& ref, bool front) {
  ListValue& list = listOf(ref);
  size_t before = list.memoryUsage();
  ListValue::Cursor it = front ? list.begin() : list.rbegin();
  c.reply.bulk(it.value());
  front ? list.removeFront(1) : list.removeBack(1);
  afterRemoval(c, key, ref, list, before, 1, popEvent(front));
}

// ---- pushes ------------------------------------------------------------------------------------

void pushGeneric(CommandContext& c, bool front, bool onlyExisting) {
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupWrite, ref)) return;
  int elements = c.argc() - 2;
  if (!ref) {
    if (onlyExisting) {
      c.reply.integer(0);
      return;
    }
    std::unique_ptr<ListValue> list = ListValue::create(c.engine.limits());
    for (int j = 2; j < c.argc(); ++j) front ? list->pushFront(c.arg(j)) : list->pushBack(c.arg(j));
    size_t length = list->length();
    c.db.setObject(c.arg(1), std::move(list), Ttl::Clear);
    c.reply.integer(static_cast<long long>(length));
  } else {
    ListValue& list = listOf(ref);
    size_t before = list.memoryUsage();
    for (int j = 2; j < c.argc(); ++j) front ? list.pushFront(c.arg(j)) : list.pushBack(c.arg(j));
    c.db.objectResized(ref, before);
    c.reply.integer(static_cast<long long>(list.length()));
  }
  c.addDirty(elements);
  c.notify(kNotifyList, pushEvent(front), c.arg(1));
  c.signalKeyReady(c.arg(1));
}

void lpushCommand(CommandContext& c) { pushGeneric(c, true, false); }
void rpushCommand(CommandContext& c) { pushGeneric(c, false, false); }
void lpushxCommand(CommandContext& c) { pushGeneric(c, true, true); }
void rpushxCommand(CommandContext& c) { pushGeneric(c, false, true); }

// ---- pops --------------------------------------------------------------------------------------

void popGeneric(CommandContext& c, bool front) {
  if (c.argc() > 3) {
    c.arityError();
    return;
  }
  bool hasCount = c.argc() == 3;
  long long count = 0;
  if (hasCount && !argInRange(c, 2, 0, LLONG_MAX, count, kErrOutOfRangePositive)) return;
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) {
    hasCount ? c.reply.nullArray() : c.reply.nullBulk();
    return;
  }
  if (hasCount && count == 0) {
    c.reply.arrayHeader(0);
    return;
  }
  if (!hasCount) popOneReply(c, c.arg(1), ref, front);
  else popRangeReply(c, c.arg(1), ref, count, front);
}

void lpopCommand(CommandContext& c) { popGeneric(c, true); }
void rpopCommand(CommandContext& c) { popGeneric(c, false); }

// BLPOP / BRPOP key [key ...] timeout
void blockingPopGeneric(CommandContext& c, bool front) {
  long long timeoutMs = 0;
  if (!c.argTimeout(c.argc() - 1, timeoutMs)) return;
  for (int j = 1; j < c.argc() - 1; ++j) {
    KeyRef ref;
    if (!lookupBlockingSource(c, c.arg(j), ref)) return;
    if (!ref) continue;
    c.reply.arrayHeader(2);
    c.reply.bulk(c.arg(j));
    popOneReply(c, c.arg(j), ref, front);
    return;
  }
  blockOrTimeOut(c, true, timeoutMs);
}

void blpopCommand(CommandContext& c) { blockingPopGeneric(c, true); }
void brpopCommand(CommandContext& c) { blockingPopGeneric(c, false); }

// [B]LMPOP: parses numkeys, the direction and COUNT; the keys are arg(numkeysIndex + 1 ...).
struct MpopArgs {
  int firstKey = 0;
  int keyCount = 0;
  bool front = true;
  long long count = 1;
};

bool parseMpop(CommandContext& c, int numkeysIndex, MpopArgs& out) {
  long long numkeys;
  if (!argInRange(c, numkeysIndex, 1, LLONG_MAX, numkeys, kErrNumkeys)) return false;
  if (numkeys > c.argc() - numkeysIndex - 2) {
    c.syntaxError();
    return false;
  }
  int whereIndex = numkeysIndex + static_cast<int>(numkeys) + 1;
  if (!parseWhere(c, whereIndex, out.front)) return false;
  bool countSeen = false;
  for (int j = whereIndex + 1; j < c.argc(); ++j) {
    bool more = j + 1 < c.argc();
    if (!countSeen && equalsIgnoreCase(c.arg(j), "count") && more) {
      ++j;
      if (!argInRange(c, j, 1, LLONG_MAX, out.count, kErrCount)) return false;
      countSeen = true;
    } else {
      c.syntaxError();
      return false;
    }
  }
  out.firstKey = numkeysIndex + 1;
  out.keyCount = static_cast<int>(numkeys);
  return true;
}

// Pops from the first non-empty list of the keys: replies [key, [elements]]. False when every key
// is missing (nothing replied) or on WRONGTYPE (replied; `failed` set).
bool mpopServe(CommandContext& c, const MpopArgs& a, bool blocking, bool& failed) {
  failed = false;
  for (int j = a.firstKey; j < a.firstKey + a.keyCount; ++j) {
    KeyRef ref;
    if (!(blocking ? lookupBlockingSource(c, c.arg(j), ref) : lookupList(c, c.arg(j), kLookupWrite, ref))) {
      failed = true;
      return false;
    }
    if (!ref) continue;
    c.reply.arrayHeader(2);
    c.reply.bulk(c.arg(j));
    popRangeReply(c, c.arg(j), ref, a.count, a.front);
    return true;
  }
  return false;
}

void lmpopCommand(CommandContext& c) {
  MpopArgs a;
  if (!parseMpop(c, 1, a)) return;
  bool failed;
  if (!mpopServe(c, a, false, failed) && !failed) c.reply.nullArray();
}

void blmpopCommand(CommandContext& c) {
  MpopArgs a;
  if (!parseMpop(c, 2, a)) return;
  long long timeoutMs = 0;
  if (!c.argTimeout(1, timeoutMs)) return;
  bool failed;
  if (!mpopServe(c, a, true, failed) && !failed) blockOrTimeOut(c, true, timeoutMs);
}

// ---- reads -------------------------------------------------------------------------------------

void llenCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupRead, ref)) return;
  c.reply.integer(ref ? static_cast<long long>(listOf(ref).length()) : 0);
}

void lrangeCommand(CommandContext& c) {
  long long start, end;
  if (!c.argLongLong(2, start) || !c.argLongLong(3, end)) return;
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) {
    c.reply.arrayHeader(0);
    return;
  }
  ListValue& list = listOf(ref);
  long long length = static_cast<long long>(list.length());
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (start > end || start >= length) {
    c.reply.arrayHeader(0);
    return;
  }
  if (end >= length) end = length - 1;
  size_t n = static_cast<size_t>(end - start + 1);
  c.reply.arrayHeader(n);
  // at() walks from whichever end of the list is nearer to start.
  ListValue::Cursor it = list.at(start);
  for (size_t i = 0; i < n; ++i, it.next()) c.reply.bulk(it.value());
}

void lindexCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) {
    c.reply.nullBulk();
    return;
  }
  long long index;
  if (!c.argLongLong(2, index)) return;
  ListValue::Cursor it = listOf(ref).at(index);
  if (!it.valid()) c.reply.nullBulk();
  else c.reply.bulk(it.value());
}

void lposCommand(CommandContext& c) {
  std::string_view element = c.arg(2);
  long long rank = 1, count = -1, maxlen = 0;
  for (int j = 3; j < c.argc(); ++j) {
    bool more = j + 1 < c.argc();
    std::string_view opt = c.arg(j);
    if (equalsIgnoreCase(opt, "rank") && more) {
      ++j;
      if (!c.argLongLong(j, rank)) return;
      if (rank == 0) {
        c.reply.error(kErrRankZero);
        return;
      }
    } else if (equalsIgnoreCase(opt, "count") && more) {
      ++j;
      if (!argInRange(c, j, 0, LLONG_MAX, count, kErrCountNegative)) return;
    } else if (equalsIgnoreCase(opt, "maxlen") && more) {
      ++j;
      if (!argInRange(c, j, 0, LLONG_MAX, maxlen, kErrMaxlenNegative)) return;
    } else {
      c.syntaxError();
      return;
    }
  }
  bool fromHead = true;
  if (rank < 0) {
    fromHead = false;
    // Redis negates the rank; LLONG_MIN stays negative there, so every match qualifies.
    rank = rank == LLONG_MIN ? 1 : -rank;
  }
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) {
    count != -1 ? c.reply.arrayHeader(0) : c.reply.nullBulk();
    return;
  }
  ListValue& list = listOf(ref);
  long long length = static_cast<long long>(list.length());
  size_t position = count != -1 ? c.reply.beginDeferred() : 0;
  size_t replied = 0;
  long long matches = 0, found = -1;
  long long index = 0;
  for (ListValue::Cursor it = fromHead ? list.begin() : list.rbegin(); it.valid() && (maxlen == 0 || index < maxlen);
       fromHead ? it.next() : it.prev(), ++index) {
    if (!it.equals(element)) continue;
    ++matches;
    if (matches < rank) continue;
    long long at = fromHead ? index : length - index - 1;
    if (count == -1) {
      found = at;
      break;
    }
    c.reply.integer(at);
    ++replied;
    if (count != 0 && matches - rank + 1 >= count) break;
  }
  if (count != -1) c.reply.endDeferredArray(position, replied);
  else if (found != -1) c.reply.integer(found);
  else c.reply.nullBulk();
}

// ---- edits -------------------------------------------------------------------------------------

void lsetCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) {
    c.reply.error(kErrNoSuchKey);
    return;
  }
  long long index;
  if (!c.argLongLong(2, index)) return;
  ListValue& list = listOf(ref);
  ListValue::Cursor it = list.at(index);
  if (!it.valid()) {
    c.reply.error(kErrIndexOutOfRange);
    return;
  }
  size_t before = list.memoryUsage();
  list.replace(it, c.arg(3));
  c.db.objectResized(ref, before);
  c.addDirty();
  c.reply.ok();
  c.notify(kNotifyList, "lset", c.arg(1));
}

void linsertCommand(CommandContext& c) {
  bool after;
  if (equalsIgnoreCase(c.arg(2), "after")) after = true;
  else if (equalsIgnoreCase(c.arg(2), "before")) after = false;
  else {
    c.syntaxError();
    return;
  }
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) {
    c.reply.integer(0);
    return;
  }
  ListValue& list = listOf(ref);
  std::string_view pivot = c.arg(3);
  ListValue::Cursor it = list.begin();
  while (it.valid() && !it.equals(pivot)) it.next();
  if (!it.valid()) {
    c.reply.integer(-1);
    return;
  }
  size_t before = list.memoryUsage();
  list.insert(it, c.arg(4), after);
  c.db.objectResized(ref, before);
  c.addDirty();
  c.notify(kNotifyList, "linsert", c.arg(1));
  c.reply.integer(static_cast<long long>(list.length()));
  c.signalKeyReady(c.arg(1));
}

void lremCommand(CommandContext& c) {
  long long toRemove;
  if (!c.argLongLong(2, toRemove)) return;
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) {
    c.reply.integer(0);
    return;
  }
  ListValue& list = listOf(ref);
  std::string_view element = c.arg(3);
  bool forward = toRemove >= 0;
  // Redis negates a negative count; LLONG_MIN stays negative and so never ends the loop early.
  unsigned long long limit = toRemove == LLONG_MIN ? 0 : static_cast<unsigned long long>(toRemove < 0 ? -toRemove : toRemove);
  size_t before = list.memoryUsage();
  long long removed = 0;
  ListValue::Cursor it = forward ? list.begin() : list.rbegin();
  while (it.valid()) {
    if (it.equals(element)) {
      list.erase(it, forward);
      ++removed;
      if (limit && static_cast<unsigned long long>(removed) == limit) break;
    } else {
      forward ? it.next() : it.prev();
    }
  }
  list.settle();
  if (removed) afterRemoval(c, c.arg(1), ref, list, before, removed, "lrem");
  c.reply.integer(removed);
}

void ltrimCommand(CommandContext& c) {
  long long start, end;
  if (!c.argLongLong(2, start) || !c.argLongLong(3, end)) return;
  KeyRef ref;
  if (!lookupList(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) {
    c.reply.ok();
    return;
  }
  ListValue& list = listOf(ref);
  long long length = static_cast<long long>(list.length());
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  long long left, right;
  if (start > end || start >= length) {
    left = length;
    right = 0;
  } else {
    if (end >= length) end = length - 1;
    left = start;
    right = length - end - 1;
  }
  size_t before = list.memoryUsage();
  list.removeFront(static_cast<size_t>(left));
  list.removeBack(static_cast<size_t>(right));
  afterRemoval(c, c.arg(1), ref, list, before, left + right, "ltrim");
  c.signalModified(c.arg(1));  // even when nothing was trimmed, as Redis
  c.reply.ok();
}

// ---- moves -------------------------------------------------------------------------------------

// Pops from source's `fromFront` end and pushes to destination's `toFront` end; replies with the
// element (or a null bulk when the source is missing). The source was checked to exist by callers
// that block; here a missing source answers null.
void moveGeneric(CommandContext& c, std::string_view source, std::string_view destination, bool fromFront, bool toFront) {
  KeyRef sref;
  if (!lookupList(c, source, kLookupWrite, sref)) return;
  if (!sref) {
    c.reply.nullBulk();
    return;
  }
  ListValue* src = &listOf(sref);
  KeyRef dref;
  if (!lookupList(c, destination, kLookupWrite, dref)) return;
  size_t srcBefore = src->memoryUsage();
  std::string value;
  fromFront ? src->popFront(value) : src->popBack(value);
  if (dref) {
    ListValue& dst = listOf(dref);
    size_t dstBefore = dst.memoryUsage();
    toFront ? dst.pushFront(value) : dst.pushBack(value);
    if (&dst != src) c.db.objectResized(dref, dstBefore);
  } else {
    std::unique_ptr<ListValue> fresh = ListValue::create(c.engine.limits());
    fresh->pushBack(value);
    c.db.setObject(destination, std::move(fresh), Ttl::Clear);
  }
  // Redis's order: the push's event, the reply, then the pop's.
  c.notify(kNotifyList, pushEvent(toFront), destination);
  c.reply.bulk(value);
  c.notify(kNotifyList, popEvent(fromFront), source);
  // The source entry may have moved with the lookups/insertions above: find it again.
  sref = c.db.lookup(source, kWriteQuiet);
  if (sref) {
    if (src->empty()) {
      c.db.remove(sref);
      c.notify(kNotifyGeneric, "del", source);
    } else {
      c.db.objectResized(sref, srcBefore);
    }
  }
  c.addDirty();
  c.signalKeyReady(destination);
}

void lmoveCommand(CommandContext& c) {
  bool fromFront, toFront;
  if (!parseWhere(c, 3, fromFront) || !parseWhere(c, 4, toFront)) return;
  moveGeneric(c, c.arg(1), c.arg(2), fromFront, toFront);
}

void rpoplpushCommand(CommandContext& c) { moveGeneric(c, c.arg(1), c.arg(2), false, true); }

// BLMOVE / BRPOPLPUSH: block only when the source is missing (a WRONGTYPE source errors at once).
void blockingMove(CommandContext& c, bool fromFront, bool toFront, long long timeoutMs) {
  KeyRef sref;
  if (!lookupBlockingSource(c, c.arg(1), sref)) return;
  if (!sref) {
    blockOrTimeOut(c, false, timeoutMs);
    return;
  }
  moveGeneric(c, c.arg(1), c.arg(2), fromFront, toFront);
}

void blmoveCommand(CommandContext& c) {
  bool fromFront, toFront;
  if (!parseWhere(c, 3, fromFront) || !parseWhere(c, 4, toFront)) return;
  long long timeoutMs = 0;
  if (!c.argTimeout(5, timeoutMs)) return;
  blockingMove(c, fromFront, toFront, timeoutMs);
}

void brpoplpushCommand(CommandContext& c) {
  long long timeoutMs = 0;
  if (!c.argTimeout(3, timeoutMs)) return;
  blockingMove(c, false, true, timeoutMs);
}

const CommandFamily kListCommands{{
    {"lpush", lpushCommand},
    {"rpush", rpushCommand},
    {"lpushx", lpushxCommand},
    {"rpushx", rpushxCommand},
    {"lpop", lpopCommand},
    {"rpop", rpopCommand},
    {"llen", llenCommand},
    {"lrange", lrangeCommand},
    {"lindex", lindexCommand},
    {"lset", lsetCommand},
    {"linsert", linsertCommand},
    {"lrem", lremCommand},
    {"ltrim", ltrimCommand},
    {"lpos", lposCommand},
    {"lmove", lmoveCommand},
    {"rpoplpush", rpoplpushCommand},
    {"lmpop", lmpopCommand},
    {"blpop", blpopCommand},
    {"brpop", brpopCommand},
    {"blmove", blmoveCommand},
    {"brpoplpush", brpoplpushCommand},
    {"blmpop", blmpopCommand},
}};

}  // namespace
}  // namespace rp
