// The `bit` library (LuaBitOp's API, as Redis embeds it): 32-bit operations on Lua numbers. A
// number is reduced modulo 2^32 (adding 2^52+2^51 puts its integer part in the low word of the
// double, which also rounds like LuaBitOp does), results are signed 32-bit values.
#include <cstdint>
#include <cstring>

#include "scripting/libraries.h"

namespace rp::scripting {
namespace {

uint32_t bitArg(lua_State* L, int index) {
  double n = lua_tonumber(L, index) + 6755399441055744.0;  // 2^52 + 2^51
  uint64_t bits = 0;
  std::memcpy(&bits, &n, sizeof bits);
  const uint32_t value = static_cast<uint32_t>(bits);
  if (value == 0 && !lua_isnumber(L, index)) luaL_typerror(L, index, "number");
  return value;
}

int pushBits(lua_State* L, uint32_t value) {
  lua_pushnumber(L, static_cast<lua_Number>(static_cast<int32_t>(value)));
  return 1;
}

int bitToBit(lua_State* L) { return pushBits(L, bitArg(L, 1)); }
int bitNot(lua_State* L) { return pushBits(L, ~bitArg(L, 1)); }

template <typename Op>
int fold(lua_State* L, Op op) {
  uint32_t value = bitArg(L, 1);
  for (int i = lua_gettop(L); i > 1; --i) value = op(value, bitArg(L, i));
  return pushBits(L, value);
}
int bitAnd(lua_State* L) { return fold(L, [](uint32_t a, uint32_t b) { return a & b; }); }
int bitOr(lua_State* L) { return fold(L, [](uint32_t a, uint32_t b) { return a | b; }); }
int bitXor(lua_State* L) { return fold(L, [](uint32_t a, uint32_t b) { return a ^ b; }); }

template <typename Op>
int shift(lua_State* L, Op op) {
  const uint32_t value = bitArg(L, 1);
  const uint32_t count = bitArg(L, 2) & 31;
  return pushBits(L, op(value, count));
}
int bitLshift(lua_State* L) { return shift(L, [](uint32_t v, uint32_t n) { return v << n; }); }
int bitRshift(lua_State* L) { return shift(L, [](uint32_t v, uint32_t n) { return v >> n; }); }
int bitArshift(lua_State* L) {
  return shift(L, [](uint32_t v, uint32_t n) { return static_cast<uint32_t>(static_cast<int32_t>(v) >> n); });
}
int bitRol(lua_State* L) { return shift(L, [](uint32_t v, uint32_t n) { return n == 0 ? v : (v << n) | (v >> (32 - n)); }); }
int bitRor(lua_State* L) { return shift(L, [](uint32_t v, uint32_t n) { return n == 0 ? v : (v >> n) | (v << (32 - n)); }); }

int bitSwap(lua_State* L) {
  const uint32_t v = bitArg(L, 1);
  return pushBits(L, (v >> 24) | ((v >> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24));
}

int bitToHex(lua_State* L) {
  uint32_t value = bitArg(L, 1);
  int32_t digits = lua_isnone(L, 2) ? 8 : static_cast<int32_t>(bitArg(L, 2));
  const char* alphabet = "0123456789abcdef";
  if (digits < 0) {
    digits = -digits;
    alphabet = "0123456789ABCDEF";
  }
  if (digits > 8) digits = 8;
  char text[8];
  for (int i = digits - 1; i >= 0; --i) {
    text[i] = alphabet[value & 15];
    value >>= 4;
  }
  lua_pushlstring(L, text, static_cast<size_t>(digits));
  return 1;
}

const luaL_Reg kBitFunctions[] = {
    {"tobit", bitToBit}, {"bnot", bitNot},       {"band", bitAnd},       {"bor", bitOr},   {"bxor", bitXor},
    {"lshift", bitLshift}, {"rshift", bitRshift}, {"arshift", bitArshift}, {"rol", bitRol}, {"ror", bitRor},
    {"bswap", bitSwap},  {"tohex", bitToHex},     {nullptr, nullptr},
};

}  // namespace

int openBitLibrary(lua_State* L) {
  luaL_register(L, "bit", kBitFunctions);
  return 1;
}

}  // namespace rp::scripting
