// The stream commands (Redis group "stream"): XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID,
// XREAD, XREADGROUP, XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO, with Redis 7.0.15's
// argument validation order, error texts, reply shapes (XREAD answers a map in RESP3) and AOF
// records (XADD with its concrete ID and exact trimming; consumer-group side effects as XCLAIM,
// XGROUP SETID and XGROUP CREATECONSUMER, as Redis propagates them).
//
// KeyRef rule (keyspace.h): a KeyRef dies at the next lookup of the same Db, but the Stream object
// stays put while its key exists, so XREAD looks keys up again when it serves them.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "batch_abi.h"
#include "commands/context.h"
#include "commands/registry.h"
#include "engine/events.h"
#include "types/stream.h"

namespace rp {
namespace {

constexpr std::string_view kErrInvalidId = "ERR Invalid stream ID specified as stream command argument";
constexpr std::string_view kErrXaddTop =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
constexpr std::string_view kErrXaddZero = "ERR The ID specified in XADD must be greater than 0-0";
constexpr std::string_view kErrExhausted =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
constexpr std::string_view kErrTooLarge = "ERR Elements are too large to be stored";
constexpr std::string_view kErrStartInterval = "ERR invalid start ID for the interval";
constexpr std::string_view kErrEndInterval = "ERR invalid end ID for the interval";
constexpr std::string_view kErrEntriesRead = "ERR value for ENTRIESREAD must be positive or -1";

// Redis's XREAD_BLOCKED_DEFAULT_COUNT: a client woken without COUNT gets at most this many.
constexpr std::string_view kBlockedDefaultCount = "1000";
// Redis's STREAM_LISTPACK_MAX_SIZE: the largest entry XADD accepts.
constexpr size_t kListpackMaxSize = 1u << 30;

Stream* streamOf(const KeyRef& ref) { return static_cast<Stream*>(ref.object()); }

bool lookupStream(CommandContext& c, std::string_view key, unsigned flags, KeyRef& ref) {
  ref = c.db.lookup(key, flags);
  if (ref && ref.type() != ObjType::Stream) {
    c.wrongType();
    return false;
  }
  return true;
}

// ---- IDs ---------------------------------------------------------------------------------------

// Redis's string2ull over a C string: strict int64 first, then strtoull (which also takes leading
// spaces, '+', and wraps a leading '-').
bool parseUnsigned(const char* s, uint64_t& out) {
  long long ll;
  if (parseLongLong(std::string_view(s, std::strlen(s)), ll)) {
    if (ll < 0) return false;
    out = static_cast<uint64_t>(ll);
    return true;
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno == EINVAL || errno == ERANGE || !(*s != '\0' && *end == '\0')) return false;
  out = v;
  return true;
}

// Redis's streamGenericParseIDOrReply on the argument's C string (up to its first NUL). `strict`
// refuses "-" and "+"; seqGiven (XADD only) allows "ms-*" and reports whether seq was given.
bool parseId(std::string_view arg, StreamID& id, uint64_t missingSeq, bool strict, bool* seqGiven) {
  char buf[128];
  if (arg.size() > sizeof(buf) - 1) return false;
  std::memcpy(buf, arg.data(), arg.size());
  buf[arg.size()] = '\0';
  if (strict && (buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') return false;
  if (seqGiven) *seqGiven = true;
  if (buf[0] == '-' && buf[1] == '\0') {
    id = StreamID{};
    return true;
  }
  if (buf[0] == '+' && buf[1] == '\0') {
    id = StreamID::max();
    return true;
  }
  char* dash = std::strchr(buf, '-');
  if (dash) *dash = '\0';
  uint64_t ms, seq;
  if (!parseUnsigned(buf, ms)) return false;
  if (dash) {
    if (seqGiven && dash[1] == '*' && dash[2] == '\0') {
      seq = 0;
      *seqGiven = false;
    } else if (!parseUnsigned(dash + 1, seq)) {
      return false;
    }
  } else {
    seq = missingSeq;
  }
  id = StreamID{ms, seq};
  return true;
}

bool parseIdOrReply(CommandContext& c, std::string_view arg, StreamID& id, uint64_t missingSeq, bool strict) {
  if (parseId(arg, id, missingSeq, strict, nullptr)) return true;
  c.reply.error(kErrInvalidId);
  return false;
}

bool parseStrictIdOrReply(CommandContext& c, std::string_view arg, StreamID& id) {
  return parseIdOrReply(c, arg, id, 0, true);
}

// One end of a range: "(" makes it exclusive (moved to the next/previous ID).
bool parseRangeStart(CommandContext& c, std::string_view arg, StreamID& id) {
  bool exclusive = arg.size() > 1 && arg[0] == '(';
  if (!parseIdOrReply(c, exclusive ? arg.substr(1) : arg, id, 0, exclusive)) return false;
  if (exclusive && !id.increment()) {
    c.reply.error(kErrStartInterval);
    return false;
  }
  return true;
}

bool parseRangeEnd(CommandContext& c, std::string_view arg, StreamID& id) {
  bool exclusive = arg.size() > 1 && arg[0] == '(';
  if (!parseIdOrReply(c, exclusive ? arg.substr(1) : arg, id, UINT64_MAX, exclusive)) return false;
  if (exclusive && !id.decrement()) {
    c.reply.error(kErrEndInterval);
    return false;
  }
  return true;
}

void replyId(CommandContext& c, StreamID id) {
  char buf[48];
  c.reply.bulk(std::string_view(buf, formatStreamID(buf, id)));
}

void replyEntry(CommandContext& c, const StreamEntry& e) {
  c.reply.arrayHeader(2);
  replyId(c, e.id);
  c.reply.arrayHeader(2 * e.fieldCount());
  e.forEachField([&](std::string_view f, std::string_view v) {
    c.reply.bulk(f);
    c.reply.bulk(v);
  });
}

// Replies the entries of [start, end] (at most count, 0 = all) as an array; returns how many.
size_t replyRange(CommandContext& c, const Stream& s, StreamID start, StreamID end, size_t count, bool reverse) {
  size_t at = c.reply.beginDeferred();
  size_t n = 0;
  s.range(start, end, reverse, [&](const StreamEntry& e) {
    replyEntry(c, e);
    ++n;
    return !(count && n == count);
  });
  c.reply.endDeferredArray(at, n);
  return n;
}

// A single entry (XCLAIM, XINFO first/last): the entry, or a null when it is gone.
void replyEntryOrNull(CommandContext& c, const Stream& s, StreamID id, bool nullArray) {
  StreamEntry e;
  if (s.lookup(id, e)) replyEntry(c, e);
  else if (nullArray) c.reply.nullArray();
  else c.reply.nullBulk();
}

// ---- XADD / XTRIM arguments --------------------------------------------------------------------

struct AddTrimArgs {
  StreamTrim trim;
  int trimArgIndex = 0;  // the argument holding MAXLEN's count or MINID's ID
  bool limitGiven = false;
  bool noMkStream = false;
  bool idGiven = false;
  bool seqGiven = true;
  StreamID id;
};

// Redis's streamParseAddOrTrimArgsOrReply; returns the index of XADD's ID argument (or where the
// scan ended for XTRIM), -1 after replying an error.
int parseAddOrTrim(CommandContext& c, AddTrimArgs& a, bool xadd) {
  int i = 2;
  for (; i < c.argc(); ++i) {
    int moreArgs = c.argc() - 1 - i;
    std::string_view opt = c.arg(i);
    if (xadd && opt.size() >= 1 && opt[0] == '*' && (opt.size() == 1 || opt[1] == '\0')) break;
    bool maxlen = equalsIgnoreCase(opt, "maxlen");
    if ((maxlen || equalsIgnoreCase(opt, "minid")) && moreArgs) {
      if (a.trim.strategy != StreamTrim::Strategy::None) {
        c.reply.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return -1;
      }
      a.trim.approx = false;
      std::string_view next = c.arg(i + 1);
      bool single = !next.empty() && (next.size() == 1 || next[1] == '\0');
      if (moreArgs >= 2 && single && next[0] == '~') {
        a.trim.approx = true;
        ++i;
      } else if (moreArgs >= 2 && single && next[0] == '=') {
        ++i;
      }
      if (maxlen) {
        if (!c.argLongLong(i + 1, a.trim.maxLen)) return -1;
        if (a.trim.maxLen < 0) {
          c.reply.error("ERR The MAXLEN argument must be >= 0.");
          return -1;
        }
        a.trim.strategy = StreamTrim::Strategy::MaxLen;
      } else {
        if (!parseStrictIdOrReply(c, c.arg(i + 1), a.trim.minId)) return -1;
        a.trim.strategy = StreamTrim::Strategy::MinId;
      }
      ++i;
      a.trimArgIndex = i;
    } else if (equalsIgnoreCase(opt, "limit") && moreArgs) {
      if (!c.argLongLong(i + 1, a.trim.limit)) return -1;
      if (a.trim.limit < 0) {
        c.reply.error("ERR The LIMIT argument must be >= 0.");
        return -1;
      }
      a.limitGiven = true;
      ++i;
    } else if (xadd && equalsIgnoreCase(opt, "nomkstream")) {
      a.noMkStream = true;
    } else if (xadd) {
      if (!parseId(opt, a.id, 0, true, &a.seqGiven)) {
        c.reply.error(kErrInvalidId);
        return -1;
      }
      a.idGiven = true;
      break;
    } else {
      c.syntaxError();
      return -1;
    }
  }
  if (a.trim.limit && a.trim.strategy == StreamTrim::Strategy::None) {
    c.reply.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return -1;
  }
  if (!xadd && a.trim.strategy == StreamTrim::Strategy::None) {
    c.reply.error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return -1;
  }
  if (a.limitGiven) {
    if (!a.trim.approx) {
      c.reply.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return -1;
    }
  } else {
    // 100 * stream-node-max-entries for `~`; exact trimming is never limited.
    a.trim.limit = a.trim.approx ? 100 * static_cast<long long>(Stream::kNodeMaxEntries) : 0;
  }
  return i;
}

// The AOF record of an XADD/XTRIM whose effect the argv alone does not fix: the concrete ID, and
// `~` trimming (limited by node boundaries and LIMIT) turned into the exact trim it did.
void propagateAddOrTrim(CommandContext& c, const Stream& s, const AddTrimArgs& a, int idIndex, StreamID id) {
  bool rewriteId = idIndex > 0 && (!a.idGiven || !a.seqGiven);
  bool rewriteTrim = a.trim.approx;
  if (!c.propagating() || (!rewriteId && !rewriteTrim)) return;
  std::vector<std::string> tail;
  for (int i = 1; i < c.argc(); ++i) {
    if (rewriteTrim && equalsIgnoreCase(c.arg(i), "limit") && i + 1 < c.argc() && (idIndex < 0 || i < idIndex)) {
      ++i;  // exact trimming takes no LIMIT
      continue;
    }
    if (rewriteTrim && i == a.trimArgIndex - 1) {
      tail.emplace_back("=");
    } else if (rewriteTrim && i == a.trimArgIndex) {
      tail.push_back(a.trim.strategy == StreamTrim::Strategy::MaxLen ? decimal(static_cast<long long>(s.length()))
                                                                     : streamIDText(s.firstId()));
    } else if (rewriteId && i == idIndex) {
      tail.push_back(streamIDText(id));
    } else {
      tail.emplace_back(c.arg(i));
    }
  }
  c.propagateAs({c.arg(0)}, tail);
}

// ---- XADD --------------------------------------------------------------------------------------

void xaddCommand(CommandContext& c) {
  AddTrimArgs a;
  int idIndex = parseAddOrTrim(c, a, true);
  if (idIndex < 0) return;
  int fieldPos = idIndex + 1;
  int rest = c.argc() - fieldPos;
  if (rest < 2 || rest % 2 == 1) return c.arityError();
  if (a.idGiven && a.seqGiven && a.id.isZero()) return c.reply.error(kErrXaddZero);

  std::string_view key = c.arg(1);
  KeyRef ref;
  if (!lookupStream(c, key, kLookupWrite, ref)) return;
  if (!ref && a.noMkStream) return c.reply.nullBulk();
  Stream* s = ref ? streamOf(ref) : nullptr;
  StreamID last = s ? s->lastId() : StreamID{};
  if (last.isMax()) return c.reply.error(kErrExhausted);

  size_t total = 0;
  for (int i = fieldPos; i < c.argc(); ++i) total += c.arg(i).size();
  // Redis creates the key before it validates the ID; no ID fails on an empty stream but 0-0
  // (refused above), so validating first leaves the same keyspace.
  StreamID id;
  if (a.idGiven) {
    if (a.seqGiven) {
      id = a.id;
    } else if (a.id.ms == last.ms) {
      if (last.seq == UINT64_MAX) return c.reply.error(kErrXaddTop);
      id = StreamID{last.ms, last.seq + 1};
    } else {
      id = a.id;
    }
  } else {
    uint64_t now = static_cast<uint64_t>(c.nowMs);
    id = now > last.ms ? StreamID{now, 0} : last;
    if (!(now > last.ms)) id.increment();
  }
  if (id <= last) return c.reply.error(kErrXaddTop);
  if (total > kListpackMaxSize) return c.reply.error(kErrTooLarge);

  std::vector<std::string_view> fv(c.argv.begin() + fieldPos, c.argv.end());
  size_t pairs = fv.size() / 2;
  if (s) {
    size_t before = s->memoryUsage();
    s->append(id, fv.data(), pairs);
    c.db.objectResized(ref, before);
  } else {
    auto fresh = std::make_unique<Stream>();
    s = fresh.get();
    s->append(id, fv.data(), pairs);
    ref = c.db.setObject(key, std::move(fresh), Ttl::Clear);
  }
  replyId(c, id);
  c.notify(kNotifyStream, "xadd", key);
  c.addDirty();
  if (a.trim.strategy != StreamTrim::Strategy::None) {
    size_t before = s->memoryUsage();
    if (s->trim(a.trim)) c.notify(kNotifyStream, "xtrim", key);
    c.db.objectResized(ref, before);
  }
  propagateAddOrTrim(c, *s, a, idIndex, id);
  c.signalKeyReady(key);
}

// ---- XLEN / XRANGE / XREVRANGE -----------------------------------------------------------------

void xlenCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupRead, ref)) return;
  c.reply.integer(ref ? static_cast<long long>(streamOf(ref)->length()) : 0);
}

void xrangeGeneric(CommandContext& c, bool reverse) {
  std::string_view startArg = reverse ? c.arg(3) : c.arg(2);
  std::string_view endArg = reverse ? c.arg(2) : c.arg(3);
  StreamID start, end;
  if (!parseRangeStart(c, startArg, start) || !parseRangeEnd(c, endArg, end)) return;
  long long count = -1;
  for (int j = 4; j < c.argc(); ++j) {
    if (equalsIgnoreCase(c.arg(j), "count") && j + 1 < c.argc()) {
      if (!c.argLongLong(j + 1, count)) return;
      if (count < 0) count = 0;
      ++j;
    } else {
      return c.syntaxError();
    }
  }
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupRead, ref)) return;
  if (!ref) return c.reply.arrayHeader(0);
  if (count == 0) return c.reply.nullArray();
  replyRange(c, *streamOf(ref), start, end, count < 0 ? 0 : static_cast<size_t>(count), reverse);
}

