// The hash commands: HSET and relatives, reads, counters, HRANDFIELD and HSCAN.
//
// Behaviour is Redis 7.0.15's, checked against redis-server: argument errors come before the key
// lookup where Redis checks them first (HSET's odd argument count, HINCRBY's increment, HRANDFIELD's
// count and WITHVALUES, HSCAN's cursor), and after it where Redis looks the key up first (HSCAN's
// options are only parsed for an existing hash; a missing key answers an empty scan whatever
// follows). Writes use write lookups (no keyspace hit/miss), reads use read lookups. A hash that
// loses its last field is deleted. Encodings follow types/hash.h (listpack -> hashtable at the
// configured limits, never back).
//
// Complexity is Redis's: field operations are O(1) on a hashtable and O(n) scans of a listpack
// (bounded by hash-max-listpack-entries, as in Redis); HRANDFIELD is O(count) for repetitions and
// for a small share of a hashtable, O(size) when a large share of it (or a listpack) is asked for,
// like Redis's dict-copy case; HSCAN does at most COUNT*10 bucket steps per call. Deviation: reads
// of a hashtable hash do not advance its incremental rehash (only writes do), so a hash that stops
// being written keeps its two bucket arrays until the next write.
//
// KeyRef rule (keyspace.h): views into a hash die with the next change of the Db, so replies are
// written before anything else is modified.
#include <cerrno>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/context.h"
#include "commands/registry.h"
#include "engine/dict.h"
#include "engine/glob.h"
#include "types/hash.h"
#include "util/numbers.h"

namespace rp {
namespace {

constexpr std::string_view kErrHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kErrHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
constexpr std::string_view kErrNanOrInfinityArg = "ERR value is NaN or Infinity";
constexpr std::string_view kErrNanOrInfinity = "ERR increment would produce NaN or Infinity";
constexpr std::string_view kErrOutOfRange = "ERR value is out of range";
constexpr std::string_view kErrCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

// Looks `key` up; a key of another type gets WRONGTYPE and false. A missing key leaves hash null.
bool lookupHash(CommandContext& c, std::string_view key, unsigned flags, KeyRef& ref, HashValue*& hash) {
  ref = c.db.lookup(key, flags);
  hash = nullptr;
  if (!ref) return true;
  if (ref.type() != ObjType::Hash) {
    c.wrongType();
    return false;
  }
  hash = static_cast<HashValue*>(ref.object());
  return true;
}

// A write to a hash that may not exist yet: `apply(HashValue&)` runs on the existing hash (with
// the memory accounting updated afterwards) or on a new one that is then stored under the key.
template <typename Fn>
void writeHash(CommandContext& c, std::string_view key, KeyRef& ref, HashValue* hash, Fn&& apply) {
  if (hash) {
    size_t before = hash->memoryUsage();
    apply(*hash);
    c.db.objectResized(ref, before);
    return;
  }
  auto fresh = std::make_unique<HashValue>();
  apply(*fresh);
  c.db.setObject(key, std::move(fresh), Ttl::Clear);
}

// ---- HSET / HMSET / HSETNX ------------------------------------------------------------------------

void hsetGeneric(CommandContext& c, bool isHmset) {
  if (c.argc() % 2 != 0) {
    c.arityError();
    return;
  }
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupWrite, ref, hash)) return;
  const EncodingLimits& limits = c.engine.limits();
  long long created = 0;
  writeHash(c, c.arg(1), ref, hash, [&](HashValue& h) {
    for (int i = 2; i < c.argc(); i += 2) created += h.set(c.arg(i), c.arg(i + 1), limits) ? 1 : 0;
  });
  if (isHmset)
    c.reply.ok();
  else
    c.reply.integer(created);
  c.addDirty((c.argc() - 2) / 2);
  c.notify(kNotifyHash, "hset", c.arg(1));
}

void hsetCommand(CommandContext& c) { hsetGeneric(c, false); }
void hmsetCommand(CommandContext& c) { hsetGeneric(c, true); }

void hsetnxCommand(CommandContext& c) {
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupWrite, ref, hash)) return;
  if (hash && hash->contains(c.arg(2))) {
    c.reply.integer(0);
    return;
  }
  const EncodingLimits& limits = c.engine.limits();
  writeHash(c, c.arg(1), ref, hash, [&](HashValue& h) { h.set(c.arg(2), c.arg(3), limits); });
  c.reply.integer(1);
  c.addDirty();
  c.notify(kNotifyHash, "hset", c.arg(1));
}

