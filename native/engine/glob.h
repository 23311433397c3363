// Redis glob-style pattern matching (KEYS, SCAN MATCH, and later HSCAN/SSCAN/ZSCAN, PSUBSCRIBE):
// '*' any run, '?' one byte, '[abc]' / '[^abc]' / '[a-z]' classes, '\x' escapes. Bytes compare
// as signed chars, as in Redis. Backtracking is bounded: a failed '*' stops longer tries of earlier
// '*'s, and nesting deeper than 1000 levels does not match.
#pragma once

#include <string_view>

namespace rp {

bool globMatch(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace rp
