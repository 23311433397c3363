// The Lua 5.1 C API (sources fetched by scripts/fetch-lua.sh into third_party/, compiled as C).
#pragma once

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}
