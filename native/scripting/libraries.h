// The libraries Redis 7.0 gives scripts besides Lua's own: cjson (lua-cjson, fetched with Lua),
// bit (LuaBitOp's API), cmsgpack (MessagePack) and struct (binary packing), the last three written
// here. Each opener leaves the library table on the stack, as luaopen_* functions do.
#pragma once

#include "scripting/lua_api.h"

extern "C" int luaopen_cjson(lua_State* L);

namespace rp::scripting {

int openBitLibrary(lua_State* L);
int openMessagePackLibrary(lua_State* L);
int openStructLibrary(lua_State* L);

}  // namespace rp::scripting
