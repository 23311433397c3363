// The sorted set value (TYPE "zset"): members (binary-safe byte strings) ordered by score, then by
// member bytes (memcmp, shorter first on a common prefix), as Redis orders them.
//
// Two encodings, switched at Redis 7.0's thresholds (zset-max-listpack-entries / -value) and never
// switched back except where Redis does (the *STORE commands build their result and then pick):
//   - "listpack": one contiguous byte buffer of entries in order. Each entry is
//       varint(member length) | member bytes | score tag | score payload
//     where the score is stored as int8/int16/int32 when it is such an integer (most scores are),
//     else as a raw double. It is walked forwards only (a reverse walk first collects the offsets:
//     the buffer is small by definition). Lookups are linear, as Redis's listpack is.
//   - "skiplist": a skip list whose nodes carry their member bytes inline and per-level spans
//     (rank queries in O(log n)), plus a member -> node index for O(1) ZSCORE.
//
// Read API for other families (SORT iterates members in score order):
//     const ZSet& z = static_cast<const ZSet&>(*ref.object());   // ref.type() == ObjType::ZSet
//     z.size();
//     z.forEach([](std::string_view member, double score) { ... });   // ascending
//     z.forRange(startRank, endRank, reverse, fn);                     // inclusive, 0-based
//     z.score(member, out); z.rank(member, out);
// A member string_view is valid until the set is next modified.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/keyspace.h"
#include "types/table.h"

