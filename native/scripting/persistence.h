// What persistence needs from scripting: the code of every function library, which an AOF rewrite
// writes as FUNCTION LOAD commands (as Redis 7.0's rewriteFunctions does) and a snapshot saves and
// loads back (RDB_OPCODE_FUNCTION2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rp::scripting {

std::vector<std::string> functionLibraryCodes();
// Loads a library saved in a snapshot (its code); returns "" or why it failed (e.g. the name is
// taken, the code does not compile).
std::string loadFunctionLibrary(std::string_view code);

}  // namespace rp::scripting
