// The sorted set commands (Redis group "sorted-set"), with Redis 7.0.15's argument validation order,
// error texts, RESP2/RESP3 reply shapes (scores are RESP3 doubles; WITHSCORES pairs are nested
// arrays in RESP3) and OBJECT ENCODING transitions (types/zset.h).
//
// KeyRef rule (keyspace.h): a KeyRef dies at the next lookup or mutation of the same Db, but the
// ZSet object it points at stays put while its key exists, so multi-key commands look every key
// up first and then work on the objects.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "batch_abi.h"
#include "commands/context.h"
#include "commands/registry.h"
#include "engine/dict.h"
#include "engine/glob.h"
#include "types/set.h"
#include "types/zset.h"
#include "util/numbers.h"

namespace rp {
namespace {

constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
constexpr std::string_view kErrNan = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kErrMinMaxFloat = "ERR min or max is not a float";
constexpr std::string_view kErrMinMaxLex = "ERR min or max not valid string range item";
constexpr std::string_view kErrPositive = "ERR value is out of range, must be positive";

ZSet* zsetOf(const KeyRef& ref) { return static_cast<ZSet*>(ref.object()); }

// Looks up a key that must be a sorted set if it exists; WRONGTYPE is replied and false returned.
bool lookupZSet(CommandContext& c, std::string_view key, unsigned flags, KeyRef& ref) {
  ref = c.db.lookup(key, flags);
  if (ref && ref.type() != ObjType::ZSet) {
    c.wrongType();
    return false;
  }
  return true;
}

// strtod over a C string (the bytes up to the first NUL), as Redis's range parsing does: leading
// spaces and an empty text are accepted ("" is 0), NaN is not.
bool strtodWhole(std::string_view text, double& out) {
  size_t nul = text.find('\0');
  if (nul != std::string_view::npos) text = text.substr(0, nul);
  std::string copy(text);
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return *end == '\0' && !std::isnan(out);
}

bool parseScoreBound(std::string_view text, double& value, bool& exclusive) {
  exclusive = !text.empty() && text[0] == '(';
  return strtodWhole(exclusive ? text.substr(1) : text, value);
}

bool parseScoreRange(std::string_view min, std::string_view max, ScoreRange& r) {
  return parseScoreBound(min, r.min, r.minExclusive) && parseScoreBound(max, r.max, r.maxExclusive);
}

bool parseLexBound(std::string_view text, std::string_view& value, bool& exclusive, bool& negInf, bool& posInf) {
  if (text.empty()) return false;
  // '+' / '-' must be alone (Redis checks the next C character, so a NUL after them also passes).
  bool alone = text.size() == 1 || text[1] == '\0';
  switch (text[0]) {
    case '+':
      if (!alone) return false;
      exclusive = true;
      posInf = true;
      return true;
    case '-':
      if (!alone) return false;
      exclusive = true;
      negInf = true;
      return true;
    case '(':
      exclusive = true;
      value = text.substr(1);
      return true;
    case '[':
      exclusive = false;
      value = text.substr(1);
      return true;
    default: return false;
  }
}

bool parseLexRange(std::string_view min, std::string_view max, LexRange& r) {
  return parseLexBound(min, r.min, r.minExclusive, r.minNegInf, r.minPosInf) &&
         parseLexBound(max, r.max, r.maxExclusive, r.maxNegInf, r.maxPosInf);
}

// Redis's getPositiveLongFromObjectOrReply.
bool argPositive(CommandContext& c, int i, long long& out) {
  if (!parseLongLong(c.arg(i), out) || out < 0) {
    c.reply.error(kErrPositive);
    return false;
  }
  return true;
}

// Redis's getRangeLongFromObjectOrReply with a message used for both failures.
bool argRange(CommandContext& c, int i, long long min, long long max, long long& out, std::string_view message) {
  if (!parseLongLong(c.arg(i), out) || out < min || out > max) {
    c.reply.error(message);
    return false;
  }
  return true;
}

// Writes one element of a result: the member, and with scores its score (a RESP3 pair array).
void replyElement(CommandContext& c, std::string_view member, double score, bool withScores) {
  if (withScores && c.resp == 3) c.reply.arrayHeader(2);
  c.reply.bulk(member);
  if (withScores) c.reply.doubleValue(score);
}

void replyResultHeader(CommandContext& c, size_t n, bool withScores) {
  c.reply.arrayHeader(withScores && c.resp == 2 ? n * 2 : n);
}

// After an in-place change of `key`: its event (unless empty), then deletes an emptied key ("del")
// or updates the memory accounting.
void finishWrite(CommandContext& c, std::string_view key, KeyRef& ref, size_t oldBytes, std::string_view event) {
  if (!event.empty()) c.notify(kNotifyZset, event, key);
  if (zsetOf(ref)->size() == 0) {
    c.db.remove(ref);
    c.notify(kNotifyGeneric, "del", key);
  } else {
    c.db.objectResized(ref, oldBytes);
  }
}

// Stores `elements` (ascending, distinct) as a new sorted set at `dst`, or deletes `dst` when
// empty; replies the count. `listpackFirst`: ZRANGESTORE starts from the listpack and converts as
// it grows; the set operations build a skip list and convert to the listpack when it fits.
void storeResult(CommandContext& c, std::string_view dst, const std::vector<std::pair<std::string_view, double>>& elements,
                 bool listpackFirst, bool sizeKnown = false) {
  // The reply comes before the notification, as in Redis.
  c.reply.integer(static_cast<long long>(elements.size()));
  if (elements.empty()) {
    if (c.db.remove(dst)) {
      c.addDirty();
      c.notify(kNotifyGeneric, "del", dst);
    }
    return;
  }
  const EncodingLimits& limits = c.engine.limits();
  size_t maxLength = 0;
  for (const auto& e : elements) maxLength = std::max(maxLength, e.first.size());
  bool fits = static_cast<long long>(elements.size()) <= limits.zsetMaxListpackEntries &&
              static_cast<long long>(maxLength) <= limits.zsetMaxListpackValue;
  std::unique_ptr<ZSet> z;
  if (listpackFirst) {
    // Element by element into a listpack that converts when it outgrows the limits, as Redis
    // does (which also decides whether a -0 score keeps its sign: the listpack drops it). A rank
    // range knows its length up front and starts as a skip list when that exceeds the limit.
    z = std::make_unique<ZSet>(sizeKnown && static_cast<long long>(elements.size()) > limits.zsetMaxListpackEntries);
    for (const auto& e : elements) {
      z->prepareInsert(e.first.size(), limits);
      z->insert(e.first, e.second);
    }
  } else {
    z = std::make_unique<ZSet>(!fits);
    for (const auto& e : elements) z->insert(e.first, e.second);
  }
  c.db.setObject(dst, std::move(z), Ttl::Clear);
  c.signalKeyReady(dst);
  c.addDirty();
  c.notify(kNotifyZset, c.name, dst);  // zrangestore, zunionstore, zinterstore, zdiffstore
}

// ---- ZADD / ZINCRBY ----------------------------------------------------------------------------

void zaddGeneric(CommandContext& c, bool incrCommand) {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCommand;
  int scoreIndex = 2;
  for (; scoreIndex < c.argc(); ++scoreIndex) {
    std::string_view opt = c.arg(scoreIndex);
    if (equalsIgnoreCase(opt, "nx")) nx = true;
    else if (equalsIgnoreCase(opt, "xx")) xx = true;
    else if (equalsIgnoreCase(opt, "ch")) ch = true;
    else if (equalsIgnoreCase(opt, "incr")) incr = true;
    else if (equalsIgnoreCase(opt, "gt")) gt = true;
    else if (equalsIgnoreCase(opt, "lt")) lt = true;
    else break;
  }
  int elements = c.argc() - scoreIndex;
  if (elements % 2 != 0 || elements == 0) return c.syntaxError();
  elements /= 2;
  if (nx && xx) return c.reply.error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt))
    return c.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
  if (incr && elements > 1) return c.reply.error("ERR INCR option supports a single increment-element pair");
  std::vector<double> scores(static_cast<size_t>(elements));
  for (int j = 0; j < elements; ++j) {
    if (!num::parseDouble(c.arg(scoreIndex + j * 2), scores[static_cast<size_t>(j)])) return c.reply.error(kErrNotFloat);
  }
  std::string_view key = c.arg(1);
  KeyRef ref;
  if (!lookupZSet(c, key, kLookupWrite, ref)) return;

