// Table-driven reflected CRC-64 (Jones polynomial), eight bytes per step ("slicing by 8"): table
// k maps a byte to the CRC contribution of that byte followed by k zero bytes, so eight lookups
// fold in eight input bytes at once. The tables are built once, at static initialisation, so every
// thread only reads them.
#include "persistence/crc64.h"

#include <cstring>

namespace rp {
namespace {

// 0xad93d23594c935a9 with its 64 bits reversed (the reflected algorithm shifts right).
constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;

struct Tables {
  uint64_t t[8][256];
  Tables() {
    for (uint32_t b = 0; b < 256; ++b) {
      uint64_t crc = b;
      for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kReflectedPoly : crc >> 1;
      t[0][b] = crc;
    }
    for (int k = 1; k < 8; ++k)
      for (uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
};

const Tables kTables;

}  // namespace

uint64_t crc64(uint64_t crc, const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto& t = kTables.t;
  while (size >= 8) {
    // Little-endian load regardless of the host (the reflected CRC consumes the low byte first).
    uint64_t word = 0;
    for (int i = 7; i >= 0; --i) word = (word << 8) | p[i];
    crc ^= word;
    crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^ t[4][(crc >> 24) & 0xff] ^
          t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^ t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
    p += 8;
    size -= 8;
  }
  while (size-- > 0) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace rp
