// The stream value (TYPE "stream", OBJECT ENCODING "stream"): entries ordered by ID `ms-seq`, each a
// list of field/value pairs, plus Redis 7.0's bookkeeping (last generated ID, first ID, largest
// deleted ID, entries ever added) and consumer groups.
//
// Layout. Entries live in nodes of up to stream-node-max-entries (100) entries, kept in a deque in
// ID order, like Redis's radix tree of listpacks:
//   - A node holds one byte buffer: the "master fields" (the field names of the node's first
//     entry), then its entries back to back. Each entry is
//         flags (u8: deleted, same-fields) | varint ms delta | varint seq | [varint nfields]
//         | (varint length, bytes) for each field (omitted when same-fields) and value
//     The ms delta is relative to the node's master ID; the seq is relative to the master's seq when
//     the ms delta is 0 and absolute otherwise, so both are one byte for typical streams.
//   - Lookup by ID is a binary search over the nodes' master IDs (O(log n)) and then a scan of at
//     most one node; appending writes at the end of the last node; trimming from the head drops
//     whole nodes (deque pop_front) or marks entries of the first node deleted, as Redis does.
//   - Deleted entries stay in their node flagged deleted until the node empties (Redis's rule, which
//     XINFO's counters and approximate trimming expose).
//   - Where Redis starts a new node depends on its listpack's byte size (stream-node-max-bytes
//     4096), so each node also tracks the size Redis's listpack for the same entries would have
//     (redisBytes): that makes `~` trimming and XINFO's radix-tree-keys match Redis exactly.
//
// Consumer groups are sorted maps (Redis's rax order: bytewise) of groups, consumers and pending
// entries; a pending entry (NACK) is owned by its group's PEL and referenced from its consumer's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/keyspace.h"

namespace rp {

struct StreamID {
  uint64_t ms = 0;
  uint64_t seq = 0;
  friend bool operator==(const StreamID& a, const StreamID& b) { return a.ms == b.ms && a.seq == b.seq; }
  friend bool operator!=(const StreamID& a, const StreamID& b) { return !(a == b); }
  friend bool operator<(const StreamID& a, const StreamID& b) { return a.ms < b.ms || (a.ms == b.ms && a.seq < b.seq); }
  friend bool operator>(const StreamID& a, const StreamID& b) { return b < a; }
  friend bool operator<=(const StreamID& a, const StreamID& b) { return !(b < a); }
  friend bool operator>=(const StreamID& a, const StreamID& b) { return !(a < b); }
  bool isZero() const { return ms == 0 && seq == 0; }
  bool isMax() const { return ms == UINT64_MAX && seq == UINT64_MAX; }
  // The next / previous ID; false (and 0-0 / max) at the ends, as Redis's streamIncrID/DecrID.
  bool increment();
  bool decrement();
  static StreamID max() { return {UINT64_MAX, UINT64_MAX}; }
};

// "ms-seq" into buf (>= 42 bytes); returns the length.
size_t formatStreamID(char* buf, StreamID id);
std::string streamIDText(StreamID id);

// One live entry during iteration: its ID and its field/value pairs.
class StreamEntry {
 public:
  StreamID id;
  size_t fieldCount() const { return count_; }
  // fn(field, value) for each pair, in order.
  template <typename Fn>
  void forEachField(Fn&& fn) const;

 private:
  friend class Stream;
  const char* master_ = nullptr;  // master field names (same-fields entries), else nullptr
  const char* pairs_ = nullptr;
  size_t count_ = 0;
};

struct StreamConsumer;

// A pending (delivered, unacknowledged) entry of a group.
struct StreamNack {
  long long deliveryTime = 0;  // unix ms
  uint64_t deliveryCount = 1;
  StreamConsumer* consumer = nullptr;
};

struct StreamConsumer {
  std::string name;
  long long seenTime = 0;  // unix ms of the last read/claim
  std::map<StreamID, StreamNack*> pending;  // the group's NACKs owned by this consumer
};

// Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown.
inline constexpr long long kEntriesReadInvalid = -1;

struct StreamGroup {
  StreamID lastId;
  long long entriesRead = kEntriesReadInvalid;
  std::map<StreamID, std::unique_ptr<StreamNack>> pending;
  std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>> consumers;

