// The set commands (Redis 7.0.15 semantics, checked against redis-server).
//
// Argument validation order, which error wins, the RESP3 reply types (SMEMBERS/SINTER/SUNION/
// SDIFF/SPOP-with-count answer sets, SRANDMEMBER-with-count an array) and the encodings the STORE
// commands leave behind (they start from an empty intset and add members, as Redis does) follow
// Redis. Results built by SUNION/SDIFF/SINTER* are iterated like Redis's, so intset results come
// out in ascending order, exactly as redis-server prints them; hashtable order differs.
//
// KeyRef rule (keyspace.h): a KeyRef dies at the next lookup or mutation of the same Db, so
// multi-key commands keep SetValue pointers (the objects do not move) and re-look a key up when
// they need its KeyRef again (objectResized/remove).
#include <algorithm>
#include <cerrno>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "commands/context.h"
#include "commands/registry.h"
#include "engine/glob.h"
#include "types/set.h"

namespace rp {
namespace {

constexpr std::string_view kErrMustBePositive = "ERR value is out of range, must be positive";
constexpr unsigned kRelookup = kLookupWrite | kLookupNoTouch | kLookupNoStats;

long long maxIntset(CommandContext& c) { return c.engine.limits().setMaxIntsetEntries; }

// Looks up a key that must be a set (or missing). False after replying WRONGTYPE.
bool lookupSet(CommandContext& c, std::string_view key, unsigned flags, KeyRef& ref, SetValue*& set) {
  ref = c.db.lookup(key, flags);
  set = nullptr;
  if (!ref) return true;
  if (ref.type() != ObjType::Set) {
    c.wrongType();
    return false;
  }
  set = static_cast<SetValue*>(ref.object());
  return true;
}

// After removing members of the set of `key` in place: the command's event (none when empty),
// then delete the key when the set became empty ("del"), otherwise tell the accounting its new
// size. `ref` must still be valid.
void finishWrite(CommandContext& c, std::string_view key, KeyRef& ref, SetValue* set, size_t oldBytes,
                 std::string_view event) {
  if (!event.empty()) c.notify(kNotifySet, event, key);
  if (set->empty()) {
    c.db.remove(ref);
    c.notify(kNotifyGeneric, "del", key);
  } else {
    c.db.objectResized(ref, oldBytes);
  }
}

// The event of a *STORE command: its name without the container ("sinterstore").
std::string_view storeEvent(const CommandContext& c) { return c.name; }

void replyMembers(CommandContext& c, const SetValue& set) {
  c.reply.setHeader(set.size());
  set.forEach([&c](std::string_view m) { c.reply.bulk(m); });
}

// Stores `result` under dst (or deletes dst when empty) and replies the cardinality, as the
// *STORE commands do (the reply before the notification, as in Redis).
void storeResult(CommandContext& c, std::string_view dst, std::unique_ptr<SetValue> result) {
  size_t n = result->size();
  c.reply.integer(static_cast<long long>(n));
  if (n > 0) {
    c.db.setObject(dst, std::move(result), Ttl::Clear);
    c.addDirty();
    c.notify(kNotifySet, storeEvent(c), dst);
  } else if (c.db.remove(dst)) {
    c.addDirty();
    c.notify(kNotifyGeneric, "del", dst);
  }
}

// ---- single-key commands -----------------------------------------------------------------------

void saddCommand(CommandContext& c) {
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupWrite, ref, set)) return;
  long long added = 0;
  if (!set) {
    auto fresh = SetValue::createFor(c.arg(2));
    for (int j = 2; j < c.argc(); ++j) added += fresh->add(c.arg(j), maxIntset(c));
    c.db.setObject(c.arg(1), std::move(fresh), Ttl::Clear);
  } else {
    size_t oldBytes = set->memoryUsage();
    for (int j = 2; j < c.argc(); ++j) added += set->add(c.arg(j), maxIntset(c));
    c.db.objectResized(ref, oldBytes);
  }
  c.addDirty(added);
  if (added) c.notify(kNotifySet, "sadd", c.arg(1));
  c.reply.integer(added);
}