void xrangeCommand(CommandContext& c) { xrangeGeneric(c, false); }
void xrevrangeCommand(CommandContext& c) { xrangeGeneric(c, true); }

// ---- XDEL / XTRIM / XSETID ---------------------------------------------------------------------

void xdelCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) return c.reply.integer(0);
  std::vector<StreamID> ids(static_cast<size_t>(c.argc() - 2));
  for (int j = 2; j < c.argc(); ++j)
    if (!parseStrictIdOrReply(c, c.arg(j), ids[static_cast<size_t>(j - 2)])) return;
  Stream* s = streamOf(ref);
  size_t before = s->memoryUsage();
  long long deleted = 0;
  for (StreamID id : ids) deleted += s->remove(id) ? 1 : 0;
  if (deleted) {
    c.db.objectResized(ref, before);
    c.notify(kNotifyStream, "xdel", c.arg(1));
    c.addDirty(deleted);
  }
  c.reply.integer(deleted);
}

void xtrimCommand(CommandContext& c) {
  AddTrimArgs a;
  if (parseAddOrTrim(c, a, false) < 0) return;
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) return c.reply.integer(0);
  Stream* s = streamOf(ref);
  size_t before = s->memoryUsage();
  long long deleted = s->trim(a.trim);
  if (deleted) {
    c.db.objectResized(ref, before);
    c.notify(kNotifyStream, "xtrim", c.arg(1));
    propagateAddOrTrim(c, *s, a, -1, StreamID{});
    c.addDirty(deleted);
  }
  c.reply.integer(deleted);
}

