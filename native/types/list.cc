// The list type (see list.h for the layout and its reasons).
#include "types/list.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/engine.h"
#include "persistence/lzf.h"
#include "util/numbers.h"

namespace rp {

struct ListValue::Node {
  Node* prev;
  Node* next;
  uint32_t count;     // entries in the node
  uint32_t begin;     // byte offset of the first entry in data()
  uint32_t end;       // byte offset just past the last entry
  uint32_t capacity;  // bytes of data()
  // 0 for a raw node. Otherwise data() holds this many bytes of LZF-compressed entries, and
  // begin = 0, end = the entries' raw size (the offsets a cursor's decompressed copy uses).
  uint32_t lzfBytes;
  uint32_t reserved;
  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  uint32_t used() const { return end - begin; }
  bool compressed() const { return lzfBytes != 0; }
};
static_assert(sizeof(ListValue::Node) == 40);

namespace {

// ---- entry encoding ----------------------------------------------------------------------------

constexpr unsigned char kStr6 = 0x80;   // 0x80-0xBF: string of 0..63 bytes
constexpr unsigned char kInt13 = 0xC0;  // 0xC0-0xDF + 1 byte: signed 13-bit integer
constexpr unsigned char kStr12 = 0xE0;  // 0xE0-0xEF + 1 byte: string of up to 4095 bytes
constexpr unsigned char kStr32 = 0xF0;  // + 4 bytes length
constexpr unsigned char kInt16 = 0xF1;
constexpr unsigned char kInt24 = 0xF2;
constexpr unsigned char kInt32 = 0xF3;
constexpr unsigned char kInt64 = 0xF4;

size_t backlenBytes(size_t l) {
  if (l < (1u << 7)) return 1;
  if (l < (1u << 14)) return 2;
  if (l < (1u << 21)) return 3;
  if (l < (1u << 28)) return 4;
  return 5;
}

// Writes the backlen of an entry of l bytes (header+payload) at p; the last byte holds the lowest
// 7 bits, and every byte but the first carries 0x80 ("more at lower addresses").
void writeBacklen(char* p, size_t l) {
  size_t n = backlenBytes(l);
  for (size_t i = 0; i < n; ++i) {
    unsigned char group = static_cast<unsigned char>((l >> (7 * (n - 1 - i))) & 0x7F);
    if (i > 0) group |= 0x80;
    p[i] = static_cast<char>(group);
  }
}

// Reads the backlen that ends just before `end`; returns header+payload bytes and sets `bytes`.
size_t readBacklen(const char* end, size_t& bytes) {
  size_t value = 0;
  size_t shift = 0;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(end) - 1;
  bytes = 0;
  for (;;) {
    unsigned char b = *p;
    value |= static_cast<size_t>(b & 0x7F) << shift;
    ++bytes;
    if (!(b & 0x80)) break;
    shift += 7;
    --p;
  }
  return value;
}

// Header+payload bytes of the entry at p.
size_t entryLength(const char* p) {
  unsigned char h = static_cast<unsigned char>(p[0]);
  if (h < 0x80) return 1;
  if (h < 0xC0) return 1 + (h & 0x3F);
  if (h < 0xE0) return 2;
  if (h < 0xF0) return 2 + ((static_cast<size_t>(h & 0x0F) << 8) | static_cast<unsigned char>(p[1]));
  switch (h) {
    case kStr32: {
      uint32_t len;
      std::memcpy(&len, p + 1, 4);
      return 5 + len;
    }
    case kInt16: return 3;
    case kInt24: return 4;
    case kInt32: return 5;
    default: return 9;
  }
}

size_t entryTotal(const char* p) {
  size_t l = entryLength(p);
  return l + backlenBytes(l);
}

// An element prepared for writing: int-encoded when it is a canonical int64 text.
struct Encoded {
  std::string_view text;
  int64_t value = 0;
  bool isInt = false;
  size_t length = 0;  // header + payload
  size_t total() const { return length + backlenBytes(length); }
};

Encoded prepare(std::string_view text) {
  Encoded e;
  e.text = text;
  if (num::isIntEncodable(text, e.value)) {
    e.isInt = true;
    int64_t v = e.value;
    if (v >= 0 && v <= 127) e.length = 1;
    else if (v >= -4096 && v <= 4095) e.length = 2;
    else if (v >= INT16_MIN && v <= INT16_MAX) e.length = 3;
    else if (v >= -(1 << 23) && v < (1 << 23)) e.length = 4;
    else if (v >= INT32_MIN && v <= INT32_MAX) e.length = 5;
    else e.length = 9;
    return e;
  }
  size_t n = text.size();
  e.length = n + (n < 64 ? 1 : n < 4096 ? 2 : 5);
  return e;
}

void writeEntry(char* p, const Encoded& e) {
  unsigned char* u = reinterpret_cast<unsigned char*>(p);
  if (e.isInt) {
    uint64_t bits = static_cast<uint64_t>(e.value);
    switch (e.length) {
      case 1: u[0] = static_cast<unsigned char>(e.value); break;
      case 2:
        u[0] = static_cast<unsigned char>(kInt13 | ((bits >> 8) & 0x1F));
        u[1] = static_cast<unsigned char>(bits & 0xFF);
        writeBacklen(p + 2, 2);
        return;
      case 3: u[0] = kInt16; break;
      case 4: u[0] = kInt24; break;
      case 5: u[0] = kInt32; break;
      default: u[0] = kInt64; break;
    }
    for (size_t i = 1; i < e.length; ++i) u[i] = static_cast<unsigned char>(bits >> (8 * (i - 1)));
  } else {
    size_t n = e.text.size();
    size_t h;
    if (n < 64) {
      u[0] = static_cast<unsigned char>(kStr6 | n);
      h = 1;
    } else if (n < 4096) {
      u[0] = static_cast<unsigned char>(kStr12 | (n >> 8));
      u[1] = static_cast<unsigned char>(n & 0xFF);
      h = 2;
    } else {
      u[0] = kStr32;
      uint32_t len = static_cast<uint32_t>(n);
      std::memcpy(p + 1, &len, 4);
      h = 5;
    }
    if (n) std::memcpy(p + h, e.text.data(), n);
  }
  writeBacklen(p + e.length, e.length);
}

// The element at p: a view of its bytes, or its integer rendered into scratch (>= 24 bytes).
std::string_view readEntry(const char* p, char* scratch) {
  const unsigned char* u = reinterpret_cast<const unsigned char*>(p);
  unsigned char h = u[0];
  if (h < 0x80) {
    size_t n = num::formatInt64(h, scratch);
    return {scratch, n};
  }
  if (h < 0xC0) return {p + 1, static_cast<size_t>(h & 0x3F)};
  if (h < 0xE0) {
    // 13-bit two's complement: sign-extend from bit 12.
    int v = ((h & 0x1F) << 8) | u[1];
    if (v & 0x1000) v -= 0x2000;
    size_t n = num::formatInt64(v, scratch);
    return {scratch, n};
  }
  if (h < 0xF0) return {p + 2, (static_cast<size_t>(h & 0x0F) << 8) | u[1]};
  if (h == kStr32) {
    uint32_t len;
    std::memcpy(&len, p + 1, 4);
    return {p + 5, len};
  }
  size_t bytes = h == kInt16 ? 2 : h == kInt24 ? 3 : h == kInt32 ? 4 : 8;
  uint64_t bits = 0;
  for (size_t i = 0; i < bytes; ++i) bits |= static_cast<uint64_t>(u[1 + i]) << (8 * i);
  int64_t v;
  if (bytes < 8) {
    // sign-extend
    unsigned shift = static_cast<unsigned>(64 - 8 * bytes);
    v = static_cast<int64_t>(bits << shift) >> shift;
  } else {
    v = static_cast<int64_t>(bits);
  }
  size_t n = num::formatInt64(v, scratch);
  return {scratch, n};
}

constexpr size_t kSizeSafetyLimit = 8192;
// Redis's thresholds: nodes under 48 bytes are not worth compressing, nor is a saving under 8 bytes.
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;

size_t allocated(const void* block) { return malloc_usable_size(const_cast<void*>(block)); }

}  // namespace

// ---- ListValue ---------------------------------------------------------------------------------

ListValue::ListValue(long long fill, long long compressDepth)
    : fill_(fill == 0 ? 1 : fill), compressDepth_(static_cast<uint32_t>(std::clamp<long long>(compressDepth, 0, UINT16_MAX))) {}

ListValue::~ListValue() {
  Node* n = head_;
  while (n) {
    Node* next = n->next;
    std::free(n);
    n = next;
  }
}

std::unique_ptr<ListValue> ListValue::create(const EncodingLimits& limits) {
  return std::make_unique<ListValue>(limits.listMaxListpackSize, limits.listCompressDepth);
}

size_t ListValue::memoryUsage() const {
  // The object itself (one malloc chunk: size + 8-byte header, rounded to 16) plus the nodes.
  size_t self = (sizeof(ListValue) + 8 + 15) & ~size_t{15};
  return self + heapBytes_;
}

std::unique_ptr<Value> ListValue::clone() const {
  auto copy = std::make_unique<ListValue>(fill_, compressDepth_);
  for (const Node* n = head_; n; n = n->next) {
    // A compressed node is copied compressed: same layout, same place in the list.
    size_t bytes = n->compressed() ? n->lzfBytes : n->used();
    Node* fresh = copy->newNode(bytes);
    std::memcpy(fresh->data(), n->data() + n->begin, bytes);
    fresh->begin = 0;
    fresh->end = n->used();
    fresh->count = n->count;
    fresh->lzfBytes = n->lzfBytes;
    copy->linkAfter(fresh, copy->tail_);
    copy->count_ += n->count;
  }
  return copy;
}

ListValue::Node* ListValue::newNode(size_t capacity) {
  if (capacity > UINT32_MAX - sizeof(Node)) throw std::bad_alloc();
  void* block = std::malloc(sizeof(Node) + capacity);
  if (!block) throw std::bad_alloc();
  Node* n = static_cast<Node*>(block);
  n->prev = n->next = nullptr;
  n->count = 0;
  n->begin = n->end = 0;
  n->capacity = static_cast<uint32_t>(capacity);
  n->lzfBytes = 0;
  n->reserved = 0;
  heapBytes_ += allocated(block);
  return n;
}

void ListValue::freeNode(Node* node) {
  if (node == loose_) loose_ = nullptr;
  heapBytes_ -= allocated(node);
  std::free(node);
}

void ListValue::linkAfter(Node* node, Node* after) {
  node->prev = after;
  node->next = after ? after->next : head_;
  if (node->prev) node->prev->next = node;
  else head_ = node;
  if (node->next) node->next->prev = node;
  else tail_ = node;
  ++nodes_;
}

void ListValue::unlinkNode(Node* node) {
  if (node->prev) node->prev->next = node->next;
  else head_ = node->next;
  if (node->next) node->next->prev = node->prev;
  else tail_ = node->prev;
  --nodes_;
  freeNode(node);
}

bool ListValue::allowInsert(const Node* node, size_t entryBytes) const {
  if (node->count == 0) return true;
  size_t newSize = node->used() + entryBytes;
  if (fill_ >= 0 && node->count >= static_cast<unsigned long long>(fill_)) return false;
  return newSize <= nodeByteLimit();
}

size_t ListValue::nodeByteLimit() const {
  if (fill_ >= 0) return kSizeSafetyLimit;
  long long level = std::min<long long>(-fill_, 5);
  return size_t{4096} << (level - 1);
}

ListValue::Node* ListValue::resize(Node* node, size_t dataBytes) {
  // Decided before realloc: the old pointer may not even be compared once it was freed.
  bool wasLoose = node == loose_;
  size_t before = allocated(node);
  void* block = std::realloc(node, sizeof(Node) + dataBytes);
  if (!block) return nullptr;
  Node* moved = static_cast<Node*>(block);
  heapBytes_ = heapBytes_ - before + allocated(moved);
  if (wasLoose) loose_ = moved;
  if (moved->prev) moved->prev->next = moved;
  else head_ = moved;
  if (moved->next) moved->next->prev = moved;
  else tail_ = moved;
  return moved;
}

void ListValue::shrinkToFit(Node* node) {
  uint32_t used = node->used();
  if (node->capacity - used < 32) return;
  if (node->begin != 0) std::memmove(node->data(), node->data() + node->begin, used);
  node->begin = 0;
  node->end = used;
  Node* moved = resize(node, used);
  if (moved) moved->capacity = used;  // on failure, keeping the larger block is fine
}

void ListValue::maybeShrink(Node* node) {
  // Pops and trims leave slack behind; give it back once it is most of the block, so a list that
  // shrank does not keep its peak memory (halving steps keep this amortized O(1)).
  if (node->capacity > 4 * size_t{node->used()} + 64) shrinkToFit(node);
}

// ---- list-compress-depth ------------------------------------------------------------------------

bool ListValue::isInterior(const Node* node) const {
  if (compressDepth_ == 0 || nodes_ <= 2 * size_t{compressDepth_}) return false;
  const Node* fromHead = head_;
  const Node* fromTail = tail_;
  for (uint32_t i = 0; i < compressDepth_; ++i) {
    if (fromHead == node || fromTail == node) return false;
    fromHead = fromHead->next;
    fromTail = fromTail->prev;
  }
  return true;
}

ListValue::Node* ListValue::compress(Node* node) {
  size_t used = node->used();
  if (node->compressed() || used < kMinCompressBytes) return node;
  std::string packed(used - kMinCompressImprove, '\0');
  size_t n = lzfCompress(node->data() + node->begin, used, packed.data(), packed.size());
  if (n == 0) return node;  // saves too little: Redis keeps such a node raw too
  std::memcpy(node->data(), packed.data(), n);
  node->begin = 0;
  node->end = static_cast<uint32_t>(used);
  node->lzfBytes = static_cast<uint32_t>(n);
  Node* moved = resize(node, n);
  if (!moved) return node;  // keeping the larger block is fine
  moved->capacity = static_cast<uint32_t>(n);
  return moved;
}

ListValue::Node* ListValue::decompress(Node* node) {
  if (!node->compressed()) return node;
  size_t raw = node->end;
  std::string packed(node->data(), node->lzfBytes);
  Node* moved = resize(node, raw);
  if (!moved) throw std::bad_alloc();
  lzfDecompress(packed.data(), packed.size(), moved->data(), raw);
  moved->lzfBytes = 0;
  moved->begin = 0;
  moved->end = static_cast<uint32_t>(raw);
  moved->capacity = static_cast<uint32_t>(raw);
  return moved;
}

ListValue::Node* ListValue::editable(Node* node) {
  if (!node->compressed()) return node;
  // One node at a time stays decompressed for edits: the previous one is compressed first.
  if (loose_ != nullptr && isInterior(loose_)) compress(loose_);
  loose_ = nullptr;
  loose_ = decompress(node);
  return loose_;
}

void ListValue::fixEnds() {
  if (compressDepth_ == 0) return;
  // The `depth` nodes at each end are raw…
  Node* n = head_;
  for (uint32_t i = 0; n != nullptr && i < compressDepth_; ++i) n = decompress(n)->next;
  n = tail_;
  for (uint32_t i = 0; n != nullptr && i < compressDepth_; ++i) n = decompress(n)->prev;
  // …and the next one inwards on each side, which may just have left an end, is compressed.
  // (Deeper nodes kept their state: one node more or less near an end moves them by one place.)
  Node* fromHead = head_;
  Node* fromTail = tail_;
  for (uint32_t i = 0; fromHead != nullptr && i < compressDepth_; ++i) {
    fromHead = fromHead->next;
    fromTail = fromTail->prev;
  }
  if (fromHead != nullptr && isInterior(fromHead)) fromHead = compress(fromHead);
  if (fromTail != nullptr && fromTail != fromHead && isInterior(fromTail)) compress(fromTail);
}

void ListValue::settle() {
  if (compressDepth_ == 0) return;
  fixEnds();
  Node* edited = loose_;
  loose_ = nullptr;
  if (edited != nullptr && isInterior(edited)) compress(edited);
}

ListValue::Node* ListValue::reserve(Node* node, size_t bytes, bool front) {
  if (front ? node->begin >= bytes : node->capacity - node->end >= bytes) return node;
  size_t used = node->used();
  size_t need = used + bytes;
  size_t capacity = node->capacity;
  size_t newBegin;
  if (capacity >= need + need / 8 + 8) {
    // Enough slack overall, just on the wrong side: centre the entries.
    size_t slack = capacity - need;
    newBegin = front ? bytes + slack / 2 : slack / 2;
  } else {
    // Grow by a quarter so that a run of pushes costs amortized O(1) copying, but never past the
    // node size limit (a full node would carry the slack for its whole life).
    size_t grown = need + need / 4 + 16;
    size_t limit = nodeByteLimit();
    if (need <= limit && grown > limit) grown = limit;
    if (grown > UINT32_MAX - sizeof(Node)) throw std::bad_alloc();
    node = resize(node, grown);
    if (!node) throw std::bad_alloc();
    node->capacity = static_cast<uint32_t>(grown);
    newBegin = front ? grown - used : 0;
  }
  if (newBegin != node->begin) std::memmove(node->data() + newBegin, node->data() + node->begin, used);
  node->begin = static_cast<uint32_t>(newBegin);
  node->end = static_cast<uint32_t>(newBegin + used);
  return node;
}

void ListValue::pushBack(std::string_view element) {
  Encoded e = prepare(element);
  size_t total = e.total();
  Node* t = tail_;
  if (t && t->compressed()) t = decompress(t);
  bool newNodeAdded = false;
  if (!t || !allowInsert(t, total)) {
    if (t) shrinkToFit(t);
    t = newNode(total);
    linkAfter(t, tail_);
    newNodeAdded = true;
  }
  t = reserve(t, total, false);
  writeEntry(t->data() + t->end, e);
  t->end += static_cast<uint32_t>(total);
  ++t->count;
  ++count_;
  if (newNodeAdded) fixEnds();
}

void ListValue::pushFront(std::string_view element) {
  Encoded e = prepare(element);
  size_t total = e.total();
  Node* h = head_;
  if (h && h->compressed()) h = decompress(h);
  bool newNodeAdded = false;
  if (!h || !allowInsert(h, total)) {
    if (h) shrinkToFit(h);
    h = newNode(total);
    h->begin = h->end = static_cast<uint32_t>(total);
    linkAfter(h, nullptr);
    newNodeAdded = true;
  }
  h = reserve(h, total, true);
  h->begin -= static_cast<uint32_t>(total);
  writeEntry(h->data() + h->begin, e);
  ++h->count;
  ++count_;
  if (newNodeAdded) fixEnds();
}

bool ListValue::popFront(std::string& out) {
  Node* h = head_;
  if (!h) return false;
  if (h->compressed()) h = decompress(h);
  char scratch[24];
  const char* p = h->data() + h->begin;
  out.assign(readEntry(p, scratch));
  h->begin += static_cast<uint32_t>(entryTotal(p));
  --h->count;
  --count_;
  if (h->count == 0) {
    unlinkNode(h);
    fixEnds();
  } else {
    maybeShrink(h);
  }
  return true;
}

bool ListValue::popBack(std::string& out) {
  Node* t = tail_;
  if (!t) return false;
  if (t->compressed()) t = decompress(t);
  size_t bl;
  size_t l = readBacklen(t->data() + t->end, bl);
  const char* p = t->data() + t->end - bl - l;
  char scratch[24];
  out.assign(readEntry(p, scratch));
  t->end -= static_cast<uint32_t>(bl + l);
  --t->count;
  --count_;
  if (t->count == 0) {
    unlinkNode(t);
    fixEnds();
  } else {
    maybeShrink(t);
  }
  return true;
}

// ---- cursors -----------------------------------------------------------------------------------

const char* ListValue::Cursor::base() const { return node_->compressed() ? raw_.data() : node_->data(); }

void ListValue::Cursor::load() {
  if (node_ == nullptr || !node_->compressed()) return;
  raw_.resize(node_->end);
  lzfDecompress(node_->data(), node_->lzfBytes, raw_.data(), raw_.size());
}

std::string_view ListValue::Cursor::value() const { return readEntry(base() + offset_, scratch_); }

bool ListValue::Cursor::equals(std::string_view text) const { return value() == text; }

void ListValue::Cursor::next() {
  offset_ += static_cast<uint32_t>(entryTotal(base() + offset_));
  if (offset_ >= node_->end) {
    node_ = node_->next;
    offset_ = node_ ? node_->begin : 0;
    load();
  }
}

void ListValue::Cursor::prev() {
  if (offset_ == node_->begin) {
    node_ = node_->prev;
    if (!node_) {
      offset_ = 0;
      return;
    }
    offset_ = node_->end;
    load();
  }
  size_t bl;
  size_t l = readBacklen(base() + offset_, bl);
  offset_ -= static_cast<uint32_t>(bl + l);
}

ListValue::Cursor ListValue::begin() const {
  Cursor c;
  c.node_ = head_;
  c.offset_ = head_ ? head_->begin : 0;
  c.load();
  return c;
}

ListValue::Cursor ListValue::rbegin() const {
  Cursor c;
  if (!tail_) return c;
  c.node_ = tail_;
  c.load();
  c.offset_ = tail_->end;
  size_t bl;
  size_t l = readBacklen(c.base() + tail_->end, bl);
  c.offset_ -= static_cast<uint32_t>(bl + l);
  return c;
}

ListValue::Cursor ListValue::at(long long index) const {
  Cursor c;
  long long n = static_cast<long long>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return c;
  size_t i = static_cast<size_t>(index);
  Node* node;
  if (i < count_ / 2) {
    node = head_;
    while (i >= node->count) {
      i -= node->count;
      node = node->next;
    }
  } else {
    size_t fromTail = count_ - 1 - i;
    node = tail_;
    while (fromTail >= node->count) {
      fromTail -= node->count;
      node = node->prev;
    }
    i = node->count - 1 - fromTail;
  }
  c.node_ = node;
  c.load();
  const char* bytes = c.base();
  if (i < node->count / 2) {
    c.offset_ = node->begin;
    for (; i > 0; --i) c.offset_ += static_cast<uint32_t>(entryTotal(bytes + c.offset_));
  } else {
    c.offset_ = node->end;
    for (size_t back = node->count - i; back > 0; --back) {
      size_t bl;
      size_t l = readBacklen(bytes + c.offset_, bl);
      c.offset_ -= static_cast<uint32_t>(bl + l);
    }
  }
  return c;
}

// ---- edits in the middle -----------------------------------------------------------------------

void ListValue::erase(Cursor& it, bool forward) {
  // A compressed node becomes raw (offsets unchanged: both start at 0) until settle().
  Node* node = editable(it.node_);
  it.node_ = node;
  uint32_t o = it.offset_;
  --count_;
  if (node->count == 1) {
    Node* neighbour = forward ? node->next : node->prev;
    unlinkNode(node);
    it.node_ = neighbour;
    it.load();
    if (!neighbour) {
      it.offset_ = 0;
    } else if (forward) {
      it.offset_ = neighbour->begin;
    } else {
      it.offset_ = neighbour->end;
      size_t bl;
      size_t l = readBacklen(it.base() + it.offset_, bl);
      it.offset_ -= static_cast<uint32_t>(bl + l);
    }
    return;
  }
  uint32_t e = static_cast<uint32_t>(entryTotal(node->data() + o));
  uint32_t gap;  // where the following element now starts
  char* d = node->data();
  if (o - node->begin < node->end - (o + e)) {
    std::memmove(d + node->begin + e, d + node->begin, o - node->begin);
    node->begin += e;
    gap = o + e;
  } else {
    std::memmove(d + o, d + o + e, node->end - (o + e));
    node->end -= e;
    gap = o;
  }
  --node->count;
  if (forward) {
    if (gap >= node->end) {
      it.node_ = node->next;
      it.offset_ = it.node_ ? it.node_->begin : 0;
      it.load();
    } else {
      it.offset_ = gap;
    }
  } else {
    it.node_ = node;
    it.offset_ = gap;
    it.prev();
  }
}

void ListValue::replace(Cursor& it, std::string_view element) {
  Node* node = editable(it.node_);
  uint32_t o = it.offset_;
  uint32_t oldTotal = static_cast<uint32_t>(entryTotal(node->data() + o));
  Encoded e = prepare(element);
  size_t newTotal = e.total();
  if (newTotal > oldTotal) {
    uint32_t relative = o - node->begin;
    node = reserve(node, newTotal - oldTotal, false);
    o = node->begin + relative;
    char* d = node->data();
    std::memmove(d + o + newTotal, d + o + oldTotal, node->end - (o + oldTotal));
    node->end += static_cast<uint32_t>(newTotal - oldTotal);
  } else if (newTotal < oldTotal) {
    char* d = node->data();
    std::memmove(d + o + newTotal, d + o + oldTotal, node->end - (o + oldTotal));
    node->end -= static_cast<uint32_t>(oldTotal - newTotal);
  }
  writeEntry(node->data() + o, e);
  it.node_ = node;
  it.offset_ = o;
  settle();
}

ListValue::Node* ListValue::splitAt(Node* node, uint32_t offset) {
  uint32_t moved = 0;
  for (uint32_t p = offset; p < node->end; p += static_cast<uint32_t>(entryTotal(node->data() + p))) ++moved;
  uint32_t bytes = node->end - offset;
  Node* fresh = newNode(bytes);
  std::memcpy(fresh->data(), node->data() + offset, bytes);
  fresh->begin = 0;
  fresh->end = bytes;
  fresh->count = moved;
  node->end = offset;
  node->count -= moved;
  linkAfter(fresh, node);
  return fresh;
}

void ListValue::insert(const Cursor& it, std::string_view element, bool after) {
  Node* node = editable(it.node_);
  uint32_t o = it.offset_;
  if (after) o += static_cast<uint32_t>(entryTotal(node->data() + o));
  Encoded e = prepare(element);
  size_t total = e.total();
  ++count_;
  if (allowInsert(node, total)) {
    uint32_t relative = o - node->begin;
    // Open the gap on the cheaper side.
    if (relative < node->used() - relative) {
      node = reserve(node, total, true);
      o = node->begin + relative;
      char* d = node->data();
      std::memmove(d + node->begin - total, d + node->begin, relative);
      node->begin -= static_cast<uint32_t>(total);
      o -= static_cast<uint32_t>(total);
    } else {
      node = reserve(node, total, false);
      o = node->begin + relative;
      char* d = node->data();
      std::memmove(d + o + total, d + o, node->end - o);
      node->end += static_cast<uint32_t>(total);
    }
    writeEntry(node->data() + o, e);
    ++node->count;
    settle();
    return;
  }
  // New nodes made in the middle start raw: compressed by settleInserted when they are interior.
  auto settleInserted = [this](Node* fresh, Node* other) {
    if (compressDepth_ == 0) return;
    if (fresh != nullptr && fresh != loose_ && isInterior(fresh)) fresh = compress(fresh);
    if (other != nullptr && other != fresh && other != loose_ && isInterior(other)) compress(other);
    settle();
  };
  Node* target;
  if (o == node->end) {
    Node* fresh = nullptr;
    if (node->next && allowInsert(node->next, total)) {
      target = reserve(editable(node->next), total, true);
    } else {
      target = fresh = newNode(total);
      target->begin = target->end = static_cast<uint32_t>(total);
      linkAfter(target, node);
    }
    target->begin -= static_cast<uint32_t>(total);
    writeEntry(target->data() + target->begin, e);
    ++target->count;
    settleInserted(fresh, nullptr);
    return;
  }
  if (o == node->begin) {
    Node* fresh = nullptr;
    if (node->prev && allowInsert(node->prev, total)) {
      target = reserve(editable(node->prev), total, false);
    } else {
      target = fresh = newNode(total);
      linkAfter(target, node->prev);
    }
    writeEntry(target->data() + target->end, e);
    target->end += static_cast<uint32_t>(total);
    ++target->count;
    settleInserted(fresh, nullptr);
    return;
  }
  Node* second = splitAt(node, o);
  Node* fresh = nullptr;
  if (allowInsert(node, total)) {
    target = reserve(node, total, false);
    writeEntry(target->data() + target->end, e);
    target->end += static_cast<uint32_t>(total);
  } else if (allowInsert(second, total)) {
    target = second = reserve(second, total, true);
    target->begin -= static_cast<uint32_t>(total);
    writeEntry(target->data() + target->begin, e);
  } else {
    target = fresh = newNode(total);
    linkAfter(target, node);
    writeEntry(target->data(), e);
    target->end = static_cast<uint32_t>(total);
  }
  ++target->count;
  settleInserted(second, fresh);
}

void ListValue::removeFront(size_t n) {
  while (n > 0 && head_) {
    Node* h = head_;
    if (h->count <= n) {
      n -= h->count;
      count_ -= h->count;
      unlinkNode(h);
      continue;
    }
    if (h->compressed()) h = decompress(h);
    uint32_t p = h->begin;
    for (size_t i = 0; i < n; ++i) p += static_cast<uint32_t>(entryTotal(h->data() + p));
    h->begin = p;
    h->count -= static_cast<uint32_t>(n);
    count_ -= n;
    n = 0;
    maybeShrink(h);
  }
  fixEnds();
}

void ListValue::removeBack(size_t n) {
  while (n > 0 && tail_) {
    Node* t = tail_;
    if (t->count <= n) {
      n -= t->count;
      count_ -= t->count;
      unlinkNode(t);
      continue;
    }
    if (t->compressed()) t = decompress(t);
    uint32_t p = t->end;
    for (size_t i = 0; i < n; ++i) {
      size_t bl;
      size_t l = readBacklen(t->data() + p, bl);
      p -= static_cast<uint32_t>(bl + l);
    }
    t->end = p;
    t->count -= static_cast<uint32_t>(n);
    count_ -= n;
    n = 0;
    maybeShrink(t);
  }
  fixEnds();
}

}  // namespace rp
