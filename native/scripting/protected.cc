// pcall and xpcall for scripts, written so that a long script can be suspended inside them.
//
// The server suspends a script past busy-reply-threshold by yielding, from the count hook, the
// coroutine it runs in. Lua 5.1 cannot yield across a C call, and its pcall is one: a script that
// loops inside pcall would hold the server, with no BUSY replies and no SCRIPT KILL. So pcall and
// xpcall of a Lua function run it in a coroutine of its own (reused from a small pool), a "level".
// The hook may yield the innermost level's coroutine; lua_resume then returns into the pcall, a C
// function, which yields the thread it was called in (C functions may yield, by returning
// lua_yield) when that thread is the enclosing level's or the run's: the suspension travels
// outward to the server. On resume, the engine resumes the innermost coroutine; when it ends, its
// pcall's results are passed to lua_resume of the enclosing thread, where they become the results
// of the yielded pcall. A pcall called where its thread cannot yield (inside a coroutine of the
// script's own, or under another C call) resumes its coroutine at once instead.
//
// Results and errors are Lua's, with Redis 7.0's one change to pcall (an error table with a
// string `err` comes back as that string, luaRedisPcall); error positions are those of the raising
// code; xpcall's handler runs on the failed coroutine, whose frames Lua keeps, so it sees the error
// where it was raised; the C-call depth carries over from coroutine to coroutine, so deep pcall
// recursion ends with "C stack overflow" at Lua's depth. A C function (redis.call, error, ...)
// cannot be suspended anyway: it is called with lua_pcall, as Lua's pcall does. After SCRIPT KILL
// the kill error is caught like any error, and raised again at the script's next line (the kill
// hook, as Redis does), so a pcall cannot swallow it.
#include "scripting/script_engine.h"

extern "C" {
#include <lstate.h>
}