void xsetidCommand(CommandContext& c) {
  StreamID id, maxDeleted;
  if (!parseStrictIdOrReply(c, c.arg(2), id)) return;
  long long entriesAdded = -1;
  for (int i = 3; i < c.argc();) {
    bool more = i + 1 < c.argc();
    if (equalsIgnoreCase(c.arg(i), "entriesadded") && more) {
      if (!c.argLongLong(i + 1, entriesAdded)) return;
      if (entriesAdded < 0) return c.reply.error("ERR entries_added must be positive");
      i += 2;
    } else if (equalsIgnoreCase(c.arg(i), "maxdeletedid") && more) {
      if (!parseStrictIdOrReply(c, c.arg(i + 1), maxDeleted)) return;
      if (id < maxDeleted)
        return c.reply.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
      i += 2;
    } else {
      return c.syntaxError();
    }
  }
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupWrite, ref)) return;
  if (!ref) return c.reply.error(kErrNoSuchKey);
  Stream* s = streamOf(ref);
  if (s->length() > 0) {
    if (id < s->lastValidId())
      return c.reply.error("ERR The ID specified in XSETID is smaller than the target stream top item");
    if (entriesAdded != -1 && s->length() > static_cast<uint64_t>(entriesAdded))
      return c.reply.error("ERR The entries_added specified in XSETID is smaller than the target stream length");
  }
  s->setLastId(id);
  if (entriesAdded != -1) s->setEntriesAdded(static_cast<uint64_t>(entriesAdded));
  if (!maxDeleted.isZero()) s->setMaxDeletedId(maxDeleted);
  c.reply.ok();
  c.notify(kNotifyStream, "xsetid", c.arg(1));
  c.addDirty();
}

// ---- consumer-group propagation ----------------------------------------------------------------

// XCLAIM <key> <group> <consumer> 0 <id> TIME <ms> RETRYCOUNT <n> FORCE JUSTID LASTID <group last>
void propagateClaim(CommandContext& c, std::string_view key, std::string_view group, const StreamGroup& g,
                    StreamID id, const StreamNack& nack) {
  if (!c.propagating()) {
    c.propagateNothing();
    return;
  }
  c.propagateAs({"XCLAIM", key, group, nack.consumer->name, "0", streamIDText(id), "TIME",
                 decimal(nack.deliveryTime), "RETRYCOUNT", decimal(static_cast<long long>(nack.deliveryCount)),
                 "FORCE", "JUSTID", "LASTID", streamIDText(g.lastId)});
}

void propagateGroupId(CommandContext& c, std::string_view key, std::string_view group, const StreamGroup& g) {
  if (!c.propagating()) {
    c.propagateNothing();
    return;
  }
  c.propagateAs({"XGROUP", "SETID", key, group, streamIDText(g.lastId), "ENTRIESREAD", decimal(g.entriesRead)});
}

void propagateConsumerCreation(CommandContext& c, std::string_view key, std::string_view group,
                               std::string_view consumer) {
  c.propagateAs({"XGROUP", "CREATECONSUMER", key, group, consumer});
}

// Redis's streamLookupConsumer with refresh (seen-time), creating the consumer when missing.
StreamConsumer* consumerFor(CommandContext& c, StreamGroup& g, std::string_view name, std::string_view key,
                            bool& created) {
  created = false;
  if (StreamConsumer* consumer = g.findConsumer(name)) {
    consumer->seenTime = c.nowMs;
    return consumer;
  }
  created = true;
  StreamConsumer* consumer = g.createConsumer(name, c.nowMs);
  c.addDirty();
  c.notify(kNotifyStream, "xgroup-createconsumer", key);
  return consumer;
}

// Delivers entries after `start` to a group's consumer (Redis's streamReplyWithRange with a group):
// advances the group's last ID and read counter, adds NACKs unless noack, and records XCLAIMs and
// the group's new position.
size_t deliverToGroup(CommandContext& c, Stream& s, StreamID start, size_t count, StreamGroup& g,
                      StreamConsumer& consumer, bool noack, std::string_view key, std::string_view group) {
  size_t at = c.reply.beginDeferred();
  size_t n = 0;
  bool moved = false;
  std::vector<StreamID> delivered;
  s.range(start, StreamID::max(), false, [&](const StreamEntry& e) {
    if (e.id > g.lastId) {
      if (g.entriesRead != kEntriesReadInvalid && !s.rangeHasTombstones(e.id, StreamID::max())) {
        g.entriesRead++;
      } else if (s.entriesAdded()) {
        g.entriesRead = s.estimateDistanceFromFirstEverEntry(e.id);
      }
      g.lastId = e.id;
      moved = true;
    }
    replyEntry(c, e);
    if (!noack) delivered.push_back(e.id);
    ++n;
    return !(count && n == count);
  });
  c.reply.endDeferredArray(at, n);
  for (StreamID id : delivered) {
    auto it = g.pending.find(id);
    StreamNack* nack;
    if (it == g.pending.end()) {
      auto fresh = std::make_unique<StreamNack>();
      nack = fresh.get();
      g.pending.emplace(id, std::move(fresh));
    } else {
      nack = it->second.get();
      nack->consumer->pending.erase(id);
    }
    nack->consumer = &consumer;
    nack->deliveryTime = c.nowMs;
    nack->deliveryCount = 1;
    consumer.pending[id] = nack;
    propagateClaim(c, key, group, g, id, *nack);
  }
  if (moved) propagateGroupId(c, key, group, g);
  return n;
}

