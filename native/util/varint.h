// LEB128 varints: the length prefixes of the compact (listpack-like) encodings of hashes and
// sorted sets. One byte below 128, which covers every element under the default limits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rp::varint {

inline size_t size(size_t n) {
  size_t bytes = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++bytes;
  }
  return bytes;
}

// Writes n at p; returns the bytes written.
inline size_t write(char* p, size_t n) {
  size_t i = 0;
  while (n >= 0x80) {
    p[i++] = static_cast<char>((n & 0x7F) | 0x80);
    n >>= 7;
  }
  p[i++] = static_cast<char>(n);
  return i;
}

// Reads a varint at p into n; returns the bytes read.
inline size_t read(const char* p, size_t& n) {
  n = 0;
  size_t i = 0;
  unsigned shift = 0;
  for (;;) {
    uint8_t b = static_cast<uint8_t>(p[i++]);
    n |= static_cast<size_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return i;
    shift += 7;
  }
}

}  // namespace rp::varint
