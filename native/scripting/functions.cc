// Redis 7.0 functions: FUNCTION LOAD runs a library ("#!lua name=<lib>" header) whose code may only
// call redis.register_function (and redis.log); FCALL / FCALL_RO run a registered function with
// (keys, args). Libraries share the scripts' Lua state; each runs in its own read-only environment
// that sees the load-time API while loading and the scripts' globals afterwards.
#include <cstring>

#include "engine/glob.h"
#include "persistence/crc64.h"
#include "persistence/lzf.h"
#include "scripting/convert.h"
#include "scripting/persistence.h"
#include "scripting/script_engine.h"

namespace rp::scripting {
namespace {

constexpr const char* kLoadApiKey = "rp_function_load_api";
constexpr const char* kLibraryMetaKey = "rp_function_library_meta";
constexpr const char* kFunctionsKey = "rp_functions";
constexpr const char* kStagedKey = "rp_functions_staged";

// Redis's script flags, in the order FUNCTION LIST prints them.
constexpr const char* kFlagNames[] = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

int raiseError(lua_State* L, const char* message) {
  pushErrorTable(L, message);
  return lua_error(L);
}

constexpr const char* kBadName =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

bool validName(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  return true;
}

// Reads redis.register_function's arguments into `fn` and stores the callback in the staging
// table. Returns Redis's error text, or nullptr.
const char* readRegistration(lua_State* L, LuaLibrary& library, int argc) {
  if (argc < 1 || argc > 2) return "wrong number of arguments to redis.register_function";
  LuaFunction fn;
  int callbackIndex = 0;
  if (argc == 2) {
    if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
    if (!lua_isfunction(L, 2)) return "second argument to redis.register_function must be a function";
    fn.name = lua_tostring(L, 1);
    callbackIndex = 2;
  } else {
    if (!lua_istable(L, 1)) {
      return "calling redis.register_function with a single argument is only applicable to Lua table (representing named "
             "arguments).";
    }
    bool haveName = false;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      if (!lua_isstring(L, -2)) return "named argument key given to redis.register_function is not a string";
      const std::string key = lua_tostring(L, -2);
      if (key == "function_name") {
        if (!lua_isstring(L, -1)) return "function_name argument given to redis.register_function must be a string";
        fn.name = lua_tostring(L, -1);
        haveName = true;
      } else if (key == "description") {
        if (!lua_isstring(L, -1)) return "description argument given to redis.register_function must be a string";
        fn.description = lua_tostring(L, -1);
        fn.hasDescription = true;
      } else if (key == "callback") {
        if (!lua_isfunction(L, -1)) return "callback argument given to redis.register_function must be a function";
        lua_pushvalue(L, -1);
        lua_replace(L, 2);  // keep the callback at index 2 (argc was 1: the slot is free)
        callbackIndex = 2;
      } else if (key == "flags") {
        if (!lua_istable(L, -1)) return "flags argument to redis.register_function must be a table representing function flags";
        bool known[std::size(kFlagNames)] = {};
        for (int i = 1;; ++i) {
          lua_rawgeti(L, -1, i);
          if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
          }
          const char* flag = lua_isstring(L, -1) ? lua_tostring(L, -1) : nullptr;
          size_t which = std::size(kFlagNames);
          for (size_t f = 0; flag && f < std::size(kFlagNames); ++f)
            if (std::strcmp(flag, kFlagNames[f]) == 0) which = f;
          lua_pop(L, 1);
          if (which == std::size(kFlagNames)) return "unknown flag given";
          known[which] = true;
        }
        fn.flags.clear();
        for (size_t f = 0; f < std::size(kFlagNames); ++f)
          if (known[f]) fn.flags.emplace_back(kFlagNames[f]);
        fn.noWrites = known[0];
      } else {
        return "unknown argument given to redis.register_function";
      }
      lua_pop(L, 1);
    }
    if (!haveName) return "redis.register_function must get a function name argument";
    if (callbackIndex == 0) return "redis.register_function must get a callback argument";
  }
  // (Redis 7.0 words this error about library names.)
  if (!validName(fn.name)) return kBadName;
  if (library.functions.count(fn.name)) return "Function already exists in the library";
  lua_getfield(L, LUA_REGISTRYINDEX, kStagedKey);
  lua_pushvalue(L, callbackIndex);
  lua_setfield(L, -2, fn.name.c_str());
  lua_pop(L, 1);
  std::string name = fn.name;
  library.functions.emplace(std::move(name), std::move(fn));
  return nullptr;
}

