// CollectionTable: the hash table behind the large encodings of hashes, sets and sorted sets.
//
// Layout. A chained hash table with INTRUSIVE chains: every element is one heap block (a "node")
// that starts with its own `next` pointer, so a bucket is a single pointer and a chain is threaded
// through the nodes themselves. There is no separate entry object between the bucket and the
// member as in Redis's dict.c (dictEntry: key pointer + value pointer + next = 24 bytes, plus an
// sds object for the member): a set member here costs one block of 8 (next) + 1 (length) + the
// member bytes, plus 8 bytes of bucket per slot. What a node carries besides its member (a hash
// field's value, a sorted-set score) is the owner's business: the table only needs, through a
// Traits class, the node's key bytes, its `next` link, how to free it and how many bytes the
// allocator really holds for it (malloc_usable_size), which the table sums so memoryUsage() is the
// true footprint of buckets + nodes. CompactNode<Payload> below is a ready-made node: next pointer,
// an optional fixed-size payload, then a 1-byte length (or 0xFF + 4-byte length for members of
// 255 bytes or more) and the member bytes, all in one malloc block.
//
// Hashing. Members are hashed with the keyspace's seeded hash (rp::hashKey, engine/dict.h), whose
// seed is drawn at start-up, so clients cannot aim members at one bucket. The bucket index is the
// low bits of the hash. Hashes are not cached in nodes (memory first); rehashing recomputes them.
//
// Growth and incremental rehashing (Redis's rules). The table grows when the element count
// reaches the bucket count (load factor 1), to the smallest power of two above the count, and
// shrinks after a deletion leaves it under 10% full, to the smallest power of two holding the
// elements (never below 4 buckets). A resize never moves everything at once: a second bucket array
// is allocated and every find/insert/erase first moves one bucket of the old array (visiting at
// most ten empty ones); lookups search both arrays, inserts go to the new one, so the old one only
// drains. No operation pays more than a few buckets of work whatever the size; the only O(n)-sized
// step is calloc of the new array, which the kernel satisfies with lazily zeroed pages.
//
// SCAN. The cursor is a bucket index incremented from its most significant bit (reverse the bits,
// add one, reverse back). Growing 2^n -> 2^(n+k) buckets splits bucket b into the buckets whose low
// n bits are b; shrinking merges them; in reverse-binary order those are adjacent, so a cursor
// handed out for one size stays a correct resume point for any other size. While two arrays exist
// a step visits the cursor's bucket in the smaller one and every bucket of the larger one that
// expands it. A full iteration therefore returns every element present for the whole iteration
// (some possibly twice): Redis's HSCAN/SSCAN/ZSCAN guarantee.
//
// Random element. A random non-empty bucket (both arrays while rehashing, skipping the drained part
// of the old one), then a uniformly chosen node of its chain: Redis's dictGetRandomKey fairness.
// Since the table is kept at least 10% full this costs O(1) expected, so SPOP is O(1) per element.
//
// Rules for users: the callbacks of scan()/forEach() must not modify the table. A node pointer is
// valid until that node is erased/replaced (rehashing relinks nodes but never moves them).
#pragma once

#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include "engine/dict.h"  // hashKey, randomU64, reverseBits

namespace rp {

// ---------------------------------------------------------------------------------------------
// A ready-made compact node: [next][payload (optional)][len: 1 byte, or 0xFF + 4 bytes][bytes].
// Payload must be trivially copyable with alignment <= 8 (a double score, a pointer...); use an
// empty struct for none (it then takes no space).
struct NoPayload {};

template <class Payload = NoPayload>
class CompactNode {
 public:
  static_assert(std::is_trivially_copyable_v<Payload>, "payload is copied with memcpy");
  static_assert(alignof(Payload) <= alignof(void*), "payload must not need more than pointer alignment");
  static constexpr size_t kPayloadSize = std::is_empty_v<Payload> ? 0 : sizeof(Payload);
  static constexpr size_t kLenOffset = sizeof(void*) + kPayloadSize;