namespace rp::scripting {
namespace {

// Enough for the pcall nesting real scripts use; deeper levels get coroutines that are dropped.
constexpr size_t kIdleThreads = 16;

// Redis 7.0's pcall: an error table (from redis.call, or error({err=...})) becomes its message.
void errorTableToMessage(lua_State* L) {
  if (!lua_istable(L, -1)) return;
  lua_getfield(L, -1, "err");
  if (lua_isstring(L, -1)) lua_replace(L, -2);
  else lua_pop(L, 1);
}

bool isLuaFunction(lua_State* L, int index) { return lua_type(L, index) == LUA_TFUNCTION && !lua_iscfunction(L, index); }

// Lua's pcall would fail entering its call this deep: the same error, at the same depth.
bool tooDeep(lua_State* L) { return L->nCcalls + 1 >= LUAI_MAXCCALLS; }

// (false, error) on top of L, from the error on top, with xpcall's handler (at L's index 2) called
// on `from`, where the error was raised. Returns 2.
int failWith(lua_State* L, lua_State* from, bool withHandler) {
  if (withHandler) {
    lua_pushvalue(L, 2);
    lua_xmove(L, from, 1);
    lua_insert(from, -2);
    if (lua_pcall(from, 1, 1, 0) != 0) {
      lua_pop(from, 1);
      lua_pushliteral(from, "error in error handling");
    }
    lua_xmove(from, L, 1);
  } else {
    errorTableToMessage(L);
  }
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  return 2;
}

// Lua's pcall with Redis's change, for C functions and for values that are not functions (whose
// "attempt to call" error it reports).
int pcallDirect(lua_State* L) {
  const int argc = lua_gettop(L);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(L, 1);
    errorTableToMessage(L);
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

int scriptPcall(lua_State* L) {
  if (!isLuaFunction(L, 1)) return pcallDirect(L);
  if (tooDeep(L)) {
    lua_pushliteral(L, "C stack overflow");
    return failWith(L, L, false);
  }
  return ScriptEngine::instance().protectedCall(L, false);
}

int scriptXpcall(lua_State* L) {
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  if (!isLuaFunction(L, 1)) {
    // Lua's own xpcall.
    lua_insert(L, 1);
    const int status = lua_pcall(L, 0, LUA_MULTRET, 1);
    lua_pushboolean(L, status == 0);
    lua_replace(L, 1);
    return lua_gettop(L);
  }
  if (tooDeep(L)) {
    // Lua's xpcall runs the handler past the depth it refused the call at.
    lua_pushliteral(L, "C stack overflow");
    ++L->nCcalls;
    failWith(L, L, true);
    --L->nCcalls;
    return 2;
  }
  return ScriptEngine::instance().protectedCall(L, true);
}

// coroutine.running: the script's coroutine, nil in the run's (Redis runs scripts in the main
// thread), never one of ours.
int coroutineRunning(lua_State* L) {
  ScriptEngine& engine = ScriptEngine::instance();
  lua_State* co = engine.scriptThread(L);
  if (co == engine.runningThread()) {
    lua_pushnil(L);
    return 1;
  }
  const bool mainThread = lua_pushthread(co) == 1;
  lua_xmove(co, L, 1);
  if (mainThread) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  return 1;
}

// Lua's coroutine.status, with the script's coroutine (scriptThread) "running".
int coroutineStatus(lua_State* L) {
  lua_State* co = lua_tothread(L, 1);
  luaL_argcheck(L, co, 1, "coroutine expected");
  if (co == ScriptEngine::instance().scriptThread(L)) {
    lua_pushliteral(L, "running");
  } else if (lua_status(co) == LUA_YIELD) {
    lua_pushliteral(L, "suspended");
  } else if (lua_status(co) != 0) {
    lua_pushliteral(L, "dead");
  } else {
    lua_Debug frame;
    if (lua_getstack(co, 0, &frame) > 0) lua_pushliteral(L, "normal");
    else if (lua_gettop(co) == 0) lua_pushliteral(L, "dead");
    else lua_pushliteral(L, "suspended");
  }
  return 1;
}

// coroutine.resume: Lua's (upvalue 1), refusing the script's own coroutine as Lua does.
int coroutineResume(lua_State* L) {
  lua_State* co = lua_tothread(L, 1);
  luaL_argcheck(L, co, 1, "coroutine expected");
  if (co == ScriptEngine::instance().scriptThread(L)) {
    lua_pushboolean(L, 0);
    lua_pushliteral(L, "cannot resume running coroutine");
    return 2;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

}  // namespace

int ScriptEngine::protectedCall(lua_State* L, bool withHandler) {
  ProtectedLevel level{nullptr, LUA_NOREF, L, withHandler};
  std::vector<std::pair<lua_State*, int>>& idle = vmOf(L).idleThreads;
  if (!idle.empty()) {
    std::tie(level.thread, level.ref) = idle.back();
    idle.pop_back();
  } else {
    level.thread = lua_newthread(L);
    level.ref = luaL_ref(L, LUA_REGISTRYINDEX);
    setBusyHook(level.thread);
  }
  lua_State* co = level.thread;
  // The function and its arguments (pcall), or just the function (xpcall: its handler stays).
  int moved = withHandler ? 1 : lua_gettop(L);
  if (withHandler) lua_pushvalue(L, 1);
  lua_xmove(L, co, moved);
  protectedLevels_.push_back(level);
  const int depth = static_cast<int>(protectedLevels_.size()) - 1;
  co->nCcalls = L->nCcalls;
  int status = lua_resume(co, moved - 1);
  while (status == LUA_YIELD) {
    if (L == levelThread(depth - 1) && canYield(L)) {
      // Suspended: this pcall yields too; resumeLevels() brings its results.
      if (withHandler) {
        lua_pushvalue(L, 2);
        protectedLevels_[static_cast<size_t>(depth)].handlerRef = luaL_ref(L, LUA_REGISTRYINDEX);
      }
      return lua_yield(L, 0);
    }
    // Called where no yield can pass (a coroutine of the script's own, a C call): go on at once.
    status = resumeLevels(depth);
  }
  if (withHandler) {
    // Where finishProtected expects it.
    lua_pushvalue(L, 2);
    protectedLevels_.back().handlerRef = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  return finishProtected(L, status);
}

int ScriptEngine::resumeLevels(int depth) {
  int results = 0;
  for (;;) {
    const int innermost = static_cast<int>(protectedLevels_.size()) - 1;
    const int status = lua_resume(levelThread(innermost), results);
    if (status == LUA_YIELD || innermost == depth) return status;
    results = finishProtected(levelThread(innermost - 1), status);
  }
}

int ScriptEngine::finishProtected(lua_State* L, int status) {
  ProtectedLevel level = protectedLevels_.back();
  protectedLevels_.pop_back();
  lua_State* co = level.thread;
  // After a kill the thread goes on with the kill hook, as everything does in Redis: the error is
  // raised at its next line, whether this pcall caught it or an inner one did.
  if (killed_) setKillHook(L);
  if (status == 0 && !lua_checkstack(L, lua_gettop(co) + 1)) {
    // (Not raised: resume() calls this outside any Lua call.)
    lua_settop(co, 0);
    lua_pushliteral(co, "stack overflow (too many results)");
    status = LUA_ERRRUN;
  }
  if (status == 0) {
    const int results = lua_gettop(co);
    lua_pushboolean(L, 1);
    lua_xmove(co, L, results);
    // A coroutine that returned can run again (with the busy hook: the kill hook may be set).
    std::vector<std::pair<lua_State*, int>>& idle = vmOf(L).idleThreads;
    if (idle.size() < kIdleThreads) {
      setBusyHook(co);
      idle.emplace_back(co, level.ref);
    } else {
      luaL_unref(L, LUA_REGISTRYINDEX, level.ref);
    }
    if (level.withHandler) luaL_unref(L, LUA_REGISTRYINDEX, level.handlerRef);
    return results + 1;
  }
  if (level.withHandler) {
    lua_checkstack(co, 2);
    lua_rawgeti(co, LUA_REGISTRYINDEX, level.handlerRef);
    lua_insert(co, -2);
    if (lua_pcall(co, 1, 1, 0) != 0) {
      lua_pop(co, 1);
      lua_pushliteral(co, "error in error handling");
    }
  }
  lua_checkstack(L, 2);
  lua_xmove(co, L, 1);
  if (!level.withHandler) errorTableToMessage(L);
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  // (A coroutine that failed is dead: it goes to the collector.)
  luaL_unref(L, LUA_REGISTRYINDEX, level.ref);
  if (level.withHandler) luaL_unref(L, LUA_REGISTRYINDEX, level.handlerRef);
  return 2;
}

void ScriptEngine::forgetProtectedThreads(LuaVm& vm) {
  // (No run is in progress when a state is closed: no level is left.)
  protectedLevels_.clear();
  vm.idleThreads.clear();
}

void openProtectedCalls(lua_State* L) {
  lua_pushcfunction(L, scriptPcall);
  lua_setglobal(L, "pcall");
  lua_pushcfunction(L, scriptXpcall);
  lua_setglobal(L, "xpcall");
  lua_getglobal(L, "coroutine");
  lua_pushcfunction(L, coroutineRunning);
  lua_setfield(L, -2, "running");
  lua_pushcfunction(L, coroutineStatus);
  lua_setfield(L, -2, "status");
  lua_getfield(L, -1, "resume");
  lua_pushcclosure(L, coroutineResume, 1);
  lua_setfield(L, -2, "resume");
  lua_pop(L, 1);
}

}  // namespace rp::scripting