  StreamConsumer* findConsumer(std::string_view name) const;
  // Creates the consumer (it must not exist).
  StreamConsumer* createConsumer(std::string_view name, long long nowMs);
  // Deletes a consumer with its pending entries; returns how many were pending.
  size_t deleteConsumer(std::string_view name);
};

// How XADD/XTRIM trim.
struct StreamTrim {
  enum class Strategy : uint8_t { None, MaxLen, MinId } strategy = Strategy::None;
  long long maxLen = 0;
  StreamID minId;
  bool approx = false;
  long long limit = 0;  // 0 = no limit
};

class Stream final : public Value {
 public:
  // Redis 7.0's stream-node-max-entries / stream-node-max-bytes defaults.
  static constexpr size_t kNodeMaxEntries = 100;
  static constexpr size_t kNodeMaxBytes = 4096;

  Stream() = default;
  ~Stream() override = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // ---- Value ----
  ObjType type() const override { return ObjType::Stream; }
  const char* encodingName() const override { return "stream"; }
  size_t memoryUsage() const override;
  std::unique_ptr<Value> clone() const override;

  // ---- metadata ----
  size_t length() const { return length_; }
  StreamID lastId() const { return lastId_; }
  StreamID firstId() const { return firstId_; }  // recorded first entry ID (0-0 when empty)
  StreamID maxDeletedId() const { return maxDeletedId_; }
  uint64_t entriesAdded() const { return entriesAdded_; }
  void setLastId(StreamID id) { lastId_ = id; }
  void setMaxDeletedId(StreamID id) { maxDeletedId_ = id; }
  void setEntriesAdded(uint64_t n) { entriesAdded_ = n; }
  size_t nodeCount() const { return nodes_.size(); }

  // ---- entries ----
  // Appends an entry with an ID greater than lastId() (the caller checks). fields: f1 v1 f2 v2 ...
  // (an even count). Updates length, last ID, entries added (and first ID when it was empty).
  void append(StreamID id, const std::string_view* fieldValues, size_t pairs);
  // Deletes one entry; false when there is none with that ID. Updates max-deleted and first ID.
  bool remove(StreamID id);
  // Trims per `trim` (Redis's streamTrim); returns the entries removed.
  long long trim(const StreamTrim& trim);
  // Visits live entries with start <= id <= end, ascending (or descending when reverse); fn returns
  // false to stop. Do not modify the stream inside.
  template <typename Fn>
  void range(StreamID start, StreamID end, bool reverse, Fn&& fn) const;
  // The entry with this ID, if live.
  bool lookup(StreamID id, StreamEntry& out) const;
  // First / last live entry; false when empty.
  bool firstEntry(StreamEntry& out) const;
  bool lastEntry(StreamEntry& out) const;
  // Redis's streamLastValidID: the last live entry's ID, or 0-0 (the last ID when empty... as Redis).
  StreamID lastValidId() const;

  // Redis 7.0's counters for groups (streamEstimateDistanceFromFirstEverEntry,
  // streamRangeHasTombstones).
  long long estimateDistanceFromFirstEverEntry(StreamID id) const;
  bool rangeHasTombstones(StreamID start, StreamID end) const;

  // ---- consumer groups (bytewise order) ----
  using Groups = std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>;
  const Groups& groups() const { return groups_; }
  StreamGroup* findGroup(std::string_view name) const;
  // Creates a group (must not exist).
  StreamGroup* createGroup(std::string_view name, StreamID lastId, long long entriesRead);
  bool destroyGroup(std::string_view name);

  // Listpack-compatible node view for the RDB encoder/decoder.
  struct Node {
    StreamID master;
    StreamID last;  // the ID of its last entry, deleted or not
    uint32_t live = 0;
    uint32_t deleted = 0;
    uint32_t redisBase = 0;  // bytes of Redis's listpack for this node, less its two counters
    uint32_t entriesStart = 0;  // offset of the first entry in data (after the master fields)
    uint32_t masterFields = 0;
    std::string data;
  };
  // Raw iteration over every entry (deleted included) for the RDB writer: fn(id, deleted, entry).
  template <typename Fn>
  void forEachNode(Fn&& fn) const {
    for (const Node& n : nodes_) fn(n);
  }
  // Decodes every entry of node n, deleted included: fn(StreamEntry&, bool deleted, bool sameFields).
  template <typename Fn>
  static void forEachRawEntry(const Node& n, Fn&& fn);
  // The master field names of node n: fn(field).
  template <typename Fn>
  static void forEachMasterField(const Node& n, Fn&& fn);
  // RDB loading: the nodes exactly as the file has them (Redis's boundaries and deleted entries,
  // which XINFO and approximate trimming expose). loadNode starts a node, loadEntry appends to it
  // in ID order. The last ID, entries added and max deleted ID are set separately.
  void loadNode(StreamID master, const std::vector<std::string>& masterFields);
  void loadEntry(StreamID id, const std::vector<std::string>& fieldValues, bool deleted);
  // Recomputes firstId from the live entries (after loading).
  void refreshFirstId();

