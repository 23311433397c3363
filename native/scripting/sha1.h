// SHA-1 as Redis uses it for scripts: EVAL names a script by the hex digest of its body, and
// redis.sha1hex exposes the same function to Lua.
#pragma once

#include <string>
#include <string_view>

namespace rp::scripting {

// 40 lowercase hex digits of SHA-1(data).
std::string sha1Hex(std::string_view data);

}  // namespace rp::scripting
