#include "engine/keyspace.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "commands/context.h"  // parseLongLong
#include "engine/engine.h"
#include "engine/stats.h"  // CommandClock
#include "protocol/reply.h"    // formatInt64

namespace rp {

using entry::HeapBytes;

const char* typeName(ObjType type) {
  switch (type) {
    case ObjType::String: return "string";
    case ObjType::List: return "list";
    case ObjType::Set: return "set";
    case ObjType::ZSet: return "zset";
    case ObjType::Hash: return "hash";
    case ObjType::Stream: return "stream";
  }
  return "none";
}

const char* encodingName(StrEncoding encoding) {
  switch (encoding) {
    case StrEncoding::Int: return "int";
    case StrEncoding::Embstr: return "embstr";
    case StrEncoding::Raw: return "raw";
  }
  return "raw";
}

namespace entry {
HeapBytes* newHeapBytes(std::string_view content, size_t capacity) {
  if (capacity < content.size()) capacity = content.size();
  void* p = std::malloc(sizeof(HeapBytes) + capacity);
  if (!p) throw std::bad_alloc();
  auto* h = static_cast<HeapBytes*>(p);
  h->size = content.size();
  h->capacity = capacity;
  if (!content.empty()) std::memcpy(h->bytes(), content.data(), content.size());
  return h;
}
size_t heapBytesFootprint(const HeapBytes* h) { return malloc_usable_size(const_cast<HeapBytes*>(h)); }
}  // namespace entry

// ---------------------------------------------------------------------------------------------
// KeyRef

std::string_view KeyRef::stringView(IntText& scratch) const {
  const char* e = entry();
  uint32_t m = entry::meta(e);
  size_t off = entry::valueOffset(e, m);
  if (((m & entry::kEncMask) >> entry::kEncShift) == static_cast<uint32_t>(StrEncoding::Int)) {
    size_t n = formatInt64(scratch.bytes, entry::load<long long>(e + off));
    return {scratch.bytes, n};
  }
  if (m & entry::kValueOnHeap) {
    const HeapBytes* h = entry::load<const HeapBytes*>(e + off);
    return {h->bytes(), static_cast<size_t>(h->size)};
  }
  return {e + off, static_cast<uint8_t>(e[entry::kValLen])};
}

size_t KeyRef::stringLength() const {
  IntText scratch;
  return stringView(scratch).size();
}

bool KeyRef::stringToInt(long long& out) const {
  if (isIntEncoded()) {
    out = intValue();
    return true;
  }
  IntText scratch;
  return parseLongLong(stringView(scratch), out);
}

Value* KeyRef::object() const {
  const char* e = entry();
  uint32_t m = entry::meta(e);
  if (((m & entry::kTypeMask) >> entry::kTypeShift) == static_cast<uint32_t>(ObjType::String)) return nullptr;
  return entry::load<Value*>(e + entry::valueOffset(e, m));
}

// ---------------------------------------------------------------------------------------------
// Db

struct Db::Parts {
  std::string_view key;
  HeapBytes* heapKey = nullptr;  // an existing heap key to reuse (ownership moves to the new block)
  uint32_t meta = 0;             // LRU | type | encoding; the layout flags are computed
  bool hasExpire = false;
  long long when = 0;
  std::string_view inlineValue;  // inline bytes (8 bytes of int64 for int encoding)
  void* heapValue = nullptr;     // HeapBytes* (strings) or Value*
  bool valueOnHeap = false;
};

namespace {

size_t partsSize(std::string_view key, bool heapKey, bool hasExpire, bool valueOnHeap, size_t inlineValue) {
  bool keyOnHeap = heapKey || key.size() > entry::kMaxInlineKey;
  return entry::kHeader + (hasExpire ? entry::kExpireBytes : 0) + (keyOnHeap ? 8 : key.size()) +
         (valueOnHeap ? 8 : inlineValue);
}

StrEncoding chooseEncoding(std::string_view value, StrHint hint, long long& intValue) {
  if (hint == StrHint::Raw) return StrEncoding::Raw;
  if (hint == StrHint::Auto && value.size() <= 20 && parseLongLong(value, intValue)) return StrEncoding::Int;
  return value.size() <= 44 ? StrEncoding::Embstr : StrEncoding::Raw;
}

inline uint32_t makeMeta(uint32_t lru, ObjType type, StrEncoding enc) {
  return (lru & entry::kLruMask) | (static_cast<uint32_t>(type) << entry::kTypeShift) |
         (static_cast<uint32_t>(enc) << entry::kEncShift);
}

// Redis's sdsMakeRoomFor growth: double below 1 MB, then +1 MB.
size_t greedyCapacity(size_t needed) {
  constexpr size_t kMb = 1024 * 1024;
  return needed < kMb ? needed * 2 : needed + kMb;
}

}  // namespace

Db::Db(Engine& engine, int index) : engine_(&engine), index_(index) {}

Db::~Db() { walkHeapParts(true); }

uint32_t Db::writeEntry(const Parts& p) {
  bool keyOnHeap = p.heapKey != nullptr || p.key.size() > entry::kMaxInlineKey;
  size_t size = partsSize(p.key, p.heapKey != nullptr, p.hasExpire, p.valueOnHeap, p.inlineValue.size());
  uint32_t ref = allocateEntry(size);
  HeapBytes* heapKey = p.heapKey;
  if (keyOnHeap && !heapKey) {
    try {
      heapKey = entry::newHeapBytes(p.key, p.key.size());
    } catch (...) {
      pool_.release(ref, size);
      throw;
    }
    heapBytes_ += entry::heapBytesFootprint(heapKey);
    ++heapOwners_;
  }
  char* e = pool_.at(ref);
  uint32_t m = p.meta & (entry::kLruMask | entry::kTypeMask | entry::kEncMask);
  if (p.hasExpire) m |= entry::kHasExpire;
  if (p.valueOnHeap) m |= entry::kValueOnHeap;
  if (keyOnHeap) m |= entry::kKeyOnHeap;
  entry::setNext(e, 0);
  entry::setMeta(e, m);
  e[entry::kKeyLen] = static_cast<char>(keyOnHeap ? 0 : p.key.size());
  e[entry::kValLen] = static_cast<char>(p.valueOnHeap ? 0 : p.inlineValue.size());
  if (p.hasExpire) {
    entry::store<long long>(e + entry::kHeader, p.when);
    entry::setExpireSlot(e, 0);
  }
  char* k = e + entry::keyOffset(m);
  if (keyOnHeap) {
    entry::store<HeapBytes*>(k, heapKey);
    k += 8;
  } else {
    std::memcpy(k, p.key.data(), p.key.size());
    k += p.key.size();
  }
  if (p.valueOnHeap)
    entry::store<void*>(k, p.heapValue);
  else if (!p.inlineValue.empty())
    std::memmove(k, p.inlineValue.data(), p.inlineValue.size());
  return ref;
}

void Db::releaseValue(char* e, uint32_t m) {
  // Values this big are freed on the background thread: returning hundreds of MB of pages to the
  // kernel (or destroying a big collection) takes milliseconds the event loop should not wait.
  constexpr size_t kFreeInBackground = size_t{4} << 20;
  if (!(m & entry::kValueOnHeap)) return;
  void* ptr = entry::load<void*>(e + entry::valueOffset(e, m));
  if (((m & entry::kTypeMask) >> entry::kTypeShift) == static_cast<uint32_t>(ObjType::String)) {
    auto* h = static_cast<HeapBytes*>(ptr);
    size_t bytes = entry::heapBytesFootprint(h);
    heapBytes_ -= bytes;
    if (bytes >= kFreeInBackground)
      engine_->freer().submit([h] { entry::freeHeapBytes(h); });
    else
      entry::freeHeapBytes(h);
  } else {
    auto owned = std::make_shared<std::unique_ptr<Value>>(static_cast<Value*>(ptr));
    size_t bytes = (*owned)->memoryUsage();
    heapBytes_ -= bytes;
    if (bytes >= kFreeInBackground) engine_->freer().submit([owned] { owned->reset(); });
  }
  --heapOwners_;
}

size_t Db::memoryUsageOf(const KeyRef& ref) const {
  const char* e = ref.entry();
  uint32_t m = entry::meta(e);
  size_t granule = EntryPool::kGranule;
  size_t bytes = (entry::entrySize(e) + granule - 1) / granule * granule + sizeof(uint32_t);
  if (m & entry::kKeyOnHeap) bytes += entry::heapBytesFootprint(entry::load<const HeapBytes*>(e + entry::keyOffset(m)));
  if (m & entry::kValueOnHeap) {
    const void* value = entry::load<const void*>(e + entry::valueOffset(e, m));
    bytes += ref.isString() ? entry::heapBytesFootprint(static_cast<const HeapBytes*>(value))
                            : static_cast<const Value*>(value)->memoryUsage();
  }
  return bytes;
}

void Db::freeEntry(uint32_t ref, bool freeHeapParts) {
  char* e = pool_.at(ref);
  uint32_t m = entry::meta(e);
  size_t size = entry::entrySize(e);
  if (freeHeapParts) {
    releaseValue(e, m);
    if (m & entry::kKeyOnHeap) {
      auto* h = entry::load<HeapBytes*>(e + entry::keyOffset(m));
      heapBytes_ -= entry::heapBytesFootprint(h);
      --heapOwners_;
      entry::freeHeapBytes(h);
    }
  }
  pool_.release(ref, size);
}

void Db::expireIndexAdd(uint32_t ref) {
  entry::setExpireSlot(pool_.at(ref), static_cast<uint32_t>(expiring_.size()));
  expiring_.push_back(ref);
}

void Db::expireIndexRemove(uint32_t ref) {
  uint32_t slot = entry::expireSlot(pool_.at(ref));
  uint32_t last = expiring_.back();
  expiring_[slot] = last;
  entry::setExpireSlot(pool_.at(last), slot);
  expiring_.pop_back();
}

void Db::replaceBlock(KeyRef& ref, uint32_t fresh, bool oldHadExpire, bool newHasExpire) {
  char* old = pool_.at(ref.ref_);
  char* fe = pool_.at(fresh);
  size_t oldSize = entry::entrySize(old);
  HashTable::relink(HashTable::Position{ref.link_, ref.ref_, ref.table_}, fe, fresh, pool_);
  if (oldHadExpire && newHasExpire) {
    uint32_t slot = entry::expireSlot(old);
    entry::setExpireSlot(fe, slot);
    expiring_[slot] = fresh;
  } else if (oldHadExpire) {
    expireIndexRemove(ref.ref_);
  } else if (newHasExpire) {
    expireIndexAdd(fresh);
  }
  pool_.release(ref.ref_, oldSize);
  ref.ref_ = fresh;
}

KeyRef Db::insertNew(std::string_view key, uint64_t hash, const Parts& parts) {
  modified(key);
  // Redis's dbAdd: every key created (SET, RENAME/MOVE/COPY targets, first push...) is "new".
  engine_->notify(kNotifyNew, "new", index_, key);
  uint32_t ref = writeEntry(parts);
  HashTable::Position pos = keys_.insert(pool_, ref, hash);
  if (parts.hasExpire) expireIndexAdd(ref);
  KeyRef k;
  k.db_ = this;
  k.link_ = pos.link;
  k.ref_ = ref;
  k.table_ = pos.table;
  return k;
}

// Replaces the value (and expiry state) of an existing entry, keeping its key. The new value in
// `parts` must not refer to the entry's current heap value (which is released here).
void Db::rebuildValue(KeyRef& ref, Parts& parts) {
  modifiedRef(ref);
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  bool oldHadExpire = m & entry::kHasExpire;
  if (m & entry::kKeyOnHeap) {
    parts.heapKey = entry::load<HeapBytes*>(e + entry::keyOffset(m));
    parts.key = {parts.heapKey->bytes(), static_cast<size_t>(parts.heapKey->size)};
  } else {
    parts.key = {e + entry::keyOffset(m), static_cast<uint8_t>(e[entry::kKeyLen])};
  }
  size_t oldSize = entry::entrySize(e);
  size_t newSize = partsSize(parts.key, parts.heapKey != nullptr, parts.hasExpire, parts.valueOnHeap,
                             parts.inlineValue.size());
  if (oldHadExpire == parts.hasExpire && EntryPool::roundUp(oldSize) == EntryPool::roundUp(newSize)) {
    // Same block size: rewrite in place (the common SET-over-SET and INCR case).
    releaseValue(e, m);
    uint32_t nm = (parts.meta & (entry::kLruMask | entry::kTypeMask | entry::kEncMask)) |
                  (m & (entry::kHasExpire | entry::kKeyOnHeap)) | (parts.valueOnHeap ? entry::kValueOnHeap : 0);
    entry::setMeta(e, nm);
    e[entry::kValLen] = static_cast<char>(parts.valueOnHeap ? 0 : parts.inlineValue.size());
    if (parts.hasExpire) entry::store<long long>(e + entry::kHeader, parts.when);
    char* v = e + entry::valueOffset(e, nm);
    if (parts.valueOnHeap)
      entry::store<void*>(v, parts.heapValue);
    else if (!parts.inlineValue.empty())
      std::memmove(v, parts.inlineValue.data(), parts.inlineValue.size());
    return;
  }
  uint32_t fresh = writeEntry(parts);  // copies the key from the old block, still allocated
  releaseValue(pool_.at(ref.ref_), m);
  replaceBlock(ref, fresh, oldHadExpire, parts.hasExpire);
}

KeyRef Db::lookup(std::string_view key, unsigned flags) {
  uint64_t h = hashKey(key);
  HashTable::Position pos = keys_.find(pool_, key, h);
  if (pos.ref) captureIfPending(pos.ref);
  bool countStats = !(flags & (kLookupWrite | kLookupNoStats));
  // Redis's keymiss event: read lookups that find nothing (OBJECT opts out).
  const bool notifyMiss = !(flags & (kLookupWrite | kLookupNoNotify));
  if (!pos.ref) {
    if (countStats) ++engine_->stats().keyspaceMisses;
    if (notifyMiss) engine_->notify(kNotifyKeyMiss, "keymiss", index_, key);
    return {};
  }
  char* e = pool_.at(pos.ref);
  uint32_t m = entry::meta(e);
  // Nothing expires while an AOF is replayed (Redis's keyIsExpired): a later record may extend it.
  if ((m & entry::kHasExpire) && entry::load<long long>(e + entry::kHeader) < engine_->nowMs() && !engine_->loading()) {
    removeExpired(pos);
    ++engine_->stats().expiredKeys;
    if (countStats) ++engine_->stats().keyspaceMisses;
    if (notifyMiss) engine_->notify(kNotifyKeyMiss, "keymiss", index_, key);
    return {};
  }
  if (countStats) ++engine_->stats().keyspaceHits;
  if (!(flags & kLookupNoTouch) && engine_->touchAllowed())
    entry::setMeta(e, (m & ~entry::kLruMask) | engine_->accessedLruField(m & entry::kLruMask));
  KeyRef k;
  k.db_ = this;
  k.link_ = pos.link;
  k.ref_ = pos.ref;
  k.table_ = pos.table;
  return k;
}

bool Db::exists(std::string_view key) {
  HashTable::Position pos = keys_.findNoStep(pool_, key, hashKey(key));
  if (!pos.ref) return false;
  long long when = entry::expireAt(pool_.at(pos.ref));
  return when < 0 || when >= engine_->nowMs();
}

long long Db::peekExpire(std::string_view key) {
  HashTable::Position pos = keys_.findNoStep(pool_, key, hashKey(key));
  if (!pos.ref) return -2;
  return entry::expireAt(pool_.at(pos.ref));
}

void Db::modified(std::string_view key) {
  WatchTable& w = engine_->watches();
  if (w.watching()) w.modified(index_, key);
}

void Db::modifiedRef(const KeyRef& ref) {
  WatchTable& w = engine_->watches();
  if (w.watching()) w.modified(index_, ref.key());
}

KeyRef Db::setString(std::string_view key, std::string_view value, Ttl ttl, StrHint hint) {
  uint64_t h = hashKey(key);
  HashTable::Position pos = keys_.find(pool_, key, h);
  if (pos.ref) {
    captureIfPending(pos.ref);
    KeyRef k;
    k.db_ = this;
    k.link_ = pos.link;
    k.ref_ = pos.ref;
    k.table_ = pos.table;
    overwriteString(k, value, ttl, hint);
    return k;
  }
  long long iv = 0;
  StrEncoding enc = chooseEncoding(value, hint, iv);
  Parts p;
  p.key = key;
  p.meta = makeMeta(engine_->freshLruField(), ObjType::String, enc);
  if (enc == StrEncoding::Int) {
    p.inlineValue = {reinterpret_cast<const char*>(&iv), 8};
  } else if (value.size() <= entry::kMaxInlineValue) {
    p.inlineValue = value;
  } else {
    HeapBytes* hb = entry::newHeapBytes(value, value.size());
    heapBytes_ += entry::heapBytesFootprint(hb);
    ++heapOwners_;
    p.valueOnHeap = true;
    p.heapValue = hb;
  }
  return insertNew(key, h, p);
}

void Db::overwriteString(KeyRef& ref, std::string_view value, Ttl ttl, StrHint hint) {
  captureIfPending(ref.ref_);
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  long long iv = 0;
  StrEncoding enc = chooseEncoding(value, hint, iv);
  Parts p;
  uint32_t lru = engine_->lfuSelected() ? (m & entry::kLruMask) : engine_->freshLruField();
  p.meta = makeMeta(lru, ObjType::String, enc);
  p.hasExpire = ttl == Ttl::Keep && (m & entry::kHasExpire);
  if (p.hasExpire) p.when = entry::load<long long>(e + entry::kHeader);
  if (enc == StrEncoding::Int) {
    p.inlineValue = {reinterpret_cast<const char*>(&iv), 8};
  } else if (value.size() <= entry::kMaxInlineValue) {
    p.inlineValue = value;
  } else {
    HeapBytes* hb = entry::newHeapBytes(value, value.size());
    heapBytes_ += entry::heapBytesFootprint(hb);
    ++heapOwners_;
    p.valueOnHeap = true;
    p.heapValue = hb;
  }
  rebuildValue(ref, p);
}

KeyRef Db::setInteger(std::string_view key, long long value, Ttl ttl) {
  uint64_t h = hashKey(key);
  HashTable::Position pos = keys_.find(pool_, key, h);
  if (pos.ref) {
    captureIfPending(pos.ref);
    KeyRef k;
    k.db_ = this;
    k.link_ = pos.link;
    k.ref_ = pos.ref;
    k.table_ = pos.table;
    overwriteInteger(k, value, ttl);
    return k;
  }
  Parts p;
  p.key = key;
  p.meta = makeMeta(engine_->freshLruField(), ObjType::String, StrEncoding::Int);
  p.inlineValue = {reinterpret_cast<const char*>(&value), 8};
  return insertNew(key, h, p);
}

void Db::overwriteInteger(KeyRef& ref, long long value, Ttl ttl) {
  captureIfPending(ref.ref_);
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  bool keepsExpire = ttl == Ttl::Keep || !(m & entry::kHasExpire);
  if (keepsExpire && ((m & entry::kEncMask) >> entry::kEncShift) == static_cast<uint32_t>(StrEncoding::Int) &&
      ((m & entry::kTypeMask) >> entry::kTypeShift) == static_cast<uint32_t>(ObjType::String)) {
    // INCR fast path: the int64 is rewritten where it is.
    modifiedRef(ref);
    entry::store<long long>(e + entry::valueOffset(e, m), value);
    if (!engine_->lfuSelected()) entry::setMeta(e, (m & ~entry::kLruMask) | engine_->freshLruField());
    return;
  }
  Parts p;
  uint32_t lru = engine_->lfuSelected() ? (m & entry::kLruMask) : engine_->freshLruField();
  p.meta = makeMeta(lru, ObjType::String, StrEncoding::Int);
  p.hasExpire = ttl == Ttl::Keep && (m & entry::kHasExpire);
  if (p.hasExpire) p.when = entry::load<long long>(e + entry::kHeader);
  p.inlineValue = {reinterpret_cast<const char*>(&value), 8};
  rebuildValue(ref, p);
}

std::span<char> Db::stringForWrite(KeyRef& ref, size_t minLength) {
  captureIfPending(ref.ref_);
  modifiedRef(ref);
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  uint32_t rawMeta = (m & ~entry::kEncMask) | (static_cast<uint32_t>(StrEncoding::Raw) << entry::kEncShift);
  if (m & entry::kValueOnHeap) {
    char* slot = e + entry::valueOffset(e, m);
    auto* h = entry::load<HeapBytes*>(slot);
    size_t oldSize = h->size;
    if (minLength > h->capacity) {
      size_t before = entry::heapBytesFootprint(h);
      size_t capacity = greedyCapacity(minLength);
      void* grown = std::realloc(h, sizeof(HeapBytes) + capacity);
      if (!grown) throw std::bad_alloc();
      h = static_cast<HeapBytes*>(grown);
      h->capacity = capacity;
      heapBytes_ += entry::heapBytesFootprint(h) - before;
      entry::store<HeapBytes*>(slot, h);
    }
    if (minLength > oldSize) {
      std::memset(h->bytes() + oldSize, 0, minLength - oldSize);
      h->size = minLength;
    }
    entry::setMeta(e, rawMeta);
    return {h->bytes(), static_cast<size_t>(h->size)};
  }
  IntText scratch;
  std::string_view current = ref.stringView(scratch);
  size_t length = std::max(current.size(), minLength);
  bool hasExpire = m & entry::kHasExpire;
  Parts p;
  p.meta = rawMeta;
  p.hasExpire = hasExpire;
  if (hasExpire) p.when = entry::load<long long>(e + entry::kHeader);
  if (length <= entry::kMaxInlineValue) {
    // Stays inline: build the new bytes in a scratch buffer (the old ones may be in the block).
    char bytes[entry::kMaxInlineValue];
    std::memcpy(bytes, current.data(), current.size());
    std::memset(bytes + current.size(), 0, length - current.size());
    p.inlineValue = {bytes, length};
    rebuildValue(ref, p);
  } else {
    HeapBytes* hb = entry::newHeapBytes(current, greedyCapacity(length));
    std::memset(hb->bytes() + current.size(), 0, length - current.size());
    hb->size = length;
    heapBytes_ += entry::heapBytesFootprint(hb);
    ++heapOwners_;
    p.valueOnHeap = true;
    p.heapValue = hb;
    rebuildValue(ref, p);
  }
  char* ne = pool_.at(ref.ref_);
  uint32_t nm = entry::meta(ne);
  char* v = ne + entry::valueOffset(ne, nm);
  if (nm & entry::kValueOnHeap) {
    auto* h = entry::load<HeapBytes*>(v);
    return {h->bytes(), static_cast<size_t>(h->size)};
  }
  return {v, static_cast<size_t>(static_cast<uint8_t>(ne[entry::kValLen]))};
}

KeyRef Db::setObject(std::string_view key, std::unique_ptr<Value> value, Ttl ttl) {
  uint64_t h = hashKey(key);
  HashTable::Position pos = keys_.find(pool_, key, h);
  ObjType type = value->type();
  size_t bytes = value->memoryUsage();
  Parts p;
  p.valueOnHeap = true;
  if (pos.ref) {
    captureIfPending(pos.ref);
    KeyRef k;
    k.db_ = this;
    k.link_ = pos.link;
    k.ref_ = pos.ref;
    k.table_ = pos.table;
    char* e = pool_.at(pos.ref);
    uint32_t m = entry::meta(e);
    uint32_t lru = engine_->lfuSelected() ? (m & entry::kLruMask) : engine_->freshLruField();
    p.meta = makeMeta(lru, type, StrEncoding::Int);
    p.hasExpire = ttl == Ttl::Keep && (m & entry::kHasExpire);
    if (p.hasExpire) p.when = entry::load<long long>(e + entry::kHeader);
    p.heapValue = value.release();
    heapBytes_ += bytes;
    ++heapOwners_;
    rebuildValue(k, p);
    return k;
  }
  p.key = key;
  p.meta = makeMeta(engine_->freshLruField(), type, StrEncoding::Int);
  p.heapValue = value.release();
  heapBytes_ += bytes;
  ++heapOwners_;
  return insertNew(key, h, p);
}

void Db::objectResized(KeyRef& ref, size_t oldBytes, bool modifiesKey) {
  if (modifiesKey) modifiedRef(ref);
  Value* v = ref.object();
  if (v) heapBytes_ += v->memoryUsage() - oldBytes;
}

bool Db::remove(std::string_view key) {
  HashTable::Position pos = keys_.find(pool_, key, hashKey(key));
  if (!pos.ref) return false;
  captureIfPending(pos.ref);
  KeyRef k;
  k.db_ = this;
  k.link_ = pos.link;
  k.ref_ = pos.ref;
  k.table_ = pos.table;
  remove(k);
  return true;
}

void Db::remove(KeyRef& ref) {
  captureIfPending(ref.ref_);
  modifiedRef(ref);
  char* e = pool_.at(ref.ref_);
  if (entry::meta(e) & entry::kHasExpire) expireIndexRemove(ref.ref_);
  keys_.unlink(pool_, HashTable::Position{ref.link_, ref.ref_, ref.table_});
  freeEntry(ref.ref_, true);
  ref = KeyRef{};
}

void Db::setExpire(KeyRef& ref, long long whenMs) {
  captureIfPending(ref.ref_);
  modifiedRef(ref);
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  if (m & entry::kHasExpire) {
    entry::store<long long>(e + entry::kHeader, whenMs);
    return;
  }
  size_t oldSize = entry::entrySize(e);
  size_t tail = oldSize - entry::kHeader;  // key + value bytes, copied verbatim (pointers included)
  uint32_t fresh = allocateEntry(oldSize + entry::kExpireBytes);
  char* fe = pool_.at(fresh);
  e = pool_.at(ref.ref_);
  std::memcpy(fe, e, entry::kHeader);
  entry::setMeta(fe, m | entry::kHasExpire);
  entry::store<long long>(fe + entry::kHeader, whenMs);
  std::memcpy(fe + entry::kHeader + entry::kExpireBytes, e + entry::kHeader, tail);
  replaceBlock(ref, fresh, false, true);
}

bool Db::removeExpire(KeyRef& ref) {
  captureIfPending(ref.ref_);
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  if (!(m & entry::kHasExpire)) return false;
  modifiedRef(ref);
  size_t oldSize = entry::entrySize(e);
  size_t tail = oldSize - entry::kHeader - entry::kExpireBytes;
  uint32_t fresh = allocateEntry(oldSize - entry::kExpireBytes);
  char* fe = pool_.at(fresh);
  e = pool_.at(ref.ref_);
  std::memcpy(fe, e, entry::kHeader);
  entry::setMeta(fe, m & ~entry::kHasExpire);
  std::memcpy(fe + entry::kHeader, e + entry::kHeader + entry::kExpireBytes, tail);
  replaceBlock(ref, fresh, true, false);
  return true;
}

void Db::touch(KeyRef& ref) {
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  entry::setMeta(e, (m & ~entry::kLruMask) | engine_->accessedLruField(m & entry::kLruMask));
}

KeyRef Db::randomKey() {
  uint32_t ref = keys_.randomEntry(pool_);
  KeyRef k;
  if (!ref) return k;
  k.db_ = this;
  k.ref_ = ref;
  return k;
}

void Db::transfer(KeyRef& ref, Db& target, std::string_view newKey) {
  captureIfPending(ref.ref_);
  modifiedRef(ref);
  target.modified(newKey);
  engine_->notify(kNotifyNew, "new", target.index_, newKey);
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  Parts p;
  p.key = newKey;
  p.meta = m;
  p.hasExpire = m & entry::kHasExpire;
  if (p.hasExpire) p.when = entry::load<long long>(e + entry::kHeader);
  char* v = e + entry::valueOffset(e, m);
  size_t movedBytes = 0;
  if (m & entry::kValueOnHeap) {
    p.valueOnHeap = true;
    p.heapValue = entry::load<void*>(v);
    bool isString = ((m & entry::kTypeMask) >> entry::kTypeShift) == static_cast<uint32_t>(ObjType::String);
    movedBytes = isString ? entry::heapBytesFootprint(static_cast<HeapBytes*>(p.heapValue))
                          : static_cast<Value*>(p.heapValue)->memoryUsage();
  } else {
    p.inlineValue = {v, static_cast<uint8_t>(e[entry::kValLen])};
  }
  // The key may be a view into this very entry (RENAME k k is handled by the caller), so copy
  // it out before the old block is released.
  uint32_t fresh = target.writeEntry(p);
  if (m & entry::kValueOnHeap) {
    heapBytes_ -= movedBytes;
    --heapOwners_;
    target.heapBytes_ += movedBytes;
    ++target.heapOwners_;
  }
  // Unlink and free the source block (but not its moved value) before inserting, so that the
  // source link stays valid.
  if (m & entry::kHasExpire) expireIndexRemove(ref.ref_);
  keys_.unlink(pool_, HashTable::Position{ref.link_, ref.ref_, ref.table_});
  char* old = pool_.at(ref.ref_);
  if (m & entry::kKeyOnHeap) {
    auto* h = entry::load<HeapBytes*>(old + entry::keyOffset(m));
    heapBytes_ -= entry::heapBytesFootprint(h);
    --heapOwners_;
    entry::freeHeapBytes(h);
  }
  pool_.release(ref.ref_, entry::entrySize(old));
  ref = KeyRef{};
  target.keys_.insert(target.pool_, fresh, hashKey(newKey));
  if (p.hasExpire) target.expireIndexAdd(fresh);
}

void Db::copyTo(const KeyRef& ref, Db& target, std::string_view newKey) {
  target.modified(newKey);
  engine_->notify(kNotifyNew, "new", target.index_, newKey);
  char* e = pool_.at(ref.ref_);
  uint32_t m = entry::meta(e);
  Parts p;
  p.key = newKey;
  p.meta = (m & ~entry::kLruMask) | engine_->freshLruField();
  p.hasExpire = m & entry::kHasExpire;
  if (p.hasExpire) p.when = entry::load<long long>(e + entry::kHeader);
  char* v = e + entry::valueOffset(e, m);
  if (m & entry::kValueOnHeap) {
    p.valueOnHeap = true;
    bool isString = ((m & entry::kTypeMask) >> entry::kTypeShift) == static_cast<uint32_t>(ObjType::String);
    if (isString) {
      const auto* src = entry::load<const HeapBytes*>(v);
      HeapBytes* copy = entry::newHeapBytes({src->bytes(), static_cast<size_t>(src->size)}, src->size);
      target.heapBytes_ += entry::heapBytesFootprint(copy);
      p.heapValue = copy;
    } else {
      std::unique_ptr<Value> copy = entry::load<const Value*>(v)->clone();
      target.heapBytes_ += copy->memoryUsage();
      p.heapValue = copy.release();
    }
    ++target.heapOwners_;
  } else {
    p.inlineValue = {v, static_cast<uint8_t>(e[entry::kValLen])};
  }
  uint32_t fresh = target.writeEntry(p);
  target.keys_.insert(target.pool_, fresh, hashKey(newKey));
  if (p.hasExpire) target.expireIndexAdd(fresh);
}

void Db::walkHeapParts(bool release) {
  if (heapOwners_ == 0 || !release) return;
  keys_.forEach(pool_, [this](uint32_t ref) {
    char* e = pool_.at(ref);
    uint32_t m = entry::meta(e);
    releaseValue(e, m);
    if (m & entry::kKeyOnHeap) {
      auto* h = entry::load<HeapBytes*>(e + entry::keyOffset(m));
      heapBytes_ -= entry::heapBytesFootprint(h);
      --heapOwners_;
      entry::freeHeapBytes(h);
    }
  });
}

namespace {
// A flushed database's memory, destroyed on the background thread.
struct DetachedDb {
  EntryPool pool;
  HashTable keys;
  std::vector<uint32_t> expiring;
  bool hasHeapParts = false;