  long long added = 0, updated = 0, processed = 0;
  double lastScore = 0;
  auto replyCounts = [&]() {
    if (incr) {
      if (processed) c.reply.doubleValue(lastScore);
      else c.reply.nullBulk();
    } else {
      c.reply.integer(ch ? added + updated : added);
    }
  };
  if (!ref && xx) return replyCounts();

  std::unique_ptr<ZSet> fresh;
  ZSet* z;
  size_t oldBytes = 0;
  if (ref) {
    z = zsetOf(ref);
    oldBytes = z->memoryUsage();
  } else {
    fresh = std::make_unique<ZSet>();
    z = fresh.get();
  }
  const EncodingLimits& limits = c.engine.limits();
  bool nanError = false;
  for (int j = 0; j < elements; ++j) {
    double score = scores[static_cast<size_t>(j)];
    std::string_view member = c.arg(scoreIndex + j * 2 + 1);
    double current;
    if (z->score(member, current)) {
      if (nx) continue;  // NOP
      if (incr) {
        score += current;
        if (std::isnan(score)) {
          nanError = true;
          break;
        }
      }
      if ((lt && score >= current) || (gt && score <= current)) continue;  // NOP
      ++processed;
      lastScore = score;
      if (score != current) {
        z->updateScore(member, score);
        ++updated;
      }
    } else {
      if (xx) continue;
      z->prepareInsert(member.size(), limits);
      z->insert(member, score);
      ++added;
      ++processed;
      lastScore = score;
    }
  }
  if (fresh) {
    if (fresh->size() > 0) {
      c.db.setObject(key, std::move(fresh), Ttl::Keep);
    }
  } else {
    finishWrite(c, key, ref, oldBytes, {});
  }
  if (added) c.signalKeyReady(key);
  c.addDirty(added + updated);
  // The reply (or the NaN error) comes before the notification, as in Redis.
  if (nanError) c.reply.error(kErrNan);
  else replyCounts();
  if (added || updated) c.notify(kNotifyZset, incr ? "zincr" : "zadd", key);
}