int registerFunction(lua_State* L) {
  LuaLibrary* library = ScriptEngine::instance().loadingLibrary();
  if (library == nullptr) return raiseError(L, "redis.register_function can only be called on FUNCTION LOAD command");
  const int argc = lua_gettop(L);
  if (argc == 1) lua_settop(L, 2);  // room for the named form's callback
  const char* error = readRegistration(L, *library, argc);
  if (error != nullptr) return raiseError(L, error);
  return 0;
}

// __index of every library environment: the load-time API while a library loads, the scripts'
// globals when its functions run; a missing name is an error either way.
int libraryIndex(lua_State* L) {
  if (ScriptEngine::instance().loadingLibrary() != nullptr) {
    lua_getfield(L, LUA_REGISTRYINDEX, kLoadApiKey);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
  } else {
    lua_pushvalue(L, 2);
    lua_rawget(L, LUA_GLOBALSINDEX);
  }
  if (lua_isnil(L, -1)) return missingGlobal(L);
  return 1;
}

// The first line ("#!lua name=...") parsed; returns the error text or "".
std::string parseHeader(std::string_view code, std::string& name) {
  if (code.substr(0, 2) != "#!") return "Missing library metadata";
  size_t end = code.find('\n');
  std::vector<std::string_view> parts = splitWords(code.substr(0, end));
  if (parts.empty()) return "Invalid library metadata";
  std::string_view engine = parts[0].substr(2);
  bool named = false;
  for (size_t p = 1; p < parts.size(); ++p) {
    if (parts[p].size() >= 5 && equalsIgnoreCase(parts[p].substr(0, 5), "name=")) {
      if (named) return "Invalid metadata value, name argument was given multiple times";
      name.assign(parts[p].substr(5));
      named = true;
      continue;
    }
    return "Invalid metadata value given: " + std::string(parts[p]);
  }
  if (!named) return "Library name was not given";
  if (!validName(name)) return kBadName;
  if (!equalsIgnoreCase(engine, "lua")) return "Engine '" + std::string(engine) + "' not found";
  return "";
}

// "ERR <msg>" of a failed load (a string error gets the ERR code, a table its err field).
std::string loadErrorText(lua_State* L) {
  std::string text;
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "err");
    text = lua_isstring(L, -1) ? lua_tostring(L, -1) : "ERR unknown error";
    lua_pop(L, 1);
  } else {
    const char* s = lua_tostring(L, -1);
    text = std::string("ERR ") + (s ? s : "unknown error");
  }
  lua_pop(L, 1);
  return text;
}

// ---- FUNCTION DUMP / RESTORE payloads: Redis's (per library the RDB_OPCODE_FUNCTION2 byte and the
// code as an RDB string, then the RDB version and a CRC64, both little-endian) ----

constexpr unsigned char kOpcodeFunction2 = 245;
constexpr unsigned char kOpcodeFunctionPreGa = 246;
constexpr uint16_t kRdbVersion = 10;
constexpr const char* kBadPayload = "ERR DUMP payload version or checksum are wrong";

void putBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void putLength(std::string& out, uint64_t n) {
  if (n < 64) {
    out.push_back(static_cast<char>(n));
  } else if (n < 16384) {
    out.push_back(static_cast<char>(0x40 | (n >> 8)));
    out.push_back(static_cast<char>(n & 0xff));
  } else if (n <= UINT32_MAX) {
    out.push_back(static_cast<char>(0x80));
    putBigEndian(out, n, 4);
  } else {
    out.push_back(static_cast<char>(0x81));
    putBigEndian(out, n, 8);
  }
}

// Redis's rdbSaveRawString for a library's code: LZF-compressed when that saves at least 4 bytes.
void putString(std::string& out, std::string_view s) {
  if (s.size() > 20) {
    std::string packed(s.size() - 4, '\0');
    const size_t n = lzfCompress(s.data(), s.size(), packed.data(), packed.size());
    if (n > 0) {
      out.push_back(static_cast<char>(0xC3));
      putLength(out, n);
      putLength(out, s.size());
      out.append(packed.data(), n);
      return;
    }
  }
  putLength(out, s.size());
  out.append(s);
}

