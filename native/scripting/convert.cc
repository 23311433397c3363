#include "scripting/convert.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace rp::scripting {
namespace {

// The line after a type byte: [p+1, crlf). Returns nullptr when there is no CRLF before end.
const char* lineEnd(const char* p, const char* end) {
  for (const char* q = p; q + 1 < end; ++q)
    if (q[0] == '\r' && q[1] == '\n') return q;
  return nullptr;
}

long long lineInteger(const char* from, const char* to) {
  std::string text(from, to);
  return std::strtoll(text.c_str(), nullptr, 10);
}

void setStringField(lua_State* L, const char* field, const char* data, size_t size) {
  lua_pushstring(L, field);
  lua_pushlstring(L, data, size);
  lua_settable(L, -3);
}

// Parses one reply; pushes its value when `push` (attributes are parsed and dropped).
const char* parse(lua_State* L, const char* p, const char* end, bool push) {
  if (p >= end) {
    if (push) lua_pushnil(L);
    return end;
  }
  const char* crlf = lineEnd(p, end);
  if (crlf == nullptr) {
    if (push) lua_pushnil(L);
    return end;
  }
  const char* text = p + 1;
  const size_t textSize = static_cast<size_t>(crlf - text);
  const char* next = crlf + 2;
  if (push && !lua_checkstack(L, 8)) luaL_error(L, "reached lua stack limit");
  switch (*p) {
    case '+':
      if (push) {
        lua_newtable(L);
        setStringField(L, "ok", text, textSize);
      }
      return next;
    case '-':
      if (push) {
        pushErrorTable(L, std::string_view(p, static_cast<size_t>(crlf - p)));
        // As Redis marks errors that came from a command (its error statistics counted them).
        lua_pushstring(L, "ignore_error_stats_update");
        lua_pushboolean(L, 1);
        lua_settable(L, -3);
      }
      return next;
    case ':':
      if (push) lua_pushnumber(L, static_cast<lua_Number>(lineInteger(text, crlf)));
      return next;
    case '$':
    case '=': {
      long long size = lineInteger(text, crlf);
      if (size < 0) {
        if (push) lua_pushboolean(L, 0);
        return next;
      }
      if (static_cast<size_t>(end - next) < static_cast<size_t>(size) + 2) {
        if (push) lua_pushnil(L);
        return end;
      }
      if (push) {
        if (*p == '$') {
          lua_pushlstring(L, next, static_cast<size_t>(size));
        } else {
          // "fmt:text": {verbatim_string = {format = fmt, string = text}}
          const size_t skip = size >= 4 ? 4 : static_cast<size_t>(size);
          lua_newtable(L);
          lua_pushstring(L, "verbatim_string");
          lua_newtable(L);
          setStringField(L, "string", next + skip, static_cast<size_t>(size) - skip);
          setStringField(L, "format", next, skip > 0 ? skip - 1 : 0);
          lua_settable(L, -3);
        }
      }
      return next + size + 2;
    }
    case '*':
    case '>': {
      long long count = lineInteger(text, crlf);
      if (count < 0) {
        if (push) lua_pushboolean(L, 0);
        return next;
      }
      if (push) lua_newtable(L);
      for (long long i = 0; i < count; ++i) {
        if (push) lua_pushnumber(L, static_cast<lua_Number>(i + 1));
        next = parse(L, next, end, push);
        if (push) lua_settable(L, -3);
      }
      return next;
    }
    case '%':
    case '~': {
      const bool isMap = *p == '%';
      long long count = lineInteger(text, crlf);
      if (push) {
        lua_newtable(L);
        lua_pushstring(L, isMap ? "map" : "set");
        lua_newtable(L);
      }
      for (long long i = 0; i < count; ++i) {
        next = parse(L, next, end, push);
        if (isMap) next = parse(L, next, end, push);
        else if (push) lua_pushboolean(L, 1);
        if (push) lua_settable(L, -3);
      }
      if (push) lua_settable(L, -3);
      return next;
    }
    case '|': {
      long long count = lineInteger(text, crlf);
      for (long long i = 0; i < 2 * count; ++i) next = parse(L, next, end, false);
      return parse(L, next, end, push);
    }
    case ',':
      if (push) {
        std::string number(text, textSize);
        double d = number == "inf" ? HUGE_VAL : number == "-inf" ? -HUGE_VAL : std::strtod(number.c_str(), nullptr);
        lua_newtable(L);
        lua_pushstring(L, "double");
        lua_pushnumber(L, d);
        lua_settable(L, -3);
      }
      return next;
    case '#':
      if (push) lua_pushboolean(L, textSize > 0 && text[0] == 't');
      return next;
    case '_':
      if (push) lua_pushnil(L);
      return next;
    case '(':
      if (push) {
        lua_newtable(L);
        setStringField(L, "big_number", text, textSize);
      }
      return next;
    default:
      if (push) lua_pushnil(L);
      return end;
  }
}

// Field `name` of the table on top, pushed (raw access, as Redis does).
int rawField(lua_State* L, const char* name) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  return lua_type(L, -1);
}

