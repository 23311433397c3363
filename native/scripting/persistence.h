// What persistence needs from scripting: the code of every function library, which an AOF rewrite
// writes as FUNCTION LOAD commands (as Redis 7.0's rewriteFunctions does).
#pragma once

#include <string>
#include <vector>

namespace rp::scripting {

std::vector<std::string> functionLibraryCodes();

}  // namespace rp::scripting