// ---- reads ----------------------------------------------------------------------------------------

void hgetCommand(CommandContext& c) {
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  std::string_view value;
  if (hash && hash->find(c.arg(2), value))
    c.reply.bulk(value);
  else
    c.reply.nullBulk();
}

void hmgetCommand(CommandContext& c) {
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  c.reply.arrayHeader(static_cast<size_t>(c.argc() - 2));
  for (int i = 2; i < c.argc(); ++i) {
    std::string_view value;
    if (hash && hash->find(c.arg(i), value))
      c.reply.bulk(value);
    else
      c.reply.nullBulk();
  }
}

void hexistsCommand(CommandContext& c) {
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  c.reply.integer(hash && hash->contains(c.arg(2)) ? 1 : 0);
}

void hlenCommand(CommandContext& c) {
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  c.reply.integer(hash ? static_cast<long long>(hash->size()) : 0);
}

void hstrlenCommand(CommandContext& c) {
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  std::string_view value;
  c.reply.integer(hash && hash->find(c.arg(2), value) ? static_cast<long long>(value.size()) : 0);
}

enum GetAllParts : unsigned { kFields = 1, kValues = 2 };

// HKEYS, HVALS (arrays) and HGETALL (a map in RESP3, a flat array in RESP2).
void getAllGeneric(CommandContext& c, unsigned parts) {
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  size_t n = hash ? hash->size() : 0;
  if (parts == (kFields | kValues))
    c.reply.mapHeader(n);
  else
    c.reply.arrayHeader(n);
  if (!hash) return;
  hash->forEach([&](std::string_view field, std::string_view value) {
    if (parts & kFields) c.reply.bulk(field);
    if (parts & kValues) c.reply.bulk(value);
  });
}

void hkeysCommand(CommandContext& c) { getAllGeneric(c, kFields); }
void hvalsCommand(CommandContext& c) { getAllGeneric(c, kValues); }
void hgetallCommand(CommandContext& c) { getAllGeneric(c, kFields | kValues); }

// ---- HDEL -----------------------------------------------------------------------------------------

void hdelCommand(CommandContext& c) {
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupWrite, ref, hash)) return;
  if (!hash) {
    c.reply.integer(0);
    return;
  }
  size_t before = hash->memoryUsage();
  long long deleted = 0;
  for (int i = 2; i < c.argc(); ++i) {
    if (hash->remove(c.arg(i))) ++deleted;
    if (hash->empty()) break;
  }
  const bool emptied = hash->empty();
  if (emptied)
    c.db.remove(ref);
  else
    c.db.objectResized(ref, before);
  c.addDirty(deleted);
  if (deleted) {
    c.notify(kNotifyHash, "hdel", c.arg(1));
    if (emptied) c.notify(kNotifyGeneric, "del", c.arg(1));
  }
  c.reply.integer(deleted);
}

// ---- HINCRBY / HINCRBYFLOAT -----------------------------------------------------------------------

void hincrbyCommand(CommandContext& c) {
  long long increment;
  if (!c.argLongLong(3, increment)) return;
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupWrite, ref, hash)) return;
  int64_t current = 0;
  std::string_view text;
  if (hash && hash->find(c.arg(2), text) && !num::parseInt64(text, current)) {
    c.reply.error(kErrHashNotInteger);
    return;
  }
  int64_t result;
  if (num::addOverflows(current, increment, result)) {
    c.reply.error(kErrOverflow);
    return;
  }
  char buf[num::kInt64MaxChars];
  std::string_view stored(buf, num::formatInt64(result, buf));
  const EncodingLimits& limits = c.engine.limits();
  writeHash(c, c.arg(1), ref, hash, [&](HashValue& h) { h.set(c.arg(2), stored, limits); });
  c.reply.integer(result);
  c.addDirty();
  c.notify(kNotifyHash, "hincrby", c.arg(1));
}

