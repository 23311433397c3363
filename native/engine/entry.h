// Byte layout of one keyspace entry inside an EntryPool block. Only keyspace code includes this.
//
//   offset 0   u32 next        chain link: reference of the next entry in the bucket, 0 = end
//   offset 4   u32 meta        bits 0-23  LRU clock (seconds) or LFU (minutes << 8 | counter)
//                              bits 24-26 ObjType
//                              bits 27-28 StrEncoding (strings)
//                              bit  29    has expiry
//                              bit  30    value on the heap (big string: HeapBytes*, other: Value*)
//                              bit  31    key on the heap (HeapBytes*)
//   offset 8   u8  keyLen      inline key length (0 when the key is on the heap)
//   offset 9   u8  valLen      inline value length (8 for int-encoded, 0 when on the heap)
//   offset 10  [i64 expireAt, u32 expiry index slot]          only when bit 29 is set
//   then       key bytes, or an 8-byte HeapBytes*
//   then       value bytes / int64, or an 8-byte pointer
//
// Fields are read with memcpy: blocks are 8-byte aligned but fields after the 10-byte header are not.
// "key:123456" -> "value:123456" takes 10 + 10 + 12 = 32 bytes, one pool block and no other memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>

namespace rp::entry {

constexpr size_t kNext = 0;
constexpr size_t kMeta = 4;
constexpr size_t kKeyLen = 8;
constexpr size_t kValLen = 9;
constexpr size_t kHeader = 10;
constexpr size_t kExpireBytes = 12;
constexpr size_t kMaxInlineKey = 255;
constexpr size_t kMaxInlineValue = 255;

constexpr uint32_t kLruMask = 0xFFFFFFu;
constexpr int kTypeShift = 24;
constexpr uint32_t kTypeMask = 7u << kTypeShift;
constexpr int kEncShift = 27;
constexpr uint32_t kEncMask = 3u << kEncShift;
constexpr uint32_t kHasExpire = 1u << 29;
constexpr uint32_t kValueOnHeap = 1u << 30;
constexpr uint32_t kKeyOnHeap = 1u << 31;

template <typename T>
inline T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
inline void store(char* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

// A heap block for big strings and big keys: [size][capacity][bytes...].
struct HeapBytes {
  uint64_t size;
  uint64_t capacity;
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
};
// malloc'd HeapBytes with room for `capacity` bytes; throws std::bad_alloc.
HeapBytes* newHeapBytes(std::string_view content, size_t capacity);
inline void freeHeapBytes(HeapBytes* h) { std::free(h); }
size_t heapBytesFootprint(const HeapBytes* h);  // what malloc holds for it

inline uint32_t next(const char* e) { return load<uint32_t>(e + kNext); }
inline void setNext(char* e, uint32_t n) { store<uint32_t>(e + kNext, n); }
inline uint32_t meta(const char* e) { return load<uint32_t>(e + kMeta); }
inline void setMeta(char* e, uint32_t m) { store<uint32_t>(e + kMeta, m); }

inline size_t keyOffset(uint32_t m) { return kHeader + ((m & kHasExpire) ? kExpireBytes : 0); }
inline size_t valueOffset(const char* e, uint32_t m) {
  return keyOffset(m) + ((m & kKeyOnHeap) ? sizeof(void*) : static_cast<uint8_t>(e[kKeyLen]));
}
inline size_t entrySize(const char* e) {
  uint32_t m = meta(e);
  return valueOffset(e, m) + ((m & kValueOnHeap) ? sizeof(void*) : static_cast<uint8_t>(e[kValLen]));
}

inline std::string_view key(const char* e) {
  uint32_t m = meta(e);
  size_t off = keyOffset(m);
  if (m & kKeyOnHeap) {
    const HeapBytes* h = load<const HeapBytes*>(e + off);
    return {h->bytes(), static_cast<size_t>(h->size)};
  }
  return {e + off, static_cast<uint8_t>(e[kKeyLen])};
}

inline long long expireAt(const char* e) {
  return (meta(e) & kHasExpire) ? load<long long>(e + kHeader) : -1;
}
inline uint32_t expireSlot(const char* e) { return load<uint32_t>(e + kHeader + 8); }
inline void setExpireSlot(char* e, uint32_t slot) { store<uint32_t>(e + kHeader + 8, slot); }

}  // namespace rp::entry