uint64_t littleEndian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

class PayloadReader {
 public:
  PayloadReader(const unsigned char* p, const unsigned char* end) : p_(p), end_(end) {}
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  bool byte(unsigned char& b) {
    if (p_ >= end_) return false;
    b = *p_++;
    return true;
  }
  // An RDB length; `encoded` is set for the special encodings (then n is the encoding).
  bool length(uint64_t& n, bool& encoded) {
    unsigned char b = 0;
    if (!byte(b)) return false;
    encoded = false;
    switch (b >> 6) {
      case 0:
        n = b & 63;
        return true;
      case 1: {
        unsigned char low = 0;
        if (!byte(low)) return false;
        n = (static_cast<uint64_t>(b & 63) << 8) | low;
        return true;
      }
      case 2: {
        const int bytes = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
        if (bytes == 0 || left() < static_cast<size_t>(bytes)) return false;
        n = 0;
        for (int i = 0; i < bytes; ++i) n = (n << 8) | *p_++;
        return true;
      }
      default:
        encoded = true;
        n = b & 63;
        return true;
    }
  }
  bool string(std::string& out) {
    uint64_t n = 0;
    bool encoded = false;
    if (!length(n, encoded)) return false;
    if (!encoded) return take(n, out);
    if (n <= 2) {  // an integer of 1, 2 or 4 bytes
      const int bytes = 1 << n;
      if (left() < static_cast<size_t>(bytes)) return false;
      uint64_t raw = littleEndian(p_, bytes);
      p_ += bytes;
      const int64_t value = static_cast<int64_t>(raw << (64 - 8 * bytes)) >> (64 - 8 * bytes);
      out = std::to_string(value);
      return true;
    }
    if (n != 3) return false;
    uint64_t packedSize = 0, size = 0;
    bool e1 = false, e2 = false;
    if (!length(packedSize, e1) || !length(size, e2) || e1 || e2 || left() < packedSize) return false;
    out.assign(size, '\0');
    if (lzfDecompress(p_, packedSize, out.data(), size) != size) return false;
    p_ += packedSize;
    return true;
  }

 private:
  bool take(uint64_t n, std::string& out) {
    if (left() < n) return false;
    out.assign(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }
  const unsigned char* p_;
  const unsigned char* end_;
};

}  // namespace

void ScriptEngine::functionDump(CommandContext& c) {
  std::string payload;
  for (const auto& [name, lib] : libraries_) {
    payload.push_back(static_cast<char>(kOpcodeFunction2));
    putString(payload, lib.code);
  }
  payload.push_back(static_cast<char>(kRdbVersion & 0xff));
  payload.push_back(static_cast<char>(kRdbVersion >> 8));
  const uint64_t crc = crc64(0, payload.data(), payload.size());
  for (int i = 0; i < 8; ++i) payload.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  c.reply.bulk(payload);
}

