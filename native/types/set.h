// The set type: an unordered collection of distinct binary-safe members.
//
// Two encodings, as in Redis 7.0 (OBJECT ENCODING reports Redis's names):
//  - "intset": while every member is a canonical 64-bit integer (Redis's string2ll rules) and the
//    set has at most set-max-intset-entries members. The integers sit sorted ascending in one
//    malloc'd block, stored 2, 4 or 8 bytes wide (the narrowest width that holds every member; the
//    block is widened when a bigger integer arrives, never narrowed); count and width live in the
//    SetValue itself, which is three words (one 32-byte allocation), so a 10-integer set costs
//    two small allocations like Redis's robj + intset. Lookups are binary searches; inserts and deletes move the tail (n is small).
//    Iteration is in ascending integer order, which clients see (SMEMBERS, SSCAN, SUNION results).
//  - "hashtable": a CollectionTable (table.h) of compact nodes holding the member bytes.
// A set converts once, when a non-integer member arrives or the count would exceed the limit, and
// never converts back (Redis's rule).
//
// The element visitor forEach() walks every member (ascending for intsets) and is the hook for
// the AOF/RDB encoders when persistence lands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/keyspace.h"
#include "types/table.h"

namespace rp {

class SetValue final : public Value {
 public:
  using Node = CompactNode<>;
  using Table = CollectionTable<Node>;

  // An empty intset-encoded set (Redis's createIntsetObject; the STORE commands start from it).
  SetValue();
  ~SetValue() override;
  SetValue(const SetValue&) = delete;
  SetValue& operator=(const SetValue&) = delete;

  // An empty set with the encoding Redis's setTypeCreate picks for its first member: intset when
  // the member is an integer, else hashtable.
  static std::unique_ptr<SetValue> createFor(std::string_view firstMember);

  // ---- Value ----
  ObjType type() const override { return ObjType::Set; }
  const char* encodingName() const override { return isTable_ ? "hashtable" : "intset"; }
  size_t memoryUsage() const override;
  std::unique_ptr<Value> clone() const override;

  // ---- reading ----
  bool isIntset() const { return !isTable_; }
  size_t size() const;
  bool empty() const { return size() == 0; }
  bool contains(std::string_view member) const;
  // A uniformly chosen member (intset) or Redis-fair one (hashtable); the set must not be empty.
  // `scratch` (>= 21 bytes) receives the text of an intset member.
  std::string_view randomMember(char* scratch) const;
  // fn(std::string_view) for every member: ascending for intsets, table order otherwise. Do not
  // modify the set inside. Views of intset members die after each call.
  template <typename Fn>
  void forEach(Fn&& fn) const;
  // Like forEach, but stops as soon as fn(std::string_view) returns false.
  template <typename Fn>
  void forEachWhile(Fn&& fn) const;
  // SSCAN step. Intsets return everything at once (cursor 0), as Redis does.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const;

  // ---- writing ----
  // Adds member; converts to a hash table when the limit or the member demands it. True if added.
  bool add(std::string_view member, long long maxIntsetEntries);
  // True if member was there.
  bool remove(std::string_view member);
  // Removes and returns (into `out`) a random member; the set must not be empty.
  void popRandom(std::string& out);

 private:
  Table* table() const { return static_cast<Table*>(block_); }
  size_t intsetCount() const { return count_; }
  int intsetWidth() const { return width_; }
  int64_t intAt(size_t i) const;
  bool intFind(int64_t v, size_t& pos) const;
  void intInsert(int64_t v, size_t pos);
  void intErase(size_t pos);
  void convertToTable();
  void makeEmptyTable();

  // intset: the integers (malloc'd, nullptr when empty); hashtable: the Table, owned (created by
  // std::make_unique and released into this word; the destructor re-wraps it).
  void* block_ = nullptr;
  uint32_t count_ = 0;   // intset members
  uint8_t width_ = 2;    // intset element width in bytes
  bool isTable_ = false;
};

// The set held by a key, or nullptr (also for other types).
inline SetValue* setOf(const KeyRef& ref) {
  return ref && ref.type() == ObjType::Set ? static_cast<SetValue*>(ref.object()) : nullptr;
}

// Decimal text of v into buf (>= 21 bytes); returns the view.
std::string_view setIntText(int64_t v, char* buf);

template <typename Fn>
void SetValue::forEach(Fn&& fn) const {
  if (isTable_) {
    table()->forEach([&fn](Node& n) { fn(n.key()); });
    return;
  }
  char buf[24];
  size_t n = intsetCount();
  for (size_t i = 0; i < n; ++i) fn(setIntText(intAt(i), buf));
}

template <typename Fn>
void SetValue::forEachWhile(Fn&& fn) const {
  if (isTable_) {
    table()->forEachWhile([&fn](Node& n) { return fn(n.key()); });
    return;
  }
  char buf[24];
  size_t n = intsetCount();
  for (size_t i = 0; i < n; ++i)
    if (!fn(setIntText(intAt(i), buf))) return;
}

template <typename Fn>
uint64_t SetValue::scan(uint64_t cursor, Fn&& fn) const {
  if (isTable_) return table()->scan(cursor, [&fn](Node& n) { fn(n.key()); });
  forEach(fn);
  return 0;
}

}  // namespace rp
