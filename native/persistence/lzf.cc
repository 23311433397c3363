// LZF encoder and decoder (the stream format is described in lzf.h).
//
// The encoder is a greedy single-pass matcher: a hash table maps the hash of the 3 bytes at a
// position to the last position with that hash; a candidate within the 8 KiB window whose 3 bytes
// really match is extended as far as it goes (up to 264 bytes) and emitted as a back-reference,
// otherwise the byte joins the current literal run. The table is sized to the input (small inputs,
// the common case for RDB values, clear only a small table) and lives on the stack, so the
// function allocates nothing and is safe on any thread.
#include "persistence/lzf.h"

#include <cstdint>
#include <cstring>

namespace rp {
namespace {

constexpr size_t kMaxLiteral = 32;      // bytes in one literal run
constexpr size_t kMaxOffset = 1 << 13;  // back-reference distance 1..8192
constexpr size_t kMaxMatch = 264;       // 2 + 7 + 255
constexpr int kMaxHashLog = 14;
constexpr int kMinHashLog = 6;

inline uint32_t hash3(const unsigned char* p, int hashLog) {
  uint32_t v = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
  return (v * 2654435761u) >> (32 - hashLog);
}

}  // namespace

size_t lzfCompress(const void* inData, size_t size, void* outData, size_t capacity) {
  if (size == 0 || size > UINT32_MAX - 1 || capacity == 0) return 0;
  const auto* in = static_cast<const unsigned char*>(inData);
  auto* out = static_cast<unsigned char*>(outData);

  int hashLog = kMinHashLog;
  while (hashLog < kMaxHashLog && (size_t{1} << hashLog) < size) ++hashLog;
  uint32_t table[size_t{1} << kMaxHashLog];  // position + 1 of the last occurrence; 0 = none
  std::memset(table, 0, sizeof(uint32_t) << hashLog);

  size_t ip = 0;
  size_t op = 0;
  // The control byte of the current literal run is reserved at `litAt` and filled in when the
  // run ends; `lit` bytes follow it so far.
  size_t litAt = op++;
  size_t lit = 0;

  auto closeLiteral = [&]() {
    if (lit > 0) out[litAt] = static_cast<unsigned char>(lit - 1);
    else --op;  // the reserved byte was not used
  };

  while (ip < size) {
    if (ip + 2 < size) {
      uint32_t h = hash3(in + ip, hashLog);
      size_t candidate = table[h];
      table[h] = static_cast<uint32_t>(ip + 1);
      if (candidate != 0) {
        size_t ref = candidate - 1;
        size_t distance = ip - ref;  // >= 1
        if (distance <= kMaxOffset && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
          size_t maxLen = size - ip < kMaxMatch ? size - ip : kMaxMatch;
          size_t len = 3;
          while (len < maxLen && in[ref + len] == in[ip + len]) ++len;
          closeLiteral();
          size_t l = len - 2;
          size_t off = distance - 1;
          // Back-reference: 2 or 3 bytes.
          if (op + (l < 7 ? 2 : 3) > capacity) return 0;
          if (l < 7) {
            out[op++] = static_cast<unsigned char>((l << 5) | (off >> 8));
          } else {
            out[op++] = static_cast<unsigned char>((7 << 5) | (off >> 8));
            out[op++] = static_cast<unsigned char>(l - 7);
          }
          out[op++] = static_cast<unsigned char>(off & 0xff);
          // Index the positions inside the match so later data can refer to them.
          size_t end = ip + len;
          for (size_t p = ip + 1; p + 2 < size && p < end; ++p) table[hash3(in + p, hashLog)] = static_cast<uint32_t>(p + 1);
          ip = end;
          litAt = op++;
          lit = 0;
          continue;
        }
      }
    }
    if (op + 1 > capacity) return 0;
    out[op++] = in[ip++];
    if (++lit == kMaxLiteral) {
      out[litAt] = static_cast<unsigned char>(kMaxLiteral - 1);
      litAt = op++;  // reserved only: written (after a checked literal byte) or dropped
      lit = 0;
    }
  }
  closeLiteral();
  return op;
}

size_t lzfDecompress(const void* inData, size_t size, void* outData, size_t capacity) {
  const auto* in = static_cast<const unsigned char*>(inData);
  auto* out = static_cast<unsigned char*>(outData);
  size_t ip = 0;
  size_t op = 0;
  while (ip < size) {
    unsigned ctrl = in[ip++];
    if (ctrl < 32) {
      size_t n = ctrl + 1;
      if (n > size - ip || n > capacity - op) return 0;
      std::memcpy(out + op, in + ip, n);
      ip += n;
      op += n;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip >= size) return 0;
      len += in[ip++];
    }
    len += 2;
    if (ip >= size) return 0;
    size_t distance = ((size_t{ctrl} & 0x1f) << 8) + in[ip++] + 1;
    if (distance > op || len > capacity - op) return 0;
    const unsigned char* ref = out + op - distance;
    unsigned char* dst = out + op;
    // Byte by byte: the source may overlap the bytes being produced.
    for (size_t i = 0; i < len; ++i) dst[i] = ref[i];
    op += len;
  }
  return op;
}

}  // namespace rp
