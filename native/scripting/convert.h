// Conversions between RESP replies and Lua values, with Redis 7.0's rules (script_lua.c):
// command replies become Lua values for redis.call/pcall, a script's return value becomes the
// reply to its caller.
#pragma once

#include <string_view>

#include "protocol/reply.h"
#include "scripting/lua_api.h"

namespace rp::scripting {

// Pushes the Lua value of the RESP reply starting at p (one value; attributes are skipped) and
// returns where the next reply starts. Replies come from our own writers; a malformed one pushes
// nil and returns end.
const char* pushReply(lua_State* L, const char* p, const char* end);

// Pushes {err = "<CODE> <message>"} from "-CODE message", "-message" (code ERR) or "message"
// (code ERR), as redis.pcall and redis.error_reply present errors.
void pushErrorTable(lua_State* L, std::string_view text);

// Writes the value on top of the stack as the reply to the caller and pops it. scriptResp is the
// version the script chose with redis.setresp (booleans depend on it), `out` writes at the
// caller's version.
void replyFromLua(lua_State* L, ReplyWriter& out, int scriptResp);

}  // namespace rp::scripting
