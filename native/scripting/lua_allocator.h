// The memory allocator of the Lua states.
//
// Lua allocates and frees a great many small blocks per script call (strings for every argument and
// reply, tables, closures, call frames). With glibc's malloc behind them, malloc/free and their
// fastbin consolidation took ~17% of the server's CPU in a BullMQ run (Redis links jemalloc, whose
// thread caches make the same churn cheap). Lua's allocator interface passes the old size of every
// block, so small blocks need no header: they come from per-size-class free lists (16-byte classes
// up to 512 bytes) carved out of 64 KB chunks; larger blocks go to malloc. The chunks are returned
// when the allocator is destroyed, right after its lua_State is closed (SCRIPT FLUSH, shutdown), so
// a flush gives the memory back.
#pragma once

#include <array>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <vector>

namespace rp::scripting {

class LuaAllocator {
 public:
  LuaAllocator() = default;
  LuaAllocator(const LuaAllocator&) = delete;
  LuaAllocator& operator=(const LuaAllocator&) = delete;

  // A lua_Alloc: `ud` is the LuaAllocator.
  static void* allocate(void* ud, void* ptr, size_t oldSize, size_t newSize);

  // Bytes held in chunks and in large blocks (what the state costs the process).
  size_t chunkBytes() const { return chunks_.size() * kChunkBytes; }

 private:
  static constexpr size_t kClassBytes = 16;
  static constexpr size_t kClasses = 32;  // 16 … 512 bytes
  static constexpr size_t kChunkBytes = 64 * 1024;

  // 0 for a block served by malloc, else the size class (1 … kClasses).
  static size_t classOf(size_t bytes) { return bytes == 0 || bytes > kClasses * kClassBytes ? 0 : (bytes + kClassBytes - 1) / kClassBytes; }

  void* take(size_t sizeClass);
  void give(void* block, size_t sizeClass);
  void* reallocate(void* ptr, size_t oldSize, size_t newSize);

  struct FreeChunk {
    void operator()(char* p) const { std::free(p); }
  };
  std::vector<std::unique_ptr<char, FreeChunk>> chunks_;
  char* bump_ = nullptr;  // next unused byte of the newest chunk
  char* bumpEnd_ = nullptr;
  std::array<void*, kClasses + 1> freeLists_{};  // each free block starts with the next one
};

}  // namespace rp::scripting