 private:
  struct Position {
    size_t node;
    size_t offset;
  };
  // Decodes the entry at offset of node; returns the offset after it.
  static size_t decode(const Node& n, size_t offset, StreamEntry& out, uint8_t& flags);
  // Index of the last node whose master <= id (or 0).
  size_t nodeFor(StreamID id) const;
  void startNode(StreamID id, const std::string_view* fieldValues, size_t pairs);
  void appendToLastNode(StreamID id, const std::string_view* fieldValues, size_t pairs, bool deleted);
  void markDeleted(size_t node, size_t offset);
  void refreshFirstIdAfterRemoval();
  static size_t redisBytes(const Node& n);
  void accountNode(const Node& n, bool add);

  std::deque<Node> nodes_;
  size_t length_ = 0;
  StreamID lastId_;
  StreamID firstId_;
  StreamID maxDeletedId_;
  uint64_t entriesAdded_ = 0;
  size_t nodeBytes_ = 0;  // heap held by nodes_ (kept current: memoryUsage is O(groups))
  Groups groups_;
};

// ---- inline templates --------------------------------------------------------------------------

namespace streamenc {
inline constexpr uint8_t kFlagDeleted = 1;
inline constexpr uint8_t kFlagSameFields = 2;
inline size_t readVarint(const char* p, uint64_t& v) {
  v = 0;
  size_t i = 0;
  unsigned shift = 0;
  for (;;) {
    uint8_t b = static_cast<uint8_t>(p[i++]);
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return i;
    shift += 7;
  }
}
inline const char* readString(const char* p, std::string_view& s) {
  uint64_t len;
  p += readVarint(p, len);
  s = std::string_view(p, static_cast<size_t>(len));
  return p + len;
}
}  // namespace streamenc

template <typename Fn>
void StreamEntry::forEachField(Fn&& fn) const {
  const char* m = master_;
  const char* p = pairs_;
  std::string_view field, value;
  for (size_t i = 0; i < count_; ++i) {
    if (m) {
      m = streamenc::readString(m, field);
    } else {
      p = streamenc::readString(p, field);
    }
    p = streamenc::readString(p, value);
    fn(field, value);
  }
}

template <typename Fn>
void Stream::range(StreamID start, StreamID end, bool reverse, Fn&& fn) const {
  if (nodes_.empty() || start > end) return;
  StreamEntry e;
  uint8_t flags;
  if (!reverse) {
    for (size_t ni = nodeFor(start); ni < nodes_.size(); ++ni) {
      const Node& n = nodes_[ni];
      if (n.master > end) return;
      if (n.last < start) continue;
      for (size_t off = n.entriesStart; off < n.data.size();) {
        off = decode(n, off, e, flags);
        if (e.id > end) return;
        if ((flags & streamenc::kFlagDeleted) || e.id < start) continue;
        if (!fn(static_cast<const StreamEntry&>(e))) return;
      }
    }
    return;
  }
  std::vector<size_t> offsets;
  for (size_t ni = nodeFor(end) + 1; ni-- > 0;) {
    const Node& n = nodes_[ni];
    if (n.last < start) return;
    offsets.clear();
    for (size_t off = n.entriesStart; off < n.data.size();) {
      offsets.push_back(off);
      off = decode(n, off, e, flags);
    }
    for (size_t k = offsets.size(); k-- > 0;) {
      decode(n, offsets[k], e, flags);
      if (e.id < start) return;
      if ((flags & streamenc::kFlagDeleted) || e.id > end) continue;
      if (!fn(static_cast<const StreamEntry&>(e))) return;
    }
  }
}

template <typename Fn>
void Stream::forEachRawEntry(const Node& n, Fn&& fn) {
  StreamEntry e;
  uint8_t flags;
  for (size_t off = n.entriesStart; off < n.data.size();) {
    off = decode(n, off, e, flags);
    fn(static_cast<const StreamEntry&>(e), (flags & streamenc::kFlagDeleted) != 0,
       (flags & streamenc::kFlagSameFields) != 0);
  }
}

template <typename Fn>
void Stream::forEachMasterField(const Node& n, Fn&& fn) {
  const char* p = n.data.data();
  uint64_t count;
  p += streamenc::readVarint(p, count);
  std::string_view field;
  for (uint64_t i = 0; i < count; ++i) {
    p = streamenc::readString(p, field);
    fn(field);
  }
}

}  // namespace rp