// XREADGROUP with an explicit ID: the consumer's own pending entries from `start` (Redis's
// streamReplyWithRangeFromConsumerPEL); entries deleted since appear with a null body.
void replyConsumerHistory(CommandContext& c, const Stream& s, StreamID start, size_t count, StreamConsumer& consumer) {
  size_t at = c.reply.beginDeferred();
  size_t n = 0;
  for (auto it = consumer.pending.lower_bound(start); it != consumer.pending.end() && (!count || n < count); ++it) {
    StreamEntry e;
    if (s.lookup(it->first, e)) {
      replyEntry(c, e);
      it->second->deliveryTime = c.nowMs;
      it->second->deliveryCount++;
    } else {
      c.reply.arrayHeader(2);
      replyId(c, it->first);
      c.reply.nullArray();
    }
    ++n;
  }
  c.reply.endDeferredArray(at, n);
}

// ---- XREAD / XREADGROUP ------------------------------------------------------------------------

void xreadGeneric(CommandContext& c, bool group) {
  long long timeout = -1;
  long long count = 0;
  int streamsArg = 0;
  int countArg = 0;
  size_t streams = 0;
  bool noack = false;
  std::string_view groupName, consumerName;
  const bool retrying = (c.clientFlags & abi::kClientFlagRetryBlocked) != 0;
  for (int i = 1; i < c.argc(); ++i) {
    int moreArgs = c.argc() - i - 1;
    std::string_view o = c.arg(i);
    if (equalsIgnoreCase(o, "block") && moreArgs) {
      if (c.clientFlags & abi::kClientFlagScript) {
        std::string msg = "ERR ";
        msg.append(c.arg(0));
        msg.append(" command is not allowed with BLOCK option from scripts");
        return c.reply.error(msg);
      }
      ++i;
      long long ms;
      if (!parseLongLong(c.arg(i), ms)) return c.reply.error("ERR timeout is not an integer or out of range");
      if (ms < 0) return c.reply.error("ERR timeout is negative");
      timeout = ms;
    } else if (equalsIgnoreCase(o, "count") && moreArgs) {
      ++i;
      if (!c.argLongLong(i, count)) return;
      if (count < 0) count = 0;
      countArg = i;
    } else if (equalsIgnoreCase(o, "streams") && moreArgs) {
      streamsArg = i + 1;
      size_t n = static_cast<size_t>(c.argc() - streamsArg);
      if (n % 2 != 0) {
        return c.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      }
      streams = n / 2;
      break;
    } else if (equalsIgnoreCase(o, "group") && moreArgs >= 2) {
      if (!group) return c.reply.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
      groupName = c.arg(i + 1);
      consumerName = c.arg(i + 2);
      i += 2;
    } else if (equalsIgnoreCase(o, "noack")) {
      if (!group) return c.reply.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
      noack = true;
    } else {
      return c.syntaxError();
    }
  }
  if (streamsArg == 0) return c.syntaxError();
  if (group && groupName.data() == nullptr) return c.reply.error("ERR Missing GROUP option for XREADGROUP");

  // IDs: "$" is the stream's last ID now, ">" (groups) the group's last delivered ID.
  std::vector<StreamID> ids(streams);
  std::vector<bool> newOnly(streams, false);
  std::vector<bool> dollar(streams, false);
  for (size_t k = 0; k < streams; ++k) {
    std::string_view key = c.arg(streamsArg + static_cast<int>(k));
    std::string_view idArg = c.arg(streamsArg + static_cast<int>(streams + k));
    KeyRef ref = c.db.lookup(key, kLookupRead);
    if (ref && ref.type() != ObjType::Stream) {
      // A reader woken for a key that now holds another type keeps waiting (Redis serves only
      // streams); a first call answers WRONGTYPE.
      if (!retrying) return c.wrongType();
      ref = KeyRef();
    }
    if (group) {
      if (retrying && ref && !streamOf(ref)->findGroup(groupName))
        return c.reply.error("NOGROUP the consumer group this client was blocked on no longer exists");
      if (retrying && !ref) continue;
      if (!ref || !streamOf(ref)->findGroup(groupName)) {
        std::string msg = "NOGROUP No such key '";
        msg.append(key);
        msg.append("' or consumer group '");
        msg.append(groupName);
        msg.append("' in XREADGROUP with GROUP option");
        return c.reply.error(msg);
      }
    }
    if (idArg == "$") {
      if (group)
        return c.reply.error(
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
            "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return "
            "an empty result set.");
      ids[k] = ref ? streamOf(ref)->lastId() : StreamID{};
      dollar[k] = true;
      continue;
    }
    if (idArg == ">") {
      if (!group)
        return c.reply.error(
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
      ids[k] = StreamID::max();
      newOnly[k] = true;
      continue;
    }
    if (!parseStrictIdOrReply(c, idArg, ids[k])) return;
  }

  size_t at = c.reply.beginDeferred();
  size_t served = 0;
  for (size_t k = 0; k < streams; ++k) {
    std::string_view key = c.arg(streamsArg + static_cast<int>(k));
    KeyRef ref = c.db.lookup(key, kLookupRead);
    if (!ref || ref.type() != ObjType::Stream) continue;
    Stream* s = streamOf(ref);
    StreamID gt = ids[k];
    StreamGroup* g = group ? s->findGroup(groupName) : nullptr;
    if (group && !g) continue;
    bool history = false;
    bool serve = false;
    if (g) {
      if (!newOnly[k]) {
        serve = history = true;
      } else if (s->length() && s->lastValidId() > g->lastId) {
        serve = true;
        gt = g->lastId;
      }
    } else if (s->length() && s->lastValidId() > gt) {
      serve = true;
    }
    if (!serve) continue;
    ++served;
    if (c.resp == 2) c.reply.arrayHeader(2);
    c.reply.bulk(key);
    StreamID start = gt;
    start.increment();
    if (!g) {
      replyRange(c, *s, start, StreamID::max(), static_cast<size_t>(count), false);
      continue;
    }
    size_t before = s->memoryUsage();
    bool created;
    StreamConsumer* consumer = consumerFor(c, *g, consumerName, key, created);
    if (created && noack) propagateConsumerCreation(c, key, groupName, consumerName);
    if (history) replyConsumerHistory(c, *s, start, static_cast<size_t>(count), *consumer);
    else deliverToGroup(c, *s, start, static_cast<size_t>(count), *g, *consumer, noack, key, groupName);
    c.addDirty();
    c.db.objectResized(ref, before, false);
  }
  if (served) {
    if (c.resp == 2) c.reply.endDeferredArray(at, served);
    else c.reply.endDeferredMap(at, served);
    if (group && !c.engine.overridden()) c.propagateNothing();
    return;
  }
  if (group) c.propagateNothing();
  if (timeout == -1 || (c.clientFlags & abi::kClientFlagDenyBlocking)) return c.reply.nullArray();
  // Park the client. The retry must wait for entries after the IDs resolved now ("$"), and a
  // client woken without COUNT gets at most 1000 entries (Redis's blocked default).
  bool anyDollar = std::find(dollar.begin(), dollar.end(), true) != dollar.end();
  if (anyDollar || countArg == 0) {
    std::vector<std::string> args;
    args.reserve(static_cast<size_t>(c.argc()) + 2);
    for (int i = 0; i < c.argc(); ++i) {
      if (i == streamsArg - 1 && countArg == 0) {
        args.emplace_back("COUNT");
        args.emplace_back(kBlockedDefaultCount);
      }
      int idPos = i - streamsArg - static_cast<int>(streams);
      if (idPos >= 0 && dollar[static_cast<size_t>(idPos)]) args.push_back(streamIDText(ids[static_cast<size_t>(idPos)]));
      else args.emplace_back(c.arg(i));
    }
    c.engine.setBlockedArgs(std::move(args));
  }
  c.block(timeout);
}

void xreadCommand(CommandContext& c) { xreadGeneric(c, false); }
void xreadgroupCommand(CommandContext& c) { xreadGeneric(c, true); }

// ---- XGROUP ------------------------------------------------------------------------------------

void replyNoGroupForKey(CommandContext& c, std::string_view group, std::string_view key) {
  std::string msg = "NOGROUP No such consumer group '";
  msg.append(group);
  msg.append("' for key name '");
  msg.append(key);
  msg.append("'");
  c.reply.error(msg);
}

// The stream and group of XGROUP SETID/CREATECONSUMER/DELCONSUMER/DESTROY; false after replying.
bool xgroupTarget(CommandContext& c, KeyRef& ref, Stream*& s, StreamGroup*& g, bool groupRequired) {
  if (!lookupStream(c, c.arg(2), kLookupWrite, ref)) return false;
  if (!ref) {
    c.reply.error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
        "MKSTREAM option to create an empty stream automatically.");
    return false;
  }
  s = streamOf(ref);
  g = s->findGroup(c.arg(3));
  if (!g && groupRequired) {
    replyNoGroupForKey(c, c.arg(3), c.arg(2));
    return false;
  }
  return true;
}