  // Allocates a node holding a copy of key (nullptr when out of memory).
  static CompactNode* create(std::string_view key, const Payload& payload = Payload{}) {
    size_t header = key.size() < 255 ? 1 : 5;
    void* block = std::malloc(kLenOffset + header + key.size());
    if (!block) return nullptr;
    auto* node = new (block) CompactNode();
    char* p = node->raw();
    if constexpr (kPayloadSize != 0) std::memcpy(p + sizeof(void*), &payload, kPayloadSize);
    if (header == 1) {
      p[kLenOffset] = static_cast<char>(key.size());
    } else {
      p[kLenOffset] = static_cast<char>(0xFF);
      uint32_t len = static_cast<uint32_t>(key.size());
      std::memcpy(p + kLenOffset + 1, &len, 4);
    }
    if (!key.empty()) std::memcpy(p + kLenOffset + header, key.data(), key.size());
    return node;
  }
  static void destroy(CompactNode* node) {
    node->~CompactNode();
    std::free(node);
  }

  std::string_view key() const {
    const char* p = raw() + kLenOffset;
    uint8_t tag = static_cast<uint8_t>(p[0]);
    if (tag != 0xFF) return {p + 1, tag};
    uint32_t len;
    std::memcpy(&len, p + 1, 4);
    return {p + 5, len};
  }
  Payload payload() const {
    Payload out{};
    if constexpr (kPayloadSize != 0) std::memcpy(&out, raw() + sizeof(void*), kPayloadSize);
    return out;
  }
  void setPayload(const Payload& payload) {
    if constexpr (kPayloadSize != 0) std::memcpy(raw() + sizeof(void*), &payload, kPayloadSize);
  }
  size_t allocatedBytes() const { return malloc_usable_size(const_cast<CompactNode*>(this)); }

  CompactNode* next = nullptr;

  // Traits for CollectionTable<CompactNode<Payload>>.
  struct Traits {
    static std::string_view key(const CompactNode& n) { return n.key(); }
    static CompactNode*& next(CompactNode& n) { return n.next; }
    static void destroy(CompactNode* n) { CompactNode::destroy(n); }
    static size_t allocatedBytes(const CompactNode& n) { return n.allocatedBytes(); }
  };

 private:
  CompactNode() = default;
  ~CompactNode() = default;
  char* raw() { return reinterpret_cast<char*>(this); }
  const char* raw() const { return reinterpret_cast<const char*>(this); }
};

// ---------------------------------------------------------------------------------------------
// The table. Traits must provide (all static):
//   std::string_view key(const Node&);      the member / field bytes (unique within the table)
//   Node*& next(Node&);                     the intrusive chain link
//   void destroy(Node*);                    frees a node the table owns
//   size_t allocatedBytes(const Node&);     allocator footprint of the node (for memoryUsage)
// The table owns the nodes inserted into it and destroys them in clear()/erase()/its destructor.
template <class Node, class Traits = typename Node::Traits>
class CollectionTable {
 public:
  static constexpr size_t kInitialSize = 4;

  CollectionTable() = default;
  ~CollectionTable() { clear(); }
  CollectionTable(const CollectionTable&) = delete;
  CollectionTable& operator=(const CollectionTable&) = delete;
  CollectionTable(CollectionTable&& other) noexcept { moveFrom(other); }
  CollectionTable& operator=(CollectionTable&& other) noexcept {
    if (this != &other) {
      clear();
      moveFrom(other);
    }
    return *this;
  }

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  bool rehashing() const { return rehashIndex_ >= 0; }
  size_t bucketCount() const { return tables_[0].size + tables_[1].size; }
  // Bytes the allocator holds for buckets and nodes (add sizeof the owner yourself).
  size_t memoryUsage() const {
    return bucketBlockBytes(tables_[0]) + bucketBlockBytes(tables_[1]) + nodeBytes_;
  }
  // For nodes whose own out-of-line parts change size in place (e.g. a separately allocated value).
  void adjustNodeBytes(ptrdiff_t delta) { nodeBytes_ = static_cast<size_t>(static_cast<ptrdiff_t>(nodeBytes_) + delta); }