void sremCommand(CommandContext& c) {
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupWrite, ref, set)) return;
  if (!set) {
    c.reply.integer(0);
    return;
  }
  size_t oldBytes = set->memoryUsage();
  long long removed = 0;
  for (int j = 2; j < c.argc() && !set->empty(); ++j) removed += set->remove(c.arg(j));
  finishWrite(c, c.arg(1), ref, set, oldBytes, removed ? "srem" : "");
  c.addDirty(removed);
  c.reply.integer(removed);
}

void sismemberCommand(CommandContext& c) {
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupRead, ref, set)) return;
  c.reply.integer(set && set->contains(c.arg(2)) ? 1 : 0);
}

void smismemberCommand(CommandContext& c) {
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupRead, ref, set)) return;
  c.reply.arrayHeader(static_cast<size_t>(c.argc() - 2));
  for (int j = 2; j < c.argc(); ++j) c.reply.integer(set && set->contains(c.arg(j)) ? 1 : 0);
}

void scardCommand(CommandContext& c) {
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupRead, ref, set)) return;
  c.reply.integer(set ? static_cast<long long>(set->size()) : 0);
}

void smembersCommand(CommandContext& c) {
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupRead, ref, set)) return;
  if (!set) {
    c.reply.setHeader(0);
    return;
  }
  replyMembers(c, *set);
}

void spopWithCount(CommandContext& c) {
  long long count;
  if (!c.argLongLong(2, count, kErrMustBePositive)) return;
  if (count < 0) {
    c.reply.error(kErrMustBePositive);
    return;
  }
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupWrite, ref, set)) return;
  if (!set || count == 0) {
    c.reply.setHeader(0);
    return;
  }
  size_t size = set->size();
  // Redis notifies "spop" before it replies.
  c.notify(kNotifySet, "spop", c.arg(1));
  if (static_cast<unsigned long long>(count) >= size) {
    // The whole set goes: reply it, then delete the key.
    replyMembers(c, *set);
    c.propagateAs({"DEL", c.arg(1)});
    c.db.remove(ref);
    c.notify(kNotifyGeneric, "del", c.arg(1));
    c.addDirty(static_cast<long long>(size));
    return;
  }
  size_t oldBytes = set->memoryUsage();
  c.reply.setHeader(static_cast<size_t>(count));
  std::string member;
  // The random picks are logged as what they removed.
  std::vector<std::string> popped;
  const bool keep = c.propagating();
  for (long long i = 0; i < count; ++i) {
    set->popRandom(member);
    c.reply.bulk(member);
    if (keep) popped.push_back(member);
  }
  c.propagateAs({"SREM", c.arg(1)}, popped);
  finishWrite(c, c.arg(1), ref, set, oldBytes, "");
  c.addDirty(count);
}

void spopCommand(CommandContext& c) {
  if (c.argc() == 3) {
    spopWithCount(c);
    return;
  }
  if (c.argc() > 3) {
    c.syntaxError();
    return;
  }
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupWrite, ref, set)) return;
  if (!set) {
    c.reply.nullBulk();
    return;
  }
  size_t oldBytes = set->memoryUsage();
  std::string member;
  set->popRandom(member);
  // Redis's order: "spop", the reply, then "del" when the set is gone.
  c.notify(kNotifySet, "spop", c.arg(1));
  c.reply.bulk(member);
  c.propagateAs({"SREM", c.arg(1), member});
  finishWrite(c, c.arg(1), ref, set, oldBytes, "");
  c.addDirty();
}

