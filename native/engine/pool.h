// EntryPool: the allocator for keyspace entries of one database.
//
// Why not malloc: a small key/value pair ("key:123", "value:123") is ~30 bytes of data; malloc adds
// a header and rounds to 16, and a 64-bit pointer per chain link and per index slot adds more. The
// pool hands out blocks in 8-byte size classes with no per-block header, from one contiguous
// virtual region, so an entry is named by a 32-bit reference (its offset / 8): 4 bytes per chain
// link and bucket instead of 8, and up to 32 GB of entries per database.
//
// The region is reserved (PROT_NONE, no commit charge) and made writable in steps as the bump
// pointer advances; pages never touched cost nothing. Freed blocks go to a per-class free list
// (the next reference is stored in the block itself). When the database empties, reset() returns
// every page to the kernel. Single-threaded: only the JS thread touches a live pool; a detached
// pool may be destroyed on the background thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace rp {

class EntryPool {
 public:
  static constexpr size_t kGranule = 8;
  static constexpr size_t kMaxBlock = 544;  // larger entries keep their key/value on the heap
  static constexpr size_t kClasses = kMaxBlock / kGranule + 1;

  EntryPool() = default;
  ~EntryPool();
  EntryPool(const EntryPool&) = delete;
  EntryPool& operator=(const EntryPool&) = delete;
  EntryPool(EntryPool&& other) noexcept;
  EntryPool& operator=(EntryPool&& other) noexcept;

  static size_t roundUp(size_t bytes) { return (bytes + kGranule - 1) & ~(kGranule - 1); }

  // A block of at least `bytes` (<= kMaxBlock); never returns 0. Throws std::bad_alloc when full.
  uint32_t allocate(size_t bytes);
  void release(uint32_t ref, size_t bytes);
  char* at(uint32_t ref) const { return base_ + (static_cast<size_t>(ref) << 3); }

  // Bytes in live blocks (class-rounded): what the allocator hands out, like jemalloc's allocated.
  size_t bytesInUse() const { return inUse_; }
  // Bytes of the region touched so far (live + free-listed), an upper bound on resident memory.
  size_t bytesTouched() const { return bump_ << 3; }
  // Every reference handed out so far is below this.
  size_t referenceLimit() const { return bump_; }
  // Drops every block and gives the pages back to the kernel (the database is empty).
  void reset();

 private:
  void reserveRegion();
  void commitUpTo(size_t granules);

  char* base_ = nullptr;
  size_t reservedGranules_ = 0;
  size_t committedGranules_ = 0;
  size_t bump_ = 1;  // granule 0 is never handed out: reference 0 means "none"
  size_t inUse_ = 0;
  std::array<uint32_t, kClasses> freeHeads_{};
};

}  // namespace rp