void zaddCommand(CommandContext& c) { zaddGeneric(c, false); }
void zincrbyCommand(CommandContext& c) { zaddGeneric(c, true); }

// ---- simple reads and ZREM ---------------------------------------------------------------------

void zremCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) return c.reply.integer(0);
  ZSet* z = zsetOf(ref);
  size_t oldBytes = z->memoryUsage();
  long long deleted = 0;
  for (int i = 2; i < c.argc() && z->size() > 0; ++i) {
    if (z->erase(c.arg(i))) ++deleted;
  }
  finishWrite(c, c.arg(1), ref, oldBytes, deleted ? "zrem" : "");
  c.addDirty(deleted);
  c.reply.integer(deleted);
}

void zcardCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
  c.reply.integer(ref ? static_cast<long long>(zsetOf(ref)->size()) : 0);
}

void zcountCommand(CommandContext& c) {
  ScoreRange r;
  if (!parseScoreRange(c.arg(2), c.arg(3), r)) return c.reply.error(kErrMinMaxFloat);
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) return c.reply.integer(0);
  size_t first, last;
  zsetOf(ref)->scoreRangeRanks(r, first, last);
  c.reply.integer(static_cast<long long>(last - first));
}

void zlexcountCommand(CommandContext& c) {
  LexRange r;
  if (!parseLexRange(c.arg(2), c.arg(3), r)) return c.reply.error(kErrMinMaxLex);
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) return c.reply.integer(0);
  size_t first, last;
  zsetOf(ref)->lexRangeRanks(r, first, last);
  c.reply.integer(static_cast<long long>(last - first));
}

void zscoreCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
  double s;
  if (!ref || !zsetOf(ref)->score(c.arg(2), s)) return c.reply.nullBulk();
  c.reply.doubleValue(s);
}

void zmscoreCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
  c.reply.arrayHeader(static_cast<size_t>(c.argc() - 2));
  for (int i = 2; i < c.argc(); ++i) {
    double s;
    if (ref && zsetOf(ref)->score(c.arg(i), s)) c.reply.doubleValue(s);
    else c.reply.nullBulk();
  }
}

void zrankGeneric(CommandContext& c, bool reverse) {
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
  size_t rank;
  if (!ref || !zsetOf(ref)->rank(c.arg(2), rank)) return c.reply.nullBulk();
  size_t n = zsetOf(ref)->size();
  c.reply.integer(static_cast<long long>(reverse ? n - 1 - rank : rank));
}
void zrankCommand(CommandContext& c) { zrankGeneric(c, false); }
void zrevrankCommand(CommandContext& c) { zrankGeneric(c, true); }

// ---- ZRANGE and its relatives ------------------------------------------------------------------

enum class RangeType { Auto, Rank, Score, Lex };
enum class Direction { Auto, Forward, Reverse };

// The ranks a range selects: `count` elements starting at rank `start` (ascending) or, when
// `reverse`, the ranks start + count - 1 down to start.
struct RankSpan {
  size_t start = 0, count = 0;
  bool reverse = false;
};

// Applies LIMIT to the ranks [first, last) of a score/lex interval.
RankSpan limitSpan(size_t first, size_t last, long long offset, long long limit, bool reverse) {
  RankSpan s;
  s.reverse = reverse;
  size_t avail = last - first;
  if (offset < 0 || static_cast<unsigned long long>(offset) >= avail) return s;
  size_t n = avail - static_cast<size_t>(offset);
  if (limit >= 0 && static_cast<unsigned long long>(limit) < n) n = static_cast<size_t>(limit);
  s.count = n;
  s.start = reverse ? last - static_cast<size_t>(offset) - n : first + static_cast<size_t>(offset);
  return s;
}