void srandmemberWithCount(CommandContext& c) {
  long long count;
  if (!c.argLongLong(2, count)) return;
  if (count == LLONG_MIN) {
    c.reply.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    return;
  }
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupRead, ref, set)) return;
  if (!set || count == 0) {
    c.reply.arrayHeader(0);
    return;
  }
  char scratch[24];
  if (count < 0) {
    // Repetitions allowed: independent draws.
    c.reply.arrayHeader(static_cast<size_t>(-count));
    for (long long i = 0; i < -count; ++i) c.reply.bulk(set->randomMember(scratch));
    return;
  }
  size_t size = set->size();
  if (static_cast<unsigned long long>(count) >= size) {
    c.reply.arrayHeader(size);
    set->forEach([&c](std::string_view m) { c.reply.bulk(m); });
    return;
  }
  size_t want = static_cast<size_t>(count);
  c.reply.arrayHeader(want);
  if (want * 3 > size) {
    // Many of them: copy every member and pick `want` by a partial Fisher-Yates shuffle (O(N),
    // like Redis's copy-then-remove case).
    std::vector<std::string> all;
    all.reserve(size);
    set->forEach([&all](std::string_view m) { all.emplace_back(m); });
    for (size_t i = 0; i < want; ++i) {
      size_t j = i + randomU64() % (size - i);
      std::swap(all[i], all[j]);
      c.reply.bulk(all[i]);
    }
    return;
  }
  // Few of them: random draws, skipping members already picked.
  std::unordered_set<std::string> picked;
  picked.reserve(want * 2);
  while (picked.size() < want) {
    std::string_view m = set->randomMember(scratch);
    if (picked.emplace(m).second) c.reply.bulk(m);
  }
}

void srandmemberCommand(CommandContext& c) {
  if (c.argc() == 3) {
    srandmemberWithCount(c);
    return;
  }
  if (c.argc() > 3) {
    c.syntaxError();
    return;
  }
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupRead, ref, set)) return;
  if (!set) {
    c.reply.nullBulk();
    return;
  }
  char scratch[24];
  c.reply.bulk(set->randomMember(scratch));
}

void smoveCommand(CommandContext& c) {
  std::string_view src = c.arg(1), dst = c.arg(2), member = c.arg(3);
  // Redis looks both up first, answers 0 for a missing source, then checks both types.
  KeyRef srcRef = c.db.lookupWrite(src);
  bool srcIsSet = srcRef && srcRef.type() == ObjType::Set;
  bool srcExists = static_cast<bool>(srcRef);
  auto* srcSet = srcIsSet ? static_cast<SetValue*>(srcRef.object()) : nullptr;
  KeyRef dstRef = c.db.lookupWrite(dst);
  bool dstWrong = dstRef && dstRef.type() != ObjType::Set;
  auto* dstSet = dstRef && !dstWrong ? static_cast<SetValue*>(dstRef.object()) : nullptr;
  if (!srcExists) {
    c.reply.integer(0);
    return;
  }
  if (!srcIsSet || dstWrong) {
    c.wrongType();
    return;
  }
  if (srcSet == dstSet) {
    c.reply.integer(srcSet->contains(member) ? 1 : 0);
    return;
  }
  srcRef = c.db.lookup(src, kRelookup);
  size_t oldBytes = srcSet->memoryUsage();
  if (!srcSet->remove(member)) {
    c.reply.integer(0);
    return;
  }
  finishWrite(c, src, srcRef, srcSet, oldBytes, "srem");
  bool added = true;
  if (!dstSet) {
    auto fresh = SetValue::createFor(member);
    fresh->add(member, maxIntset(c));
    c.db.setObject(dst, std::move(fresh), Ttl::Clear);
  } else {
    dstRef = c.db.lookup(dst, kRelookup);
    oldBytes = dstSet->memoryUsage();
    added = dstSet->add(member, maxIntset(c));
    c.db.objectResized(dstRef, oldBytes);
  }
  if (added) c.notify(kNotifySet, "sadd", dst);
  c.addDirty();
  c.reply.integer(1);
}

// ---- multi-key commands ------------------------------------------------------------------------

