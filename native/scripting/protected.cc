// pcall and the coroutine functions as scripts see them.
//
// Lua's own, but for two things. pcall is Redis 7.0's (luaRedisPcall): an error table with a
// string `err` comes back as that string. And the run's coroutine stands for the main thread that
// Redis runs scripts in: coroutine.running() answers nil there, and coroutine.yield refuses to
// yield it, with Lua's text for a yield across a C call (Redis calls the script with lua_pcall).
// A suspension past busy-reply-threshold needs nothing from them: the run is suspended by leaving
// its stack (run_stack.h), wherever it is.
#include "scripting/script_engine.h"

namespace rp::scripting {
namespace {

int scriptPcall(lua_State* L) {
  const int argc = lua_gettop(L);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) lua_replace(L, -2);
      else lua_pop(L, 1);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

bool isRunThread(lua_State* L) { return L == ScriptEngine::instance().runningThread(); }

int coroutineRunning(lua_State* L) {
  if (isRunThread(L) || lua_pushthread(L) == 1) lua_pushnil(L);
  return 1;
}

int coroutineYield(lua_State* L) {
  if (isRunThread(L)) {
    lua_pushstring(L, "attempt to yield across metamethod/C-call boundary");  // no position, as Lua's own
    return lua_error(L);
  }
  return lua_yield(L, lua_gettop(L));
}

}  // namespace

void openProtectedCalls(lua_State* L) {
  lua_pushcfunction(L, scriptPcall);
  lua_setglobal(L, "pcall");
  lua_getglobal(L, "coroutine");
  lua_pushcfunction(L, coroutineRunning);
  lua_setfield(L, -2, "running");
  lua_pushcfunction(L, coroutineYield);
  lua_setfield(L, -2, "yield");
  lua_pop(L, 1);
}

}  // namespace rp::scripting
