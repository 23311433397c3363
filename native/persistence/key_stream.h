// The data set as a stream of keys: the shape both image formats share. An encoder turns keys,
// given one at a time and in any order of databases, into an RDB image (rdb.h) or into the
// commands of an AOF base (aof.h). SAVE hands it every key in a row (encodeAllKeys); a live
// snapshot (live_snapshot.h) hands keys over in slices and out of order, as they are about to
// change, which is why each key names its database.
#pragma once

#include <string_view>

namespace rp {

class Engine;
class KeyRef;

class KeyStreamEncoder {
 public:
  virtual ~KeyStreamEncoder() = default;
  // One key of database `db`; skipped when already expired at the image's time. False when the
  // output failed (or the value cannot be encoded): the image is then unusable.
  virtual bool key(int db, const KeyRef& ref) = 0;
  // Bytes a fragment encoder (below) produced for one key of database `db`, added as they are.
  virtual bool appendEncoded(int db, std::string_view bytes) = 0;
  // Ends the image (RDB: EOF and checksum). Called once, after the last key. A fragment encoder
  // instead hands over what it buffered, and may be used again.
  virtual bool finish() = 0;
};

// A fragment encoder writes single keys — no header, no database selection, no end — for a
// value encoded apart from the stream over several slices (appendEncoded adds it to the stream).

// Every key of every database, in order, then finish().
bool encodeAllKeys(Engine& engine, KeyStreamEncoder& encoder);

}  // namespace rp