void subcommandSyntaxError(CommandContext& c) {
  std::string msg = "ERR unknown subcommand or wrong number of arguments for '";
  msg.append(c.arg(1));
  msg.append("'. Try ");
  for (char ch : c.arg(0)) msg.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  msg.append(" HELP.");
  c.reply.error(msg);
}

bool parseEntriesRead(CommandContext& c, int i, long long& out) {
  if (!c.argLongLong(i, out)) return false;
  if (out < 0 && out != kEntriesReadInvalid) {
    c.reply.error(kErrEntriesRead);
    return false;
  }
  return true;
}

void xgroupCreateCommand(CommandContext& c) {
  bool mkstream = false;
  long long entriesRead = kEntriesReadInvalid;
  for (int i = 5; i < c.argc();) {
    if (equalsIgnoreCase(c.arg(i), "mkstream")) {
      mkstream = true;
      ++i;
    } else if (equalsIgnoreCase(c.arg(i), "entriesread") && i + 1 < c.argc()) {
      if (!parseEntriesRead(c, i + 1, entriesRead)) return;
      i += 2;
    } else {
      return subcommandSyntaxError(c);
    }
  }
  std::string_view key = c.arg(2);
  KeyRef ref;
  if (!lookupStream(c, key, kLookupWrite, ref)) return;
  if (!ref && !mkstream) {
    return c.reply.error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
        "MKSTREAM option to create an empty stream automatically.");
  }
  if (c.argc() > 8) return subcommandSyntaxError(c);
  Stream* s = ref ? streamOf(ref) : nullptr;
  StreamID id;
  if (c.arg(4) == "$") id = s ? s->lastId() : StreamID{};
  else if (!parseStrictIdOrReply(c, c.arg(4), id)) return;
  if (!s) {
    auto fresh = std::make_unique<Stream>();
    s = fresh.get();
    ref = c.db.setObject(key, std::move(fresh), Ttl::Clear);
  }
  if (s->findGroup(c.arg(3))) return c.reply.error("BUSYGROUP Consumer Group name already exists");
  size_t before = s->memoryUsage();
  s->createGroup(c.arg(3), id, entriesRead);
  c.db.objectResized(ref, before, false);
  c.reply.ok();
  c.addDirty();
  c.notify(kNotifyStream, "xgroup-create", key);
}

void xgroupSetidCommand(CommandContext& c) {
  KeyRef ref;
  Stream* s;
  StreamGroup* g;
  if (c.argc() != 5 && c.argc() != 7) return subcommandSyntaxError(c);
  if (!xgroupTarget(c, ref, s, g, true)) return;
  StreamID id;
  if (c.arg(4) == "$") id = s->lastId();
  else if (!parseIdOrReply(c, c.arg(4), id, 0, false)) return;
  long long entriesRead = kEntriesReadInvalid;
  if (c.argc() == 7) {
    if (!equalsIgnoreCase(c.arg(5), "entriesread")) return subcommandSyntaxError(c);
    if (!parseEntriesRead(c, 6, entriesRead)) return;
  }
  g->lastId = id;
  g->entriesRead = entriesRead;
  c.reply.ok();
  c.addDirty();
  c.notify(kNotifyStream, "xgroup-setid", c.arg(2));
}

void xgroupDestroyCommand(CommandContext& c) {
  KeyRef ref;
  Stream* s;
  StreamGroup* g;
  if (!xgroupTarget(c, ref, s, g, false)) return;
  if (!g) return c.reply.integer(0);
  size_t before = s->memoryUsage();
  s->destroyGroup(c.arg(3));
  c.db.objectResized(ref, before, false);
  c.reply.integer(1);
  c.addDirty();
  c.notify(kNotifyStream, "xgroup-destroy", c.arg(2));
  // Clients blocked in XREADGROUP on this group learn it is gone.
  c.signalKeyReady(c.arg(2));
}

void xgroupCreateconsumerCommand(CommandContext& c) {
  KeyRef ref;
  Stream* s;
  StreamGroup* g;
  if (!xgroupTarget(c, ref, s, g, true)) return;
  if (g->findConsumer(c.arg(4))) return c.reply.integer(0);
  size_t before = s->memoryUsage();
  g->createConsumer(c.arg(4), c.nowMs);
  c.db.objectResized(ref, before, false);
  c.addDirty();
  c.notify(kNotifyStream, "xgroup-createconsumer", c.arg(2));
  c.reply.integer(1);
}

void xgroupDelconsumerCommand(CommandContext& c) {
  KeyRef ref;
  Stream* s;
  StreamGroup* g;
  if (!xgroupTarget(c, ref, s, g, true)) return;
  if (!g->findConsumer(c.arg(4))) return c.reply.integer(0);
  size_t before = s->memoryUsage();
  long long pending = static_cast<long long>(g->deleteConsumer(c.arg(4)));
  c.db.objectResized(ref, before, false);
  c.addDirty();
  c.notify(kNotifyStream, "xgroup-delconsumer", c.arg(2));
  c.reply.integer(pending);
}

void xgroupHelpCommand(CommandContext& c) {
  replyHelp(c, {
                   "CREATE <key> <groupname> <id|$> [option]",
                   "    Create a new consumer group. Options are:",
                   "    * MKSTREAM",
                   "      Create the empty stream if it does not exist.",
                   "    * ENTRIESREAD entries_read",
                   "      Set the group's entries_read counter (internal use).",
                   "CREATECONSUMER <key> <groupname> <consumer>",
                   "    Create a new consumer in the specified group.",
                   "DELCONSUMER <key> <groupname> <consumer>",
                   "    Remove the specified consumer.",
                   "DESTROY <key> <groupname>",
                   "    Remove the specified group.",
                   "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                   "    Set the current group ID and entries_read counter.",
               });
}

// ---- XACK / XPENDING ---------------------------------------------------------------------------

void xackCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupRead, ref)) return;
  StreamGroup* g = ref ? streamOf(ref)->findGroup(c.arg(2)) : nullptr;
  if (!g) return c.reply.integer(0);
  std::vector<StreamID> ids(static_cast<size_t>(c.argc() - 3));
  for (int j = 3; j < c.argc(); ++j)
    if (!parseStrictIdOrReply(c, c.arg(j), ids[static_cast<size_t>(j - 3)])) return;
  Stream* s = streamOf(ref);
  size_t before = s->memoryUsage();
  long long acked = 0;
  for (StreamID id : ids) {
    auto it = g->pending.find(id);
    if (it == g->pending.end()) continue;
    it->second->consumer->pending.erase(id);
    g->pending.erase(it);
    ++acked;
  }
  if (acked) {
    c.db.objectResized(ref, before, false);
    c.addDirty(acked);
  }
  c.reply.integer(acked);
}

void replyNoKeyOrGroup(CommandContext& c, std::string_view key, std::string_view group) {
  std::string msg = "NOGROUP No such key '";
  msg.append(key);
  msg.append("' or consumer group '");
  msg.append(group);
  msg.append("'");
  c.reply.error(msg);
}

void xpendingCommand(CommandContext& c) {
  bool summary = c.argc() == 3;
  if (c.argc() != 3 && (c.argc() < 6 || c.argc() > 9)) return c.syntaxError();
  StreamID start, end;
  long long count = 0, minIdle = 0;
  std::string_view consumerName;
  bool consumerGiven = false;
  if (c.argc() >= 6) {
    int startIdx = 3;
    if (equalsIgnoreCase(c.arg(3), "idle")) {
      if (!c.argLongLong(4, minIdle)) return;
      if (c.argc() < 8) return c.syntaxError();
      startIdx += 2;
    }
    if (!c.argLongLong(startIdx + 2, count)) return;
    if (count < 0) count = 0;
    if (!parseRangeStart(c, c.arg(startIdx), start) || !parseRangeEnd(c, c.arg(startIdx + 1), end)) return;
    if (startIdx + 3 < c.argc()) {
      consumerName = c.arg(startIdx + 3);
      consumerGiven = true;
    }
  }
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupRead, ref)) return;
  StreamGroup* g = ref ? streamOf(ref)->findGroup(c.arg(2)) : nullptr;
  if (!g) return replyNoKeyOrGroup(c, c.arg(1), c.arg(2));
  if (summary) {
    c.reply.arrayHeader(4);
    c.reply.integer(static_cast<long long>(g->pending.size()));
    if (g->pending.empty()) {
      c.reply.nullBulk();
      c.reply.nullBulk();
      c.reply.nullArray();
      return;
    }
    replyId(c, g->pending.begin()->first);
    replyId(c, g->pending.rbegin()->first);
    size_t at = c.reply.beginDeferred();
    size_t n = 0;
    for (const auto& [name, consumer] : g->consumers) {
      if (consumer->pending.empty()) continue;
      c.reply.arrayHeader(2);
      c.reply.bulk(name);
      c.reply.bulkInteger(static_cast<long long>(consumer->pending.size()));
      ++n;
    }
    c.reply.endDeferredArray(at, n);
    return;
  }
  StreamConsumer* consumer = nullptr;
  if (consumerGiven) {
    consumer = g->findConsumer(consumerName);
    if (!consumer) return c.reply.arrayHeader(0);
  }
  size_t at = c.reply.beginDeferred();
  size_t n = 0;
  auto emit = [&](StreamID id, const StreamNack& nack) {
    if (minIdle && c.nowMs - nack.deliveryTime < minIdle) return;
    ++n;
    --count;
    c.reply.arrayHeader(4);
    replyId(c, id);
    c.reply.bulk(nack.consumer->name);
    long long elapsed = c.nowMs - nack.deliveryTime;
    c.reply.integer(elapsed < 0 ? 0 : elapsed);
    c.reply.integer(static_cast<long long>(nack.deliveryCount));
  };
  if (consumer) {
    for (auto it = consumer->pending.lower_bound(start); count && it != consumer->pending.end() && it->first <= end; ++it)
      emit(it->first, *it->second);
  } else {
    for (auto it = g->pending.lower_bound(start); count && it != g->pending.end() && it->first <= end; ++it)
      emit(it->first, *it->second);
  }
  c.reply.endDeferredArray(at, n);
}

// ---- XCLAIM / XAUTOCLAIM -----------------------------------------------------------------------

// Drops the NACK of an entry that no longer exists (recorded as XCLAIM, as Redis does).
void dropNack(CommandContext& c, StreamGroup& g, StreamID id, std::string_view key, std::string_view group) {
  auto it = g.pending.find(id);
  propagateClaim(c, key, group, g, id, *it->second);
  it->second->consumer->pending.erase(id);
  g.pending.erase(it);
  c.addDirty();
}

void moveNack(StreamNack& nack, StreamID id, StreamConsumer& to) {
  if (nack.consumer == &to) return;
  if (nack.consumer) nack.consumer->pending.erase(id);
  to.pending[id] = &nack;
  nack.consumer = &to;
}

void xclaimCommand(CommandContext& c) {
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupRead, ref)) return;
  StreamGroup* g = ref ? streamOf(ref)->findGroup(c.arg(2)) : nullptr;
  if (!g) return replyNoKeyOrGroup(c, c.arg(1), c.arg(2));
  long long minIdle;
  if (!c.argLongLong(4, minIdle, "ERR Invalid min-idle-time argument for XCLAIM")) return;
  if (minIdle < 0) minIdle = 0;
  std::vector<StreamID> ids;
  int j = 5;
  for (; j < c.argc(); ++j) {
    StreamID id;
    if (!parseId(c.arg(j), id, 0, true, nullptr)) break;
    ids.push_back(id);
  }
  long long now = c.nowMs;
  long long retryCount = -1, deliveryTime = -1;
  bool force = false, justId = false;
  StreamID lastId;
  for (; j < c.argc(); ++j) {
    bool more = j + 1 < c.argc();
    std::string_view opt = c.arg(j);
    if (equalsIgnoreCase(opt, "force")) {
      force = true;
    } else if (equalsIgnoreCase(opt, "justid")) {
      justId = true;
    } else if (equalsIgnoreCase(opt, "idle") && more) {
      if (!c.argLongLong(++j, deliveryTime, "ERR Invalid IDLE option argument for XCLAIM")) return;
      deliveryTime = now - deliveryTime;
    } else if (equalsIgnoreCase(opt, "time") && more) {
      if (!c.argLongLong(++j, deliveryTime, "ERR Invalid TIME option argument for XCLAIM")) return;
    } else if (equalsIgnoreCase(opt, "retrycount") && more) {
      if (!c.argLongLong(++j, retryCount, "ERR Invalid RETRYCOUNT option argument for XCLAIM")) return;
    } else if (equalsIgnoreCase(opt, "lastid") && more) {
      if (!parseStrictIdOrReply(c, c.arg(++j), lastId)) return;
    } else {
      std::string msg = "ERR Unrecognized XCLAIM option '";
      msg.append(opt);
      msg.append("'");
      return c.reply.error(msg);
    }
  }
  std::string_view key = c.arg(1), group = c.arg(2);
  Stream* s = streamOf(ref);
  size_t before = s->memoryUsage();
  bool propagateLastId = false;
  if (lastId > g->lastId) {
    g->lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime != -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else {
    deliveryTime = now;
  }
  StreamConsumer* consumer = nullptr;
  size_t at = c.reply.beginDeferred();
  size_t n = 0;
  c.propagateNothing();
  for (StreamID id : ids) {
    auto it = g->pending.find(id);
    StreamEntry e;
    if (!s->lookup(id, e)) {
      if (it != g->pending.end()) {
        dropNack(c, *g, id, key, group);
        propagateLastId = false;
      }
      continue;
    }
    if (force && it == g->pending.end()) {
      auto fresh = std::make_unique<StreamNack>();
      fresh->deliveryTime = now;
      it = g->pending.emplace(id, std::move(fresh)).first;
    }
    if (it == g->pending.end()) continue;
    StreamNack& nack = *it->second;
    if (nack.consumer && minIdle && now - nack.deliveryTime < minIdle) continue;
    if (!consumer) {
      bool created;
      consumer = consumerFor(c, *g, c.arg(3), key, created);
    }
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = static_cast<uint64_t>(retryCount);
    else if (!justId) nack.deliveryCount++;
    moveNack(nack, id, *consumer);
    if (justId) replyId(c, id);
    else replyEntryOrNull(c, *s, id, false);
    ++n;
    propagateClaim(c, key, group, *g, id, nack);
    propagateLastId = false;
    c.addDirty();
  }
  if (propagateLastId) {
    propagateGroupId(c, key, group, *g);
    c.addDirty();
  }
  c.reply.endDeferredArray(at, n);
  c.db.objectResized(ref, before, false);
}