  static uint64_t hashOf(std::string_view key) { return hashKey(key); }

  // Runs one rehash step, then searches. nullptr when absent.
  Node* find(std::string_view key) { return find(key, hashOf(key)); }
  Node* find(std::string_view key, uint64_t hash) {
    rehashStep();
    return findNoStep(key, hash);
  }
  // Searches without a rehash step (read-only users).
  Node* findNoStep(std::string_view key) const { return findNoStep(key, hashOf(key)); }
  Node* findNoStep(std::string_view key, uint64_t hash) const {
    int tables = rehashing() ? 2 : 1;
    for (int t = 0; t < tables; ++t) {
      const Table& table = tables_[t];
      if (table.size == 0) continue;
      for (Node* n = table.slots[hash & table.mask()]; n; n = Traits::next(*n))
        if (Traits::key(*n) == key) return n;
    }
    return nullptr;
  }
  bool contains(std::string_view key) const { return findNoStep(key) != nullptr; }

  // Adds a node whose key is known to be absent and takes ownership. Grows (starting an
  // incremental rehash) when full. False (node untouched, still the caller's) only when the very
  // first bucket array cannot be allocated.
  bool insert(Node* node) { return insert(node, hashOf(Traits::key(*node))); }
  bool insert(Node* node, uint64_t hash) {
    rehashStep();
    if (!rehashing()) {
      if (tables_[0].size == 0)
        startResize(kInitialSize);
      else if (count_ >= tables_[0].size)
        startResize(count_ + 1);
      if (tables_[0].size == 0) return false;
    }
    int t = rehashing() ? 1 : 0;
    Table& table = tables_[t];
    Node*& slot = table.slots[hash & table.mask()];
    Traits::next(*node) = slot;
    slot = node;
    ++used_[t];
    ++count_;
    nodeBytes_ += Traits::allocatedBytes(*node);
    return true;
  }

  // Unlinks the node with this key and hands it back to the caller (nullptr when absent). The
  // caller destroys it (Traits::destroy) or inserts it somewhere. May start a shrink.
  Node* detach(std::string_view key) { return detach(key, hashOf(key)); }
  Node* detach(std::string_view key, uint64_t hash) {
    rehashStep();
    int tables = rehashing() ? 2 : 1;
    for (int t = 0; t < tables; ++t) {
      Table& table = tables_[t];
      if (table.size == 0) continue;
      Node** link = &table.slots[hash & table.mask()];
      while (Node* n = *link) {
        if (Traits::key(*n) == key) {
          *link = Traits::next(*n);
          Traits::next(*n) = nullptr;
          --used_[t];
          --count_;
          nodeBytes_ -= Traits::allocatedBytes(*n);
          if (count_ == 0) {
            releaseBuckets();
          } else {
            shrinkIfNeeded();
          }
          return n;
        }
        link = &Traits::next(*n);
      }
    }
    return nullptr;
  }
  // Removes and destroys the node with this key. False when absent.
  bool erase(std::string_view key) {
    Node* n = detach(key);
    if (!n) return false;
    Traits::destroy(n);
    return true;
  }

  // Puts `fresh` (same key) in the chain position of `old` and destroys `old`. For owners that
  // rebuild a node with a different size (e.g. a hash field whose value grew).
  void replace(Node* old, Node* fresh) {
    Node** link = linkOf(old);
    if (!link) return;
    Traits::next(*fresh) = Traits::next(*old);
    *link = fresh;
    nodeBytes_ += Traits::allocatedBytes(*fresh);
    nodeBytes_ -= Traits::allocatedBytes(*old);
    Traits::destroy(old);
  }