// "\r" and "\n" become spaces (status and big number texts).
std::string withoutNewlines(const char* data, size_t size) {
  std::string s(data, size);
  for (char& ch : s)
    if (ch == '\r' || ch == '\n') ch = ' ';
  return s;
}

}  // namespace

const char* pushReply(lua_State* L, const char* p, const char* end) { return parse(L, p, end, true); }

void pushErrorTable(lua_State* L, std::string_view text) {
  std::string_view code = "ERR";
  std::string_view message = text;
  if (!text.empty() && text[0] == '-') {
    size_t space = text.find(' ');
    if (space == std::string_view::npos) {
      message = text.substr(1);
    } else {
      code = text.substr(1, space - 1);
      message = text.substr(space + 1);
    }
  }
  // Redis trims CR and LF on both ends (its error objects end with a newline).
  while (!message.empty() && (message.front() == '\r' || message.front() == '\n')) message.remove_prefix(1);
  while (!message.empty() && (message.back() == '\r' || message.back() == '\n')) message.remove_suffix(1);
  std::string full(code);
  full.push_back(' ');
  full.append(message);
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushlstring(L, full.data(), full.size());
  lua_settable(L, -3);
}

void replyFromLua(lua_State* L, ReplyWriter& out, int scriptResp) {
  if (!lua_checkstack(L, 4)) {
    out.error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t size = 0;
      const char* s = lua_tolstring(L, -1, &size);
      out.bulk(std::string_view(s, size));
      break;
    }
    case LUA_TBOOLEAN:
      if (scriptResp == 2) {
        if (lua_toboolean(L, -1)) out.integer(1);
        else out.nullBulk();
      } else {
        out.boolean(lua_toboolean(L, -1) != 0);
      }
      break;
    case LUA_TNUMBER:
      out.integer(static_cast<long long>(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE: {
      if (rawField(L, "err") == LUA_TSTRING) {
        size_t size = 0;
        const char* s = lua_tolstring(L, -1, &size);
        out.error(std::string_view(s, size));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (rawField(L, "ok") == LUA_TSTRING) {
        size_t size = 0;
        const char* s = lua_tolstring(L, -1, &size);
        out.simple(std::string_view(s, size));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (rawField(L, "double") == LUA_TNUMBER) {
        out.doubleValue(lua_tonumber(L, -1));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (rawField(L, "big_number") == LUA_TSTRING) {
        size_t size = 0;
        const char* s = lua_tolstring(L, -1, &size);
        std::string number = withoutNewlines(s, size);
        if (out.resp() == 3) {
          out.raw("(");
          out.raw(number);
          out.raw("\r\n");
        } else {
          out.bulk(number);
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (rawField(L, "verbatim_string") == LUA_TTABLE) {
        if (rawField(L, "format") == LUA_TSTRING) {
          lua_pushstring(L, "string");
          lua_rawget(L, -3);
          if (lua_type(L, -1) == LUA_TSTRING) {
            size_t fmtSize = 0, size = 0;
            const char* fmt = lua_tolstring(L, -2, &fmtSize);
            const char* s = lua_tolstring(L, -1, &size);
            out.verbatim(std::string_view(s, size), std::string_view(fmt, fmtSize < 3 ? fmtSize : 3));
            lua_pop(L, 4);
            return;
          }
          lua_pop(L, 1);
        }
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      if (rawField(L, "map") == LUA_TTABLE) {
        const size_t at = out.beginDeferred();
        size_t pairs = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          replyFromLua(L, out, scriptResp);  // key
          replyFromLua(L, out, scriptResp);  // value
          ++pairs;
        }
        out.endDeferredMap(at, pairs);
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (rawField(L, "set") == LUA_TTABLE) {
        const size_t at = out.beginDeferred();
        size_t members = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          replyFromLua(L, out, scriptResp);
          ++members;
        }
        out.endDeferredSet(at, members);
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      // An array up to the first nil.
      const size_t at = out.beginDeferred();
      size_t count = 0;
      for (int i = 1;; ++i) {
        lua_pushnumber(L, i);
        lua_rawget(L, -2);
        if (lua_type(L, -1) == LUA_TNIL) {
          lua_pop(L, 1);
          break;
        }
        replyFromLua(L, out, scriptResp);
        ++count;
      }
      out.endDeferredArray(at, count);
      break;
    }
    default:
      out.nullBulk();
  }
  lua_pop(L, 1);
}

}  // namespace rp::scripting