// SINTER, SINTERSTORE, SINTERCARD. keys = arg(first) .. arg(first + numkeys - 1).
void interGeneric(CommandContext& c, int first, int numkeys, bool store, std::string_view dst,
                  bool cardOnly, long long limit) {
  // Every key's type is checked first (WRONGTYPE wins); then any missing key means an empty result.
  std::vector<const SetValue*> sets;
  sets.reserve(static_cast<size_t>(numkeys));
  bool missing = false;
  for (int j = 0; j < numkeys; ++j) {
    KeyRef ref;
    SetValue* set;
    if (!lookupSet(c, c.arg(first + j), store ? kLookupWrite : kLookupRead, ref, set)) return;
    if (!set) missing = true;
    sets.push_back(set);
  }
  if (missing) {
    if (store) {
      if (c.db.remove(dst)) {
        c.addDirty();
        c.notify(kNotifyGeneric, "del", dst);
      }
      c.reply.integer(0);
    } else if (cardOnly) {
      c.reply.integer(0);
    } else {
      c.reply.setHeader(0);
    }
    return;
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  const SetValue* smallest = sets[0];
  auto inAll = [&sets, smallest](std::string_view m) {
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] == smallest) continue;
      if (!sets[j]->contains(m)) return false;
    }
    return true;
  };
  if (cardOnly) {
    long long n = 0;
    // Stops at the limit, as Redis does.
    smallest->forEachWhile([&](std::string_view m) {
      if (inAll(m)) ++n;
      return limit == 0 || n < limit;
    });
    c.reply.integer(n);
    return;
  }
  if (store) {
    auto result = std::make_unique<SetValue>();
    long long maxEntries = maxIntset(c);
    smallest->forEach([&](std::string_view m) {
      if (inAll(m)) result->add(m, maxEntries);
    });
    storeResult(c, dst, std::move(result));
    return;
  }
  size_t position = c.reply.beginDeferred();
  size_t n = 0;
  smallest->forEach([&](std::string_view m) {
    if (inAll(m)) {
      c.reply.bulk(m);
      ++n;
    }
  });
  c.reply.endDeferredSet(position, n);
}

void sinterCommand(CommandContext& c) { interGeneric(c, 1, c.argc() - 1, false, {}, false, 0); }
void sinterstoreCommand(CommandContext& c) { interGeneric(c, 2, c.argc() - 2, true, c.arg(1), false, 0); }