  // A random node (nullptr when empty): random non-empty bucket, then a random node of its chain.
  Node* randomNode() const {
    if (count_ == 0) return nullptr;
    Node* head = nullptr;
    for (int attempt = 0; attempt < 4096 && !head; ++attempt) {
      if (rehashing()) {
        size_t start = static_cast<size_t>(rehashIndex_);
        size_t span = tables_[0].size + tables_[1].size - start;
        size_t i = start + randomU64() % span;
        head = i < tables_[0].size ? tables_[0].slots[i] : tables_[1].slots[i - tables_[0].size];
      } else {
        head = tables_[0].slots[randomU64() & tables_[0].mask()];
      }
    }
    for (int t = 0; t < 2 && !head; ++t) {
      // Very unlucky or very sparse: walk from a random bucket to the first non-empty one.
      const Table& table = tables_[t];
      if (table.size == 0) continue;
      size_t start = randomU64() & table.mask();
      for (size_t k = 0; k < table.size && !head; ++k) head = table.slots[(start + k) & table.mask()];
    }
    size_t length = 0;
    for (Node* n = head; n; n = Traits::next(*n)) ++length;
    size_t pick = randomU64() % length;
    Node* n = head;
    while (pick--) n = Traits::next(*n);
    return n;
  }

  // One SCAN step: fn(Node&) for every node in the buckets covered by `cursor`; returns the next
  // cursor (0 when the iteration is complete). fn must not modify the table.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const {
    if (count_ == 0) return 0;
    uint64_t v = cursor;
    if (!rehashing()) {
      uint64_t m0 = tables_[0].mask();
      walkChain(tables_[0].slots[v & m0], fn);
      v |= ~m0;
      v = reverseBits(v);
      ++v;
      return reverseBits(v);
    }
    const Table* small = &tables_[0];
    const Table* large = &tables_[1];
    if (small->size > large->size) std::swap(small, large);
    uint64_t m0 = small->mask();
    uint64_t m1 = large->mask();
    walkChain(small->slots[v & m0], fn);
    do {
      walkChain(large->slots[v & m1], fn);
      v |= ~m1;
      v = reverseBits(v);
      ++v;
      v = reverseBits(v);
    } while (v & (m0 ^ m1));
    return v;
  }

  // fn(Node&) for every node (bucket order; fn must not modify the table). Persistence encoders
  // and whole-collection replies use this.
  template <typename Fn>
  void forEach(Fn&& fn) const {
    for (const Table& t : tables_)
      for (size_t i = 0; i < t.size; ++i) walkChain(t.slots[i], fn);
  }

  // Like forEach, but stops as soon as fn(Node&) returns false; false when it stopped early.
  template <typename Fn>
  bool forEachWhile(Fn&& fn) const {
    for (const Table& t : tables_) {
      for (size_t i = 0; i < t.size; ++i) {
        for (Node* n = t.slots[i]; n;) {
          Node* next = Traits::next(*n);
          if (!fn(*n)) return false;
          n = next;
        }
      }
    }
    return true;
  }

  // Prepares room for `n` elements (starts an incremental grow; no-op while rehashing).
  void reserve(size_t n) {
    if (rehashing() || n <= tables_[0].size) return;
    startResize(n);
  }

  // Moves up to n non-empty buckets (visiting at most 10n empty ones). False when not rehashing.
  bool rehashSteps(size_t n) {
    if (!rehashing()) return false;
    size_t emptyVisits = n * 10;
    Table& from = tables_[0];
    Table& to = tables_[1];
    size_t mask = to.mask();
    while (n-- && used_[0] != 0) {
      while (from.slots[rehashIndex_] == nullptr) {
        ++rehashIndex_;
        if (--emptyVisits == 0) return true;
      }
      Node* n2 = from.slots[rehashIndex_];
      while (n2) {
        Node* next = Traits::next(*n2);
        Node*& slot = to.slots[hashOf(Traits::key(*n2)) & mask];
        Traits::next(*n2) = slot;
        slot = n2;
        --used_[0];
        ++used_[1];
        n2 = next;
      }
      from.slots[rehashIndex_] = nullptr;
      ++rehashIndex_;
    }
    if (used_[0] == 0) {
      tables_[0] = std::move(tables_[1]);
      tables_[1] = Table{};
      used_[0] = used_[1];
      used_[1] = 0;
      rehashIndex_ = -1;
      return false;
    }
    return true;
  }

