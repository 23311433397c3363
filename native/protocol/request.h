// Framing of RESP requests in C++ for the native read path (net/client_io.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rp {

// Frames the complete commands at the start of data[0, length) — multibulk ("*N\r\n$L\r\n<L
// bytes>\r\n"...) and plain inline lines ("PING\r\n") — into execute()'s frame layout: per
// command argc, then (offset, length) per argument; `starts` gets each command's first byte. Stops
// at the first command that is incomplete or not in the plain form (quoted inline arguments, "*0",
// leading zeros, a missing CRLF, anything malformed): from there the TypeScript parser takes over,
// which also produces Redis's protocol errors. Returns the bytes framed.
size_t frameCommands(const char* data, size_t length, std::vector<int32_t>& frames, std::vector<uint32_t>& starts);

}  // namespace rp