// keyIndex: the source key; store: ZRANGESTORE (destination at arg 1).
void zrangeGeneric(CommandContext& c, int keyIndex, bool store, RangeType type, Direction direction) {
  int minIndex = keyIndex + 1, maxIndex = keyIndex + 2;
  bool withScores = false;
  long long offset = 0, limit = -1;
  for (int j = keyIndex + 3; j < c.argc(); ++j) {
    int left = c.argc() - j - 1;
    std::string_view opt = c.arg(j);
    if (!store && equalsIgnoreCase(opt, "withscores")) {
      withScores = true;
    } else if (equalsIgnoreCase(opt, "limit") && left >= 2) {
      if (!c.argLongLong(j + 1, offset) || !c.argLongLong(j + 2, limit)) return;
      j += 2;
    } else if (direction == Direction::Auto && equalsIgnoreCase(opt, "rev")) {
      direction = Direction::Reverse;
    } else if (type == RangeType::Auto && equalsIgnoreCase(opt, "bylex")) {
      type = RangeType::Lex;
    } else if (type == RangeType::Auto && equalsIgnoreCase(opt, "byscore")) {
      type = RangeType::Score;
    } else {
      return c.syntaxError();
    }
  }
  if (direction == Direction::Auto) direction = Direction::Forward;
  if (type == RangeType::Auto) type = RangeType::Rank;
  if (limit != -1 && type == RangeType::Rank)
    return c.reply.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  if (withScores && type == RangeType::Lex)
    return c.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  bool reverse = direction == Direction::Reverse;
  if (reverse && type != RangeType::Rank) std::swap(minIndex, maxIndex);

  long long start = 0, end = 0;
  ScoreRange scoreRange;
  LexRange lexRange;
  switch (type) {
    case RangeType::Auto:
    case RangeType::Rank:
      if (!c.argLongLong(minIndex, start) || !c.argLongLong(maxIndex, end)) return;
      break;
    case RangeType::Score:
      if (!parseScoreRange(c.arg(minIndex), c.arg(maxIndex), scoreRange)) return c.reply.error(kErrMinMaxFloat);
      break;
    case RangeType::Lex:
      if (!parseLexRange(c.arg(minIndex), c.arg(maxIndex), lexRange)) return c.reply.error(kErrMinMaxLex);
      break;
  }

  KeyRef ref;
  if (!lookupZSet(c, c.arg(keyIndex), kLookupRead, ref)) return;
  std::vector<std::pair<std::string_view, double>> stored;
  if (!ref) {
    if (store) return storeResult(c, c.arg(1), stored, true);
    return c.reply.arrayHeader(0);
  }
  const ZSet* z = zsetOf(ref);
  RankSpan span;
  span.reverse = reverse;
  if (type == RangeType::Rank) {
    long long llen = static_cast<long long>(z->size());
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (!(start > end || start >= llen)) {
      if (end >= llen) end = llen - 1;
      span.count = static_cast<size_t>(end - start + 1);
      span.start = reverse ? static_cast<size_t>(llen - 1 - end) : static_cast<size_t>(start);
    }
  } else {
    size_t first, last;
    if (type == RangeType::Score) z->scoreRangeRanks(scoreRange, first, last);
    else z->lexRangeRanks(lexRange, first, last, reverse);
    span = limitSpan(first, last, offset, limit, reverse);
  }
  if (store) {
    if (span.count) {
      stored.reserve(span.count);
      z->forRange(span.start, span.start + span.count - 1, false,
                  [&](std::string_view m, double s) { stored.emplace_back(m, s); });
    }
    // Views into the source stay valid until setObject (the destination may be the source).
    return storeResult(c, c.arg(1), stored, true, type == RangeType::Rank);
  }
  replyResultHeader(c, span.count, withScores);
  if (span.count)
    z->forRange(span.start, span.start + span.count - 1, span.reverse,
                [&](std::string_view m, double s) { replyElement(c, m, s, withScores); });
}

void zrangeCommand(CommandContext& c) { zrangeGeneric(c, 1, false, RangeType::Auto, Direction::Auto); }
void zrangestoreCommand(CommandContext& c) { zrangeGeneric(c, 2, true, RangeType::Auto, Direction::Auto); }
void zrevrangeCommand(CommandContext& c) { zrangeGeneric(c, 1, false, RangeType::Rank, Direction::Reverse); }
void zrangebyscoreCommand(CommandContext& c) { zrangeGeneric(c, 1, false, RangeType::Score, Direction::Forward); }
void zrevrangebyscoreCommand(CommandContext& c) { zrangeGeneric(c, 1, false, RangeType::Score, Direction::Reverse); }
void zrangebylexCommand(CommandContext& c) { zrangeGeneric(c, 1, false, RangeType::Lex, Direction::Forward); }
void zrevrangebylexCommand(CommandContext& c) { zrangeGeneric(c, 1, false, RangeType::Lex, Direction::Reverse); }

// ---- ZREMRANGEBY* ------------------------------------------------------------------------------

void zremrangeGeneric(CommandContext& c, RangeType type) {
  long long start = 0, end = 0;
  ScoreRange scoreRange;
  LexRange lexRange;
  if (type == RangeType::Rank) {
    if (!c.argLongLong(2, start) || !c.argLongLong(3, end)) return;
  } else if (type == RangeType::Score) {
    if (!parseScoreRange(c.arg(2), c.arg(3), scoreRange)) return c.reply.error(kErrMinMaxFloat);
  } else if (!parseLexRange(c.arg(2), c.arg(3), lexRange)) {
    return c.reply.error(kErrMinMaxLex);
  }
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) return c.reply.integer(0);
  ZSet* z = zsetOf(ref);
  size_t first = 0, last = 0;  // ranks [first, last)
  if (type == RangeType::Rank) {
    long long llen = static_cast<long long>(z->size());
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return c.reply.integer(0);
    if (end >= llen) end = llen - 1;
    first = static_cast<size_t>(start);
    last = static_cast<size_t>(end) + 1;
  } else if (type == RangeType::Score) {
    z->scoreRangeRanks(scoreRange, first, last);
  } else {
    z->lexRangeRanks(lexRange, first, last);
  }
  size_t n = last - first;
  if (n == 0) return c.reply.integer(0);
  size_t oldBytes = z->memoryUsage();
  z->eraseRanks(first, last - 1);
  finishWrite(c, c.arg(1), ref, oldBytes, c.name);  // zremrangebyrank, zremrangebyscore, zremrangebylex
  c.addDirty(static_cast<long long>(n));
  c.reply.integer(static_cast<long long>(n));
}

