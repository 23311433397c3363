// The `cmsgpack` library with the encodings and limits of Redis's: pack(v...) concatenates the
// MessagePack of each value (integral numbers as the smallest integer type, other numbers as a
// float when exact else a double, tables with keys 1..n as arrays and others as maps, tables nested
// deeper than 16 as nil); unpack(s) returns every value of s, unpack_one / unpack_limit a few from an
// offset, preceded by the offset to continue from (-1 at the end).
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "scripting/libraries.h"

namespace rp::scripting {
namespace {

constexpr int kMaxNesting = 16;

void putBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void header(std::string& out, unsigned char type, uint64_t value, int bytes) {
  out.push_back(static_cast<char>(type));
  putBigEndian(out, value, bytes);
}

void encodeInteger(std::string& out, int64_t n) {
  if (n >= 0) {
    if (n <= 127) out.push_back(static_cast<char>(n));
    else if (n <= 0xff) header(out, 0xcc, static_cast<uint64_t>(n), 1);
    else if (n <= 0xffff) header(out, 0xcd, static_cast<uint64_t>(n), 2);
    else if (n <= 0xffffffffLL) header(out, 0xce, static_cast<uint64_t>(n), 4);
    else header(out, 0xcf, static_cast<uint64_t>(n), 8);
  } else {
    if (n >= -32) out.push_back(static_cast<char>(static_cast<signed char>(n)));
    else if (n >= -128) header(out, 0xd0, static_cast<uint64_t>(n), 1);
    else if (n >= -32768) header(out, 0xd1, static_cast<uint64_t>(n), 2);
    else if (n >= -2147483648LL) header(out, 0xd2, static_cast<uint64_t>(n), 4);
    else header(out, 0xd3, static_cast<uint64_t>(n), 8);
  }
}

void encodeNumber(std::string& out, double d) {
  if (!std::isinf(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0 && static_cast<double>(static_cast<int64_t>(d)) == d) {
    encodeInteger(out, static_cast<int64_t>(d));
    return;
  }
  const float f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    header(out, 0xca, bits, 4);
  } else {
    uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    header(out, 0xcb, bits, 8);
  }
}

void lengthHeader(std::string& out, size_t n, unsigned char fixBase, size_t fixMax, unsigned char type8, unsigned char type16,
                  unsigned char type32) {
  if (n <= fixMax) out.push_back(static_cast<char>(fixBase | n));
  else if (type8 != 0 && n <= 0xff) header(out, type8, n, 1);
  else if (n <= 0xffff) header(out, type16, n, 2);
  else header(out, type32, n, 4);
}

// True when the table's keys are exactly 1..n.
bool isArray(lua_State* L) {
  const int top = lua_gettop(L);
  long long count = 0;
  double max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    double n = 0;
    if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || static_cast<double>(static_cast<int>(n)) != n) {
      lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    ++count;
  }
  lua_settop(L, top);
  return max == static_cast<double>(count);
}

// Encodes the value on top of the stack and pops it.
void encodeValue(lua_State* L, std::string& out, int level) {
  int type = lua_type(L, -1);
  if (type == LUA_TTABLE && level == kMaxNesting) type = LUA_TNIL;
  switch (type) {
    case LUA_TSTRING: {
      size_t size = 0;
      const char* s = lua_tolstring(L, -1, &size);
      lengthHeader(out, size, 0xa0, 31, 0xd9, 0xda, 0xdb);
      out.append(s, size);
      break;
    }
    case LUA_TBOOLEAN:
      out.push_back(static_cast<char>(lua_toboolean(L, -1) ? 0xc3 : 0xc2));
      break;
    case LUA_TNUMBER:
      encodeNumber(out, lua_tonumber(L, -1));
      break;
    case LUA_TTABLE:
      luaL_checkstack(L, 3, "too many nested tables");
      if (isArray(L)) {
        const size_t n = lua_objlen(L, -1);
        lengthHeader(out, n, 0x90, 15, 0, 0xdc, 0xdd);
        for (size_t i = 1; i <= n; ++i) {
          lua_pushnumber(L, static_cast<lua_Number>(i));
          lua_gettable(L, -2);
          encodeValue(L, out, level + 1);
        }
      } else {
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          ++n;
        }
        lengthHeader(out, n, 0x80, 15, 0, 0xde, 0xdf);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          encodeValue(L, out, level + 1);  // key
          encodeValue(L, out, level + 1);  // value
        }
      }
      break;
    default:
      out.push_back(static_cast<char>(0xc0));
  }
  lua_pop(L, 1);
}

