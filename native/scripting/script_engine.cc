#include "scripting/script_engine.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <utility>

#include <unistd.h>

#include "scripting/convert.h"
#include "scripting/host.h"
#include "scripting/libraries.h"
#include "scripting/run_stack.h"
#include "scripting/sha1.h"

extern "C" {
#include <ldo.h>
#include <lstate.h>
}

namespace rp::scripting {
namespace {

CommandRunner commandRunner = nullptr;

constexpr int kGcPeriod = 50;  // a GC step every 50 scripts, as Redis does
constexpr int kHookInstructions = 100000;  // Redis's count hook period

void busyHook(lua_State* co, lua_Debug*) { ScriptEngine::instance().onHook(co); }

// The count hook every run carries (ScriptEngine::onHook); coroutines the script creates inherit it.
void setBusyHook(lua_State* co) { lua_sethook(co, busyHook, LUA_MASKCOUNT, kHookInstructions); }

// L runs the message handler of the xpcall in progress (a frame of that function is active).
bool inMessageHandler(lua_State* L) {
  if (L->errfunc == 0) return false;
  const TValue* handler = restorestack(L, L->errfunc);
  if (!ttisfunction(handler)) return false;
  for (CallInfo* ci = L->ci; ci > L->base_ci; --ci)
    if (ttisfunction(ci->func) && clvalue(ci->func) == clvalue(handler)) return true;
  return false;
}

// The value on top is an error table that redis.call/pcall made from a command's error reply.
bool countedError(lua_State* L) {
  if (!lua_istable(L, -1)) return false;
  lua_getfield(L, -1, "ignore_error_stats_update");
  const bool counted = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return counted;
}
constexpr const char* kRedisVersion = "7.0.15";
constexpr int kRedisVersionNum = 0x00070000 | 15;

// ---- math.random: Redis's rand48 (math.randomseed(n) gives redis-server's sequence for n). ----
// Redis 7.0 does not reseed per script, and its start-up state differs from one process to the
// next: ours is seeded from the clock at start.
uint64_t rand48State = 0x330E;
constexpr int32_t kRand48Max = INT32_MAX;

void srand48Redis(int32_t seed) { rand48State = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E; }
int32_t lrand48Redis() {
  rand48State = (0x5DEECE66DULL * rand48State + 0xB) & ((uint64_t{1} << 48) - 1);
  return static_cast<int32_t>(rand48State >> 17);
}

int mathRandom(lua_State* L) {
  const lua_Number r = static_cast<lua_Number>(lrand48Redis() % kRand48Max) / static_cast<lua_Number>(kRand48Max);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int upper = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= upper, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * upper) + 1);
      break;
    }
    case 2: {
      int lower = luaL_checkint(L, 1);
      int upper = luaL_checkint(L, 2);
      luaL_argcheck(L, lower <= upper, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (upper - lower + 1)) + lower);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int mathRandomSeed(lua_State* L) {
  srand48Redis(luaL_checkint(L, 1));
  return 0;
}

// Raises {err = "ERR <message>"} (luaPushError + lua_error in Redis). No C++ object may be alive in
// the frames a Lua error unwinds (they are C frames to longjmp): callers return its result at once.
int raise(lua_State* L, const char* message) {
  pushErrorTable(L, message);
  return lua_error(L);
}

ScriptRun* currentRun(lua_State* L, const char* what) {
  ScriptRun* run = ScriptEngine::instance().run();
  if (run == nullptr) luaL_error(L, "%s can only be called inside a script invocation", what);
  return run;
}

int redisCall(lua_State* L) {
  if (ScriptEngine::instance().run() == nullptr) return raise(L, "redis.call/pcall can only be called inside a script invocation");
  if (ScriptEngine::instance().call(L)) return lua_error(L);
  return 1;
}

int redisPcall(lua_State* L) {
  if (ScriptEngine::instance().run() == nullptr) return raise(L, "redis.call/pcall can only be called inside a script invocation");
  ScriptEngine::instance().call(L);
  return 1;
}

int redisSha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return raise(L, "wrong number of arguments");
  size_t size = 0;
  const char* s = lua_tolstring(L, 1, &size);
  char digest[41];
  {
    std::string hex = sha1Hex(std::string_view(s ? s : "", s ? size : 0));
    std::memcpy(digest, hex.data(), 40);
  }
  lua_pushlstring(L, digest, 40);
  return 1;
}