void zremrangebyrankCommand(CommandContext& c) { zremrangeGeneric(c, RangeType::Rank); }
void zremrangebyscoreCommand(CommandContext& c) { zremrangeGeneric(c, RangeType::Score); }
void zremrangebylexCommand(CommandContext& c) { zremrangeGeneric(c, RangeType::Lex); }

// ---- pops --------------------------------------------------------------------------------------

// Redis's genericZpopCommand: the first existing key among keys[] (WRONGTYPE stops the search),
// `count` -1 for a single pop without COUNT.
void popGeneric(CommandContext& c, std::span<const std::string_view> keys, bool max, bool emitKey, long long count,
                bool nested, bool nilWhenEmpty) {
  KeyRef ref;
  std::string_view key;
  for (std::string_view k : keys) {
    if (!lookupZSet(c, k, kLookupWrite, ref)) return;
    if (ref) {
      key = k;
      break;
    }
  }
  if (!ref) {
    if (nilWhenEmpty) c.reply.nullArray();
    else c.reply.arrayHeader(0);
    return;
  }
  if (count == 0) return c.reply.arrayHeader(0);
  if (count == -1) count = 1;
  ZSet* z = zsetOf(ref);
  size_t size = z->size();
  size_t n = static_cast<unsigned long long>(count) > size ? size : static_cast<size_t>(count);
  if (!nested && !emitKey) {
    c.reply.arrayHeader(n * 2);
  } else if (nested && !emitKey) {
    c.reply.arrayHeader(n);
  } else if (!nested && emitKey) {
    c.reply.arrayHeader(n * 2 + 1);
    c.reply.bulk(key);
  } else {
    c.reply.arrayHeader(2);
    c.reply.bulk(key);
    c.reply.arrayHeader(n);
  }
  size_t first = max ? size - n : 0;
  // Redis notifies when it removes the first element: after the headers, before the elements.
  c.notify(kNotifyZset, max ? "zpopmax" : "zpopmin", key);
  z->forRange(first, first + n - 1, max, [&](std::string_view m, double s) {
    if (nested) c.reply.arrayHeader(2);
    c.reply.bulk(m);
    c.reply.doubleValue(s);
  });
  size_t oldBytes = z->memoryUsage();
  z->eraseRanks(first, first + n - 1);
  finishWrite(c, key, ref, oldBytes, "");
  c.addDirty(static_cast<long long>(n));
}

void zpopGeneric(CommandContext& c, bool max) {
  if (c.argc() > 3) return c.syntaxError();
  long long count = -1;
  if (c.argc() == 3 && !argPositive(c, 2, count)) return;
  bool nested = c.resp > 2 && count != -1;
  popGeneric(c, c.argv.subspan(1, 1), max, false, count, nested, false);
}
void zpopminCommand(CommandContext& c) { zpopGeneric(c, false); }
void zpopmaxCommand(CommandContext& c) { zpopGeneric(c, true); }

// Serves a blocking pop if one of the keys holds a sorted set, else blocks.
void blockingPop(CommandContext& c, std::span<const std::string_view> keys, int timeoutIndex, bool max, long long count,
                 bool nested, bool nilWhenEmpty) {
  long long timeoutMs;
  if (!c.argTimeout(timeoutIndex, timeoutMs)) return;
  for (size_t j = 0; j < keys.size(); ++j) {
    KeyRef ref;
    if (!lookupZSet(c, keys[j], kLookupWrite, ref)) return;
    if (ref) return popGeneric(c, keys.subspan(j, 1), max, true, count, nested, nilWhenEmpty);
  }
  // Inside MULTI (or a script) blocking is not allowed: answer as on timeout.
  if (c.clientFlags & abi::kClientFlagDenyBlocking) return c.reply.nullArray();
  c.block(timeoutMs);
}

void bzpopGeneric(CommandContext& c, bool max) {
  blockingPop(c, c.argv.subspan(1, static_cast<size_t>(c.argc() - 2)), c.argc() - 1, max, -1, false, false);
}
void bzpopminCommand(CommandContext& c) { bzpopGeneric(c, false); }
void bzpopmaxCommand(CommandContext& c) { bzpopGeneric(c, true); }

void zmpopGeneric(CommandContext& c, int numkeysIndex, bool blocking) {
  long long numkeys;
  if (!argRange(c, numkeysIndex, 1, LLONG_MAX, numkeys, "ERR numkeys should be greater than 0")) return;
  long long whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= c.argc()) return c.syntaxError();
  bool max;
  std::string_view where = c.arg(static_cast<int>(whereIndex));
  if (equalsIgnoreCase(where, "min")) max = false;
  else if (equalsIgnoreCase(where, "max")) max = true;
  else return c.syntaxError();
  long long count = -1;
  for (int j = static_cast<int>(whereIndex) + 1; j < c.argc(); ++j) {
    int more = c.argc() - 1 - j;
    if (count == -1 && equalsIgnoreCase(c.arg(j), "count") && more) {
      ++j;
      if (!argRange(c, j, 1, LLONG_MAX, count, "ERR count should be greater than 0")) return;
    } else {
      return c.syntaxError();
    }
  }
  if (count == -1) count = 1;
  auto keys = c.argv.subspan(static_cast<size_t>(numkeysIndex) + 1, static_cast<size_t>(numkeys));
  if (blocking) return blockingPop(c, keys, 1, max, count, true, true);
  popGeneric(c, keys, max, true, count, true, true);
}
void zmpopCommand(CommandContext& c) { zmpopGeneric(c, 1, false); }
void bzmpopCommand(CommandContext& c) { zmpopGeneric(c, 2, true); }