void xautoclaimCommand(CommandContext& c) {
  long long minIdle;
  if (!c.argLongLong(4, minIdle, "ERR Invalid min-idle-time argument for XAUTOCLAIM")) return;
  if (minIdle < 0) minIdle = 0;
  StreamID start;
  if (!parseRangeStart(c, c.arg(5), start)) return;
  long long count = 100;
  bool justId = false;
  constexpr long long kAttemptsFactor = 10;
  for (int j = 6; j < c.argc(); ++j) {
    bool more = j + 1 < c.argc();
    if (equalsIgnoreCase(c.arg(j), "count") && more) {
      long long maxCount = LONG_MAX / 16;
      if (!parseLongLong(c.arg(j + 1), count) || count < 1 || count > maxCount)
        return c.reply.error("ERR COUNT must be > 0");
      ++j;
    } else if (equalsIgnoreCase(c.arg(j), "justid")) {
      justId = true;
    } else {
      return c.syntaxError();
    }
  }
  KeyRef ref;
  if (!lookupStream(c, c.arg(1), kLookupRead, ref)) return;
  StreamGroup* g = ref ? streamOf(ref)->findGroup(c.arg(2)) : nullptr;
  if (!g) return replyNoKeyOrGroup(c, c.arg(1), c.arg(2));
  std::string_view key = c.arg(1), group = c.arg(2);
  Stream* s = streamOf(ref);
  size_t before = s->memoryUsage();
  long long attempts = count * kAttemptsFactor;
  long long now = c.nowMs;
  StreamConsumer* consumer = nullptr;
  std::vector<StreamID> deletedIds;
  c.propagateNothing();
  c.reply.arrayHeader(3);
  size_t cursorAt = c.reply.beginDeferred();
  // The cursor is known only after claiming: it is inserted in front of the entries at the end.
  size_t claimedAt = cursorAt;
  size_t n = 0;
  auto it = g->pending.lower_bound(start);
  {
    while (attempts-- && count && it != g->pending.end()) {
      StreamID id = it->first;
      StreamNack& nack = *it->second;
      StreamEntry e;
      if (!s->lookup(id, e)) {
        ++it;
        dropNack(c, *g, id, key, group);
        deletedIds.push_back(id);
        --count;
        continue;
      }
      if (minIdle && now - nack.deliveryTime < minIdle) {
        ++it;
        continue;
      }
      if (!consumer) {
        bool created;
        consumer = consumerFor(c, *g, c.arg(3), key, created);
      }
      moveNack(nack, id, *consumer);
      nack.deliveryTime = now;
      if (!justId) nack.deliveryCount++;
      if (justId) replyId(c, id);
      else replyEntry(c, e);
      ++n;
      --count;
      propagateClaim(c, key, group, *g, id, nack);
      c.addDirty();
      ++it;
    }
  }
  StreamID next = it == g->pending.end() ? StreamID{} : it->first;
  c.reply.endDeferredArray(claimedAt, n);
  // The cursor goes before the claimed entries' array.
  char buf[48];
  size_t len = formatStreamID(buf, next);
  std::string cursor = "$" + std::to_string(len) + "\r\n" + std::string(buf, len) + "\r\n";
  c.reply.buffer().insert(cursorAt, cursor.data(), cursor.size());
  c.reply.arrayHeader(deletedIds.size());
  for (StreamID id : deletedIds) replyId(c, id);
  c.db.objectResized(ref, before, false);
}

// ---- XINFO -------------------------------------------------------------------------------------

bool xinfoStream(CommandContext& c, KeyRef& ref) {
  if (!lookupStream(c, c.arg(2), kLookupRead, ref)) return false;
  if (!ref) {
    c.reply.error(kErrNoSuchKey);
    return false;
  }
  return true;
}

// Redis's streamReplyWithCGLag.
void replyLag(CommandContext& c, const Stream& s, const StreamGroup& g) {
  if (!s.entriesAdded()) return c.reply.integer(0);
  if (g.entriesRead != kEntriesReadInvalid && !s.rangeHasTombstones(g.lastId, StreamID::max()))
    return c.reply.integer(static_cast<long long>(s.entriesAdded()) - g.entriesRead);
  long long read = s.estimateDistanceFromFirstEverEntry(g.lastId);
  if (read != kEntriesReadInvalid) return c.reply.integer(static_cast<long long>(s.entriesAdded()) - read);
  c.reply.nullBulk();
}

void replyEntriesRead(CommandContext& c, const StreamGroup& g) {
  if (g.entriesRead != kEntriesReadInvalid) c.reply.integer(g.entriesRead);
  else c.reply.nullBulk();
}

// Nodes of a radix tree over the nodes' 16-byte big-endian master IDs, counted as Redis's rax
// lays them out: a compressed node per shared run of bytes, a branching node per fork, and an
// empty node after each key.
long long radixNodeCount(const std::vector<std::string>& keys, size_t lo, size_t hi, size_t depth) {
  constexpr size_t kKeyLen = 16;
  if (depth == kKeyLen) return 1;
  if (hi - lo == 1) return 2;
  size_t common = 0;
  while (depth + common < kKeyLen && keys[lo][depth + common] == keys[hi - 1][depth + common]) ++common;
  long long nodes = common ? 1 : 0;
  depth += common;
  if (depth == kKeyLen) return nodes + 1;
  nodes += 1;  // the branching node
  for (size_t i = lo; i < hi;) {
    size_t j = i + 1;
    while (j < hi && keys[j][depth] == keys[i][depth]) ++j;
    nodes += radixNodeCount(keys, i, j, depth + 1);
    i = j;
  }
  return nodes;
}

long long radixNodes(const Stream& s) {
  std::vector<std::string> keys;
  keys.reserve(s.nodeCount());
  s.forEachNode([&](const Stream::Node& n) {
    std::string k(16, '\0');
    for (int b = 0; b < 8; ++b) {
      k[static_cast<size_t>(b)] = static_cast<char>(n.master.ms >> (56 - 8 * b));
      k[static_cast<size_t>(8 + b)] = static_cast<char>(n.master.seq >> (56 - 8 * b));
    }
    keys.push_back(std::move(k));
  });
  if (keys.empty()) return 1;  // the empty root
  return radixNodeCount(keys, 0, keys.size(), 0);
}