int pack(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, argc)) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  {
    // The encoding never raises a Lua error (other than out of memory), so the string is freed.
    std::string out;
    for (int i = 1; i <= argc; ++i) {
      lua_pushvalue(L, i);
      encodeValue(L, out, 0);
    }
    lua_pushlstring(L, out.data(), out.size());
  }
  return 1;
}

// ---- decoding ----

enum class DecodeError { None, Eof, BadFormat };

struct Cursor {
  const unsigned char* p;
  size_t left;
  DecodeError error = DecodeError::None;

  bool need(size_t n) {
    if (left < n) {
      error = DecodeError::Eof;
      return false;
    }
    return true;
  }
  uint64_t bigEndian(size_t offset, int bytes) const {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[offset + static_cast<size_t>(i)];
    return v;
  }
  void skip(size_t n) {
    p += n;
    left -= n;
  }
};

void decodeValue(lua_State* L, Cursor& c);

void decodeString(lua_State* L, Cursor& c, int lengthBytes) {
  if (!c.need(1 + static_cast<size_t>(lengthBytes))) return;
  const size_t size = static_cast<size_t>(c.bigEndian(1, lengthBytes));
  if (!c.need(1 + static_cast<size_t>(lengthBytes) + size)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c.p + 1 + lengthBytes), size);
  c.skip(1 + static_cast<size_t>(lengthBytes) + size);
}

void decodeArray(lua_State* L, Cursor& c, size_t count) {
  lua_newtable(L);
  for (size_t i = 1; i <= count && c.error == DecodeError::None; ++i) {
    lua_pushnumber(L, static_cast<lua_Number>(i));
    decodeValue(L, c);
    if (c.error != DecodeError::None) return;
    lua_settable(L, -3);
  }
}

void decodeMap(lua_State* L, Cursor& c, size_t count) {
  lua_newtable(L);
  for (size_t i = 0; i < count && c.error == DecodeError::None; ++i) {
    decodeValue(L, c);
    if (c.error != DecodeError::None) return;
    decodeValue(L, c);
    if (c.error != DecodeError::None) return;
    lua_settable(L, -3);
  }
}

// A fixed-size item: `bytes` after the type byte.
bool fixed(Cursor& c, int bytes) { return c.need(1 + static_cast<size_t>(bytes)); }

