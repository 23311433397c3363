// The hash value: listpack encoding (flat buffer) and hashtable encoding (CollectionTable).
#include "types/hash.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/engine.h"
#include "util/varint.h"
#include "types/table.h"

namespace rp {
namespace {

// ---- strings in the listpack: a varint length prefix (util/varint.h), then the bytes ----------

// One string of the listpack at offset `at`: its bytes and the offset just past it.
std::string_view readString(const char* base, size_t at, size_t& next) {
  size_t len;
  size_t header = varint::read(base + at, len);
  next = at + header + len;
  return {base + at + header, len};
}

size_t encodedSize(std::string_view s) { return varint::size(s.size()) + s.size(); }

size_t writeString(char* p, std::string_view s) {
  size_t header = varint::write(p, s.size());
  if (!s.empty()) std::memcpy(p + header, s.data(), s.size());
  return header + s.size();
}

// ---- the hashtable node: [next][field len][field][value len][value], one malloc block ----------

class FieldNode {
 public:
  static FieldNode* create(std::string_view field, std::string_view value) {
    size_t size = sizeof(FieldNode*) + encodedSize(field) + encodedSize(value);
    void* block = std::malloc(size);
    if (!block) throw std::bad_alloc();
    auto* node = new (block) FieldNode();
    char* p = node->payload();
    p += writeString(p, field);
    writeString(p, value);
    return node;
  }
  static void destroy(FieldNode* node) {
    node->~FieldNode();
    std::free(node);
  }
  std::string_view field() const {
    size_t next;
    return readString(payload(), 0, next);
  }
  std::string_view value() const {
    size_t next;
    readString(payload(), 0, next);
    return readString(payload(), next, next);
  }
  // Overwrites the value when the new one has the same length (no reallocation). False otherwise.
  bool overwriteSameLength(std::string_view value) {
    size_t next;
    readString(payload(), 0, next);
    size_t len;
    size_t header = varint::read(payload() + next, len);
    if (len != value.size()) return false;
    if (!value.empty()) std::memcpy(payload() + next + header, value.data(), value.size());
    return true;
  }
  size_t allocatedBytes() const { return malloc_usable_size(const_cast<FieldNode*>(this)); }

  FieldNode* next = nullptr;

  struct Traits {
    static std::string_view key(const FieldNode& n) { return n.field(); }
    static FieldNode*& next(FieldNode& n) { return n.next; }
    static void destroy(FieldNode* n) { FieldNode::destroy(n); }
    static size_t allocatedBytes(const FieldNode& n) { return n.allocatedBytes(); }
  };

 private:
  FieldNode() = default;
  ~FieldNode() = default;
  char* payload() { return reinterpret_cast<char*>(this) + sizeof(FieldNode*); }
  const char* payload() const { return reinterpret_cast<const char*>(this) + sizeof(FieldNode*); }
};

}  // namespace

struct HashValue::Table {
  CollectionTable<FieldNode> fields;
};

// ---- listpack helpers ----------------------------------------------------------------------------

namespace {

// The block header: bytes used (header included) and number of pairs.
constexpr size_t kHeader = 8;
// Redis refuses to grow a listpack past 1 GB (lpSafeToAdd) and converts the hash instead.
constexpr size_t kListpackSafeBytes = size_t{1} << 30;

uint32_t lpUsed(const char* lp) {
  uint32_t v = kHeader;
  if (lp) std::memcpy(&v, lp, 4);
  return v;
}
uint32_t lpCount(const char* lp) {
  uint32_t v = 0;
  if (lp) std::memcpy(&v, lp + 4, 4);
  return v;
}
void lpSetUsed(char* lp, size_t v) {
  auto u = static_cast<uint32_t>(v);
  std::memcpy(lp, &u, 4);
}
void lpSetCount(char* lp, size_t v) {
  auto u = static_cast<uint32_t>(v);
  std::memcpy(lp + 4, &u, 4);
}

// Offset of the pair whose field equals `field`, or SIZE_MAX. valueAt receives the value's offset.
size_t listpackFind(const char* lp, std::string_view field, size_t& valueAt) {
  const size_t used = lpUsed(lp);
  size_t at = kHeader;
  while (at < used) {
    size_t next;
    std::string_view f = readString(lp, at, next);
    size_t after;
    readString(lp, next, after);
    if (f == field) {
      valueAt = next;
      return at;
    }
    at = after;
  }
  return SIZE_MAX;
}

// Makes room for `need` bytes in total (keeps the contents; a new block gets an empty header).
void listpackReserve(char*& lp, size_t need) {
  size_t capacity = lp ? malloc_usable_size(lp) : 0;
  if (need <= capacity) return;
  // Small blocks grow to the exact size (memory first, like Redis's listpack); bigger ones get an
  // eighth more so that a run of appends does not reallocate every time.
  size_t target = need <= 256 ? need : need + need / 8;
  bool fresh = lp == nullptr;
  void* grown = std::realloc(lp, target);
  if (!grown) throw std::bad_alloc();
  lp = static_cast<char*>(grown);
  if (fresh) {
    lpSetUsed(lp, kHeader);
    lpSetCount(lp, 0);
  }
}

// Gives back memory when the block is much larger than its contents (after deletions).
void listpackShrink(char*& lp) {
  if (!lp) return;
  size_t used = lpUsed(lp);
  if (used == kHeader) {
    std::free(lp);
    lp = nullptr;
    return;
  }
  size_t capacity = malloc_usable_size(lp);
  if (capacity > 64 && capacity > used + used / 4 + 16) {
    void* shrunk = std::realloc(lp, used);
    if (shrunk) lp = static_cast<char*>(shrunk);
  }
}

}  // namespace

// ---- HashValue -----------------------------------------------------------------------------------

HashValue::HashValue() = default;

HashValue::~HashValue() { std::free(lp_); }

const char* HashValue::encodingName() const { return table_ ? "hashtable" : "listpack"; }

size_t HashValue::memoryUsage() const {
  size_t bytes = malloc_usable_size(const_cast<HashValue*>(this));
  if (lp_) bytes += malloc_usable_size(lp_);
  if (table_) bytes += malloc_usable_size(table_.get()) + table_->fields.memoryUsage();
  return bytes;
}

std::unique_ptr<Value> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  if (table_) {
    copy->table_ = std::make_unique<Table>();
    copy->table_->fields.reserve(table_->fields.size());
    table_->fields.forEach([&](const FieldNode& n) {
      copy->table_->fields.insert(FieldNode::create(n.field(), n.value()));
    });
  } else if (lp_) {
    size_t used = lpUsed(lp_);
    listpackReserve(copy->lp_, used);
    std::memcpy(copy->lp_, lp_, used);
  }
  return copy;
}