// redis.error_reply / redis.status_reply: a one-field table; a bad argument is returned (not raised)
// as an error table, as in Redis.
int redisErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    pushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  size_t size = 0;
  const char* s = lua_tolstring(L, -1, &size);
  if (size > 0 && s[0] == '-') {
    pushErrorTable(L, std::string_view(s, size));
  } else {
    std::string text = "-";
    text.append(s, size);
    pushErrorTable(L, text);
  }
  return 1;
}

int redisStatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    pushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, -3);
  lua_settable(L, -3);
  return 1;
}

int redisLog(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc < 2) return raise(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, -argc)) return raise(L, "First argument must be a number (log level).");
  const int level = static_cast<int>(lua_tonumber(L, -argc));
  if (level < 0 || level > 3) return raise(L, "Invalid debug level.");
  if (level < 2) return 0;  // below the default verbosity (notice)
  luaL_Buffer line;
  luaL_buffinit(L, &line);
  luaL_addstring(&line, "rustypotato script log: ");
  for (int i = 2; i <= argc; ++i) {
    size_t size = 0;
    const char* s = lua_tolstring(L, i, &size);
    if (s == nullptr) continue;
    if (i != 2) luaL_addchar(&line, ' ');
    luaL_addlstring(&line, s, size);
  }
  luaL_addchar(&line, '\n');
  luaL_pushresult(&line);
  size_t size = 0;
  const char* text = lua_tolstring(L, -1, &size);
  std::fwrite(text, 1, size, stderr);
  return 0;
}

int redisSetResp(lua_State* L) {
  ScriptRun* run = currentRun(L, "redis.setresp");
  if (lua_gettop(L) != 1) return raise(L, "redis.setresp() requires one argument.");
  const int resp = static_cast<int>(lua_tonumber(L, -1));
  if (resp != 2 && resp != 3) return raise(L, "RESP version must be 2 or 3.");
  run->resp = resp;
  return 0;
}

constexpr int kReplAof = 1;
constexpr int kReplReplica = 2;

int redisSetRepl(lua_State* L) {
  ScriptRun* run = currentRun(L, "redis.set_repl");
  if (lua_gettop(L) != 1) return raise(L, "redis.set_repl() requires two arguments.");
  const int flags = static_cast<int>(lua_tonumber(L, -1));
  if ((flags & ~(kReplAof | kReplReplica)) != 0)
    return raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  run->propagate = (flags & kReplAof) != 0;
  return 0;
}

// Since 7.0 scripts always replicate their effects: the call is accepted and answers true.
int redisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

// No debugging session (SCRIPT DEBUG) is ever active: breakpoint answers false, debug logs nothing.
int redisBreakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}
int redisDebug(lua_State*) { return 0; }

}  // namespace

bool locateError(lua_State* L, int level, lua_Debug& where) {
  if (!lua_getstack(L, level, &where) || !lua_getinfo(L, "nSl", &where)) return false;
  if (std::strcmp(where.what, "C") != 0) return true;
  return lua_getstack(L, level + 1, &where) && lua_getinfo(L, "nSl", &where);
}

// The message handler of every script run: turns the error into {err=..., source=..., line=...}
// where source/line name the script position that raised it (skipping a C function such as
// error() or redis.call).
int scriptErrorHandler(lua_State* L) {
  lua_Debug where;
  const bool located = locateError(L, 1, where);
  lua_settop(L, 1);
  if (!lua_istable(L, 1)) {
    lua_pushstring(L, "ERR ");
    lua_getfield(L, LUA_REGISTRYINDEX, "rp_tostring");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    lua_concat(L, 2);
    lua_newtable(L);
    lua_insert(L, -2);
    lua_setfield(L, -2, "err");
    lua_replace(L, 1);
  }
  if (located) {
    lua_pushstring(L, where.source);
    lua_setfield(L, 1, "source");
    lua_pushnumber(L, where.currentline);
    lua_setfield(L, 1, "line");
  }
  return 1;
}

void setKillHook(lua_State* co) { lua_sethook(co, busyHook, LUA_MASKLINE, 0); }