void ScriptEngine::functionRestore(CommandContext& c) {
  enum class Policy { Flush, Append, Replace } policy = Policy::Append;
  if (c.argc() > 4) {
    return c.reply.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(c.arg(1).substr(0, 128)) +
                         "'. Try FUNCTION HELP.");
  }
  if (c.argc() == 4) {
    if (equalsIgnoreCase(c.arg(3), "flush")) policy = Policy::Flush;
    else if (equalsIgnoreCase(c.arg(3), "append")) policy = Policy::Append;
    else if (equalsIgnoreCase(c.arg(3), "replace")) policy = Policy::Replace;
    else return c.reply.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
  }
  std::string_view data = c.arg(2);
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (data.size() < 10) return c.reply.error(kBadPayload);
  const uint64_t version = littleEndian(bytes + data.size() - 10, 2);
  if (version > kRdbVersion || crc64(0, data.data(), data.size() - 8) != littleEndian(bytes + data.size() - 8, 8))
    return c.reply.error(kBadPayload);

  std::vector<std::string> restored;
  PayloadReader reader(bytes, bytes + data.size());
  while (reader.left() > 10) {
    unsigned char type = 0;
    reader.byte(type);
    if (type == kOpcodeFunctionPreGa) return c.reply.error("ERR Pre-GA function format not supported");
    if (type != kOpcodeFunction2) return c.reply.error("ERR given type is not a function");
    std::string code;
    if (!reader.string(code)) return c.reply.error("ERR failed loading the given functions payload");
    restored.push_back(std::move(code));
  }

  // The libraries to have afterwards, loaded again from their code; on failure the old set returns.
  std::vector<std::string> previous;
  for (const auto& [name, lib] : libraries_) previous.push_back(lib.code);
  std::vector<std::string> target;
  if (policy != Policy::Flush) {
    std::map<std::string, std::string> byName;
    for (const auto& [name, lib] : libraries_) byName[name] = lib.code;
    for (const std::string& code : restored) {
      std::string name;
      if (!parseHeader(code, name).empty() || !byName.count(name)) continue;
      if (policy == Policy::Append) return c.reply.error("ERR Library " + name + " already exists");
      byName.erase(name);
    }
    for (auto& [name, code] : byName) target.push_back(std::move(code));
  }
  target.insert(target.end(), restored.begin(), restored.end());
  dropLibraries();
  for (const std::string& code : target) {
    std::string name;
    std::string error = loadLibrary(code, false, name);
    if (error.empty()) continue;
    dropLibraries();
    for (const std::string& old : previous) loadLibrary(old, false, name);
    return c.reply.error("ERR " + error);
  }
  c.addDirty();
  c.reply.ok();
}

std::vector<std::string> ScriptEngine::libraryCodes() const {
  std::vector<std::string> codes;
  for (const auto& [name, lib] : libraries_) codes.push_back(lib.code);
  return codes;
}

size_t ScriptEngine::librariesBytes() const {
  // A string's bytes beyond its inline buffer, and a map node's two words of links.
  const auto heap = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  constexpr size_t kNode = 4 * sizeof(void*);
  size_t bytes = 0;
  for (const auto& [name, lib] : libraries_) {
    bytes += kNode + sizeof(name) + sizeof(LuaLibrary) + heap(name) + heap(lib.name) + heap(lib.code);
    for (const auto& [fnName, fn] : lib.functions) {
      bytes += kNode + sizeof(fnName) + sizeof(LuaFunction) + heap(fnName) + heap(fn.name) + heap(fn.description);
      bytes += fn.flags.capacity() * sizeof(std::string);
      for (const std::string& flag : fn.flags) bytes += heap(flag);
    }
  }
  return bytes;
}

ScriptingMemory scriptingMemory() {
  ScriptEngine& engine = ScriptEngine::instance();
  ScriptingMemory m;
  m.luaBytes = engine.memoryBytes();
  m.functionsLuaBytes = engine.functionsMemoryBytes();
  m.cachedScripts = engine.cachedScripts();
  m.scriptsBytes = engine.scriptCacheBytes();
  m.libraries = engine.libraryCount();
  m.functions = engine.functionCount();
  m.functionsBytes = engine.librariesBytes();
  return m;
}

std::vector<std::string> functionLibraryCodes() { return ScriptEngine::instance().libraryCodes(); }
std::string loadFunctionLibrary(std::string_view code) { return ScriptEngine::instance().loadLibraryCode(code); }

void ScriptEngine::dropLibraries() {
  libraries_.clear();
  lua_State* L = functionsVm_.L;
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kFunctionsKey);
  // What the libraries held is given back now, so that used_memory_vm_functions shows it.
  lua_gc(L, LUA_GCCOLLECT, 0);
}

void ScriptEngine::openFunctionEnvironments(lua_State* L) {
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kFunctionsKey);

  // The load-time API: redis.register_function, redis.log and the constants.
  lua_newtable(L);
  lua_newtable(L);
  lua_pushcfunction(L, registerFunction);
  lua_setfield(L, -2, "register_function");
  lua_getglobal(L, "redis");
  for (const char* name : {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
    lua_getfield(L, -1, name);
    lua_setfield(L, -3, name);
  }
  lua_pop(L, 1);
  setReadOnlyMetatable(L, missingGlobal);
  lua_setfield(L, -2, "redis");
  setReadOnlyMetatable(L, missingGlobal);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadApiKey);
  protectRecursively(L);
  lua_pop(L, 1);

  lua_newtable(L);
  lua_pushcfunction(L, libraryIndex);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readOnlyAssign);
  lua_setfield(L, -2, "__newindex");
  lua_setfield(L, LUA_REGISTRYINDEX, kLibraryMetaKey);
}