namespace rp {

struct EncodingLimits;

// Redis's ordering of members with equal scores (and of ZRANGEBYLEX): memcmp, then length.
inline int compareMembers(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// One end of a score interval: "(1.5" is {1.5, exclusive}.
struct ScoreRange {
  double min = 0, max = 0;
  bool minExclusive = false, maxExclusive = false;
};

// A lex interval: "-" / "+" are the infinities, "[a" inclusive, "(a" exclusive.
struct LexRange {
  std::string_view min, max;
  bool minExclusive = false, maxExclusive = false;
  bool minNegInf = false, minPosInf = false, maxNegInf = false, maxPosInf = false;
};

// ---- the listpack encoding ---------------------------------------------------------------------
class ZListpack {
 public:
  ZListpack() = default;
  ZListpack(const ZListpack& other) = delete;
  ZListpack& operator=(const ZListpack&) = delete;
  void copyFrom(const ZListpack& other);
  void swap(ZListpack& other) noexcept;
  ~ZListpack();

  size_t size() const { return count_; }
  size_t bytes() const { return used_; }
  size_t allocated() const;

  // Offsets of entries: 0 is the first; end() is one past the last.
  size_t begin() const { return 0; }
  size_t end() const { return used_; }
  std::string_view memberAt(size_t offset) const;
  double scoreAt(size_t offset) const;
  size_t next(size_t offset) const;
  size_t offsetOfRank(size_t rank) const;  // rank < size(); linear

  // The offset of `member`, or end().
  size_t find(std::string_view member) const;
  // Inserts keeping the order (member must be absent).
  void insert(std::string_view member, double score);
  void eraseAt(size_t offset);
  // Erases `n` entries starting at offset.
  void eraseRun(size_t offset, size_t n);
  void clear();

 private:
  void reserveFor(size_t extra);
  // 32-bit sizes keep small sets small; ZSet::prepareInsert converts before 4 GiB.
  char* data_ = nullptr;
  uint32_t used_ = 0;
  uint32_t capacity_ = 0;
  uint32_t count_ = 0;
};

// ---- the skip list encoding --------------------------------------------------------------------
struct ZNode;
struct ZLevel {
  ZNode* forward;
  size_t span;  // elements crossed by following `forward` at this level
};
struct ZNode {
  ZNode* chainNext;  // the member index's hash chain (types/table.h)
  double score;
  ZNode* backward;
  uint32_t length;  // member bytes, stored after the levels
  uint8_t height;
  ZLevel levels[1];  // `height` levels (allocated with the node)

  std::string_view member() const {
    return {reinterpret_cast<const char*>(levels + height), length};
  }

  // The member index links the skip list's nodes; the skip list owns and counts them.
  struct Traits {
    static std::string_view key(const ZNode& n) { return n.member(); }
    static ZNode*& next(ZNode& n) { return n.chainNext; }
    static void destroy(ZNode*) {}
    static size_t allocatedBytes(const ZNode&) { return 0; }
  };
};

class ZSkipList {
 public:
  static constexpr int kMaxLevel = 32;
  ZSkipList();
  ZSkipList(const ZSkipList&) = delete;
  ZSkipList& operator=(const ZSkipList&) = delete;
  ~ZSkipList();

  size_t size() const { return length_; }
  ZNode* first() const { return header_->levels[0].forward; }
  ZNode* last() const { return tail_; }
  // 0-based rank -> node, O(log n).
  ZNode* nodeAt(size_t rank) const;
  // 0-based rank of a node known to be in the list, O(log n).
  size_t rankOf(double score, std::string_view member) const;
  // Elements before the first with score >= min (> min when exclusive).
  size_t countBelowScore(double min, bool exclusive) const;
  // Elements with score <= max (< max when exclusive).
  size_t countUpToScore(double max, bool exclusive) const;
  size_t countBelowLex(const LexRange& r) const;
  size_t countUpToLex(const LexRange& r) const;

  ZNode* insert(double score, std::string_view member);
  // Removes the node for (score, member); the node is freed.
  void erase(double score, std::string_view member);
  // Moves node x (in this list) to its place for newScore. The node itself is kept, so indexes
  // that point at it stay valid and nothing is allocated (Redis's zslUpdateScore).
  void updateScore(ZNode* x, double newScore);
  // Removes ranks [start, start + n); calls onErase(node) before freeing each.
  template <typename Fn>
  void eraseRanks(size_t start, size_t n, Fn&& onErase);
  size_t allocated() const { return allocated_; }

 private:
  int randomLevel();
  // Links node x (levels cleared, height set) at its place for (x->score, x->member()).
  void link(ZNode* x);
  void unlink(ZNode* x, ZNode** update);
  void freeNode(ZNode* x);
  void collectUpdateForRank(size_t rank, ZNode** update, size_t* ranks) const;
  ZNode* header_;
  ZNode* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  size_t allocated_ = 0;
};

// ---- the value ---------------------------------------------------------------------------------
class ZSet final : public Value {
 public:
  enum class Encoding : uint8_t { Listpack, SkipList };

  // An empty set in the listpack encoding, or in the skip list when `skiplist`.
  explicit ZSet(bool skiplist = false);
  ~ZSet() override;

  ObjType type() const override { return ObjType::ZSet; }
  const char* encodingName() const override { return !large_ ? "listpack" : "skiplist"; }
  size_t memoryUsage() const override;
  std::unique_ptr<Value> clone() const override;

  Encoding encoding() const { return large_ ? Encoding::SkipList : Encoding::Listpack; }
  size_t size() const { return !large_ ? lp_.size() : large_->list.size(); }

  // ---- reads ----
  bool score(std::string_view member, double& out) const;
  // 0-based ascending rank.
  bool rank(std::string_view member, size_t& out) const;
  // Ranks of a score / lex interval: elements [first, last) are inside.
  void scoreRangeRanks(const ScoreRange& r, size_t& first, size_t& last) const;
  // Lex ranges follow Redis's algorithm (the first element >= min, then forward while <= max; or
  // from the end when `reverse`), which only matters when scores differ (then Redis's answer
  // depends on the walk, and for the skip list on its random levels).
  void lexRangeRanks(const LexRange& r, size_t& first, size_t& last, bool reverse = false) const;
  // Calls fn(member, score) for ranks start..end (inclusive, 0-based, end < size()), ascending, or
  // descending from end down to start when `reverse`.
  template <typename Fn>
  void forRange(size_t start, size_t end, bool reverse, Fn&& fn) const;
  // Every element in ascending order (the element visitor for persistence and SORT).
  template <typename Fn>
  void forEach(Fn&& fn) const {
    if (size() > 0) forRange(0, size() - 1, false, fn);
  }
  // The element of a 0-based rank: O(log n) (skip list) or O(n) (listpack).
  void at(size_t rank, std::string_view& member, double& score) const;
  // A random element (size() > 0): O(1) expected for the skip list (a fair pick through the member
  // index), O(n) for the listpack.
  void randomElement(std::string_view& member, double& score) const;
  // One ZSCAN step over the skip-list encoding's member index: fn(member, score) per element of
  // the buckets covered by `cursor`; returns the next cursor (0 at the end). The listpack encoding
  // is scanned whole by the caller (as Redis does).
  template <typename Fn>
  uint64_t scanStep(uint64_t cursor, Fn&& fn) const {
    return large_->index.scan(cursor, [&fn](ZNode& n) { fn(n.member(), n.score); });
  }

  // ---- writes ----
  // Makes room for one more member of `memberLength` bytes: converts to the skip list when the
  // listpack would exceed the limits (Redis's rule in zsetAdd).
  void prepareInsert(size_t memberLength, const EncodingLimits& limits);
  // Inserts an absent member.
  void insert(std::string_view member, double score);
  // Sets the score of a present member.
  void updateScore(std::string_view member, double newScore);
  bool erase(std::string_view member);
  // Removes ranks [start, end] (inclusive, 0-based).
  void eraseRanks(size_t start, size_t end);
  // The *STORE commands: converts a skip-list result to the listpack when it fits.
  void convertToListpackIfFits(size_t maxMemberLength, const EncodingLimits& limits);
  void convertToSkipList();

 private:
  using MemberIndex = CollectionTable<ZNode>;

  ZListpack lp_;
  // The skip-list encoding's parts, in one block (a small set pays one pointer for them; null
  // means the listpack encoding). The
  // index is declared after the list so it is destroyed first: its chains run through the nodes.
  struct Large {
    ZSkipList list;
    MemberIndex index;
  };
  std::unique_ptr<Large> large_;
};

// ---- template implementations --------------------------------------------------------------------

template <typename Fn>
void ZSkipList::eraseRanks(size_t start, size_t n, Fn&& onErase) {
  if (n == 0) return;
  ZNode* update[kMaxLevel];
  size_t ranks[kMaxLevel];
  collectUpdateForRank(start, update, ranks);
  ZNode* x = update[0]->levels[0].forward;
  for (size_t i = 0; i < n && x; ++i) {
    ZNode* next = x->levels[0].forward;
    unlink(x, update);
    onErase(x);
    freeNode(x);
    x = next;
  }
}

template <typename Fn>
void ZSet::forRange(size_t start, size_t end, bool reverse, Fn&& fn) const {
  if (start > end || end >= size()) return;
  size_t n = end - start + 1;
  if (!large_) {
    if (!reverse) {
      size_t off = lp_.offsetOfRank(start);
      for (size_t i = 0; i < n; ++i, off = lp_.next(off)) fn(lp_.memberAt(off), lp_.scoreAt(off));
    } else {
      std::vector<size_t> offsets;
      offsets.reserve(n);
      size_t off = lp_.offsetOfRank(start);
      for (size_t i = 0; i < n; ++i, off = lp_.next(off)) offsets.push_back(off);
      for (size_t i = n; i-- > 0;) fn(lp_.memberAt(offsets[i]), lp_.scoreAt(offsets[i]));
    }
    return;
  }
  ZNode* x = large_->list.nodeAt(reverse ? end : start);
  for (size_t i = 0; i < n && x; ++i) {
    fn(x->member(), x->score);
    x = reverse ? x->backward : x->levels[0].forward;
  }
}

}  // namespace rp
