// LZF compression in liblzf's stream format, as Redis uses it for RDB strings (rdbcompression).
//
// The compressed stream is a sequence of chunks, each starting with a control byte:
//   000LLLLL                       a literal run: the next L+1 bytes (1..32) are copied as they are;
//   LLLooooo oooooooo              a back-reference of L+2 bytes (L = 1..6, so 3..8 bytes),
//   111ooooo LLLLLLLL oooooooo     a back-reference of L+9 bytes (9..264);
// where the 13-bit o is the distance back minus one: the copy starts o+1 bytes before the current
// end of the output (1..8192) and may overlap what it produces (a run of one repeated byte).
// The format carries no lengths: the caller stores the compressed and original sizes (RDB does).
#pragma once

#include <cstddef>

namespace rp {

// Compresses `size` bytes into `out` (capacity `capacity`). Returns the compressed length, or 0
// when the result would not fit in `capacity` (callers pass size - 4 or so: a compressed form that
// does not save anything is not used) or the input is empty or larger than 4 GiB.
size_t lzfCompress(const void* in, size_t size, void* out, size_t capacity);

// Decompresses `size` bytes into `out` (capacity `capacity`). Returns the decompressed length, or
// 0 when the input is malformed: a chunk that runs past the input, output that would exceed
// `capacity`, or a back-reference to before the start of the output. Never reads or writes out of
// bounds.
size_t lzfDecompress(const void* in, size_t size, void* out, size_t capacity);

}  // namespace rp
