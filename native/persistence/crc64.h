// CRC-64 as Redis computes it for RDB files and DUMP payloads: the Jones polynomial
// 0xad93d23594c935a9, reflected input and output, initial value 0 and no final XOR (Redis calls
// crc64(0, data, len)). Check value: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rp {

// Continues a CRC over `size` more bytes (start with crc = 0). Chunked calls give the same result
// as one call over the concatenation.
uint64_t crc64(uint64_t crc, const void* data, size_t size);

}  // namespace rp
