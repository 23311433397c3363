#include "engine/pool.h"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace rp {

namespace {
// 2^32 granules of 8 bytes: every reference fits in 32 bits.
constexpr size_t kRegionGranules = size_t{1} << 32;
// Pages are made writable 4 MB at a time (untouched pages still cost no memory).
constexpr size_t kCommitStepGranules = (size_t{4} << 20) / EntryPool::kGranule;
}  // namespace

EntryPool::~EntryPool() {
  if (base_) munmap(base_, reservedGranules_ * kGranule);
}

EntryPool::EntryPool(EntryPool&& other) noexcept { *this = std::move(other); }

EntryPool& EntryPool::operator=(EntryPool&& other) noexcept {
  if (this == &other) return *this;
  std::swap(base_, other.base_);
  std::swap(reservedGranules_, other.reservedGranules_);
  std::swap(committedGranules_, other.committedGranules_);
  std::swap(bump_, other.bump_);
  std::swap(inUse_, other.inUse_);
  std::swap(freeHeads_, other.freeHeads_);
  return *this;
}

void EntryPool::reserveRegion() {
  void* p = mmap(nullptr, kRegionGranules * kGranule, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  base_ = static_cast<char*>(p);
  reservedGranules_ = kRegionGranules;
  committedGranules_ = 0;
}

void EntryPool::commitUpTo(size_t granules) {
  if (granules <= committedGranules_) return;
  size_t target = (granules + kCommitStepGranules - 1) / kCommitStepGranules * kCommitStepGranules;
  if (target > reservedGranules_) target = reservedGranules_;
  if (granules > target) throw std::bad_alloc();
  if (mprotect(base_ + committedGranules_ * kGranule, (target - committedGranules_) * kGranule,
               PROT_READ | PROT_WRITE) != 0)
    throw std::bad_alloc();
  committedGranules_ = target;
}

uint32_t EntryPool::allocate(size_t bytes) {
  size_t granules = (bytes + kGranule - 1) / kGranule;
  if (granules == 0) granules = 1;
  uint32_t& head = freeHeads_[granules];
  if (head) {
    uint32_t ref = head;
    head = *reinterpret_cast<uint32_t*>(at(ref));
    inUse_ += granules * kGranule;
    return ref;
  }
  if (!base_) reserveRegion();
  if (bump_ + granules > reservedGranules_) throw std::bad_alloc();
  commitUpTo(bump_ + granules);
  uint32_t ref = static_cast<uint32_t>(bump_);
  bump_ += granules;
  inUse_ += granules * kGranule;
  return ref;
}

void EntryPool::release(uint32_t ref, size_t bytes) {
  size_t granules = (bytes + kGranule - 1) / kGranule;
  if (granules == 0) granules = 1;
  *reinterpret_cast<uint32_t*>(at(ref)) = freeHeads_[granules];
  freeHeads_[granules] = ref;
  inUse_ -= granules * kGranule;
}

void EntryPool::reset() {
  if (base_) munmap(base_, reservedGranules_ * kGranule);
  base_ = nullptr;
  reservedGranules_ = 0;
  committedGranules_ = 0;
  bump_ = 1;
  inUse_ = 0;
  freeHeads_.fill(0);
}

}  // namespace rp