size_t HashValue::size() const { return table_ ? table_->fields.size() : lpCount(lp_); }

bool HashValue::find(std::string_view field, std::string_view& value) const {
  if (table_) {
    const FieldNode* n = table_->fields.findNoStep(field);
    if (!n) return false;
    value = n->value();
    return true;
  }
  size_t valueAt;
  if (listpackFind(lp_, field, valueAt) == SIZE_MAX) return false;
  size_t next;
  value = readString(lp_, valueAt, next);
  return true;
}

void HashValue::visit(Visitor fn, void* ctx) const {
  if (table_) {
    table_->fields.forEach([&](const FieldNode& n) { fn(ctx, n.field(), n.value()); });
    return;
  }
  const size_t used = lpUsed(lp_);
  size_t at = kHeader;
  while (at < used) {
    size_t next;
    std::string_view f = readString(lp_, at, next);
    std::string_view v = readString(lp_, next, at);
    fn(ctx, f, v);
  }
}

void HashValue::convertToTable() {
  if (table_) return;
  auto table = std::make_unique<Table>();
  table->fields.reserve(lpCount(lp_));
  visit([](void* ctx, std::string_view f, std::string_view v) {
    static_cast<Table*>(ctx)->fields.insert(FieldNode::create(f, v));
  }, table.get());
  std::free(lp_);
  lp_ = nullptr;
  table_ = std::move(table);
}

bool HashValue::set(std::string_view field, std::string_view value, const EncodingLimits& limits) {
  if (!table_) {
    // Redis 7.0 converts before writing a field or value longer than hash-max-listpack-value, and
    // before a listpack would pass 1 GB.
    auto limit = static_cast<unsigned long long>(limits.hashMaxListpackValue);
    if (field.size() > limit || value.size() > limit ||
        lpUsed(lp_) + encodedSize(field) + encodedSize(value) > kListpackSafeBytes)
      convertToTable();
  }
  if (table_) {
    auto& fields = table_->fields;
    uint64_t hash = fields.hashOf(field);
    FieldNode* old = fields.find(field, hash);
    if (old) {
      if (!old->overwriteSameLength(value)) fields.replace(old, FieldNode::create(field, value));
      return false;
    }
    FieldNode* node = FieldNode::create(field, value);
    if (!fields.insert(node, hash)) {
      FieldNode::destroy(node);
      throw std::bad_alloc();
    }
    return true;
  }
  size_t valueAt;
  size_t pairAt = listpackFind(lp_, field, valueAt);
  if (pairAt != SIZE_MAX) {
    // Replace the value in place, shifting the tail when its encoded size changes.
    size_t used = lpUsed(lp_);
    size_t oldEnd;
    readString(lp_, valueAt, oldEnd);
    size_t oldSize = oldEnd - valueAt;
    size_t newSize = encodedSize(value);
    if (newSize > oldSize) listpackReserve(lp_, used + newSize - oldSize);
    std::memmove(lp_ + valueAt + newSize, lp_ + oldEnd, used - oldEnd);
    writeString(lp_ + valueAt, value);
    lpSetUsed(lp_, used + newSize - oldSize);
    if (newSize < oldSize) listpackShrink(lp_);
    return false;
  }
  size_t add = encodedSize(field) + encodedSize(value);
  listpackReserve(lp_, lpUsed(lp_) + add);
  size_t used = lpUsed(lp_);
  char* p = lp_ + used;
  p += writeString(p, field);
  writeString(p, value);
  lpSetUsed(lp_, used + add);
  size_t count = lpCount(lp_) + 1;
  lpSetCount(lp_, count);
  if (static_cast<long long>(count) > limits.hashMaxListpackEntries) convertToTable();
  return true;
}

bool HashValue::remove(std::string_view field) {
  if (table_) return table_->fields.erase(field);
  size_t valueAt;
  size_t pairAt = listpackFind(lp_, field, valueAt);
  if (pairAt == SIZE_MAX) return false;
  size_t used = lpUsed(lp_);
  size_t end;
  readString(lp_, valueAt, end);
  std::memmove(lp_ + pairAt, lp_ + end, used - end);
  lpSetUsed(lp_, used - (end - pairAt));
  lpSetCount(lp_, lpCount(lp_) - 1);
  listpackShrink(lp_);
  return true;
}

// ---- hashtable access for the commands -----------------------------------------------------------

uint64_t HashValue::scanTable(uint64_t cursor, Visitor fn, void* ctx) const {
  return table_->fields.scan(cursor, [&](const FieldNode& n) { fn(ctx, n.field(), n.value()); });
}

void HashValue::randomPair(std::string_view& field, std::string_view& value) const {
  const FieldNode* n = table_->fields.randomNode();
  field = n->field();
  value = n->value();
}

}  // namespace rp