bool ScriptEngine::functionNameTaken(const std::string& name, const std::string& exceptLibrary) const {
  for (const auto& [libName, lib] : libraries_)
    if (libName != exceptLibrary && lib.functions.count(name)) return true;
  return false;
}

std::string ScriptEngine::loadLibrary(std::string_view code, bool replace, std::string& loadedName) {
  LuaLibrary library;
  std::string error = parseHeader(code, library.name);
  if (!error.empty()) return error;
  if (libraries_.count(library.name) && !replace) return "Library '" + library.name + "' already exists";
  library.code.assign(code);

  // The header line stays as an empty line so that positions keep their line numbers.
  std::string body(code);
  const size_t headerEnd = body.find('\n');
  body.replace(0, headerEnd == std::string::npos ? body.size() : headerEnd, "");
  lua_State* L = functionsVm_.L;
  if (luaL_loadbuffer(L, body.data(), body.size(), "@user_function") != 0) {
    const char* msg = lua_tostring(L, -1);
    error = std::string("Error compiling function: ") + (msg ? msg : "");
    lua_pop(L, 1);
    return error;
  }
  lua_newtable(L);  // the library's environment
  lua_getfield(L, LUA_REGISTRYINDEX, kLibraryMetaKey);
  lua_setmetatable(L, -2);
  lua_setreadonly(L, -1, 1);
  lua_setfenv(L, -2);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kStagedKey);

  loading_ = &library;
  const int status = lua_pcall(L, 0, 0, 0);
  loading_ = nullptr;
  if (status != 0) return "Error registering functions: " + loadErrorText(L);
  if (library.functions.empty()) return "No functions registered";
  for (const auto& [name, fn] : library.functions)
    if (functionNameTaken(name, library.name)) return "Function " + name + " already exists";

  // Commit: the replaced library's functions go, the staged callbacks become callable.
  lua_getfield(L, LUA_REGISTRYINDEX, kFunctionsKey);
  if (auto old = libraries_.find(library.name); old != libraries_.end()) {
    for (const auto& [name, fn] : old->second.functions) {
      lua_pushnil(L);
      lua_setfield(L, -2, name.c_str());
    }
  }
  lua_getfield(L, LUA_REGISTRYINDEX, kStagedKey);
  for (const auto& [name, fn] : library.functions) {
    lua_getfield(L, -1, name.c_str());
    lua_setfield(L, -3, name.c_str());
  }
  lua_pop(L, 2);
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kStagedKey);
  loadedName = library.name;
  libraries_[library.name] = std::move(library);
  return "";
}

void ScriptEngine::functionLoad(CommandContext& c) {
  bool replace = false;
  int at = 2;
  while (at < c.argc() - 1) {
    std::string_view option = c.arg(at++);
    if (equalsIgnoreCase(option, "replace")) {
      replace = true;
      continue;
    }
    return c.reply.error("ERR Unknown option given: " + std::string(option));
  }
  if (at >= c.argc()) return c.reply.error("ERR Function code is missing");
  std::string name;
  std::string error = loadLibrary(c.arg(at), replace, name);
  if (!error.empty()) return c.reply.error("ERR " + error);
  c.addDirty();
  c.reply.bulk(name);
}

void ScriptEngine::functionDelete(CommandContext& c) {
  auto found = libraries_.find(std::string(c.arg(2)));
  if (found == libraries_.end()) return c.reply.error("ERR Library not found");
  lua_State* L = functionsVm_.L;
  lua_getfield(L, LUA_REGISTRYINDEX, kFunctionsKey);
  for (const auto& [name, fn] : found->second.functions) {
    lua_pushnil(L);
    lua_setfield(L, -2, name.c_str());
  }
  lua_pop(L, 1);
  libraries_.erase(found);
  lua_gc(L, LUA_GCCOLLECT, 0);
  c.addDirty();
  c.reply.ok();
}

void ScriptEngine::functionFlush(CommandContext& c) {
  if (c.argc() == 3 && !equalsIgnoreCase(c.arg(2), "sync") && !equalsIgnoreCase(c.arg(2), "async"))
    return c.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  dropLibraries();
  c.addDirty();
  c.reply.ok();
}

