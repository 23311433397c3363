#!/bin/sh
# Fetches the Lua 5.1 sources the native module embeds (the language version Redis embeds) and
# lua-cjson (Redis's cjson library) from Debian's own source packages into third_party/
# (git-ignored; nothing of either is committed), then prints the C files binding.gyp compiles when
# called with --sources.
#
#   scripts/fetch-lua.sh            fetch if missing
#   scripts/fetch-lua.sh --sources  fetch if missing, print the source list (binding.gyp)
#
# `apt-get source` needs deb-src entries: when they are missing and we run as root, the Debian
# sources file gets "Types: deb deb-src" and the index is refreshed. Progress goes to stderr so that
# the --sources output stays clean for gyp.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/third_party"
lua="$dest/lua5.1"
cjson="$dest/lua-cjson"
# Our one change to Lua: read-only tables (lua_setreadonly), for the sandbox's protected globals.
# It lives under native/ so that the prebuild's source hash covers it; the stamp names its checksum
# so that a changed patch makes the next build fetch and patch afresh.
patchfile="$root/native/scripting/lua-readonly-tables.patch"
stamp="$lua/.rustypotato-patch-$(cksum < "$patchfile" | cut -d' ' -f1)"

# The Lua core and the libraries Redis loads (base, table, string, math, debug); not lua.c/luac.c
# (programs), nor io/os/package (the sandbox never opens them), nor linit.c (we open libraries
# one by one).
core="lapi lcode ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes lparser lstate lstring
ltable ltm lundump lvm lzio lauxlib lbaselib ldblib lmathlib lstrlib ltablib"

log() { echo "fetch-lua: $*" >&2; }

enable_deb_src() {
  if apt-cache showsrc lua5.1 2>/dev/null | grep -q '^Package: lua5.1'; then return 0; fi
  sources=/etc/apt/sources.list.d/debian.sources
  if [ "$(id -u)" != 0 ] || [ ! -f "$sources" ]; then
    log "apt-get source needs deb-src entries; add 'Types: deb deb-src' to your Debian sources"
    exit 1
  fi
  log "enabling deb-src in $sources"
  sed -i 's/^Types: deb$/Types: deb deb-src/' "$sources"
  apt-get update -qq >&2
}

fetch() {
  enable_deb_src
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  log "apt-get source lua5.1 lua-cjson"
  (cd "$work" && apt-get source -qq lua5.1 lua-cjson >&2)
  mkdir -p "$dest"
  rm -rf "$lua" "$cjson"
  mv "$work"/lua5.1-5.1.*/ "$lua"
  mv "$work"/lua-cjson-*/ "$cjson"
  log "applying $(basename "$patchfile")"
  (cd "$lua" && patch -p1 -s < "$patchfile" >&2)
  touch "$stamp"
  # debian/rules generates this header (module search paths of the package library, which the
  # sandbox never opens); any value serves.
  multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo unknown)
  printf '#define DEB_HOST_MULTIARCH "%s"\n' "$multiarch" > "$lua/src/lua5.1-deb-multiarch.h"
  log "Lua sources in $lua"
}

[ -f "$lua/src/lapi.c" ] && [ -f "$cjson/lua_cjson.c" ] && [ -f "$stamp" ] || fetch

if [ "${1:-}" = "--sources" ]; then
  out=""
  for f in $core; do out="$out third_party/lua5.1/src/$f.c"; done
  # lua-cjson with its own number formatting (fpconv), as Debian builds it.
  for f in lua_cjson strbuf fpconv; do out="$out third_party/lua-cjson/$f.c"; done
  echo $out
fi