  ~DetachedDb() {
    if (!hasHeapParts) return;
    keys.forEach(pool, [this](uint32_t ref) {
      char* e = pool.at(ref);
      uint32_t m = entry::meta(e);
      if (m & entry::kValueOnHeap) {
        void* ptr = entry::load<void*>(e + entry::valueOffset(e, m));
        if (((m & entry::kTypeMask) >> entry::kTypeShift) == static_cast<uint32_t>(ObjType::String))
          entry::freeHeapBytes(static_cast<HeapBytes*>(ptr));
        else
          std::unique_ptr<Value> owned(static_cast<Value*>(ptr));
      }
      if (m & entry::kKeyOnHeap) entry::freeHeapBytes(entry::load<HeapBytes*>(e + entry::keyOffset(m)));
    });
  }
};
}  // namespace

void Db::clear(bool async) {
  if (marks_) {
    // A running snapshot still needs what is here: it gets the rest now (FLUSHDB/FLUSHALL during
    // BGSAVE or BGREWRITEAOF), and nothing the emptied database holds later. Every entry, not just
    // those ahead of the cursor: large values met by a slice may have been deferred.
    keys_.forEach(pool_, [this](uint32_t ref) { captureIfPending(ref); });
    marks_->scanned = true;
    marks_->limit = 0;
    marks_->captured.reset();
  }
  engine_->watches().touchAllInDb(index_, -1);
  // Small databases are cheaper to free inline than to hand over.
  constexpr size_t kAsyncThreshold = 64;
  if (async && keys_.size() > kAsyncThreshold) {
    auto detached = std::make_shared<DetachedDb>();
    detached->pool = std::move(pool_);
    detached->keys = std::move(keys_);
    detached->expiring = std::move(expiring_);
    detached->hasHeapParts = heapOwners_ > 0;
    pool_ = EntryPool{};
    keys_ = HashTable{};
    expiring_ = {};
    engine_->freer().submit([detached]() mutable { detached.reset(); });
  } else {
    walkHeapParts(true);
    keys_.clear();
    expiring_ = {};
    pool_.reset();
  }
  heapBytes_ = 0;
  heapOwners_ = 0;
  expireCursor_ = 0;
}

void Db::swapContents(Db& other) {
  if (SnapshotMarks* marks = marks_ ? marks_.get() : other.marks_.get()) marks->observer->settle();
  std::swap(pool_, other.pool_);
  std::swap(keys_, other.keys_);
  std::swap(expiring_, other.expiring_);
  std::swap(expireCursor_, other.expireCursor_);
  std::swap(heapBytes_, other.heapBytes_);
  std::swap(heapOwners_, other.heapOwners_);
  std::swap(marks_, other.marks_);  // the marks name entries of the pool they came with
}

uint32_t Db::allocateEntry(size_t bytes) {
  uint32_t ref = pool_.allocate(bytes);
  if (marks_) marks_->mark(ref);  // created after the snapshot began: not part of it
  return ref;
}

void Db::beginSnapshot(SnapshotObserver& observer) {
  marks_ = std::make_unique<SnapshotMarks>();
  marks_->observer = &observer;
  marks_->dbAtStart = index_;
  marks_->limit = static_cast<uint32_t>(pool_.referenceLimit());
  marks_->captured.reset(static_cast<uint64_t*>(std::calloc((pool_.referenceLimit() + 63) / 64, sizeof(uint64_t))));
  if (!marks_->captured) throw std::bad_alloc();
  marks_->scanned = keys_.size() == 0;
}

void Db::capture(uint32_t ref) {
  if (marks_->observer->capture(*this, marks_->dbAtStart, ref)) marks_->mark(ref);
}

KeyRef Db::refAt(uint32_t ref) {
  KeyRef k;
  k.db_ = this;
  k.ref_ = ref;
  return k;
}

bool Db::snapshotStep(uint64_t deadlineNs) {
  if (!marks_ || marks_->scanned) return true;
  SnapshotMarks& marks = *marks_;
  for (unsigned steps = 0;; ++steps) {
    // Reading the clock every 16 bucket groups keeps its cost out of the profile; a group is a
    // few entries, well under a microsecond each.
    if ((steps & 15) == 15 && CommandClock::nowNanos() >= deadlineNs) return false;
    marks.cursor = keys_.scan(pool_, marks.cursor, [this, &marks](uint32_t ref) {
      if (marks.pending(ref)) capture(ref);
    });
    if (marks.cursor == 0) {
      marks.scanned = true;
      return true;
    }
  }
}

void Db::deleteExpired(uint32_t ref) {
  captureIfPending(ref);
  char* e = pool_.at(ref);
  HashTable::Position pos = keys_.locate(pool_, ref, hashKey(entry::key(e)));
  if (!pos.ref) return;  // cannot happen: every indexed entry is in the table
  removeExpired(pos);
}

// Redis's deleteExpiredKeyAndPropagate: delete, "expired" event, signal WATCH/tracking, log DEL.
void Db::removeExpired(HashTable::Position pos) {
  char* e = pool_.at(pos.ref);
  engine_->propagateExpired(index_, entry::key(e));
  std::string key;
  const bool watching = engine_->watches().watching();
  const bool notifying = engine_->events().wants(kNotifyExpired);
  if (watching || notifying) key = entry::key(e);
  keys_.unlink(pool_, pos);
  expireIndexRemove(pos.ref);
  freeEntry(pos.ref, true);
  if (notifying) engine_->notify(kNotifyExpired, "expired", index_, key);
  if (watching) engine_->watches().expired(index_, key);
}

std::pair<size_t, size_t> Db::activeExpireRound(size_t samples, long long nowMs) {
  size_t sampled = 0, expired = 0;
  while (sampled < samples && !expiring_.empty()) {
    if (expireCursor_ >= expiring_.size()) expireCursor_ = 0;
    uint32_t ref = expiring_[expireCursor_];
    ++sampled;
    if (entry::load<long long>(pool_.at(ref) + entry::kHeader) < nowMs) {
      // The last slot moves into this one: examine it next without advancing.
      deleteExpired(ref);
      ++expired;
    } else {
      ++expireCursor_;
    }
  }
  return {sampled, expired};
}

bool Db::rehashFor(int64_t micros) {
  if (!keys_.rehashing()) return false;
  int64_t deadline = Engine::monotonicMicros() + micros;
  while (keys_.rehashSteps(pool_, 100)) {
    if (Engine::monotonicMicros() >= deadline) return true;
  }
  return false;
}

size_t Db::memoryUsage() const {
  return pool_.bytesInUse() + keys_.memoryUsage() + expiring_.capacity() * sizeof(uint32_t) + heapBytes_;
}

long long Db::averageTtl(long long nowMs) const {
  if (expiring_.empty()) return 0;
  // Like Redis's avg_ttl this is an estimate: the mean over up to 64 keys with a TTL.
  size_t n = std::min<size_t>(expiring_.size(), 64);
  size_t step = expiring_.size() / n;
  long long sum = 0;
  size_t counted = 0;
  for (size_t i = 0; i < n; ++i) {
    long long when = entry::load<long long>(pool_.at(expiring_[i * step]) + entry::kHeader);
    if (when > nowMs) {
      sum += when - nowMs;
      ++counted;
    }
  }
  return counted ? sum / static_cast<long long>(counted) : 0;
}

}  // namespace rp