int missingGlobal(lua_State* L) {
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", lua_tostring(L, 2));
}

int readOnlyAssign(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

void setReadOnlyMetatable(lua_State* L, lua_CFunction index) {
  lua_newtable(L);
  lua_pushcfunction(L, index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readOnlyAssign);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, -2);
}

std::vector<std::string_view> splitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// Marks the table on top, the tables it holds and their metatables read-only (Redis 7.0 protects
// its globals and libraries this way: lua_setreadonly is our patch of the Lua sources).
void protectRecursively(lua_State* L) {
  if (lua_isreadonly(L, -1)) return;
  lua_setreadonly(L, -1, 1);
  luaL_checkstack(L, 3, "protecting tables");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    if (lua_istable(L, -1)) protectRecursively(L);
    lua_pop(L, 1);
  }
  if (lua_getmetatable(L, -1)) {
    protectRecursively(L);
    lua_pop(L, 1);
  }
}

namespace {

void openLibrary(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

// A library whose opener returns its table: the table becomes the global `name`.
void openGlobalLibrary(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  lua_setglobal(L, name);
}

void setFunction(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushcfunction(L, fn);
  lua_setfield(L, -2, name);
}

void setNumber(lua_State* L, const char* name, lua_Number n) {
  lua_pushnumber(L, n);
  lua_setfield(L, -2, name);
}

}  // namespace

namespace {

bool recording = false;
std::string records;

void appendBytes(const void* data, size_t size) { records.append(static_cast<const char*>(data), size); }

// One record of takeScriptCommandRecords (the machine is little-endian, as the layout).
void appendRecord(std::span<const std::string_view> argv, int db) {
  const double micros = static_cast<double>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  const int32_t header[2] = {db, static_cast<int32_t>(argv.size())};
  appendBytes(&micros, sizeof micros);
  appendBytes(header, sizeof header);
  for (std::string_view arg : argv) {
    const int32_t size = static_cast<int32_t>(arg.size());
    appendBytes(&size, sizeof size);
    records.append(arg);
  }
}

}  // namespace

void recordScriptCommands(bool on) {
  recording = on;
  if (!on) records.clear();
}

std::string takeScriptCommandRecords() { return std::exchange(records, std::string()); }

// An error outside any protected call (which our entry points never make): as lauxlib's default.
static int luaPanic(lua_State* L) {
  std::fprintf(stderr, "PANIC: unprotected error in call to Lua API (%s)\n", lua_tostring(L, -1));
  return 0;
}

void setCommandRunner(CommandRunner runner) { commandRunner = runner; }
bool resumeSuspendedScript(ReplyWriter& reply, long long sliceMs) { return ScriptEngine::instance().resume(reply, sliceMs); }
void setBusyReplyThreshold(long long ms) { ScriptEngine::instance().setBusyThresholdMs(ms); }

ScriptEngine& ScriptEngine::instance() {
  static ScriptEngine engine;
  return engine;
}

ScriptEngine::ScriptEngine() {
  srand48Redis(static_cast<int32_t>(Engine::wallClockMs() ^ (static_cast<long long>(::getpid()) << 16)));
  open(scriptsVm_, false);
  open(functionsVm_, true);
}

ScriptEngine::~ScriptEngine() {
  for (LuaVm* vm : {&scriptsVm_, &functionsVm_})
    if (vm->L) lua_close(vm->L);
}

void ScriptEngine::open(LuaVm& vm, bool forFunctions) {
  // A fresh allocator per state: after a flush the old state's chunks are all given back.
  vm.allocator = std::make_unique<LuaAllocator>();
  vm.L = lua_newstate(LuaAllocator::allocate, vm.allocator.get());
  if (vm.L == nullptr) throw std::bad_alloc();
  lua_atpanic(vm.L, luaPanic);
  lua_State* L = vm.L;
  openLibrary(L, "", luaopen_base);
  openLibrary(L, LUA_TABLIBNAME, luaopen_table);
  openLibrary(L, LUA_STRLIBNAME, luaopen_string);
  openLibrary(L, LUA_MATHLIBNAME, luaopen_math);
  openLibrary(L, LUA_DBLIBNAME, luaopen_debug);
  openGlobalLibrary(L, "cjson", luaopen_cjson);
  openGlobalLibrary(L, "bit", openBitLibrary);
  openGlobalLibrary(L, "cmsgpack", openMessagePackLibrary);
  openGlobalLibrary(L, "struct", openStructLibrary);

  lua_getglobal(L, "tostring");
  lua_setfield(L, LUA_REGISTRYINDEX, "rp_tostring");
  // What Redis 7.0 leaves out of the sandbox.
  for (const char* name : {"dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy", "debug"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_getglobal(L, "math");
  setFunction(L, "random", mathRandom);
  setFunction(L, "randomseed", mathRandomSeed);
  lua_pop(L, 1);
  openProtectedCalls(L);
  lua_pushcfunction(L, scriptErrorHandler);
  lua_setglobal(L, "__redis__err__handler");

  lua_newtable(L);
  setFunction(L, "call", redisCall);
  setFunction(L, "pcall", redisPcall);
  setFunction(L, "log", redisLog);
  setNumber(L, "LOG_DEBUG", 0);
  setNumber(L, "LOG_VERBOSE", 1);
  setNumber(L, "LOG_NOTICE", 2);
  setNumber(L, "LOG_WARNING", 3);
  setFunction(L, "setresp", redisSetResp);
  setFunction(L, "sha1hex", redisSha1hex);
  setFunction(L, "error_reply", redisErrorReply);
  setFunction(L, "status_reply", redisStatusReply);
  setFunction(L, "set_repl", redisSetRepl);
  setNumber(L, "REPL_NONE", 0);
  setNumber(L, "REPL_AOF", kReplAof);
  setNumber(L, "REPL_SLAVE", kReplReplica);
  setNumber(L, "REPL_REPLICA", kReplReplica);
  setNumber(L, "REPL_ALL", kReplAof | kReplReplica);
  setFunction(L, "replicate_commands", redisReplicateCommands);
  setFunction(L, "breakpoint", redisBreakpoint);
  setFunction(L, "debug", redisDebug);
  lua_pushstring(L, kRedisVersion);
  lua_setfield(L, -2, "REDIS_VERSION");
  setNumber(L, "REDIS_VERSION_NUM", kRedisVersionNum);
  lua_setglobal(L, "redis");

  // Globals are read-only from here on: reading a missing one or assigning one is an error.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  setReadOnlyMetatable(L, missingGlobal);
  lua_pop(L, 1);
  if (forFunctions) openFunctionEnvironments(L);
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  protectRecursively(L);
  lua_pop(L, 1);
}

void ScriptEngine::flush() {
  lua_close(scriptsVm_.L);
  if (thread_ == scriptsVm_.thread) thread_ = nullptr;
  scriptsVm_ = LuaVm();  // (its thread lived in the closed state)
  scripts_.clear();
  open(scriptsVm_, false);
}

size_t ScriptEngine::vmBytes(const LuaVm& vm) {
  return static_cast<size_t>(lua_gc(vm.L, LUA_GCCOUNT, 0)) * 1024 + static_cast<size_t>(lua_gc(vm.L, LUA_GCCOUNTB, 0));
}


namespace {

constexpr const char* kScriptFlagNames[] = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

// EVAL's optional first line "#!lua [flags=f1,f2]"; returns Redis's error text or "".
std::string parseShebang(std::string_view firstLine, bool& noWrites) {
  std::vector<std::string_view> parts = splitWords(firstLine);
  if (parts.empty() || parts[0] != "#!lua") {
    return "ERR Unexpected engine in script shebang: " + std::string(parts.empty() ? firstLine : parts[0]);
  }
  for (size_t p = 1; p < parts.size(); ++p) {
    if (parts[p].substr(0, 6) != "flags=") return "ERR Unknown lua shebang option: " + std::string(parts[p]);
    std::string_view list = parts[p].substr(6);
    while (!list.empty()) {
      const size_t comma = list.find(',');
      std::string_view flag = list.substr(0, comma);
      bool known = false;
      for (const char* name : kScriptFlagNames) known = known || flag == name;
      if (!known) return "ERR Unexpected flag in script shebang: " + std::string(flag);
      if (flag == "no-writes") noWrites = true;
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  return "";
}

}  // namespace

bool ScriptEngine::compile(std::string_view body, const std::string& sha, ReplyWriter& reply) {
  ScriptFlags flags;
  std::string blanked;
  if (body.substr(0, 2) == "#!") {
    const size_t lineEnd = body.find('\n');
    std::string error = lineEnd == std::string_view::npos ? "ERR Invalid script shebang"
                                                          : parseShebang(body.substr(0, lineEnd), flags.noWrites);
    if (!error.empty()) {
      reply.error(error);
      return false;
    }
    flags.shebang = true;
    // The shebang line stays as an empty line so that positions keep their line numbers.
    blanked.assign(body.substr(lineEnd));
    body = blanked;
  }
  lua_State* L = scriptsVm_.L;
  if (luaL_loadbuffer(L, body.data(), body.size(), "@user_script") != 0) {
    std::string msg = "ERR Error compiling script (new function): ";
    const char* err = lua_tostring(L, -1);
    msg.append(err ? err : "");
    lua_pop(L, 1);
    reply.error(msg);
    return false;
  }
  lua_setfield(L, LUA_REGISTRYINDEX, ("f_" + sha).c_str());
  scripts_[sha] = flags;
  return true;
}

void ScriptEngine::load(CommandContext& c, std::string_view body) {
  std::string sha = sha1Hex(body);
  if (!cached(sha) && !compile(body, sha, c.reply)) return;
  c.reply.bulk(sha);
}

void ScriptEngine::pushStrings(lua_State* L, std::span<const std::string_view> values) {
  lua_createtable(L, static_cast<int>(values.size()), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    lua_pushlstring(L, values[i].data(), values[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

void ScriptEngine::setArgs(const char* name, std::span<const std::string_view> values) {
  lua_State* L = scriptsVm_.L;
  lua_setreadonly(L, LUA_GLOBALSINDEX, 0);
  lua_pushstring(L, name);
  pushStrings(L, values);
  lua_rawset(L, LUA_GLOBALSINDEX);
  lua_setreadonly(L, LUA_GLOBALSINDEX, 1);
}

void ScriptEngine::eval(CommandContext& c, bool bySha, bool readOnly) {
  long long numkeys = 0;
  if (!c.argLongLong(2, numkeys)) return;
  if (numkeys > c.argc() - 3) return c.reply.error("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return c.reply.error("ERR Number of keys can't be negative");

  std::string sha;
  if (bySha) {
    std::string_view given = c.arg(1);
    if (given.size() != 40) return c.reply.error("NOSCRIPT No matching script. Please use EVAL.");
    sha.assign(given);
    for (char& ch : sha) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!cached(sha)) return c.reply.error("NOSCRIPT No matching script. Please use EVAL.");
  } else {
    sha = sha1Hex(c.arg(1));
    if (!cached(sha) && !compile(c.arg(1), sha, c.reply)) return;
  }

  const ScriptFlags& flags = scripts_[sha];
  if (readOnly && flags.shebang && !flags.noWrites)
    return c.reply.error("ERR Can not execute a script with write flag using *_ro command.");
  lua_State* L = scriptsVm_.L;
  const size_t keys = static_cast<size_t>(numkeys);
  setArgs("KEYS", c.argv.subspan(3, keys));
  setArgs("ARGV", c.argv.subspan(3 + keys));

  ScriptRun run;
  run.sha = sha;
  run.db = c.dbIndex;
  run.readOnly = readOnly || flags.noWrites;

  lua_getfield(L, LUA_REGISTRYINDEX, ("f_" + sha).c_str());
  runAndReply(c, run, 0);
}

lua_State* ScriptEngine::runThread(LuaVm& vm) {
  if (vm.thread != nullptr) return vm.thread;
  vm.thread = lua_newthread(vm.L);
  vm.threadRef = luaL_ref(vm.L, LUA_REGISTRYINDEX);
  setBusyHook(vm.thread);
  return vm.thread;
}

void ScriptEngine::runAndReply(CommandContext& c, ScriptRun& run, int nargs) {
  if (scriptSuspended) {
    // Only reachable if a caller bypasses the server's busy gate (it answers BUSY itself).
    lua_pop(run.isFunction ? functionsVm_.L : scriptsVm_.L, nargs + 1);
    return c.reply.error(current_.isFunction ? kErrBusyFunction : kErrBusyScript);
  }
  vm_ = run.isFunction ? &functionsVm_ : &scriptsVm_;
  lua_State* co = runThread(*vm_);
  thread_ = co;
  lua_xmove(vm_->L, co, nargs + 1);
  run.engine = &c.engine;
  AofLog& aof = c.engine.aof();
  run.ownTransaction = aof.active() && !aof.inTransaction();
  if (run.ownTransaction) aof.beginTransaction();
  current_ = std::move(run);
  run_ = &current_;
  busy_ = false;
  killed_ = false;
  runStarted_ = std::chrono::steady_clock::now();
  startArgs_ = nargs;
  if (!runStack().start(resumeRunThread, this)) {
    // Past the busy threshold: no reply yet (resume() writes it). EVAL itself is never logged.
    run_ = nullptr;
    scriptSuspended = true;
    scriptJustSuspended = true;
    current_.command.assign(c.argv.begin(), c.argv.end());
    c.engine.beginCommand();
    c.propagateNothing();
    return;
  }
  finishRun(c.reply, runStatus_);
}

void ScriptEngine::resumeRunThread(void* engine) {
  auto& self = *static_cast<ScriptEngine*>(engine);
  self.runStatus_ = lua_resume(self.thread_, self.startArgs_);
}

bool ScriptEngine::resume(ReplyWriter& reply, long long sliceMs) {
  if (!scriptSuspended) return true;
  run_ = &current_;
  sliceEnds_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(sliceMs);
  // Back into the hook that suspended the run (which raises the kill error if the run was killed).
  if (!runStack().resume()) {
    run_ = nullptr;
    return false;
  }
  scriptSuspended = false;
  finishRun(reply, runStatus_);
  return true;
}

void ScriptEngine::finishRun(ReplyWriter& reply, int status) {
  run_ = nullptr;
  scriptErrorCounted = false;
  ScriptRun& run = current_;
  lua_State* co = thread_;
  if (status == 0) {
    lua_settop(co, 1);
    scriptErrorCounted = countedError(co);
    replyFromLua(co, reply, run.resp);
    lua_settop(co, 0);
  } else {
    reply.error(runError(co, status));
    // A thread that raised an error cannot run again: the next run gets a new one.
    luaL_unref(vm_->L, LUA_REGISTRYINDEX, vm_->threadRef);
    vm_->thread = nullptr;
    vm_->threadRef = LUA_NOREF;
    thread_ = nullptr;
  }
  Engine& engine = *run.engine;
  if (run.ownTransaction) engine.aof().endTransaction();
  // EVAL itself is never logged: its effects were, command by command.
  engine.beginCommand();
  engine.propagateNothing();
  if (++vm_->runsSinceGc >= kGcPeriod) {
    lua_gc(vm_->L, LUA_GCSTEP, kGcPeriod);
    vm_->runsSinceGc = 0;
  }
}

std::string ScriptEngine::runError(lua_State* co, int status) {
  const std::string& sha = current_.sha;
  if (status != LUA_ERRRUN) {
    const char* err = lua_tostring(co, -1);
    return "ERR Error running script " + sha + ", " + std::string(err ? err : "execution failure").substr(0, 100);
  }
  // The dead thread keeps its frames: level 0 raised the error; when that is a C function (error(),
  // redis.call) the script position is its caller's.
  lua_Debug where;
  const bool located = locateError(co, 0, where);
  std::string msg;
  if (lua_istable(co, -1)) {
    scriptErrorCounted = countedError(co);
    lua_getfield(co, -1, "err");
    if (const char* err = lua_tostring(co, -1)) msg = err;
    else msg = "ERR Error running script " + sha + ", execution failure";
    lua_pop(co, 1);
  } else {
    lua_State* L = vm_->L;
    lua_getfield(L, LUA_REGISTRYINDEX, "rp_tostring");
    lua_xmove(co, L, 1);
    msg = "ERR ";
    if (lua_pcall(L, 1, 1, 0) == 0) {
      size_t size = 0;
      const char* text = lua_tolstring(L, -1, &size);
      if (text != nullptr) msg.append(text, size);
    }
    lua_pop(L, 1);
  }
  if (located && where.currentline >= 0) {
    msg += " script: " + sha + ", on " + where.source + ":" + std::to_string(where.currentline) + ".";
  }
  return msg;
}

void ScriptEngine::onHook(lua_State* co) {
  if (run_ == nullptr) return;  // code of a library at FUNCTION LOAD
  if (!killed_) {
    const auto now = std::chrono::steady_clock::now();
    if (!busy_) {
      if (now - runStarted_ < std::chrono::milliseconds(busyThresholdMs_)) return;
      busy_ = true;
    } else if (now < sliceEnds_) {
      return;
    }
    // The server answers the other clients (Redis processes events here); resume() comes back.
    runStack().suspend();
    if (!killed_) return;
  }
  // As Redis: the hook runs at every line from now on, so that a pcall cannot swallow the kill.
  setKillHook(co);
  // Lua allows hooks again only when a hook returns; raised from one, the error is passed to the
  // xpcall message handler (if any) with hooks still off. When the kill stops that handler itself,
  // Lua calls it again with the kill error, and a looping handler then loops on with no hook:
  // Redis hangs there for good. There, hooks stay allowed, so the handler gets the kill error in
  // turn until Lua gives up ("error in error handling"); elsewhere this is Redis's behaviour.
  if (inMessageHandler(co)) co->allowhook = 1;
  pushErrorTable(co, "Script killed by user with SCRIPT KILL...");
  lua_error(co);
}

void ScriptEngine::kill(CommandContext& c, bool isEval) {
  if (!scriptSuspended) return c.reply.error("NOTBUSY No scripts in execution right now.");
  if (current_.wrote) {
    return c.reply.error(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the "
        "script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
  }
  if (isEval && current_.isFunction) return c.reply.error(kErrBusyFunction);
  if (!isEval && !current_.isFunction) return c.reply.error(kErrBusyScript);
  killed_ = true;
  c.reply.ok();
}

bool ScriptEngine::call(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc == 0) {
    pushErrorTable(L, "Please specify at least one argument for this redis lib call");
    return true;
  }
  if (argStorage_.size() < static_cast<size_t>(argc)) argStorage_.resize(static_cast<size_t>(argc));
  argv_.clear();
  bool valid = true;
  for (int i = 1; i <= argc; ++i) {
    std::string& arg = argStorage_[static_cast<size_t>(i - 1)];
    if (lua_type(L, i) == LUA_TNUMBER) {
      // Not lua_tostring: Lua's "%.14g" loses precision.
      char buf[64];
      int n = std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(lua_tonumber(L, i)));
      arg.assign(buf, static_cast<size_t>(n));
    } else {
      size_t size = 0;
      const char* s = lua_tolstring(L, i, &size);
      if (s == nullptr) {
        valid = false;
        break;
      }
      arg.assign(s, size);
    }
    argv_.emplace_back(arg);
  }
  lua_pop(L, argc);
  if (!valid) {
    pushErrorTable(L, "Lua redis lib command arguments must be strings or integers");
    return true;
  }
  ScriptRun& run = *run_;
  scratch_.clear();
  scratch_.setResp(run.resp);
  bool ran = false;
  if (equalsIgnoreCase(argv_[0], "select")) {
    // SELECT changes the script's database only (Redis 7.0).
    long long db = 0;
    ran = argv_.size() == 2;
    if (argv_.size() != 2) scratch_.error(kErrArityFromScript);
    else if (!parseLongLong(argv_[1], db)) scratch_.error(kErrNotInteger);
    else if (db < 0 || db >= run.engine->databaseCount()) scratch_.error(kErrDbIndex);
    else {
      run.db = static_cast<int>(db);
      scratch_.ok();
    }
  } else {
    ScriptCall command{std::span<const std::string_view>(argv_.data(), argv_.size()), run.db, run.readOnly, run.propagate,
                       scratch_};
    commandRunner(command);
    if (command.ranWrite) run.wrote = true;
    ran = command.ran;
  }
  if (ran && recording) appendRecord(argv_, run.db);
  const char* data = scratch_.data();
  const size_t size = scratch_.size();
  pushReply(L, data, data + size);
  return size > 0 && data[0] == '-';
}

}  // namespace rp::scripting
