// The list type: a sequence of binary-safe byte strings, pushed and popped at both ends.
//
// Layout (OBJECT ENCODING "quicklist", as Redis 7.0 always reports for lists): a doubly linked
// chain of nodes, each one malloc'd block holding a 32-byte header and a packed run of entries.
// An entry is [header][payload][backlen]:
//   - header 0x00-0x7F: the integer 0..127 itself, no payload; 0xC0-0xDF + 1 byte: a signed
//     13-bit integer; 0xF1/0xF2/0xF3/0xF4: a signed integer in 2/3/4/8 little-endian bytes;
//   - 0x80-0xBF: a string of 0..63 bytes; 0xE0-0xEF + 1 byte: up to 4095 bytes; 0xF0 + 4 bytes: longer.
//   - backlen: the size of header+payload in 1..5 bytes of 7 bits, readable from its last byte, so
//     a node can be walked in both directions.
// Only texts that are canonical 64-bit integers (Redis's strict rules) are stored as integers, so
// every element reads back byte for byte. The used bytes of a node sit in [begin, end) of its
// block with slack on either side, so pushes and pops at either end of a node are O(1) amortized.
// Node size follows list-max-listpack-size, read when the list is created (as Redis does): a
// positive fill caps entries per node (and a node at 8 KB), -1..-5 cap a node at 4/8/16/32/64 KB.
// A single element larger than the cap gets a node of its own.
// list-compress-depth (read at creation too): with depth d > 0, every node but the d nearest each
// end is kept LZF-compressed when that saves at least 8 bytes of a node of 48 bytes or more, as
// Redis does. Pushes and pops work on the uncompressed end nodes; a compressed node is read through
// a cursor's private decompressed copy (the node stays compressed), and is decompressed in place
// only to be edited (LSET, LINSERT, LREM), then compressed again by settle(). Walks by index skip
// whole nodes by their entry counts without decompressing them.
//
// Costs: push/pop at either end O(1); index i walks nodes from the nearer end, then entries within
// one node (bounded by the node size), so LINDEX/LSET near the ends are O(1).
//
// Stable API for other families (SORT ... STORE, persistence): ListValue::create(limits), pushBack,
// pushFront, length, forEach (every element in order; also the hook for the AOF/RDB encoders).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/keyspace.h"

namespace rp {

struct EncodingLimits;

class ListValue final : public Value {
 public:
  // An empty list whose nodes are sized by `fill` (list-max-listpack-size), with the `compressDepth`
  // nodes nearest each end left uncompressed (list-compress-depth; 0 = no compression).
  ListValue(long long fill, long long compressDepth);
  ~ListValue() override;
  ListValue(const ListValue&) = delete;
  ListValue& operator=(const ListValue&) = delete;
  // An empty list with the engine's current list-max-listpack-size.
  static std::unique_ptr<ListValue> create(const EncodingLimits& limits);

  // ---- Value ----
  ObjType type() const override { return ObjType::List; }
  const char* encodingName() const override { return "quicklist"; }
  size_t memoryUsage() const override;
  std::unique_ptr<Value> clone() const override;

  // ---- stable API ----
  size_t length() const { return count_; }
  bool empty() const { return count_ == 0; }
  void pushBack(std::string_view element);
  void pushFront(std::string_view element);
  // Element visitor: fn(std::string_view) for every element, head to tail. The view is valid only
  // during the call. Do not modify the list inside.
  template <typename Fn>
  void forEach(Fn&& fn) const {
    for (Cursor it = begin(); it.valid(); it.next()) fn(it.value());
  }

  // ---- used by commands/lists.cc ----
  // Removes the head (tail) element into `out`; false when empty.
  bool popFront(std::string& out);
  bool popBack(std::string& out);

  struct Node;
  // A position in the list (node + byte offset of an entry). Invalidated by any modification
  // except through erase().
  class Cursor {
   public:
    bool valid() const { return node_ != nullptr; }
    // The element; int-encoded elements are rendered into the cursor's scratch space.
    std::string_view value() const;
    void next();
    void prev();
    // True when the element equals `text` (byte comparison).
    bool equals(std::string_view text) const;

   private:
    friend class ListValue;
    // The bytes of the current node's entries: the node's own, or the decompressed copy.
    const char* base() const;
    // Called whenever node_ changes: a compressed node is decompressed into raw_.
    void load();
    Node* node_ = nullptr;
    uint32_t offset_ = 0;
    std::string raw_;  // decompressed entries of a compressed node_ (offsets 0..end)
    mutable char scratch_[24];
  };
  Cursor begin() const;   // head (invalid when empty)
  Cursor rbegin() const;  // tail
  // The element at index (0-based from the head, negative from the tail); invalid when out of range.
  Cursor at(long long index) const;
  // Removes the element under the cursor; the cursor moves to the following element (towards the
  // tail when forward, else towards the head) or becomes invalid. A run of erases (LREM) ends with
  // settle(), which compresses again the node the erases decompressed.
  void erase(Cursor& it, bool forward);
  // Restores the compression of nodes edited in place (a no-op without list-compress-depth).
  void settle();
  // Replaces the element under the cursor (the cursor is invalid afterwards).
  void replace(Cursor& it, std::string_view element);
  // Inserts before (after == false) or after the element under the cursor.
  void insert(const Cursor& it, std::string_view element, bool after);
  // Removes `n` elements from the head (tail); n may exceed the length.
  void removeFront(size_t n);
  void removeBack(size_t n);

 private:
  Node* newNode(size_t capacity);
  void freeNode(Node* node);
  void unlinkNode(Node* node);
  void linkAfter(Node* node, Node* after);   // after == nullptr: becomes head
  bool allowInsert(const Node* node, size_t entryBytes) const;
  size_t nodeByteLimit() const;
  // realloc to `dataBytes` of entries; neighbours, head/tail and loose_ follow the block. nullptr
  // when the allocation failed (the node is then unchanged).
  Node* resize(Node* node, size_t dataBytes);
  // ---- list-compress-depth ----
  bool isInterior(const Node* node) const;   // farther than compressDepth_ nodes from both ends
  Node* compress(Node* node);                // LZF in place when it saves enough; returns the node
  Node* decompress(Node* node);              // back to raw entries in place; returns the node
  Node* editable(Node* node);                // decompress for an edit, remembered in loose_
  void fixEnds();                            // after nodes were added or removed near an end
  void shrinkToFit(Node* node);   // drops the slack of a node that is full
  void maybeShrink(Node* node);   // shrinkToFit when most of the block is slack
  // Makes room for `bytes` more at the node's front (back); may move the node (returns it).
  Node* reserve(Node* node, size_t bytes, bool front);
  Node* splitAt(Node* node, uint32_t offset);  // entries at >= offset move to a new next node

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  size_t nodes_ = 0;
  size_t heapBytes_ = 0;  // what the allocator holds for the nodes
  long long fill_;
  uint32_t compressDepth_;
  Node* loose_ = nullptr;  // an interior node decompressed for an edit, compressed again by settle()
};

// The list of a key known to hold a list.
inline ListValue& listOf(const KeyRef& ref) { return *static_cast<ListValue*>(ref.object()); }

}  // namespace rp