// XINFO STREAM FULL's "pending" arrays (at most `limit` entries, 0 = all): a group's entries carry
// their consumer's name, a consumer's do not.
template <typename PendingMap>
void replyFullPending(CommandContext& c, const PendingMap& pending, size_t limit, bool withConsumer) {
  size_t at = c.reply.beginDeferred();
  size_t n = 0;
  for (auto it = pending.begin(); it != pending.end() && (!limit || n < limit); ++it, ++n) {
    c.reply.arrayHeader(withConsumer ? 4 : 3);
    replyId(c, it->first);
    if (withConsumer) c.reply.bulk(it->second->consumer->name);
    c.reply.integer(it->second->deliveryTime);
    c.reply.integer(static_cast<long long>(it->second->deliveryCount));
  }
  c.reply.endDeferredArray(at, n);
}

void xinfoStreamCommand(CommandContext& c) {
  KeyRef ref;
  if (!xinfoStream(c, ref)) return;
  bool full = false;
  long long count = 10;
  int argc = c.argc() - 3;
  if (argc) {
    if (!equalsIgnoreCase(c.arg(3), "full")) return subcommandSyntaxError(c);
    full = true;
    if (argc > 1) {
      if (argc != 3 || !equalsIgnoreCase(c.arg(4), "count")) return subcommandSyntaxError(c);
      if (!c.argLongLong(5, count)) return;
      if (count < 0) count = 10;
    }
  }
  const Stream& s = *streamOf(ref);
  c.reply.mapHeader(full ? 9 : 10);
  c.reply.bulk("length");
  c.reply.integer(static_cast<long long>(s.length()));
  c.reply.bulk("radix-tree-keys");
  c.reply.integer(static_cast<long long>(s.nodeCount()));
  c.reply.bulk("radix-tree-nodes");
  c.reply.integer(radixNodes(s));
  c.reply.bulk("last-generated-id");
  replyId(c, s.lastId());
  c.reply.bulk("max-deleted-entry-id");
  replyId(c, s.maxDeletedId());
  c.reply.bulk("entries-added");
  c.reply.integer(static_cast<long long>(s.entriesAdded()));
  c.reply.bulk("recorded-first-entry-id");
  replyId(c, s.firstId());
  if (!full) {
    c.reply.bulk("groups");
    c.reply.integer(static_cast<long long>(s.groups().size()));
    StreamEntry e;
    c.reply.bulk("first-entry");
    if (s.firstEntry(e)) replyEntry(c, e);
    else c.reply.nullBulk();
    c.reply.bulk("last-entry");
    if (s.lastEntry(e)) replyEntry(c, e);
    else c.reply.nullBulk();
    return;
  }
  size_t limit = static_cast<size_t>(count);
  c.reply.bulk("entries");
  replyRange(c, s, StreamID{}, StreamID::max(), limit, false);
  c.reply.bulk("groups");
  c.reply.arrayHeader(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    c.reply.mapHeader(7);
    c.reply.bulk("name");
    c.reply.bulk(name);
    c.reply.bulk("last-delivered-id");
    replyId(c, g->lastId);
    c.reply.bulk("entries-read");
    replyEntriesRead(c, *g);
    c.reply.bulk("lag");
    replyLag(c, s, *g);
    c.reply.bulk("pel-count");
    c.reply.integer(static_cast<long long>(g->pending.size()));
    c.reply.bulk("pending");
    replyFullPending(c, g->pending, limit, true);
    c.reply.bulk("consumers");
    c.reply.arrayHeader(g->consumers.size());
    for (const auto& [cname, consumer] : g->consumers) {
      c.reply.mapHeader(4);
      c.reply.bulk("name");
      c.reply.bulk(cname);
      c.reply.bulk("seen-time");
      c.reply.integer(consumer->seenTime);
      c.reply.bulk("pel-count");
      c.reply.integer(static_cast<long long>(consumer->pending.size()));
      c.reply.bulk("pending");
      replyFullPending(c, consumer->pending, limit, false);
    }
  }
}

void xinfoGroupsCommand(CommandContext& c) {
  KeyRef ref;
  if (!xinfoStream(c, ref)) return;
  const Stream& s = *streamOf(ref);
  c.reply.arrayHeader(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    c.reply.mapHeader(6);
    c.reply.bulk("name");
    c.reply.bulk(name);
    c.reply.bulk("consumers");
    c.reply.integer(static_cast<long long>(g->consumers.size()));
    c.reply.bulk("pending");
    c.reply.integer(static_cast<long long>(g->pending.size()));
    c.reply.bulk("last-delivered-id");
    replyId(c, g->lastId);
    c.reply.bulk("entries-read");
    replyEntriesRead(c, *g);
    c.reply.bulk("lag");
    replyLag(c, s, *g);
  }
}

void xinfoConsumersCommand(CommandContext& c) {
  KeyRef ref;
  if (!xinfoStream(c, ref)) return;
  const Stream& s = *streamOf(ref);
  StreamGroup* g = s.findGroup(c.arg(3));
  if (!g) return replyNoGroupForKey(c, c.arg(3), c.arg(2));
  c.reply.arrayHeader(g->consumers.size());
  for (const auto& [name, consumer] : g->consumers) {
    long long idle = c.nowMs - consumer->seenTime;
    c.reply.mapHeader(3);
    c.reply.bulk("name");
    c.reply.bulk(name);
    c.reply.bulk("pending");
    c.reply.integer(static_cast<long long>(consumer->pending.size()));
    c.reply.bulk("idle");
    c.reply.integer(idle < 0 ? 0 : idle);
  }
}

void xinfoHelpCommand(CommandContext& c) {
  replyHelp(c, {
                   "CONSUMERS <key> <groupname>",
                   "    Show consumers of <groupname>.",
                   "GROUPS <key>",
                   "    Show the stream consumer groups.",
                   "STREAM <key> [FULL [COUNT <count>]",
                   "    Show information about the stream.",
               });
}

const CommandFamily kStreamCommands{{
    {"xadd", xaddCommand},
    {"xlen", xlenCommand},
    {"xrange", xrangeCommand},
    {"xrevrange", xrevrangeCommand},
    {"xdel", xdelCommand},
    {"xtrim", xtrimCommand},
    {"xsetid", xsetidCommand},
    {"xread", xreadCommand},
    {"xreadgroup", xreadgroupCommand},
    {"xgroup|create", xgroupCreateCommand},
    {"xgroup|setid", xgroupSetidCommand},
    {"xgroup|destroy", xgroupDestroyCommand},
    {"xgroup|createconsumer", xgroupCreateconsumerCommand},
    {"xgroup|delconsumer", xgroupDelconsumerCommand},
    {"xgroup|help", xgroupHelpCommand},
    {"xack", xackCommand},
    {"xpending", xpendingCommand},
    {"xclaim", xclaimCommand},
    {"xautoclaim", xautoclaimCommand},
    {"xinfo|stream", xinfoStreamCommand},
    {"xinfo|groups", xinfoGroupsCommand},
    {"xinfo|consumers", xinfoConsumersCommand},
    {"xinfo|help", xinfoHelpCommand},
}};

}  // namespace
}  // namespace rp