// ---- ZRANDMEMBER -------------------------------------------------------------------------------

void zrandmemberCommand(CommandContext& c) {
  if (c.argc() >= 3) {
    long long count;
    if (!parseLongLong(c.arg(2), count)) return c.reply.error(kErrNotInteger);
    if (count < -LLONG_MAX)
      return c.reply.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    bool withScores = false;
    if (c.argc() > 4 || (c.argc() == 4 && !equalsIgnoreCase(c.arg(3), "withscores"))) return c.syntaxError();
    if (c.argc() == 4) {
      withScores = true;
      if (count < -LLONG_MAX / 2 || count > LLONG_MAX / 2) return c.reply.error("ERR value is out of range");
    }
    KeyRef ref;
    if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
    if (!ref) return c.reply.arrayHeader(0);
    const ZSet* z = zsetOf(ref);
    size_t size = z->size();
    bool unique = count >= 0;
    unsigned long long want = unique ? static_cast<unsigned long long>(count) : static_cast<unsigned long long>(-count);
    if (want == 0) return c.reply.arrayHeader(0);
    if (!unique || want == 1) {
      replyResultHeader(c, want, withScores);
      if (z->encoding() == ZSet::Encoding::Listpack) {
        // One pass to index the listpack, then O(1) per pick.
        std::vector<std::pair<std::string_view, double>> all;
        all.reserve(size);
        z->forEach([&](std::string_view m, double s) { all.emplace_back(m, s); });
        for (unsigned long long i = 0; i < want; ++i) {
          const auto& e = all[randomU64() % size];
          replyElement(c, e.first, e.second, withScores);
        }
      } else {
        for (unsigned long long i = 0; i < want; ++i) {
          std::string_view m;
          double s;
          z->randomElement(m, s);
          replyElement(c, m, s, withScores);
        }
      }
      return;
    }
    if (want >= size) {
      replyResultHeader(c, size, withScores);
      z->forEach([&](std::string_view m, double s) { replyElement(c, m, s, withScores); });
      return;
    }
    // Distinct picks: a partial shuffle of the ranks when many are wanted, else rejection sampling
    // of random elements (O(count) expected).
    size_t n = static_cast<size_t>(want);
    replyResultHeader(c, n, withScores);
    // (A listpack is always walked once: picking from it by rank costs O(n) per pick.)
    if (n * 3 > size || z->encoding() == ZSet::Encoding::Listpack) {
      std::vector<size_t> ranks(size);
      for (size_t i = 0; i < size; ++i) ranks[i] = i;
      for (size_t i = 0; i < n; ++i) std::swap(ranks[i], ranks[i + randomU64() % (size - i)]);
      std::sort(ranks.begin(), ranks.begin() + static_cast<ptrdiff_t>(n));
      size_t next = 0, rank = 0;
      z->forEach([&](std::string_view m, double s) {
        if (next < n && ranks[next] == rank) {
          replyElement(c, m, s, withScores);
          ++next;
        }
        ++rank;
      });
    } else {
      std::unordered_set<std::string_view> seen;
      while (seen.size() < n) {
        std::string_view m;
        double s;
        z->randomElement(m, s);
        if (seen.insert(m).second) replyElement(c, m, s, withScores);
      }
    }
    return;
  }
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) return c.reply.nullBulk();
  std::string_view m;
  double s;
  zsetOf(ref)->randomElement(m, s);
  c.reply.bulk(m);
}

// ---- ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD ----------------------------------------------

enum class SetOp { Union, Inter, Diff };
enum class Aggregate { Sum, Min, Max };

// An input of a set operation: a sorted set, a plain set (every score 1) or a missing key.
struct Source {
  const ZSet* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1.0;
  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  const void* object() const { return zset ? static_cast<const void*>(zset) : static_cast<const void*>(set); }
  bool find(std::string_view member, double& score) const {
    if (zset) return zset->score(member, score);
    if (set && set->contains(member)) {
      score = 1.0;
      return true;
    }
    return false;
  }
  template <typename Fn>
  void forEach(Fn&& fn) const {
    if (zset) zset->forEach(fn);
    else if (set) set->forEach([&](std::string_view m) { fn(m, 1.0); });
  }
};

void aggregate(double& target, double value, Aggregate how) {
  switch (how) {
    case Aggregate::Sum:
      target = target + value;
      if (std::isnan(target)) target = 0.0;
      break;
    case Aggregate::Min: target = value < target ? value : target; break;
    case Aggregate::Max: target = value > target ? value : target; break;
  }
}

bool byScoreThenMember(const std::pair<std::string_view, double>& a, const std::pair<std::string_view, double>& b) {
  if (a.second != b.second) return a.second < b.second;
  return compareMembers(a.first, b.first) < 0;
}

