// Snapshots in Redis's RDB format, version 10 (what Redis 7.0 writes and reads), so that data
// moves between RustyPotato and Redis in both directions and redis-check-rdb accepts our files.
//
// Writing walks every database with the per-type element visitors; each type has its own encoder
// (rdb.cc), so a new type adds one encoder and one decoder. We write what Redis 7.0 writes: strings
// (type 0, with the int8/16/32 encodings and LZF for texts over 20 bytes when it saves space),
// lists as quicklist 2 (18, packed listpack nodes of at most 8 KB), intset sets as intsets (11),
// other sets as 2, listpack hashes / sorted sets as listpacks (16 / 17), the others as 4 / 5.
// Loading accepts everything Redis 7.0 writes (listpack, intset, quicklist and the older ziplist /
// zipmap encodings, LZF-compressed strings) and rebuilds values through the types' insert
// functions, so they get the encodings our limits choose. Function libraries are written before
// the data (RDB_OPCODE_FUNCTION2, their code) and loaded back. Streams, module values and module
// aux data are refused with an error (we have none of them yet).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "persistence/key_stream.h"

namespace rp {

class Engine;

// Receives consecutive chunks of the image; returns false on an I/O error (writing then stops).
using RdbSink = std::function<bool(const char* data, size_t size)>;

// Writes an RDB v10 image of every database (aux fields, SELECTDB + RESIZEDB per non-empty db,
// expiries as EXPIRETIME_MS, EOF + CRC64), as SAVE does. Keys already expired at `nowMs` are
// skipped. Returns false when the sink failed.
bool rdbWrite(Engine& engine, long long nowMs, const RdbSink& sink);
// The same image key by key (live snapshots): the header is written now; keys of any database in
// any order; finish() writes EOF and the checksum. `aofBase`: the image starts an AOF
// (aof-use-rdb-preamble), which its "aof-base" aux field says, as Redis writes it.
std::unique_ptr<KeyStreamEncoder> makeRdbKeyStream(Engine& engine, long long nowMs, RdbSink sink, bool aofBase);
// Its fragment encoder (key_stream.h).
std::unique_ptr<KeyStreamEncoder> makeRdbKeyFragments(long long nowMs, RdbSink sink);

struct RdbLoadResult {
  bool ok = false;
  std::string error;       // on failure: what is wrong and at which byte offset
  size_t keys = 0;         // keys loaded
  size_t expiredSkipped = 0;  // keys whose expiry had passed at nowMs (not loaded)
  size_t end = 0;          // where the image ended (after the checksum): an AOF's commands follow an RDB preamble
};

// Loads an RDB image (any version Redis 7.0 loads, up to 10) into the engine's databases, on top of
// what they hold (callers flush first). Verifies the CRC64 when the file carries one.
RdbLoadResult rdbLoad(Engine& engine, const char* data, size_t size, long long nowMs);

}  // namespace rp