void hincrbyfloatCommand(CommandContext& c) {
  long double increment;
  if (!num::parseLongDouble(c.arg(3), increment)) {
    c.reply.error(kErrNotFloat);
    return;
  }
  if (std::isnan(increment) || std::isinf(increment)) {
    c.reply.error(kErrNanOrInfinityArg);
    return;
  }
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupWrite, ref, hash)) return;
  long double current = 0;
  std::string_view text;
  if (hash && hash->find(c.arg(2), text) && !num::parseLongDouble(text, current)) {
    c.reply.error(kErrHashNotFloat);
    return;
  }
  long double result = current + increment;
  if (std::isnan(result) || std::isinf(result)) {
    c.reply.error(kErrNanOrInfinity);
    return;
  }
  std::string buf(num::kLongDoubleFormatBuffer, '\0');
  buf.resize(num::formatLongDouble(result, buf.data()));
  const EncodingLimits& limits = c.engine.limits();
  writeHash(c, c.arg(1), ref, hash, [&](HashValue& h) { h.set(c.arg(2), buf, limits); });
  c.reply.bulk(buf);
  c.addDirty();
  c.notify(kNotifyHash, "hincrbyfloat", c.arg(1));
  c.propagateAs({"HSET", c.arg(1), c.arg(2), buf});
}

// ---- HRANDFIELD -----------------------------------------------------------------------------------

uint64_t randomBelow(uint64_t n) { return randomU64() % n; }

// The pairs of a listpack hash, for random access by index (the listpack has no index; at its
// bounded size a pass over it is what Redis's lpRandomPairs does too).
struct PairList {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  explicit PairList(const HashValue& h) {
    pairs.reserve(h.size());
    h.forEach([&](std::string_view f, std::string_view v) { pairs.emplace_back(f, v); });
  }
};

void replyPair(CommandContext& c, bool withValues, std::string_view field, std::string_view value) {
  if (withValues && c.resp == 3) c.reply.arrayHeader(2);
  c.reply.bulk(field);
  if (withValues) c.reply.bulk(value);
}

void hrandfieldWithCount(CommandContext& c) {
  long long requested;
  if (!c.argLongLong(2, requested)) return;
  if (requested < -LLONG_MAX) {
    c.reply.error(kErrCountRange);
    return;
  }
  bool withValues = false;
  if (c.argc() > 4 || (c.argc() == 4 && !equalsIgnoreCase(c.arg(3), "withvalues"))) {
    c.syntaxError();
    return;
  }
  if (c.argc() == 4) {
    withValues = true;
    if (requested < -(LLONG_MAX / 2) || requested > LLONG_MAX / 2) {
      c.reply.error(kErrOutOfRange);
      return;
    }
  }
  bool unique = requested >= 0;
  uint64_t count = unique ? static_cast<uint64_t>(requested) : static_cast<uint64_t>(-requested);

  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  if (!hash || count == 0) {
    c.reply.arrayHeader(0);
    return;
  }
  const size_t size = hash->size();
  const size_t perPair = withValues && c.resp == 2 ? 2 : 1;

  // Repetitions allowed (negative count), or a single field: count independent draws.
  if (!unique || count == 1) {
    c.reply.arrayHeader(count * perPair);
    if (hash->isListpack()) {
      PairList list(*hash);
      for (uint64_t i = 0; i < count; ++i) {
        auto& [f, v] = list.pairs[randomBelow(size)];
        replyPair(c, withValues, f, v);
      }
    } else {
      for (uint64_t i = 0; i < count; ++i) {
        std::string_view f, v;
        hash->randomPair(f, v);
        replyPair(c, withValues, f, v);
      }
    }
    return;
  }

  // The whole hash, in its own order.
  if (count >= size) {
    c.reply.arrayHeader(size * perPair);
    hash->forEach([&](std::string_view f, std::string_view v) { replyPair(c, withValues, f, v); });
    return;
  }

  c.reply.arrayHeader(count * perPair);
  if (hash->isListpack() || count * 3 > size) {
    // A large share of the hash: list every pair and drop random ones until `count` remain.
    PairList list(*hash);
    auto& pairs = list.pairs;
    while (pairs.size() > count) {
      size_t victim = randomBelow(pairs.size());
      pairs[victim] = pairs.back();
      pairs.pop_back();
    }
    for (auto& [f, v] : pairs) replyPair(c, withValues, f, v);
    return;
  }
  // A small share of a big hash: draw random pairs until `count` distinct ones were seen.
  std::unordered_set<std::string_view> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    std::string_view f, v;
    hash->randomPair(f, v);
    if (seen.insert(f).second) replyPair(c, withValues, f, v);
  }
}