void setOperation(CommandContext& c, bool store, int numkeysIndex, SetOp op, bool cardinalityOnly) {
  long long setCount;
  if (!c.argLongLong(numkeysIndex, setCount)) return;
  if (setCount < 1) {
    std::string msg = "ERR at least 1 input key is needed for '";
    msg += c.name;
    msg += "' command";
    return c.reply.error(msg);
  }
  if (setCount > c.argc() - (numkeysIndex + 1)) return c.syntaxError();
  std::vector<Source> sources(static_cast<size_t>(setCount));
  int j = numkeysIndex + 1;
  for (size_t i = 0; i < sources.size(); ++i, ++j) {
    KeyRef ref = c.db.lookup(c.arg(j), store ? kLookupWrite : kLookupRead);
    if (!ref) continue;
    if (ref.type() == ObjType::ZSet) sources[i].zset = zsetOf(ref);
    else if (ref.type() == ObjType::Set) sources[i].set = static_cast<const SetValue*>(ref.object());
    else return c.wrongType();
  }
  Aggregate how = Aggregate::Sum;
  bool withScores = false;
  long long limit = 0;
  while (j < c.argc()) {
    int remaining = c.argc() - j;
    std::string_view opt = c.arg(j);
    if (op != SetOp::Diff && !cardinalityOnly && remaining >= setCount + 1 && equalsIgnoreCase(opt, "weights")) {
      ++j;
      for (auto& s : sources) {
        if (!num::parseDouble(c.arg(j), s.weight)) return c.reply.error("ERR weight value is not a float");
        ++j;
      }
    } else if (op != SetOp::Diff && !cardinalityOnly && remaining >= 2 && equalsIgnoreCase(opt, "aggregate")) {
      std::string_view a = c.arg(j + 1);
      if (equalsIgnoreCase(a, "sum")) how = Aggregate::Sum;
      else if (equalsIgnoreCase(a, "min")) how = Aggregate::Min;
      else if (equalsIgnoreCase(a, "max")) how = Aggregate::Max;
      else return c.syntaxError();
      j += 2;
    } else if (!store && !cardinalityOnly && equalsIgnoreCase(opt, "withscores")) {
      withScores = true;
      ++j;
    } else if (cardinalityOnly && remaining >= 2 && equalsIgnoreCase(opt, "limit")) {
      if (!parseLongLong(c.arg(j + 1), limit) || limit < 0) return c.reply.error("ERR LIMIT can't be negative");
      j += 2;
    } else {
      return c.syntaxError();
    }
  }
  // Smallest inputs first (Redis sorts them so; the order also fixes how sums are rounded).
  if (op != SetOp::Diff)
    std::stable_sort(sources.begin(), sources.end(), [](const Source& a, const Source& b) { return a.size() < b.size(); });

  std::vector<std::pair<std::string_view, double>> result;
  long long cardinality = 0;
  if (op == SetOp::Inter) {
    if (sources[0].size() > 0) {
      bool done = false;
      sources[0].forEach([&](std::string_view m, double s) {
        if (done) return;
        double score = sources[0].weight * s;
        if (std::isnan(score)) score = 0;
        size_t k = 1;
        for (; k < sources.size(); ++k) {
          double value;
          if (sources[k].object() == sources[0].object()) {
            value = s * sources[k].weight;
          } else if (sources[k].find(m, value)) {
            value *= sources[k].weight;
          } else {
            break;
          }
          aggregate(score, value, how);
        }
        if (k != sources.size()) return;
        if (cardinalityOnly) {
          ++cardinality;
          if (limit && cardinality >= limit) done = true;
        } else {
          result.emplace_back(m, score);
        }
      });
    }
  } else if (op == SetOp::Union) {
    std::unordered_map<std::string_view, size_t> positions;
    for (const Source& src : sources) {
      if (src.size() == 0) continue;
      src.forEach([&](std::string_view m, double s) {
        double score = src.weight * s;
        if (std::isnan(score)) score = 0;
        auto [it, fresh] = positions.try_emplace(m, result.size());
        if (fresh) result.emplace_back(m, score);
        else aggregate(result[it->second].second, score, how);
      });
    }
  } else {
    if (sources[0].size() > 0) {
      sources[0].forEach([&](std::string_view m, double s) {
        for (size_t k = 1; k < sources.size(); ++k) {
          double ignored;
          if (sources[k].size() > 0 && sources[k].find(m, ignored)) return;
        }
        result.emplace_back(m, s);
      });
    }
  }
  if (cardinalityOnly) return c.reply.integer(cardinality);
  std::sort(result.begin(), result.end(), byScoreThenMember);
  if (store) return storeResult(c, c.arg(1), result, false);
  replyResultHeader(c, result.size(), withScores);
  for (const auto& e : result) replyElement(c, e.first, e.second, withScores);
}

void zunionCommand(CommandContext& c) { setOperation(c, false, 1, SetOp::Union, false); }
void zinterCommand(CommandContext& c) { setOperation(c, false, 1, SetOp::Inter, false); }
void zdiffCommand(CommandContext& c) { setOperation(c, false, 1, SetOp::Diff, false); }
void zunionstoreCommand(CommandContext& c) { setOperation(c, true, 2, SetOp::Union, false); }
void zinterstoreCommand(CommandContext& c) { setOperation(c, true, 2, SetOp::Inter, false); }
void zdiffstoreCommand(CommandContext& c) { setOperation(c, true, 2, SetOp::Diff, false); }
void zintercardCommand(CommandContext& c) { setOperation(c, false, 1, SetOp::Inter, true); }

