// The keyspace hash table.
//
// Layout. A database's keys are indexed by a chained hash table whose buckets are 32-bit
// references into the database's EntryPool (see pool.h), not pointers. Each entry starts with a
// 32-bit `next` field, so a chain is a singly linked list threaded through the entries themselves;
// the table proper is just an array of 2^n references (4 bytes per bucket, allocated with calloc
// so that a big, still-empty array costs no memory until it is touched). There is no separate
// "dictEntry" object between the bucket and the key/value as in Redis's dict.c: the key and (for
// small values) the value live in the same pool block as the link. At load factor 1 this is about
// 4 bytes of index per key plus the entry itself, against Redis's 8-byte bucket + 24-byte
// dictEntry + separate key and value objects.
//
// Hashing. Keys are hashed with a seeded multiply-fold hash of our own (hashKey below): 16 bytes
// per round are mixed by a 64x64->128 bit multiplication whose halves are folded together, and the
// seed is drawn from the OS at start-up, so clients cannot aim many keys at one bucket without
// knowing it. The bucket index is the low bits of the hash.
//
// Growth and incremental rehashing. Like Redis, the table grows when the number of keys reaches
// the number of buckets (load factor 1) to the next power of two above the key count, and shrinks
// (from the cron) when it is less than 10% full. Resizing never moves all keys at once: a second
// array is allocated and `rehashIndex_` walks the old one; every lookup/insert/delete first moves
// one bucket (visiting at most ten empty ones), and the cron moves more buckets for up to a
// millisecond per call. While rehashing, lookups search both arrays and inserts go to the new one,
// so the old one only drains. The pause any single operation sees is bounded by a few buckets,
// whatever the table size; the only O(n)-sized step is calloc of the new array, which the kernel
// satisfies lazily with zero pages.
//
// SCAN. The cursor is a bucket index whose bits are incremented from the most significant end
// (reverse the bits, add one, reverse back). Growing a 2^n table to 2^(n+k) splits bucket b into
// the buckets whose low n bits are b, and shrinking merges them; in reverse-binary order all of
// those buckets are adjacent, so a cursor handed out for one table size stays a correct resume
// point for any other size: buckets already visited are never ahead of it, and none not yet visited
// is behind it. While two tables exist, a step visits the cursor's bucket in the smaller table and
// every bucket of the larger table that expands it. So a full iteration returns every key that was
// present during the whole iteration (possibly some twice), exactly Redis's guarantee.
#include "engine/dict.h"

#include <random>
#include <utility>

namespace rp {

namespace {

struct Seeds {
  uint64_t a;
  uint64_t b;
  uint64_t rng;
};

Seeds drawSeeds() {
  std::random_device rd;
  auto draw = [&rd] { return (static_cast<uint64_t>(rd()) << 32) ^ rd(); };
  return Seeds{draw() | 1, draw(), draw() | 1};
}

Seeds& seeds() {
  static Seeds s = drawSeeds();
  return s;
}

inline uint64_t fold(uint64_t a, uint64_t b) {
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t read64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t read32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Key comparison without a libc call for the usual short keys.
inline bool sameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return (read64(a) == read64(b)) & (read64(a + n - 8) == read64(b + n - 8));
  }
  if (n >= 4) return (read32(a) == read32(b)) & (read32(a + n - 4) == read32(b + n - 4));
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

constexpr uint64_t kOddA = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kOddB = 0xD6E8FEB86659FD93ULL;
constexpr uint64_t kOddC = 0xA0761D6478BD642FULL;

}  // namespace

uint64_t hashKey(std::string_view key) {
  const Seeds& s = seeds();
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = s.a ^ (n * kOddA);
  while (n > 16) {
    h = fold(read64(p) ^ s.b, read64(p + 8) ^ h ^ kOddB);
    p += 16;
    n -= 16;
  }
  uint64_t x = 0, y = 0;
  if (n >= 8) {
    x = read64(p);
    y = read64(p + n - 8);
  } else if (n >= 4) {
    x = read32(p);
    y = read32(p + n - 4);
  } else if (n > 0) {
    x = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[n >> 1])) << 8) | static_cast<uint8_t>(p[n - 1]);
  }
  h = fold(x ^ s.b ^ kOddC, y ^ h);
  return fold(h ^ kOddA, s.a ^ kOddB);
}

uint64_t randomU64() {
  // xorshift64*: fast, good enough for sampling and random keys; seeded at start-up.
  uint64_t& x = seeds().rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  return x * 0x2545F4914F6CDD1DULL;
}

HashTable::Position HashTable::find(const EntryPool& pool, std::string_view key, uint64_t hash) {
  rehashStep(pool);
  return findNoStep(pool, key, hash);
}

HashTable::Position HashTable::findNoStep(const EntryPool& pool, std::string_view key, uint64_t hash) const {
  int tables = rehashing() ? 2 : 1;
  for (int t = 0; t < tables; ++t) {
    const Table& table = tables_[t];
    if (table.size == 0) continue;
    uint32_t* link = table.slots.get() + (hash & table.mask());
    while (uint32_t ref = *link) {
      char* e = pool.at(ref);
      uint32_t m = entry::meta(e);
      if (!(m & entry::kKeyOnHeap)) {
        size_t len = static_cast<uint8_t>(e[entry::kKeyLen]);
        if (len == key.size() && sameBytes(e + entry::keyOffset(m), key.data(), len))
          return {link, ref, static_cast<uint8_t>(t)};
      } else if (entry::key(e) == key) {
        return {link, ref, static_cast<uint8_t>(t)};
      }
      link = reinterpret_cast<uint32_t*>(e + entry::kNext);
    }
  }
  return {};
}