void sintercardCommand(CommandContext& c) {
  constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
  long long numkeys;
  if (!c.argLongLong(1, numkeys, kErrNumkeys)) return;
  if (numkeys < 1) {
    c.reply.error(kErrNumkeys);
    return;
  }
  if (numkeys > c.argc() - 2) {
    c.reply.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  long long limit = 0;
  for (int j = 2 + static_cast<int>(numkeys); j < c.argc(); ++j) {
    if (equalsIgnoreCase(c.arg(j), "limit") && j + 1 < c.argc()) {
      constexpr std::string_view kErrLimit = "ERR LIMIT can't be negative";
      if (!c.argLongLong(j + 1, limit, kErrLimit)) return;
      if (limit < 0) {
        c.reply.error(kErrLimit);
        return;
      }
      ++j;
    } else {
      c.syntaxError();
      return;
    }
  }
  interGeneric(c, 2, static_cast<int>(numkeys), false, {}, true, limit);
}

enum class SetOp { Union, Diff };

void unionDiffGeneric(CommandContext& c, int first, bool store, std::string_view dst, SetOp op) {
  int numkeys = c.argc() - first;
  std::vector<const SetValue*> sets(static_cast<size_t>(numkeys), nullptr);
  for (int j = 0; j < numkeys; ++j) {
    KeyRef ref;
    SetValue* set;
    if (!lookupSet(c, c.arg(first + j), store ? kLookupWrite : kLookupRead, ref, set)) return;
    sets[static_cast<size_t>(j)] = set;
  }
  auto result = std::make_unique<SetValue>();
  long long maxEntries = maxIntset(c);
  if (op == SetOp::Union) {
    for (const SetValue* set : sets)
      if (set) set->forEach([&](std::string_view m) { result->add(m, maxEntries); });
  } else if (sets[0] && !sets[0]->empty()) {
    // Redis picks between two algorithms by estimated work; the choice decides the result's
    // encoding in corner cases (adding everything then removing may convert to hashtable), so it
    // is made the same way here.
    long long workOne = 0, workTwo = 0;
    for (const SetValue* set : sets) {
      if (!set) continue;
      workOne += static_cast<long long>(sets[0]->size());
      workTwo += static_cast<long long>(set->size());
    }
    workOne /= 2;
    const SetValue* base = sets[0];
    if (workOne <= workTwo) {
      // Algorithm 1: each member of the first set that no other set has.
      base->forEach([&](std::string_view m) {
        for (size_t j = 1; j < sets.size(); ++j) {
          if (!sets[j]) continue;
          if (sets[j] == base || sets[j]->contains(m)) return;
        }
        result->add(m, maxEntries);
      });
    } else {
      // Algorithm 2: copy the first set, then remove every member of the others.
      base->forEach([&](std::string_view m) { result->add(m, maxEntries); });
      for (size_t j = 1; j < sets.size() && !result->empty(); ++j) {
        if (!sets[j]) continue;
        if (sets[j] == base) {
          result = std::make_unique<SetValue>();
          break;
        }
        sets[j]->forEach([&](std::string_view m) { result->remove(m); });
      }
    }
  }
  if (store) {
    storeResult(c, dst, std::move(result));
    return;
  }
  replyMembers(c, *result);
}

void sunionCommand(CommandContext& c) { unionDiffGeneric(c, 1, false, {}, SetOp::Union); }
void sunionstoreCommand(CommandContext& c) { unionDiffGeneric(c, 2, true, c.arg(1), SetOp::Union); }
void sdiffCommand(CommandContext& c) { unionDiffGeneric(c, 1, false, {}, SetOp::Diff); }
void sdiffstoreCommand(CommandContext& c) { unionDiffGeneric(c, 2, true, c.arg(1), SetOp::Diff); }

// ---- SSCAN -------------------------------------------------------------------------------------

// Redis parses the cursor with strtoul over the C string: leading '-' wraps, "" is 0.
bool parseCursor(std::string_view text, uint64_t& cursor) {
  std::string s(text);
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  cursor = v;
  return true;
}

void replyScan(CommandContext& c, uint64_t cursor, const std::vector<std::string>& items) {
  c.reply.arrayHeader(2);
  char digits[24];
  int n = std::snprintf(digits, sizeof digits, "%llu", static_cast<unsigned long long>(cursor));
  c.reply.bulk(std::string_view(digits, static_cast<size_t>(n)));
  c.reply.arrayHeader(items.size());
  for (const std::string& s : items) c.reply.bulk(s);
}

void sscanCommand(CommandContext& c) {
  uint64_t cursor = 0;
  if (!parseCursor(c.arg(2), cursor)) {
    c.reply.error("ERR invalid cursor");
    return;
  }
  KeyRef ref;
  SetValue* set;
  if (!lookupSet(c, c.arg(1), kLookupRead, ref, set)) return;
  if (!set) {
    replyScan(c, 0, {});
    return;
  }
  long long count = 10;
  std::string_view pattern;
  bool usePattern = false;
  for (int i = 3; i < c.argc(); ++i) {
    int remaining = c.argc() - i;
    if (equalsIgnoreCase(c.arg(i), "count") && remaining >= 2) {
      if (!c.argLongLong(i + 1, count)) return;
      if (count < 1) {
        c.syntaxError();
        return;
      }
      ++i;
    } else if (equalsIgnoreCase(c.arg(i), "match") && remaining >= 2) {
      pattern = c.arg(i + 1);
      usePattern = !(pattern.size() == 1 && pattern[0] == '*');
      ++i;
    } else {
      c.syntaxError();
      return;
    }
  }
  std::vector<std::string> items;
  auto collect = [&items](std::string_view m) { items.emplace_back(m); };
  if (set->isIntset()) {
    set->forEach(collect);
    cursor = 0;
  } else {
    long long maxIterations = count * 10;
    do {
      cursor = set->scan(cursor, collect);
    } while (cursor && maxIterations-- && items.size() < static_cast<unsigned long long>(count));
  }
  if (usePattern) {
    std::erase_if(items, [pattern](const std::string& s) { return !globMatch(pattern, s); });
  }
  replyScan(c, cursor, items);
}

}  // namespace

static const CommandFamily kSetCommands{{
    {"sadd", saddCommand},
    {"srem", sremCommand},
    {"sismember", sismemberCommand},
    {"smismember", smismemberCommand},
    {"smembers", smembersCommand},
    {"scard", scardCommand},
    {"spop", spopCommand},
    {"srandmember", srandmemberCommand},
    {"smove", smoveCommand},
    {"sinter", sinterCommand},
    {"sintercard", sintercardCommand},
    {"sinterstore", sinterstoreCommand},
    {"sunion", sunionCommand},
    {"sunionstore", sunionstoreCommand},
    {"sdiff", sdiffCommand},
    {"sdiffstore", sdiffstoreCommand},
    {"sscan", sscanCommand},
}};

}  // namespace rp
