// The `struct` library Redis embeds (Roberto Ierusalimschy's struct 0.2 API): struct.pack(fmt, ...),
// struct.unpack(fmt, data [, pos]) and struct.size(fmt), converting between Lua values and binary
// strings. Written here from the library's documented behaviour and checked against redis-server.
//
// Format options: '>' big endian, '<' little endian, '!n' maximum alignment n (a power of 2; '!'
// alone: the native maximum, 8 here), ' ' ignored; 'x' one padding byte; 'b'/'B' signed/unsigned
// char, 'h'/'H' short, 'l'/'L' long, 'T' size_t, 'in'/'In' an integer of n bytes (default
// sizeof(int), at most 32); 'f' float, 'd' double; 's' a zero-terminated string; 'cn' n chars
// ('c0' packs the whole string; unpacking, takes its length from the previous integer).
// Fields are aligned to min(their size, the maximum alignment), which starts at 1 (no padding).
//
// Lua errors unwind these frames with longjmp: no local here may own anything.
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstring>

#include "scripting/libraries.h"

namespace rp::scripting {
namespace {

constexpr int kMaxIntSize = 32;
// The alignment of double in a struct (the largest native alignment), at least sizeof(int).
struct CharThenDouble {
  char c;
  double d;
};
constexpr int kNativeMaxAlign =
    static_cast<int>(sizeof(CharThenDouble) - sizeof(double)) > static_cast<int>(sizeof(int))
        ? static_cast<int>(sizeof(CharThenDouble) - sizeof(double))
        : static_cast<int>(sizeof(int));

enum Endian { kBig = 0, kLittle = 1 };

bool nativeLittleEndian() {
  const uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

struct Layout {
  int endian = nativeLittleEndian() ? kLittle : kBig;
  int maxAlign = 1;
};

// The decimal number at *fmt (advancing past it), or `fallback` when there is none.
int readCount(lua_State* L, const char** fmt, int fallback) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return fallback;
  int n = 0;
  while (std::isdigit(static_cast<unsigned char>(**fmt))) {
    const int digit = **fmt - '0';
    if (n > INT_MAX / 10 || n * 10 > INT_MAX - digit) luaL_error(L, "integral size overflow");
    n = n * 10 + digit;
    ++*fmt;
  }
  return n;
}

// The byte size of option `opt` (reading its count from *fmt); 0 for options without one.
size_t optionSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'b':
    case 'B':
    case 'x':
      return 1;
    case 'h':
    case 'H':
      return sizeof(short);
    case 'l':
    case 'L':
      return sizeof(long);
    case 'T':
      return sizeof(size_t);
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'c':
      return static_cast<size_t>(readCount(L, fmt, 1));
    case 'i':
    case 'I': {
      const int size = readCount(L, fmt, static_cast<int>(sizeof(int)));
      if (size > kMaxIntSize) luaL_error(L, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      return static_cast<size_t>(size);
    }
    default:
      return 0;
  }
}

// Padding before a field of `size` bytes at offset `offset`.
size_t paddingFor(size_t offset, const Layout& layout, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  const size_t align = size > static_cast<size_t>(layout.maxAlign) ? static_cast<size_t>(layout.maxAlign) : size;
  return (align - (offset & (align - 1))) & (align - 1);
}

// '>', '<', '!n' and ' '; anything else is an invalid option.
void applyControl(lua_State* L, char opt, const char** fmt, Layout& layout) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      layout.endian = kBig;
      return;
    case '<':
      layout.endian = kLittle;
      return;
    case '!': {
      const int align = readCount(L, fmt, kNativeMaxAlign);
      if (align <= 0 || (align & (align - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", align);
      layout.maxAlign = align;
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

bool isInteger(char opt) { return std::strchr("bBhHlLTiI", opt) != nullptr; }

void writeInteger(lua_State* L, luaL_Buffer* out, int arg, int endian, size_t size) {
  const lua_Number n = luaL_checknumber(L, arg);
  uint64_t value = n < 0 ? static_cast<uint64_t>(static_cast<int64_t>(n)) : static_cast<uint64_t>(n);
  char bytes[kMaxIntSize];
  for (size_t i = 0; i < size; ++i) {
    // Least significant byte first; placed from the end for big endian.
    bytes[endian == kLittle ? i : size - 1 - i] = static_cast<char>(value & 0xff);
    value = i + 1 < sizeof value ? value >> 8 : 0;
  }
  luaL_addlstring(out, bytes, size);
}

lua_Number readInteger(const char* bytes, int endian, bool isSigned, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    const unsigned char byte = static_cast<unsigned char>(bytes[endian == kBig ? i : size - 1 - i]);
    value = (value << 8) | byte;
  }
  if (!isSigned) return static_cast<lua_Number>(value);
  const unsigned bits = static_cast<unsigned>(size * 8 - 1) & 63;
  const uint64_t signBits = ~uint64_t{0} << bits;
  if ((value & signBits) != 0) value |= signBits;
  return static_cast<lua_Number>(static_cast<int64_t>(value));
}

// A float or double in the layout's byte order.
void orderBytes(char* bytes, size_t size, int endian) {
  if ((endian == kLittle) == nativeLittleEndian()) return;
  for (size_t i = 0, j = size - 1; i < j; ++i, --j) {
    const char t = bytes[i];
    bytes[i] = bytes[j];
    bytes[j] = t;
  }
}

template <typename T>
void writeFloating(luaL_Buffer* out, T value, int endian) {
  char bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value);
  orderBytes(bytes, sizeof value, endian);
  luaL_addlstring(out, bytes, sizeof value);
}

template <typename T>
T readFloating(const char* data, int endian) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, data, sizeof(T));
  orderBytes(bytes, sizeof(T), endian);
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

int structPack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Layout layout;
  int arg = 2;
  size_t total = 0;
  lua_pushnil(L);  // keeps the buffer's stack slots above the arguments
  luaL_Buffer out;
  luaL_buffinit(L, &out);
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = optionSize(L, opt, &fmt);
    size_t padding = paddingFor(total, layout, opt, size);
    total += padding;
    for (; padding > 0; --padding) luaL_addchar(&out, '\0');
    if (isInteger(opt)) {
      writeInteger(L, &out, arg++, layout.endian, size);
    } else if (opt == 'x') {
      luaL_addchar(&out, '\0');
    } else if (opt == 'f') {
      writeFloating(&out, static_cast<float>(luaL_checknumber(L, arg++)), layout.endian);
    } else if (opt == 'd') {
      writeFloating(&out, static_cast<double>(luaL_checknumber(L, arg++)), layout.endian);
    } else if (opt == 'c' || opt == 's') {
      size_t length = 0;
      const char* s = luaL_checklstring(L, arg++, &length);
      if (size == 0) size = length;
      // (The library names the argument after the string in this error.)
      luaL_argcheck(L, length >= size, arg, "string too short");
      luaL_addlstring(&out, s, size);
      if (opt == 's') {
        luaL_addchar(&out, '\0');
        ++size;
      }
    } else {
      applyControl(L, opt, &fmt, layout);
    }
    total += size;
  }
  luaL_pushresult(&out);
  return 1;
}

int structUnpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t dataLength = 0;
  const char* data = luaL_checklstring(L, 2, &dataLength);
  const lua_Integer start = luaL_optinteger(L, 3, 1);
  luaL_argcheck(L, start > 0, 3, "offset must be 1 or greater");
  size_t pos = static_cast<size_t>(start) - 1;
  Layout layout;
  int results = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = optionSize(L, opt, &fmt);
    pos += paddingFor(pos, layout, opt, size);
    luaL_argcheck(L, size <= dataLength && pos <= dataLength - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    if (isInteger(opt)) {
      lua_pushnumber(L, readInteger(data + pos, layout.endian, std::islower(static_cast<unsigned char>(opt)) != 0, size));
      ++results;
    } else if (opt == 'x') {
    } else if (opt == 'f') {
      lua_pushnumber(L, readFloating<float>(data + pos, layout.endian));
      ++results;
    } else if (opt == 'd') {
      lua_pushnumber(L, readFloating<double>(data + pos, layout.endian));
      ++results;
    } else if (opt == 'c') {
      if (size == 0) {
        // 'c0': the length is the integer unpacked just before, which it replaces.
        if (results == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
        size = static_cast<size_t>(lua_tonumber(L, -1));
        lua_pop(L, 1);
        --results;
        luaL_argcheck(L, size <= dataLength && pos <= dataLength - size, 2, "data string too short");
      }
      lua_pushlstring(L, data + pos, size);
      ++results;
    } else if (opt == 's') {
      const void* end = std::memchr(data + pos, '\0', dataLength - pos);
      if (end == nullptr) luaL_error(L, "unfinished string in data");
      size = static_cast<size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
      lua_pushlstring(L, data + pos, size - 1);
      ++results;
    } else {
      applyControl(L, opt, &fmt, layout);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));  // where the next field would start
  return results + 1;
}

int structSize(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Layout layout;
  size_t pos = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    const size_t size = optionSize(L, opt, &fmt);
    pos += paddingFor(pos, layout, opt, size);
    if (opt == 's') luaL_argerror(L, 1, "option 's' has no fixed size");
    if (opt == 'c' && size == 0) luaL_argerror(L, 1, "option 'c0' has no fixed size");
    // Letters without a size (unknown ones included) count for nothing here.
    if (!std::isalnum(static_cast<unsigned char>(opt))) applyControl(L, opt, &fmt, layout);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace

int openStructLibrary(lua_State* L) {
  static const luaL_Reg functions[] = {
      {"pack", structPack},
      {"unpack", structUnpack},
      {"size", structSize},
      {nullptr, nullptr},
  };
  lua_newtable(L);
  luaL_register(L, nullptr, functions);
  return 1;
}

}  // namespace rp::scripting
