// The set type (see set.h for the encodings).
#include "types/set.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <cstring>

#include "util/numbers.h"

namespace rp {

namespace {

int widthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

int64_t readInt(const char* data, int width, size_t i) {
  switch (width) {
    case 2: {
      int16_t v;
      std::memcpy(&v, data + i * 2, 2);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, data + i * 4, 4);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, data + i * 8, 8);
      return v;
    }
  }
}

void writeInt(char* data, int width, size_t i, int64_t v) {
  switch (width) {
    case 2: {
      auto x = static_cast<int16_t>(v);
      std::memcpy(data + i * 2, &x, 2);
      break;
    }
    case 4: {
      auto x = static_cast<int32_t>(v);
      std::memcpy(data + i * 4, &x, 4);
      break;
    }
    default:
      std::memcpy(data + i * 8, &v, 8);
  }
}

// What glibc's malloc really holds for a request of n bytes (objects allocated with operator new).
size_t mallocFootprint(size_t n) {
  size_t chunk = (n + 8 + 15) & ~static_cast<size_t>(15);
  if (chunk < 32) chunk = 32;
  return chunk - 8;
}

}  // namespace

std::string_view setIntText(int64_t v, char* buf) { return {buf, num::formatInt64(v, buf)}; }

SetValue::SetValue() = default;

SetValue::~SetValue() {
  if (isTable_)
    std::unique_ptr<Table> owner(table());
  else
    std::free(block_);
}

void SetValue::makeEmptyTable() {
  block_ = std::make_unique<Table>().release();
  isTable_ = true;
  count_ = 0;
}

std::unique_ptr<SetValue> SetValue::createFor(std::string_view firstMember) {
  auto set = std::make_unique<SetValue>();
  int64_t v;
  if (!num::isIntEncodable(firstMember, v)) set->makeEmptyTable();
  return set;
}

size_t SetValue::memoryUsage() const {
  size_t bytes = mallocFootprint(sizeof(SetValue));
  if (isTable_)
    bytes += mallocFootprint(sizeof(Table)) + table()->memoryUsage();
  else if (block_)
    bytes += malloc_usable_size(block_);
  return bytes;
}

std::unique_ptr<Value> SetValue::clone() const {
  auto copy = std::make_unique<SetValue>();
  if (isTable_) {
    copy->makeEmptyTable();
    Table* t = copy->table();
    t->reserve(table()->size());
    table()->forEach([t](Node& n) {
      Node* fresh = Node::create(n.key());
      if (!fresh || !t->insert(fresh)) {
        if (fresh) Node::destroy(fresh);
        throw std::bad_alloc();
      }
    });
  } else if (block_) {
    size_t bytes = count_ * static_cast<size_t>(width_);
    void* block = std::malloc(bytes);
    if (!block) throw std::bad_alloc();
    std::memcpy(block, block_, bytes);
    copy->block_ = block;
    copy->count_ = count_;
    copy->width_ = width_;
  }
  return copy;
}

int64_t SetValue::intAt(size_t i) const { return readInt(static_cast<const char*>(block_), width_, i); }

bool SetValue::intFind(int64_t v, size_t& pos) const {
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t x = intAt(mid);
    if (x == v) {
      pos = mid;
      return true;
    }
    if (x < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  pos = lo;
  return false;
}

void SetValue::intInsert(int64_t v, size_t pos) {
  size_t n = count_;
  int width = std::max<int>(n ? width_ : 2, widthFor(v));
  if (n > 0 && width != width_) {
    // Widen: a new block (the value goes to one end, since it is outside the old range).
    auto* block = static_cast<char*>(std::malloc((n + 1) * static_cast<size_t>(width)));
    if (!block) throw std::bad_alloc();
    size_t shift = v < 0 ? 1 : 0;
    for (size_t i = 0; i < n; ++i) writeInt(block, width, i + shift, intAt(i));
    writeInt(block, width, v < 0 ? 0 : n, v);
    std::free(block_);
    block_ = block;
    width_ = static_cast<uint8_t>(width);
    count_ = static_cast<uint32_t>(n + 1);
    return;
  }
  auto* block = static_cast<char*>(std::realloc(block_, (n + 1) * static_cast<size_t>(width)));
  if (!block) throw std::bad_alloc();
  block_ = block;
  width_ = static_cast<uint8_t>(width);
  std::memmove(block + (pos + 1) * width, block + pos * width, (n - pos) * width);
  writeInt(block, width, pos, v);
  count_ = static_cast<uint32_t>(n + 1);
}

void SetValue::intErase(size_t pos) {
  size_t n = count_;
  if (n == 1) {
    std::free(block_);
    block_ = nullptr;
    count_ = 0;
    return;
  }
  auto* data = static_cast<char*>(block_);
  std::memmove(data + pos * width_, data + (pos + 1) * width_, (n - pos - 1) * width_);
  count_ = static_cast<uint32_t>(n - 1);
  if (void* block = std::realloc(block_, (n - 1) * static_cast<size_t>(width_))) block_ = block;
}

void SetValue::convertToTable() {
  auto table = std::make_unique<Table>();
  size_t n = count_;
  table->reserve(n + 1);
  char buf[24];
  for (size_t i = 0; i < n; ++i) {
    Node* node = Node::create(setIntText(intAt(i), buf));
    if (!node || !table->insert(node)) {
      if (node) Node::destroy(node);
      throw std::bad_alloc();
    }
  }
  std::free(block_);
  block_ = table.release();
  isTable_ = true;
  count_ = 0;
}

size_t SetValue::size() const { return isTable_ ? table()->size() : count_; }

bool SetValue::contains(std::string_view member) const {
  if (isTable_) return table()->contains(member);
  int64_t v;
  size_t pos;
  return num::isIntEncodable(member, v) && intFind(v, pos);
}

std::string_view SetValue::randomMember(char* scratch) const {
  if (isTable_) return table()->randomNode()->key();
  return setIntText(intAt(randomU64() % intsetCount()), scratch);
}

bool SetValue::add(std::string_view member, long long maxIntsetEntries) {
  if (!isTable_) {
    int64_t v;
    if (num::isIntEncodable(member, v)) {
      size_t pos;
      if (intFind(v, pos)) return false;
      intInsert(v, pos);
      if (static_cast<long long>(intsetCount()) > maxIntsetEntries) convertToTable();
      return true;
    }
    convertToTable();
  }
  uint64_t hash = Table::hashOf(member);
  if (table()->find(member, hash)) return false;
  Node* node = Node::create(member);
  if (!node) throw std::bad_alloc();
  if (!table()->insert(node, hash)) {
    Node::destroy(node);
    throw std::bad_alloc();
  }
  return true;
}

bool SetValue::remove(std::string_view member) {
  if (isTable_) return table()->erase(member);
  int64_t v;
  size_t pos;
  if (!num::isIntEncodable(member, v) || !intFind(v, pos)) return false;
  intErase(pos);
  return true;
}

void SetValue::popRandom(std::string& out) {
  if (isTable_) {
    Node* node = table()->randomNode();
    out.assign(node->key());
    table()->erase(out);
    return;
  }
  size_t pos = randomU64() % count_;
  char buf[24];
  out.assign(setIntText(intAt(pos), buf));
  intErase(pos);
}

}  // namespace rp
