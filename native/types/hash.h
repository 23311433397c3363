// The hash type: a map from field to value, both binary-safe byte strings.
//
// Two encodings, as in Redis 7.0 (OBJECT ENCODING reports them by Redis's names):
//  - "listpack": one flat malloc'd buffer of length-prefixed field/value pairs in insertion order
//    (a new field is appended, HSET of an existing field rewrites its value in place, HDEL closes
//    the gap), used while the hash has at most hash-max-listpack-entries fields and every field and
//    value has at most hash-max-listpack-value bytes. Lookups scan it, which is cheap at that size.
//  - "hashtable": a hash table of field -> value (native/types/table.h). A hash converts once,
//    when an insertion would break either limit, and never converts back (Redis's rule).
//
// Read API for other command families (SORT BY/GET "pattern->field", ...): hashOf(ref) and
// HashValue::find(). The string_views handed out are valid until the hash is next modified, and,
// like every view from a KeyRef, until the next mutation or lookup of the same Db.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/keyspace.h"

namespace rp {

struct EncodingLimits;

class HashValue final : public Value {
 public:
  HashValue();
  ~HashValue() override;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  // ---- Value ----
  ObjType type() const override { return ObjType::Hash; }
  const char* encodingName() const override;  // "listpack" or "hashtable"
  size_t memoryUsage() const override;
  std::unique_ptr<Value> clone() const override;

  // ---- reading (stable API) ----
  bool isListpack() const { return table_ == nullptr; }
  size_t size() const;
  bool empty() const { return size() == 0; }
  // Finds a field's value by name. False when the hash has no such field.
  bool find(std::string_view field, std::string_view& value) const;
  bool contains(std::string_view field) const {
    std::string_view ignored;
    return find(field, ignored);
  }
  // Element visitor: fn(field, value) for every pair, in insertion order for listpack hashes and
  // in table order for hashtable hashes. Do not modify the hash inside. (Also the hook for the
  // AOF/RDB encoders.)
  template <typename Fn>
  void forEach(Fn&& fn) const {
    visit([](void* ctx, std::string_view f, std::string_view v) { (*static_cast<Fn*>(ctx))(f, v); },
          static_cast<void*>(&fn));
  }

  // ---- writing (the hash commands) ----
  // Sets field to value; converts to a hash table first when the limits demand it. True when the
  // field is new.
  bool set(std::string_view field, std::string_view value, const EncodingLimits& limits);
  // Removes a field; true when it existed.
  bool remove(std::string_view field);

  // ---- internals shared with commands/hashes.cc ----
  using Visitor = void (*)(void* ctx, std::string_view field, std::string_view value);
  void visit(Visitor fn, void* ctx) const;
  void convertToTable();
  // Hashtable encoding only: one SCAN step (fn(field, value) per pair of the cursor's buckets;
  // returns the next cursor, 0 at the end), and a random pair (Redis's dictGetRandomKey fairness;
  // the hash must not be empty).
  template <typename Fn>
  uint64_t scanStep(uint64_t cursor, Fn&& fn) const {
    return scanTable(
        cursor, [](void* ctx, std::string_view f, std::string_view v) { (*static_cast<Fn*>(ctx))(f, v); },
        static_cast<void*>(&fn));
  }
  uint64_t scanTable(uint64_t cursor, Visitor fn, void* ctx) const;
  void randomPair(std::string_view& field, std::string_view& value) const;

  struct Table;  // hashtable encoding, defined in hash.cc

 private:
  // The listpack: nullptr (empty) or one malloc'd block [uint32 bytes used][uint32 pairs]
  // followed by the pairs, each [varint length][field bytes][varint length][value bytes]. Keeping
  // the counters in the block makes a HashValue three words (one 32-byte allocation).
  char* lp_ = nullptr;
  std::unique_ptr<Table> table_;
};

// The hash held by ref, or nullptr when ref is empty or holds another type.
inline HashValue* hashOf(const KeyRef& ref) {
  if (!ref || ref.type() != ObjType::Hash) return nullptr;
  return static_cast<HashValue*>(ref.object());
}

}  // namespace rp