  // Destroys every node and frees the buckets.
  void clear() {
    for (Table& t : tables_) {
      for (size_t i = 0; i < t.size; ++i) {
        Node* n = t.slots[i];
        while (n) {
          Node* next = Traits::next(*n);
          Traits::destroy(n);
          n = next;
        }
      }
      t = Table{};
    }
    used_[0] = used_[1] = 0;
    count_ = 0;
    nodeBytes_ = 0;
    rehashIndex_ = -1;
  }

 private:
  struct FreeDeleter {
    void operator()(Node** p) const { std::free(p); }
  };
  struct Table {
    std::unique_ptr<Node*[], FreeDeleter> slots;
    size_t size = 0;  // power of two, or 0
    size_t mask() const { return size - 1; }
  };
  static size_t bucketBlockBytes(const Table& t) {
    return t.slots ? malloc_usable_size(static_cast<void*>(t.slots.get())) : 0;
  }

  void moveFrom(CollectionTable& other) {
    tables_[0] = std::move(other.tables_[0]);
    tables_[1] = std::move(other.tables_[1]);
    used_[0] = std::exchange(other.used_[0], 0);
    used_[1] = std::exchange(other.used_[1], 0);
    count_ = std::exchange(other.count_, 0);
    nodeBytes_ = std::exchange(other.nodeBytes_, 0);
    rehashIndex_ = std::exchange(other.rehashIndex_, -1);
    other.tables_[0] = Table{};
    other.tables_[1] = Table{};
  }

  void releaseBuckets() {
    tables_[0] = Table{};
    tables_[1] = Table{};
    used_[0] = used_[1] = 0;
    rehashIndex_ = -1;
  }

  void rehashStep() {
    if (rehashing()) rehashSteps(1);
  }

  void startResize(size_t minimum) {
    size_t size = kInitialSize;
    while (size < minimum) size <<= 1;
    if (size == tables_[0].size) return;
    auto* slots = static_cast<Node**>(std::calloc(size, sizeof(Node*)));
    if (!slots) return;  // keep the current array: chains get longer but nothing breaks
    if (tables_[0].size == 0 || count_ == 0) {
      tables_[0].slots.reset(slots);
      tables_[0].size = size;
      return;
    }
    tables_[1].slots.reset(slots);
    tables_[1].size = size;
    rehashIndex_ = 0;
  }

  void shrinkIfNeeded() {
    if (rehashing()) return;
    size_t size = tables_[0].size;
    if (size > kInitialSize && count_ * 10 < size) startResize(count_ < kInitialSize ? kInitialSize : count_);
  }

  Node** linkOf(Node* target) {
    uint64_t hash = hashOf(Traits::key(*target));
    int tables = rehashing() ? 2 : 1;
    for (int t = 0; t < tables; ++t) {
      Table& table = tables_[t];
      if (table.size == 0) continue;
      Node** link = &table.slots[hash & table.mask()];
      while (*link) {
        if (*link == target) return link;
        link = &Traits::next(**link);
      }
    }
    return nullptr;
  }

  template <typename Fn>
  static void walkChain(Node* n, Fn& fn) {
    while (n) {
      Node* next = Traits::next(*n);
      fn(*n);
      n = next;
    }
  }

  Table tables_[2];
  size_t used_[2] = {0, 0};
  size_t count_ = 0;
  size_t nodeBytes_ = 0;
  ptrdiff_t rehashIndex_ = -1;
};

}  // namespace rp