HashTable::Position HashTable::locate(const EntryPool& pool, uint32_t target, uint64_t hash) const {
  int tables = rehashing() ? 2 : 1;
  for (int t = 0; t < tables; ++t) {
    const Table& table = tables_[t];
    if (table.size == 0) continue;
    uint32_t* link = table.slots.get() + (hash & table.mask());
    while (uint32_t ref = *link) {
      if (ref == target) return {link, ref, static_cast<uint8_t>(t)};
      link = reinterpret_cast<uint32_t*>(pool.at(ref) + entry::kNext);
    }
  }
  return {};
}

HashTable::Position HashTable::insert(const EntryPool& pool, uint32_t ref, uint64_t hash) {
  if (!rehashing()) {
    if (tables_[0].size == 0)
      startResize(pool, kInitialSize);
    else if (count_ >= tables_[0].size)
      startResize(pool, count_ + 1);
  }
  int t = rehashing() ? 1 : 0;
  Table& table = tables_[t];
  uint32_t* slot = table.slots.get() + (hash & table.mask());
  entry::setNext(pool.at(ref), *slot);
  *slot = ref;
  ++used_[t];
  ++count_;
  return {slot, ref, static_cast<uint8_t>(t)};
}

void HashTable::unlink(const EntryPool& pool, const Position& pos) {
  *pos.link = entry::next(pool.at(pos.ref));
  --used_[pos.table];
  --count_;
}

void HashTable::relink(const Position& pos, char* freshEntry, uint32_t freshRef, const EntryPool& pool) {
  entry::setNext(freshEntry, entry::next(pool.at(pos.ref)));
  *pos.link = freshRef;
}

void HashTable::startResize(const EntryPool& pool, size_t minimum) {
  size_t size = kInitialSize;
  while (size < minimum) size <<= 1;
  if (size == tables_[0].size) return;
  auto* slots = static_cast<uint32_t*>(std::calloc(size, sizeof(uint32_t)));
  if (!slots) return;  // keep the current table: chains get longer but nothing breaks
  if (tables_[0].size == 0 || count_ == 0) {
    tables_[0].slots.reset(slots);
    tables_[0].size = size;
    return;
  }
  tables_[1].slots.reset(slots);
  tables_[1].size = size;
  rehashIndex_ = 0;
  (void)pool;
}

bool HashTable::rehashSteps(const EntryPool& pool, size_t n) {
  if (!rehashing()) return false;
  size_t emptyVisits = n * 10;
  Table& from = tables_[0];
  Table& to = tables_[1];
  uint32_t* src = from.slots.get();
  uint32_t* dst = to.slots.get();
  size_t mask = to.mask();
  while (n-- && used_[0] != 0) {
    while (src[rehashIndex_] == 0) {
      ++rehashIndex_;
      if (--emptyVisits == 0) return true;
    }
    uint32_t ref = src[rehashIndex_];
    while (ref) {
      char* e = pool.at(ref);
      uint32_t next = entry::next(e);
      uint32_t* slot = dst + (hashKey(entry::key(e)) & mask);
      entry::setNext(e, *slot);
      *slot = ref;
      --used_[0];
      ++used_[1];
      ref = next;
    }
    src[rehashIndex_] = 0;
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

void HashTable::resizeIfNeeded(const EntryPool& pool) {
  if (rehashing()) return;
  size_t size = tables_[0].size;
  if (size > kInitialSize && count_ * 10 < size) startResize(pool, count_ < kInitialSize ? kInitialSize : count_);
}

uint32_t HashTable::randomEntry(const EntryPool& pool) const {
  if (count_ == 0) return 0;
  uint32_t head = 0;
  for (int attempt = 0; attempt < 4096 && head == 0; ++attempt) {
    if (rehashing()) {
      size_t start = static_cast<size_t>(rehashIndex_);
      size_t span = tables_[0].size + tables_[1].size - start;
      size_t i = start + randomU64() % span;
      head = i < tables_[0].size ? tables_[0].slots.get()[i] : tables_[1].slots.get()[i - tables_[0].size];
    } else {
      head = tables_[0].slots.get()[randomU64() & tables_[0].mask()];
    }
  }
  if (head == 0) {
    // A sparse table (not shrunk yet): walk from a random bucket to the first non-empty one.
    for (int t = 0; t < 2 && head == 0; ++t) {
      const Table& table = tables_[t];
      if (table.size == 0) continue;
      size_t start = randomU64() & table.mask();
      for (size_t k = 0; k < table.size && head == 0; ++k) head = table.slots.get()[(start + k) & table.mask()];
    }
  }
  size_t length = 0;
  for (uint32_t r = head; r; r = entry::next(pool.at(r))) ++length;
  size_t pick = randomU64() % length;
  uint32_t r = head;
  while (pick--) r = entry::next(pool.at(r));
  return r;
}

void HashTable::clear() {
  tables_[0] = Table{};
  tables_[1] = Table{};
  used_[0] = used_[1] = 0;
  count_ = 0;
  rehashIndex_ = -1;
}

}  // namespace rp