void ScriptEngine::functionList(CommandContext& c) {
  bool withCode = false;
  bool havePattern = false;
  std::string_view pattern;
  for (int i = 2; i < c.argc(); ++i) {
    std::string_view arg = c.arg(i);
    if (!withCode && equalsIgnoreCase(arg, "withcode")) {
      withCode = true;
      continue;
    }
    if (!havePattern && equalsIgnoreCase(arg, "libraryname")) {
      if (i >= c.argc() - 1) return c.reply.error("ERR library name argument was not given");
      pattern = c.arg(++i);
      havePattern = true;
      continue;
    }
    return c.reply.error("ERR Unknown argument " + std::string(arg));
  }
  ReplyWriter& r = c.reply;
  const size_t at = r.beginDeferred();
  size_t count = 0;
  for (const auto& [name, lib] : libraries_) {
    if (havePattern && !globMatch(pattern, name)) continue;
    ++count;
    r.mapHeader(withCode ? 4 : 3);
    r.bulk("library_name");
    r.bulk(name);
    r.bulk("engine");
    r.bulk("LUA");
    r.bulk("functions");
    r.arrayHeader(lib.functions.size());
    for (const auto& [fnName, fn] : lib.functions) {
      r.mapHeader(3);
      r.bulk("name");
      r.bulk(fnName);
      r.bulk("description");
      if (fn.hasDescription) r.bulk(fn.description);
      else r.nullBulk();
      r.bulk("flags");
      r.setHeader(fn.flags.size());
      for (const std::string& flag : fn.flags) r.simple(flag);
    }
    if (withCode) {
      r.bulk("library_code");
      r.bulk(lib.code);
    }
  }
  r.endDeferredArray(at, count);
}

void ScriptEngine::functionStats(CommandContext& c) {
  size_t functions = 0;
  for (const auto& [name, lib] : libraries_) functions += lib.functions.size();
  // During a busy EVAL, Redis answers as to any command that is not allowed then.
  if (scriptSuspended && !current_.isFunction) return c.reply.error(kErrBusyScript);
  ReplyWriter& r = c.reply;
  r.mapHeader(2);
  r.bulk("running_script");
  if (scriptSuspended) {
    r.mapHeader(3);
    r.bulk("name");
    r.bulk(current_.sha);
    r.bulk("command");
    r.arrayHeader(current_.command.size());
    for (const std::string& arg : current_.command) r.bulk(arg);
    r.bulk("duration_ms");
    r.integer(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - runStarted_).count());
  } else {
    r.nullBulk();
  }
  r.bulk("engines");
  r.mapHeader(1);
  r.bulk("LUA");
  r.mapHeader(2);
  r.bulk("libraries_count");
  r.integer(static_cast<long long>(libraries_.size()));
  r.bulk("functions_count");
  r.integer(static_cast<long long>(functions));
}

void ScriptEngine::fcall(CommandContext& c, bool readOnly) {
  const std::string name(c.arg(1));
  const LuaFunction* fn = nullptr;
  for (const auto& [libName, lib] : libraries_) {
    auto found = lib.functions.find(name);
    if (found != lib.functions.end()) fn = &found->second;
  }
  if (fn == nullptr) return c.reply.error("ERR Function not found");
  long long numkeys = 0;
  if (!parseLongLong(c.arg(2), numkeys)) return c.reply.error("ERR Bad number of keys provided");
  if (numkeys > c.argc() - 3) return c.reply.error("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return c.reply.error("ERR Number of keys can't be negative");
  if (readOnly && !fn->noWrites) return c.reply.error("ERR Can not execute a script with write flag using *_ro command.");

  ScriptRun run;
  run.sha = name;
  run.db = c.dbIndex;
  run.readOnly = readOnly || fn->noWrites;
  run.isFunction = true;
  lua_State* L = functionsVm_.L;
  const size_t keys = static_cast<size_t>(numkeys);
  lua_getfield(L, LUA_REGISTRYINDEX, kFunctionsKey);
  lua_getfield(L, -1, name.c_str());
  lua_remove(L, -2);
  pushStrings(L, c.argv.subspan(3, keys));
  pushStrings(L, c.argv.subspan(3 + keys));
  runAndReply(c, run, 2);
}

}  // namespace rp::scripting