void hrandfieldCommand(CommandContext& c) {
  if (c.argc() >= 3) {
    hrandfieldWithCount(c);
    return;
  }
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  if (!hash) {
    c.reply.nullBulk();
    return;
  }
  std::string_view f, v;
  if (hash->isListpack()) {
    PairList list(*hash);
    f = list.pairs[randomBelow(list.pairs.size())].first;
  } else {
    hash->randomPair(f, v);
  }
  c.reply.bulk(f);
}

// ---- HSCAN ----------------------------------------------------------------------------------------

// Redis parses the cursor with strtoul over the C string: a leading '-' wraps, "" is 0.
bool parseCursor(std::string_view text, uint64_t& cursor) {
  std::string s(text);
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  cursor = v;
  return true;
}

void hscanCommand(CommandContext& c) {
  uint64_t cursor = 0;
  if (!parseCursor(c.arg(2), cursor)) {
    c.reply.error("ERR invalid cursor");
    return;
  }
  KeyRef ref;
  HashValue* hash;
  if (!lookupHash(c, c.arg(1), kLookupRead, ref, hash)) return;
  if (!hash) {
    c.reply.arrayHeader(2);
    c.reply.bulk("0");
    c.reply.arrayHeader(0);
    return;
  }
  long long count = 10;
  std::string_view pattern;
  bool usePattern = false;
  for (int i = 3; i < c.argc();) {
    int remaining = c.argc() - i;
    std::string_view option = c.arg(i);
    if (equalsIgnoreCase(option, "count") && remaining >= 2) {
      if (!c.argLongLong(i + 1, count)) return;
      if (count < 1) {
        c.syntaxError();
        return;
      }
      i += 2;
    } else if (equalsIgnoreCase(option, "match") && remaining >= 2) {
      pattern = c.arg(i + 1);
      usePattern = pattern != "*";
      i += 2;
    } else {
      c.syntaxError();
      return;
    }
  }

  c.reply.arrayHeader(2);
  if (hash->isListpack()) {
    // A compact hash is returned whole, with cursor 0, whatever the cursor and COUNT (Redis).
    c.reply.bulk("0");
    size_t position = c.reply.beginDeferred();
    size_t n = 0;
    hash->forEach([&](std::string_view f, std::string_view v) {
      if (usePattern && !globMatch(pattern, f)) return;
      c.reply.bulk(f);
      c.reply.bulk(v);
      n += 2;
    });
    c.reply.endDeferredArray(position, n);
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> found;
  long long maxIterations = count * 10;
  do {
    cursor = hash->scanStep(cursor, [&](std::string_view f, std::string_view v) { found.emplace_back(f, v); });
  } while (cursor && maxIterations-- && found.size() < static_cast<unsigned long long>(count));
  // MATCH filters what the steps collected (COUNT counts before filtering, as in Redis).
  if (usePattern)
    std::erase_if(found, [&](const std::pair<std::string_view, std::string_view>& p) {
      return !globMatch(pattern, p.first);
    });
  char buf[24];
  size_t len = 0;
  {
    // Unsigned decimal of the cursor.
    char tmp[24];
    uint64_t v = cursor;
    do {
      tmp[len++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v);
    for (size_t i = 0; i < len; ++i) buf[i] = tmp[len - 1 - i];
  }
  c.reply.bulk(std::string_view(buf, len));
  c.reply.arrayHeader(found.size() * 2);
  for (auto& [f, v] : found) {
    c.reply.bulk(f);
    c.reply.bulk(v);
  }
}

const CommandFamily kHashCommands{{
    {"hset", hsetCommand},
    {"hmset", hmsetCommand},
    {"hsetnx", hsetnxCommand},
    {"hget", hgetCommand},
    {"hmget", hmgetCommand},
    {"hdel", hdelCommand},
    {"hexists", hexistsCommand},
    {"hlen", hlenCommand},
    {"hstrlen", hstrlenCommand},
    {"hkeys", hkeysCommand},
    {"hvals", hvalsCommand},
    {"hgetall", hgetallCommand},
    {"hincrby", hincrbyCommand},
    {"hincrbyfloat", hincrbyfloatCommand},
    {"hrandfield", hrandfieldCommand},
    {"hscan", hscanCommand},
}};

}  // namespace
}  // namespace rp