// ---- ZSCAN -------------------------------------------------------------------------------------

// Redis's parseScanCursorOrReply: strtoul over the whole text, no leading space, no overflow.
bool parseCursor(std::string_view text, uint64_t& cursor) {
  size_t nul = text.find('\0');
  if (nul != std::string_view::npos) text = text.substr(0, nul);
  std::string copy(text);
  if (!copy.empty() && std::isspace(static_cast<unsigned char>(copy[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long v = std::strtoul(copy.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  cursor = v;
  return true;
}

// The text ZSCAN gives a score: Redis 7.0's listpack holds integral scores as integers, the
// skip list is printed with %.17g.
std::string_view scanScoreText(double s, bool listpack, char* buf) {
  if (listpack && std::isfinite(s) && s == std::floor(s) && s > -9.2233720368547758e18 && s < 9.2233720368547758e18) {
    return {buf, num::formatInt64(static_cast<int64_t>(s), buf)};
  }
  return {buf, num::formatDouble(s, buf)};
}

void zscanCommand(CommandContext& c) {
  uint64_t cursor;
  if (!parseCursor(c.arg(2), cursor)) return c.reply.error("ERR invalid cursor");
  KeyRef ref;
  if (!lookupZSet(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) {
    c.reply.arrayHeader(2);
    c.reply.bulk("0");
    c.reply.arrayHeader(0);
    return;
  }
  long long count = 10;
  std::string_view pattern;
  bool usePattern = false;
  for (int i = 3; i < c.argc(); i += 2) {
    int left = c.argc() - i - 1;
    if (equalsIgnoreCase(c.arg(i), "count") && left >= 1) {
      if (!c.argLongLong(i + 1, count)) return;
      if (count < 1) return c.syntaxError();
    } else if (equalsIgnoreCase(c.arg(i), "match") && left >= 1) {
      pattern = c.arg(i + 1);
      usePattern = !(pattern.size() == 1 && pattern[0] == '*');
    } else {
      return c.syntaxError();
    }
  }
  const ZSet* z = zsetOf(ref);
  bool listpack = z->encoding() == ZSet::Encoding::Listpack;
  std::vector<std::pair<std::string_view, double>> found;
  uint64_t next = 0;
  if (listpack) {
    z->forEach([&](std::string_view m, double s) { found.emplace_back(m, s); });
  } else {
    long long maxIterations = count * 10;
    next = cursor;
    do {
      next = z->scanStep(next, [&](std::string_view m, double s) { found.emplace_back(m, s); });
    } while (next && --maxIterations > 0 && static_cast<long long>(found.size()) < count);
  }
  // Cursors are unsigned 64-bit.
  std::string cursorText = std::to_string(next);
  c.reply.arrayHeader(2);
  c.reply.bulk(cursorText);
  size_t at = c.reply.beginDeferred();
  size_t n = 0;
  char buf[num::kDoubleFormatBuffer];
  for (const auto& e : found) {
    if (usePattern && !globMatch(pattern, e.first)) continue;
    c.reply.bulk(e.first);
    c.reply.bulk(scanScoreText(e.second, listpack, buf));
    n += 2;
  }
  c.reply.endDeferredArray(at, n);
}

const CommandFamily kSortedSetCommands{{
    {"zadd", zaddCommand},
    {"zincrby", zincrbyCommand},
    {"zrem", zremCommand},
    {"zcard", zcardCommand},
    {"zcount", zcountCommand},
    {"zlexcount", zlexcountCommand},
    {"zscore", zscoreCommand},
    {"zmscore", zmscoreCommand},
    {"zrank", zrankCommand},
    {"zrevrank", zrevrankCommand},
    {"zrange", zrangeCommand},
    {"zrangestore", zrangestoreCommand},
    {"zrevrange", zrevrangeCommand},
    {"zrangebyscore", zrangebyscoreCommand},
    {"zrevrangebyscore", zrevrangebyscoreCommand},
    {"zrangebylex", zrangebylexCommand},
    {"zrevrangebylex", zrevrangebylexCommand},
    {"zremrangebyrank", zremrangebyrankCommand},
    {"zremrangebyscore", zremrangebyscoreCommand},
    {"zremrangebylex", zremrangebylexCommand},
    {"zpopmin", zpopminCommand},
    {"zpopmax", zpopmaxCommand},
    {"bzpopmin", bzpopminCommand},
    {"bzpopmax", bzpopmaxCommand},
    {"zmpop", zmpopCommand},
    {"bzmpop", bzmpopCommand},
    {"zrandmember", zrandmemberCommand},
    {"zunion", zunionCommand},
    {"zinter", zinterCommand},
    {"zdiff", zdiffCommand},
    {"zunionstore", zunionstoreCommand},
    {"zinterstore", zinterstoreCommand},
    {"zdiffstore", zdiffstoreCommand},
    {"zintercard", zintercardCommand},
    {"zscan", zscanCommand},
}};

}  // namespace
}  // namespace rp