void decodeValue(lua_State* L, Cursor& c) {
  luaL_checkstack(L, 4, "too many nested values");
  if (!c.need(1)) return;
  const unsigned char type = c.p[0];
  switch (type) {
    case 0xcc: case 0xcd: case 0xce: case 0xcf: {
      const int bytes = 1 << (type - 0xcc);
      if (!fixed(c, bytes)) return;
      lua_pushnumber(L, static_cast<lua_Number>(c.bigEndian(1, bytes)));
      c.skip(1 + static_cast<size_t>(bytes));
      return;
    }
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
      const int bytes = 1 << (type - 0xd0);
      if (!fixed(c, bytes)) return;
      uint64_t raw = c.bigEndian(1, bytes);
      int64_t value = bytes == 8 ? static_cast<int64_t>(raw)
                                 : static_cast<int64_t>(raw << (64 - 8 * bytes)) >> (64 - 8 * bytes);
      lua_pushnumber(L, static_cast<lua_Number>(value));
      c.skip(1 + static_cast<size_t>(bytes));
      return;
    }
    case 0xc0: lua_pushnil(L); c.skip(1); return;
    case 0xc2: lua_pushboolean(L, 0); c.skip(1); return;
    case 0xc3: lua_pushboolean(L, 1); c.skip(1); return;
    case 0xca: {
      if (!fixed(c, 4)) return;
      uint32_t bits = static_cast<uint32_t>(c.bigEndian(1, 4));
      float f = 0;
      std::memcpy(&f, &bits, sizeof f);
      lua_pushnumber(L, static_cast<lua_Number>(f));
      c.skip(5);
      return;
    }
    case 0xcb: {
      if (!fixed(c, 8)) return;
      uint64_t bits = c.bigEndian(1, 8);
      double d = 0;
      std::memcpy(&d, &bits, sizeof d);
      lua_pushnumber(L, d);
      c.skip(9);
      return;
    }
    case 0xc4: case 0xd9: decodeString(L, c, 1); return;
    case 0xc5: case 0xda: decodeString(L, c, 2); return;
    case 0xc6: case 0xdb: decodeString(L, c, 4); return;
    case 0xdc: case 0xdd: case 0xde: case 0xdf: {
      const int bytes = (type == 0xdc || type == 0xde) ? 2 : 4;
      if (!fixed(c, bytes)) return;
      const size_t count = static_cast<size_t>(c.bigEndian(1, bytes));
      c.skip(1 + static_cast<size_t>(bytes));
      if (type <= 0xdd) decodeArray(L, c, count);
      else decodeMap(L, c, count);
      return;
    }
    default:
      break;
  }
  if ((type & 0x80) == 0) {
    lua_pushnumber(L, type);
    c.skip(1);
  } else if ((type & 0xe0) == 0xe0) {
    lua_pushnumber(L, static_cast<signed char>(type));
    c.skip(1);
  } else if ((type & 0xe0) == 0xa0) {
    const size_t size = type & 0x1f;
    if (!c.need(1 + size)) return;
    lua_pushlstring(L, reinterpret_cast<const char*>(c.p + 1), size);
    c.skip(1 + size);
  } else if ((type & 0xf0) == 0x90) {
    c.skip(1);
    decodeArray(L, c, type & 0x0f);
  } else if ((type & 0xf0) == 0x80) {
    c.skip(1);
    decodeMap(L, c, type & 0x0f);
  } else {
    c.error = DecodeError::BadFormat;
  }
}

int unpackFull(lua_State* L, int limit, int offset) {
  size_t size = 0;
  const char* s = luaL_checklstring(L, 1, &size);
  const bool all = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0)
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", offset, static_cast<int>(size));
  if (static_cast<size_t>(offset) > size)
    return luaL_error(L, "Start offset %d greater than input length %d.", offset, static_cast<int>(size));
  if (all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, size - static_cast<size_t>(offset)};
  int count = 0;
  for (; c.left > 0 && count < limit; ++count) {
    decodeValue(L, c);
    if (c.error == DecodeError::Eof) return luaL_error(L, "Missing bytes in input.");
    if (c.error == DecodeError::BadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (!all) {
    luaL_checkstack(L, 1, "in function unpack");
    lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(size - c.left));
    lua_insert(L, 2);
    ++count;
  }
  return count;
}

int unpack(lua_State* L) { return unpackFull(L, 0, 0); }

int unpackOne(lua_State* L) {
  const int offset = static_cast<int>(luaL_optinteger(L, 2, 0));
  lua_pop(L, lua_gettop(L) - 1);
  return unpackFull(L, 1, offset);
}

int unpackLimit(lua_State* L) {
  const int limit = static_cast<int>(luaL_checkinteger(L, 2));
  const int offset = static_cast<int>(luaL_optinteger(L, 3, 0));
  lua_pop(L, lua_gettop(L) - 1);
  return unpackFull(L, limit, offset);
}

const luaL_Reg kMessagePackFunctions[] = {
    {"pack", pack}, {"unpack", unpack}, {"unpack_one", unpackOne}, {"unpack_limit", unpackLimit}, {nullptr, nullptr},
};

}  // namespace

int openMessagePackLibrary(lua_State* L) {
  lua_newtable(L);
  luaL_register(L, nullptr, kMessagePackFunctions);
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  return 1;
}

}  // namespace rp::scripting
