// The Lua allocator (see lua_allocator.h for why it exists).
#include "scripting/lua_allocator.h"

#include <algorithm>
#include <cstring>

namespace rp::scripting {

void* LuaAllocator::take(size_t sizeClass) {
  if (void* block = freeLists_[sizeClass]) {
    std::memcpy(&freeLists_[sizeClass], block, sizeof(void*));
    return block;
  }
  size_t bytes = sizeClass * kClassBytes;
  if (static_cast<size_t>(bumpEnd_ - bump_) < bytes) {
    // The tail of the old chunk (under 512 bytes) goes to the free list that fits it.
    if (size_t rest = static_cast<size_t>(bumpEnd_ - bump_); rest >= kClassBytes) give(bump_, rest / kClassBytes);
    char* chunk = static_cast<char*>(std::malloc(kChunkBytes));
    if (chunk == nullptr) return nullptr;
    chunks_.emplace_back(chunk);
    bump_ = chunk;
    bumpEnd_ = chunk + kChunkBytes;
  }
  void* block = bump_;
  bump_ += bytes;
  return block;
}

void LuaAllocator::give(void* block, size_t sizeClass) {
  std::memcpy(block, &freeLists_[sizeClass], sizeof(void*));
  freeLists_[sizeClass] = block;
}

void* LuaAllocator::reallocate(void* ptr, size_t oldSize, size_t newSize) {
  size_t oldClass = ptr == nullptr ? 0 : classOf(oldSize);
  size_t newClass = classOf(newSize);
  if (newSize == 0) {
    if (ptr != nullptr) oldClass ? give(ptr, oldClass) : std::free(ptr);
    return nullptr;
  }
  if (ptr == nullptr) return newClass ? take(newClass) : std::malloc(newSize);
  if (oldClass == newClass) return oldClass ? ptr : std::realloc(ptr, newSize);
  // Between a class and malloc, or between two classes: move the block.
  void* fresh = newClass ? take(newClass) : std::malloc(newSize);
  if (fresh == nullptr) return nullptr;  // Lua keeps the old block and raises a memory error
  std::memcpy(fresh, ptr, std::min(oldSize, newSize));
  oldClass ? give(ptr, oldClass) : std::free(ptr);
  return fresh;
}

void* LuaAllocator::allocate(void* ud, void* ptr, size_t oldSize, size_t newSize) {
  return static_cast<LuaAllocator*>(ud)->reallocate(ptr, oldSize, newSize);
}

}  // namespace rp::scripting
