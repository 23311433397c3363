// HashTable: the key index of one database — chained buckets of 32-bit entry references with
// incremental rehashing and a rehash-safe SCAN. The essay on its layout is at the top of dict.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "engine/entry.h"
#include "engine/pool.h"

namespace rp {

// Seeded hash of a key (the seed is drawn at process start, so bucket positions cannot be
// predicted by clients).
uint64_t hashKey(std::string_view key);
// Fast engine-wide pseudo-random numbers (sampling, random keys, LFU), seeded at start-up.
uint64_t randomU64();

class HashTable {
 public:
  static constexpr size_t kInitialSize = 4;

  HashTable() = default;
  HashTable(HashTable&&) noexcept = default;
  HashTable& operator=(HashTable&&) noexcept = default;

  size_t size() const { return count_; }
  bool rehashing() const { return rehashIndex_ >= 0; }
  size_t bucketCount() const { return tables_[0].size + tables_[1].size; }
  size_t memoryUsage() const { return bucketCount() * sizeof(uint32_t); }
  // Entries still in the old table (0 when not rehashing).
  size_t rehashRemaining() const { return rehashing() ? used_[0] : 0; }

  // Where a key is: the link (bucket slot or predecessor's next field) that points at it.
  struct Position {
    uint32_t* link = nullptr;
    uint32_t ref = 0;
    uint8_t table = 0;
  };
  // Runs one rehash step first (as every Redis dict operation does), then searches.
  Position find(const EntryPool& pool, std::string_view key, uint64_t hash);
  // Searches without a rehash step.
  Position findNoStep(const EntryPool& pool, std::string_view key, uint64_t hash) const;
  // Cache hints for a coming lookup of `hash`: the bucket (stage 0), then the first entry of its
  // chain (stage 1, once the bucket line has had time to arrive). Changes nothing.
  void prefetch(const EntryPool& pool, uint64_t hash, int stage) const {
    const Table& table = tables_[rehashing() ? 1 : 0];
    if (table.size == 0) return;
    const uint32_t* slot = table.slots.get() + (hash & table.mask());
    if (stage == 0) {
      __builtin_prefetch(slot);
    } else if (uint32_t ref = *slot) {
      __builtin_prefetch(pool.at(ref));
    }
  }
  // The link of a known entry (for deletions driven by the expiry index).
  Position locate(const EntryPool& pool, uint32_t ref, uint64_t hash) const;
  // Adds an entry whose key is known to be absent. Grows (starting a rehash) when full.
  // Returns the position of the new entry.
  Position insert(const EntryPool& pool, uint32_t ref, uint64_t hash);
  // Unlinks the entry at pos (does not free it).
  void unlink(const EntryPool& pool, const Position& pos);
  // Redirects the link of an entry that moved to a new block (same key, same chain position).
  static void relink(const Position& pos, char* freshEntry, uint32_t freshRef, const EntryPool& pool);

  // Moves up to n non-empty buckets (visiting at most 10n empty ones). False when done.
  bool rehashSteps(const EntryPool& pool, size_t n);
  // Shrinks when under 10% full and grows when over full (Redis's htNeedsResize / expand rules).
  void resizeIfNeeded(const EntryPool& pool);

  // SCAN: calls fn(ref) for every entry in the buckets covered by `cursor`; returns the next cursor
  // (0 when the iteration is complete). Every key present for the whole iteration is returned at
  // least once, also when the table grows, shrinks or rehashes between calls.
  template <typename Fn>
  uint64_t scan(const EntryPool& pool, uint64_t cursor, Fn&& fn) const;
  // Calls fn(ref) for every entry (no mutation allowed inside).
  template <typename Fn>
  void forEach(const EntryPool& pool, Fn&& fn) const;
  // A random entry (0 when empty): random bucket, then a random element of its chain.
  uint32_t randomEntry(const EntryPool& pool) const;

  void clear();

 private:
  struct FreeDeleter {
    void operator()(uint32_t* p) const { std::free(p); }
  };
  struct Table {
    std::unique_ptr<uint32_t, FreeDeleter> slots;
    size_t size = 0;  // power of two, or 0
    size_t mask() const { return size - 1; }
  };
  void startResize(const EntryPool& pool, size_t minimum);
  void rehashStep(const EntryPool& pool) {
    if (rehashing()) rehashSteps(pool, 1);
  }
  template <typename Fn>
  static void walkChain(const EntryPool& pool, uint32_t ref, Fn& fn);

  Table tables_[2];
  size_t used_[2] = {0, 0};
  size_t count_ = 0;
  ptrdiff_t rehashIndex_ = -1;
};

inline uint64_t reverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

template <typename Fn>
void HashTable::walkChain(const EntryPool& pool, uint32_t ref, Fn& fn) {
  while (ref) {
    uint32_t next = entry::next(pool.at(ref));
    fn(ref);
    ref = next;
  }
}

template <typename Fn>
uint64_t HashTable::scan(const EntryPool& pool, uint64_t cursor, Fn&& fn) const {
  if (count_ == 0) return 0;
  uint64_t v = cursor;
  if (!rehashing()) {
    uint64_t m0 = tables_[0].mask();
    walkChain(pool, tables_[0].slots.get()[v & m0], fn);
    // Increment the reversed cursor: walks bucket indexes high bit first, so a table that grew or
    // shrank since the last call still has every not-yet-visited bucket ahead of the cursor.
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
  walkChain(pool, small->slots.get()[v & m0], fn);
  // Then every bucket of the larger table that is an expansion of this small-table bucket.
  do {
    walkChain(pool, large->slots.get()[v & m1], fn);
    v |= ~m1;
    v = reverseBits(v);
    ++v;
    v = reverseBits(v);
  } while (v & (m0 ^ m1));
  return v;
}

template <typename Fn>
void HashTable::forEach(const EntryPool& pool, Fn&& fn) const {
  for (const Table& t : tables_) {
    for (size_t i = 0; i < t.size; ++i) walkChain(pool, t.slots.get()[i], fn);
  }
}

}  // namespace rp
