// RDB v10 snapshots (see rdb.h). The layout of this file:
//   1. format constants (opcodes, value types, length and string encodings);
//   2. the listpack element encoder shared by the compact encodings we write;
//   3. the writer: RdbWriter (buffered sink + running CRC64, lengths, strings with Redis's integer
//      and LZF rules) and one encoder per type, then rdbWrite;
//   4. the loader: Input (bounds-checked reads of the image), decoders for the embedded blobs
//      (listpack, ziplist, zipmap, intset), one decoder per value type, then rdbLoad.
//
// Byte order: RDB lengths (the 32/64-bit forms) are big-endian; the RDB_ENC_INT16/32 string
// encodings, EXPIRETIME(_MS), binary doubles, the CRC and everything inside listpacks, ziplists and
// intsets are little-endian (ziplist string lengths excepted: big-endian).
//
// The loader throws RdbError internally (exceptions never leave this file); every read goes
// through a bounds check, so a truncated or corrupt image ends in an error message naming the byte
// offset, never in an out-of-bounds read.
#include "persistence/rdb.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "persistence/crc64.h"
#include "persistence/lzf.h"
#include "scripting/persistence.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/stream.h"
#include "types/zset.h"
#include "util/numbers.h"

namespace rp {
namespace {

// ---- 1. format constants --------------------------------------------------------------------------

constexpr int kRdbVersion = 10;
constexpr char kRedisVersion[] = "7.0.15";  // the redis-ver aux field (the Redis we are compatible with)

enum Opcode : uint8_t {
  kOpFunction2 = 245,       // a function library (Redis 7.0)
  kOpFunctionPreGa = 246,   // a function library (7.0 release candidates)
  kOpModuleAux = 247,       // module auxiliary data
  kOpIdle = 248,            // LRU idle time (seconds) of the next key
  kOpFreq = 249,            // LFU counter of the next key
  kOpAux = 250,             // an aux field: name string, value string
  kOpResizeDb = 251,        // size hints of the current database
  kOpExpireTimeMs = 252,    // expiry of the next key, unix ms, 8 bytes little-endian
  kOpExpireTime = 253,      // expiry of the next key, unix seconds, 4 bytes little-endian
  kOpSelectDb = 254,        // the following keys belong to this database
  kOpEof = 255,             // end of the image (then the 8-byte CRC64 from version 5)
};

enum RdbType : uint8_t {
  kTypeString = 0,
  kTypeList = 1,
  kTypeSet = 2,
  kTypeZset = 3,  // scores as strings
  kTypeHash = 4,
  kTypeZset2 = 5,  // scores as binary doubles
  kTypeModulePreGa = 6,
  kTypeModule2 = 7,
  kTypeHashZipmap = 9,
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZsetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,  // nodes are ziplists
  kTypeStreamListpacks = 15,
  kTypeHashListpack = 16,
  kTypeZsetListpack = 17,
  kTypeListQuicklist2 = 18,  // nodes are listpacks (packed) or single elements (plain)
  kTypeStreamListpacks2 = 19,
  kTypeSetListpack = 20,  // Redis 7.2 (RDB 11)
  kTypeStreamListpacks3 = 21,
};

// Length encoding: the top two bits of the first byte.
constexpr uint8_t kLen6Bit = 0;    // 00LLLLLL
constexpr uint8_t kLen14Bit = 1;   // 01LLLLLL LLLLLLLL (big-endian)
constexpr uint8_t kLen32Bit = 0x80;  // then 4 bytes big-endian
constexpr uint8_t kLen64Bit = 0x81;  // then 8 bytes big-endian
constexpr uint8_t kLenEncoded = 3;   // 11EEEEEE: a specially encoded string follows
// Special string encodings (the EEEEEE of 11EEEEEE).
constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;

constexpr uint64_t kQuicklistNodePlain = 1;
constexpr uint64_t kQuicklistNodePacked = 2;

// Listpack framing: [total bytes uint32][element count uint16] ... [0xFF].
constexpr size_t kListpackHeader = 6;
constexpr uint8_t kListpackEnd = 0xFF;
constexpr uint32_t kListpackUnknownCount = 65535;

// Our quicklist nodes: at most 8 KB of listpack each (Redis's default list-max-listpack-size -2).
constexpr size_t kQuicklistNodeBytes = 8192;

inline void putLe(unsigned char* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

inline uint64_t getLe(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

inline uint64_t getBe(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// ---- 2. listpack element encoding ------------------------------------------------------------------
//
// An element is [encoding][payload][backlen]. Texts that are canonical 64-bit integers are stored
// as integers in the narrowest form (as Redis's lpAppend does):
//   0xxxxxxx 0..127 | 110xxxxx +1 byte: 13-bit signed | 0xF1/F2/F3/F4 + 2/3/4/8 bytes signed.
// Strings: 10LLLLLL (< 64 bytes) | 1110LLLL +1 byte (< 4096) | 0xF0 + 4-byte length.
// backlen: the size of encoding+payload in 1..5 bytes of 7 bits, most significant first, every byte
// but the first with bit 7 set, so it can be decoded from its last byte backwards.

// Size of the backlen field for an element of `l` bytes (Redis's thresholds, which validators use).
inline size_t backlenSize(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

inline size_t encodeBacklen(uint64_t l, unsigned char* out) {
  size_t n = backlenSize(l);
  for (size_t i = 0; i < n; ++i) {
    unsigned char b = static_cast<unsigned char>((l >> (7 * (n - 1 - i))) & 127);
    out[i] = i == 0 ? b : static_cast<unsigned char>(b | 128);
  }
  return n;
}

// Writes the encoding of `text` into `head` (room for 9 bytes): for an integer the whole element
// but its backlen, for a string its header (the text bytes follow). Returns the bytes written;
// `withText` tells whether the text follows.
size_t encodeListpackHead(std::string_view text, unsigned char* head, bool& withText) {
  int64_t v;
  if (num::isIntEncodable(text, v)) {
    withText = false;
    if (v >= 0 && v <= 127) {
      head[0] = static_cast<unsigned char>(v);
      return 1;
    }
    if (v >= -4096 && v <= 4095) {
      uint64_t u = v < 0 ? static_cast<uint64_t>(v + 8192) : static_cast<uint64_t>(v);
      head[0] = static_cast<unsigned char>(0xC0 | (u >> 8));
      head[1] = static_cast<unsigned char>(u & 0xff);
      return 2;
    }
    int bytes;
    if (v >= INT16_MIN && v <= INT16_MAX) {
      head[0] = 0xF1;
      bytes = 2;
    } else if (v >= -8388608 && v <= 8388607) {
      head[0] = 0xF2;
      bytes = 3;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      head[0] = 0xF3;
      bytes = 4;
    } else {
      head[0] = 0xF4;
      bytes = 8;
    }
    putLe(head + 1, static_cast<uint64_t>(v), bytes);
    return 1 + static_cast<size_t>(bytes);
  }
  withText = true;
  size_t n = text.size();
  if (n < 64) {
    head[0] = static_cast<unsigned char>(0x80 | n);
    return 1;
  }
  if (n < 4096) {
    head[0] = static_cast<unsigned char>(0xE0 | (n >> 8));
    head[1] = static_cast<unsigned char>(n & 0xff);
    return 2;
  }
  head[0] = 0xF0;
  putLe(head + 1, n, 4);
  return 5;
}

// Bytes one element takes in a listpack.
size_t listpackElementSize(std::string_view text) {
  unsigned char head[9];
  bool withText;
  size_t l = encodeListpackHead(text, head, withText) + (withText ? text.size() : 0);
  return l + backlenSize(l);
}

// Builds one listpack in memory (a listpack is one RDB string, so its bytes and count must be
// known before it is written; the compact encodings are small by definition).
class ListpackBuilder {
 public:
  ListpackBuilder() { reset(); }
  void reset() {
    buf_.assign(kListpackHeader, '\0');
    count_ = 0;
  }
  void append(std::string_view text) {
    unsigned char head[9];
    bool withText;
    size_t h = encodeListpackHead(text, head, withText);
    buf_.append(reinterpret_cast<const char*>(head), h);
    if (withText) buf_.append(text);
    unsigned char back[5];
    size_t b = encodeBacklen(h + (withText ? text.size() : 0), back);
    buf_.append(reinterpret_cast<const char*>(back), b);
    ++count_;
  }
  size_t count() const { return count_; }
  // Size of the finished listpack.
  size_t bytes() const { return buf_.size() + 1; }
  // Appends the terminator and fills in the header; call reset() before reusing the builder.
  std::string_view finish() {
    buf_.push_back(static_cast<char>(kListpackEnd));
    auto* p = reinterpret_cast<unsigned char*>(buf_.data());
    putLe(p, buf_.size(), 4);
    putLe(p + 4, count_ < kListpackUnknownCount ? count_ : kListpackUnknownCount, 2);
    return buf_;
  }

 private:
  std::string buf_;
  size_t count_ = 0;
};

// ---- 3. the writer ---------------------------------------------------------------------------------

class RdbWriter {
 public:
  static constexpr size_t kBufferSize = 64 * 1024;

  explicit RdbWriter(const RdbSink& sink) : sink_(sink), buf_(new char[kBufferSize]) {}

  bool ok() const { return ok_; }

  void raw(const void* data, size_t size) {
    if (!ok_) return;
    if (size > kBufferSize - used_) {
      flush();
      if (size >= kBufferSize) {  // large values go straight to the sink
        if (!ok_) return;
        crc_ = crc64(crc_, data, size);
        ok_ = sink_(static_cast<const char*>(data), size);
        return;
      }
    }
    std::memcpy(buf_.get() + used_, data, size);
    used_ += size;
  }
  void byte(uint8_t b) { raw(&b, 1); }

  // rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit form.
  void length(uint64_t n) {
    unsigned char b[9];
    if (n < (1 << 6)) {
      b[0] = static_cast<unsigned char>((kLen6Bit << 6) | n);
      raw(b, 1);
    } else if (n < (1 << 14)) {
      b[0] = static_cast<unsigned char>((kLen14Bit << 6) | (n >> 8));
      b[1] = static_cast<unsigned char>(n & 0xff);
      raw(b, 2);
    } else if (n <= UINT32_MAX) {
      b[0] = kLen32Bit;
      for (int i = 0; i < 4; ++i) b[1 + i] = static_cast<unsigned char>(n >> (8 * (3 - i)));
      raw(b, 5);
    } else {
      b[0] = kLen64Bit;
      for (int i = 0; i < 8; ++i) b[1 + i] = static_cast<unsigned char>(n >> (8 * (7 - i)));
      raw(b, 9);
    }
  }

  void millis(long long ms) {
    unsigned char b[8];
    putLe(b, static_cast<uint64_t>(ms), 8);
    raw(b, 8);
  }

  void binaryDouble(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    unsigned char b[8];
    putLe(b, bits, 8);
    raw(b, 8);
  }

  // rdbSaveRawString: a text of at most 11 bytes that is the canonical form of an integer fitting
  // 32 bits becomes an RDB_ENC_INT8/16/32 (rdbTryIntegerEncoding); a text over 20 bytes is LZF
  // compressed when that saves more than 4 bytes (rdbSaveLzfStringObject); else length + bytes.
  void string(std::string_view s) {
    int64_t v;
    if (s.size() <= 11 && num::parseInt64(s, v) && smallInteger(v)) return;
    if (s.size() > 20 && lzf(s)) return;
    length(s.size());
    raw(s.data(), s.size());
  }

  void integerString(long long v) {
    char text[num::kInt64MaxChars];
    string(std::string_view(text, num::formatInt64(v, text)));
  }

  void aux(std::string_view name, std::string_view value) {
    byte(kOpAux);
    string(name);
    string(value);
  }

  // The type byte and the key of one entry.
  void objectHeader(RdbType type, std::string_view key) {
    byte(type);
    string(key);
  }

  // EOF opcode, then the CRC64 of everything before the CRC itself.
  // Hands what is buffered to the sink (a fragment's end).
  void drain() { flush(); }

  void finish() {
    byte(kOpEof);
    flush();
    if (!ok_) return;
    unsigned char b[8];
    putLe(b, crc_, 8);
    ok_ = sink_(reinterpret_cast<const char*>(b), 8);
  }

 private:
  bool smallInteger(int64_t v) {
    unsigned char b[5];
    if (v >= INT8_MIN && v <= INT8_MAX) {
      b[0] = (kLenEncoded << 6) | kEncInt8;
      putLe(b + 1, static_cast<uint64_t>(v), 1);
      raw(b, 2);
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      b[0] = (kLenEncoded << 6) | kEncInt16;
      putLe(b + 1, static_cast<uint64_t>(v), 2);
      raw(b, 3);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      b[0] = (kLenEncoded << 6) | kEncInt32;
      putLe(b + 1, static_cast<uint64_t>(v), 4);
      raw(b, 5);
    } else {
      return false;
    }
    return true;
  }

  bool lzf(std::string_view s) {
    size_t capacity = s.size() - 4;
    if (lzfOut_.size() < capacity) lzfOut_.resize(capacity);
    size_t compressed = lzfCompress(s.data(), s.size(), lzfOut_.data(), capacity);
    if (compressed == 0) return false;
    byte((kLenEncoded << 6) | kEncLzf);
    length(compressed);
    length(s.size());
    raw(lzfOut_.data(), compressed);
    return true;
  }

  void flush() {
    if (ok_ && used_ > 0) {
      crc_ = crc64(crc_, buf_.get(), used_);
      ok_ = sink_(buf_.get(), used_);
    }
    used_ = 0;
  }

  const RdbSink& sink_;
  std::unique_ptr<char[]> buf_;
  size_t used_ = 0;
  uint64_t crc_ = 0;
  bool ok_ = true;
  std::vector<char> lzfOut_;
};

// --- one encoder per type ---

void writeString(RdbWriter& w, std::string_view key, const KeyRef& ref) {
  w.objectHeader(kTypeString, key);
  if (ref.isIntEncoded()) {
    w.integerString(ref.intValue());
  } else {
    IntText scratch;
    w.string(ref.stringView(scratch));
  }
}

// Splits a list into quicklist nodes of at most kQuicklistNodeBytes of listpack (an element larger
// than that gets a node of its own). Both passes of writeList use it, so they agree on the nodes.
struct NodeSplitter {
  size_t bytes = kListpackHeader + 1;
  size_t entries = 0;
  // True when an element of `size` bytes starts a new node (the current one is then complete).
  bool startsNewNode(size_t size) {
    bool fresh = entries > 0 && (bytes + size > kQuicklistNodeBytes || entries >= 65535);
    if (fresh) {
      bytes = kListpackHeader + 1;
      entries = 0;
    }
    bytes += size;
    ++entries;
    return fresh;
  }
};

// RDB_TYPE_LIST_QUICKLIST_2 with packed (listpack) nodes, as Redis 7.0 writes lists. The node count
// comes first, so a first pass counts the nodes and a second one writes them.
void writeList(RdbWriter& w, std::string_view key, const ListValue& list) {
  size_t nodes = 0;
  {
    NodeSplitter split;
    list.forEach([&](std::string_view e) { nodes += split.startsNewNode(listpackElementSize(e)) ? 1 : 0; });
    if (!list.empty()) ++nodes;
  }
  w.objectHeader(kTypeListQuicklist2, key);
  w.length(nodes);
  NodeSplitter split;
  ListpackBuilder lp;
  auto emit = [&]() {
    w.length(kQuicklistNodePacked);
    w.string(lp.finish());
    lp.reset();
  };
  list.forEach([&](std::string_view e) {
    if (split.startsNewNode(listpackElementSize(e))) emit();
    lp.append(e);
  });
  if (lp.count() > 0) emit();
}

// Intset-encoded sets as RDB_TYPE_SET_INTSET (the intset blob: [width uint32][count uint32] then
// the integers ascending, `width` bytes each, little-endian); others as RDB_TYPE_SET.
void writeSet(RdbWriter& w, std::string_view key, const SetValue& set) {
  if (set.isIntset()) {
    std::vector<int64_t> ints;
    ints.reserve(set.size());
    bool allParsed = true;
    set.forEach([&](std::string_view m) {
      int64_t v;
      if (num::parseInt64(m, v)) ints.push_back(v);
      else allParsed = false;
    });
    if (allParsed) {
      int width = 2;
      for (int64_t v : ints) {
        if (v < INT32_MIN || v > INT32_MAX) width = 8;
        else if ((v < INT16_MIN || v > INT16_MAX) && width < 4) width = 4;
      }
      std::string blob(8 + ints.size() * static_cast<size_t>(width), '\0');
      auto* p = reinterpret_cast<unsigned char*>(blob.data());
      putLe(p, static_cast<uint64_t>(width), 4);
      putLe(p + 4, ints.size(), 4);
      for (size_t i = 0; i < ints.size(); ++i) putLe(p + 8 + i * static_cast<size_t>(width), static_cast<uint64_t>(ints[i]), width);
      w.objectHeader(kTypeSetIntset, key);
      w.string(blob);
      return;
    }
  }
  w.objectHeader(kTypeSet, key);
  w.length(set.size());
  set.forEach([&](std::string_view m) { w.string(m); });
}

// Listpack-encoded sorted sets as RDB_TYPE_ZSET_LISTPACK (member, score, member, score... with the
// score as Redis's d2string text, an integer element when integral); others as RDB_TYPE_ZSET_2.
void writeZSet(RdbWriter& w, std::string_view key, const ZSet& z) {
  if (z.encoding() == ZSet::Encoding::Listpack) {
    ListpackBuilder lp;
    z.forEach([&](std::string_view member, double score) {
      char text[num::kDoubleFormatBuffer];
      lp.append(member);
      lp.append(std::string_view(text, num::formatDouble(score, text)));
    });
    if (lp.bytes() <= UINT32_MAX) {
      w.objectHeader(kTypeZsetListpack, key);
      w.string(lp.finish());
      return;
    }
  }
  w.objectHeader(kTypeZset2, key);
  w.length(z.size());
  z.forEach([&](std::string_view member, double score) {
    w.string(member);
    w.binaryDouble(score);
  });
}

// Listpack-encoded hashes as RDB_TYPE_HASH_LISTPACK (field, value, field, value...); others as
// RDB_TYPE_HASH.
void writeHash(RdbWriter& w, std::string_view key, const HashValue& hash) {
  if (hash.isListpack()) {
    ListpackBuilder lp;
    hash.forEach([&](std::string_view field, std::string_view value) {
      lp.append(field);
      lp.append(value);
    });
    if (lp.bytes() <= UINT32_MAX) {
      w.objectHeader(kTypeHashListpack, key);
      w.string(lp.finish());
      return;
    }
  }
  w.objectHeader(kTypeHash, key);
  w.length(hash.size());
  hash.forEach([&](std::string_view field, std::string_view value) {
    w.string(field);
    w.string(value);
  });
}

// A stream as RDB_TYPE_STREAM_LISTPACKS_2 (Redis 7.0): per node its 16-byte big-endian master ID
// and a listpack laid out as Redis's (master entry, then entries with delta IDs, same-fields and
// deleted flags, and lp-count), then the counters, then the groups with their PELs and consumers.
void writeStream(RdbWriter& w, std::string_view key, const Stream& s) {
  w.objectHeader(kTypeStreamListpacks2, key);
  w.length(s.nodeCount());
  ListpackBuilder lp;
  auto number = [&lp](long long v) { lp.append(std::to_string(v)); };
  auto rawId = [](StreamID id, unsigned char* out) {
    for (int b = 0; b < 8; ++b) {
      out[b] = static_cast<unsigned char>(id.ms >> (56 - 8 * b));
      out[8 + b] = static_cast<unsigned char>(id.seq >> (56 - 8 * b));
    }
  };
  s.forEachNode([&](const Stream::Node& n) {
    lp.reset();
    number(n.live);
    number(n.deleted);
    number(n.masterFields);
    Stream::forEachMasterField(n, [&](std::string_view f) { lp.append(f); });
    number(0);
    Stream::forEachRawEntry(n, [&](const StreamEntry& e, bool deleted, bool same) {
      number((deleted ? 1 : 0) | (same ? 2 : 0));
      number(static_cast<long long>(e.id.ms - n.master.ms));
      number(static_cast<long long>(e.id.seq - n.master.seq));
      long long fields = static_cast<long long>(e.fieldCount());
      if (!same) number(fields);
      e.forEachField([&](std::string_view f, std::string_view v) {
        if (!same) lp.append(f);
        lp.append(v);
      });
      number(fields + 3 + (same ? 0 : fields + 1));
    });
    unsigned char id[16];
    rawId(n.master, id);
    w.string(std::string_view(reinterpret_cast<const char*>(id), 16));
    w.string(lp.finish());
  });
  w.length(s.length());
  w.length(s.lastId().ms);
  w.length(s.lastId().seq);
  w.length(s.firstId().ms);
  w.length(s.firstId().seq);
  w.length(s.maxDeletedId().ms);
  w.length(s.maxDeletedId().seq);
  w.length(s.entriesAdded());
  w.length(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    w.string(name);
    w.length(g->lastId.ms);
    w.length(g->lastId.seq);
    w.length(static_cast<uint64_t>(g->entriesRead));
    w.length(g->pending.size());
    unsigned char id[16];
    for (const auto& [pid, nack] : g->pending) {
      rawId(pid, id);
      w.raw(id, 16);
      w.millis(nack->deliveryTime);
      w.length(nack->deliveryCount);
    }
    w.length(g->consumers.size());
    for (const auto& [cname, consumer] : g->consumers) {
      w.string(cname);
      w.millis(consumer->seenTime);
      w.length(consumer->pending.size());
      for (const auto& [pid, nack] : consumer->pending) {
        rawId(pid, id);
        w.raw(id, 16);
      }
    }
  }
}

// One key: its expiry, then type, key and value. False for a type we cannot encode.
bool writeKey(RdbWriter& w, const KeyRef& ref) {
  long long expireAt = ref.expireAt();
  if (expireAt != -1) {
    w.byte(kOpExpireTimeMs);
    w.millis(expireAt);
  }
  std::string_view key = ref.key();
  switch (ref.type()) {
    case ObjType::String:
      writeString(w, key, ref);
      return true;
    case ObjType::List:
      writeList(w, key, static_cast<const ListValue&>(*ref.object()));
      return true;
    case ObjType::Set:
      writeSet(w, key, static_cast<const SetValue&>(*ref.object()));
      return true;
    case ObjType::ZSet:
      writeZSet(w, key, static_cast<const ZSet&>(*ref.object()));
      return true;
    case ObjType::Hash:
      writeHash(w, key, static_cast<const HashValue&>(*ref.object()));
      return true;
    case ObjType::Stream:
      writeStream(w, key, static_cast<const Stream&>(*ref.object()));
      return true;
  }
  return false;
}

// ---- 4. the loader ---------------------------------------------------------------------------------

struct RdbError {
  std::string what;
  size_t offset;
};

[[noreturn]] void fail(std::string what, size_t offset) { throw RdbError{std::move(what), offset}; }

// Bounds-checked reading of the image.
class Input {
 public:
  Input(const char* data, size_t size) : data_(reinterpret_cast<const unsigned char*>(data)), size_(size) {}

  size_t pos() const { return pos_; }
  const unsigned char* data() const { return data_; }

  const unsigned char* take(uint64_t n, const char* what) {
    if (n > size_ - pos_) fail(std::string("unexpected end of file reading ") + what, pos_);
    const unsigned char* p = data_ + pos_;
    pos_ += static_cast<size_t>(n);
    return p;
  }
  uint8_t byte(const char* what) { return *take(1, what); }
  uint64_t le(int bytes, const char* what) { return getLe(take(static_cast<uint64_t>(bytes), what), bytes); }

  // rdbLoadLen. `encoded` (when given) is set for the 11EEEEEE form, whose EEEEEE is returned;
  // without it that form is an error.
  uint64_t length(const char* what, bool* encoded = nullptr) {
    size_t at = pos_;
    uint8_t b = byte(what);
    if (encoded) *encoded = false;
    switch (b >> 6) {
      case kLen6Bit:
        return b & 0x3f;
      case kLen14Bit:
        return (uint64_t{b & 0x3fu} << 8) | byte(what);
      case kLenEncoded:
        if (!encoded) fail(std::string("unexpected encoded value as the length of ") + what, at);
        *encoded = true;
        return b & 0x3f;
      default:
        if (b == kLen32Bit) return getBe(take(4, what), 4);
        if (b == kLen64Bit) return getBe(take(8, what), 8);
        fail(std::string("unknown length encoding in ") + what, at);
    }
  }

  // rdbGenericLoadStringObject: the bytes of a string in any encoding. The view points into the
  // image, or into `storage` for integer and LZF encodings.
  std::string_view string(std::string& storage, const char* what) {
    size_t at = pos_;
    bool encoded;
    uint64_t len = length(what, &encoded);
    if (!encoded) {
      const unsigned char* p = take(len, what);
      return {reinterpret_cast<const char*>(p), static_cast<size_t>(len)};
    }
    int64_t v;
    switch (len) {
      case kEncInt8:
        v = static_cast<int8_t>(le(1, what));
        break;
      case kEncInt16:
        v = static_cast<int16_t>(le(2, what));
        break;
      case kEncInt32:
        v = static_cast<int32_t>(le(4, what));
        break;
      case kEncLzf: {
        uint64_t clen = length(what);
        uint64_t ulen = length(what);
        const unsigned char* p = take(clen, what);
        // An LZF chunk expands at most 88-fold (3 bytes -> 264); anything beyond is corrupt.
        if (clen == 0 || ulen == 0 || ulen / 90 > clen) fail(std::string("invalid LZF lengths in ") + what, at);
        storage.resize(static_cast<size_t>(ulen));
        if (lzfDecompress(p, static_cast<size_t>(clen), storage.data(), storage.size()) != ulen)
          fail(std::string("LZF decompression failed in ") + what, at);
        return storage;
      }
      default:
        fail(std::string("unknown string encoding in ") + what, at);
    }
    storage.resize(num::kInt64MaxChars);
    storage.resize(num::formatInt64(v, storage.data()));
    return storage;
  }

 private:
  const unsigned char* data_;
  size_t size_;
  size_t pos_ = 0;
};

// One element of a listpack / ziplist / zipmap: its bytes, or its integer rendered as text.
struct Element {
  std::string_view text;
  char scratch[num::kInt64MaxChars];
  Element() = default;
  Element(const Element&) = delete;
  Element& operator=(const Element&) = delete;
  void setInt(int64_t v) { text = std::string_view(scratch, num::formatInt64(v, scratch)); }
  void setBytes(const unsigned char* p, size_t n) { text = std::string_view(reinterpret_cast<const char*>(p), n); }
};

// Shared by the blob decoders: the blob, where its RDB string starts in the file (for messages).
class BlobReader {
 protected:
  BlobReader(std::string_view blob, size_t fileOffset, const char* kind)
      : p_(reinterpret_cast<const unsigned char*>(blob.data())), size_(blob.size()), fileOffset_(fileOffset), kind_(kind) {}

  [[noreturn]] void corrupt(const char* why, size_t at) const {
    fail(std::string("corrupt ") + kind_ + ": " + why + " (byte " + std::to_string(at) + " of " + std::to_string(size_) +
             ")",
         fileOffset_);
  }
  // At least n bytes at `at` before the blob's final (terminator) byte.
  void need(size_t at, uint64_t n, const char* why) const {
    if (at >= size_ || n > size_ - 1 - at) corrupt(why, at);
  }

  const unsigned char* p_;
  size_t size_;
  size_t fileOffset_;
  const char* kind_;
};

// A listpack: [total bytes uint32][count uint16 (65535: unknown)] elements [0xFF], every element
// checked against the bounds and its backlen.
class ListpackReader : public BlobReader {
 public:
  ListpackReader(std::string_view blob, size_t fileOffset) : BlobReader(blob, fileOffset, "listpack") {
    if (size_ < kListpackHeader + 1) corrupt("shorter than its header", 0);
    if (getLe(p_, 4) != size_) corrupt("total bytes field does not match the size", 0);
    if (p_[size_ - 1] != kListpackEnd) corrupt("no terminator", size_ - 1);
    declared_ = static_cast<uint32_t>(getLe(p_ + 4, 2));
    pos_ = kListpackHeader;
  }

  // The next element; false at the terminator.
  bool next(Element& e) {
    size_t start = pos_;
    if (start >= size_) corrupt("element past the end", start);
    uint8_t b = p_[start];
    if (b == kListpackEnd) {
      if (start != size_ - 1) corrupt("terminator before the end", start);
      if (declared_ != kListpackUnknownCount && declared_ != seen_) corrupt("element count does not match the header", 4);
      return false;
    }
    size_t head;
    uint64_t textLen = 0;
    bool isText = false;
    if ((b & 0x80) == 0) {
      head = 1;
      e.setInt(b & 0x7f);
    } else if ((b & 0xC0) == 0x80) {
      head = 1;
      isText = true;
      textLen = b & 0x3f;
    } else if ((b & 0xE0) == 0xC0) {
      need(start, 2, "truncated integer");
      head = 2;
      uint32_t u = (uint32_t{b & 0x1fu} << 8) | p_[start + 1];
      e.setInt(u >= 4096 ? static_cast<int64_t>(u) - 8192 : u);
    } else if ((b & 0xF0) == 0xE0) {
      need(start, 2, "truncated string header");
      head = 2;
      isText = true;
      textLen = (uint64_t{b & 0x0fu} << 8) | p_[start + 1];
    } else {
      int bytes;
      switch (b) {
        case 0xF0:
          need(start, 5, "truncated string header");
          head = 5;
          isText = true;
          textLen = getLe(p_ + start + 1, 4);
          bytes = 0;
          break;
        case 0xF1: bytes = 2; break;
        case 0xF2: bytes = 3; break;
        case 0xF3: bytes = 4; break;
        case 0xF4: bytes = 8; break;
        default:
          corrupt("unknown element encoding", start);
      }
      if (bytes > 0) {
        need(start, 1 + static_cast<uint64_t>(bytes), "truncated integer");
        head = 1 + static_cast<size_t>(bytes);
        uint64_t u = getLe(p_ + start + 1, bytes);
        int shift = 64 - 8 * bytes;  // sign-extend
        e.setInt(shift > 0 ? static_cast<int64_t>(u << shift) >> shift : static_cast<int64_t>(u));
      }
    }
    uint64_t entry = head + textLen;
    need(start, entry, "element runs past the end");
    size_t back = backlenSize(entry);
    need(start, entry + back, "backlen runs past the end");
    // Decode the backlen from its last byte backwards, as a reverse walk would.
    uint64_t decoded = 0;
    size_t q = start + static_cast<size_t>(entry) + back - 1;
    for (size_t i = 0; i < back; ++i, --q) {
      decoded |= uint64_t{p_[q] & 127u} << (7 * i);
      bool more = (p_[q] & 128) != 0;
      if (more != (i + 1 < back)) corrupt("malformed backlen", q);
    }
    if (decoded != entry) corrupt("backlen does not match the element size", start);
    if (isText) e.setBytes(p_ + start + head, textLen);
    pos_ = start + static_cast<size_t>(entry) + back;
    ++seen_;
    return true;
  }

 private:
  size_t pos_;
  uint32_t declared_;
  uint32_t seen_ = 0;
};

// A ziplist (RDB types 10, 12, 13, 14): [zlbytes uint32][zltail uint32][zllen uint16] entries [0xFF];
// an entry is [prevlen: 1 byte, or 0xFE + uint32][encoding][payload].
class ZiplistReader : public BlobReader {
 public:
  static constexpr size_t kHeader = 10;

  ZiplistReader(std::string_view blob, size_t fileOffset) : BlobReader(blob, fileOffset, "ziplist") {
    if (size_ < kHeader + 1) corrupt("shorter than its header", 0);
    if (getLe(p_, 4) != size_) corrupt("zlbytes does not match the size", 0);
    if (p_[size_ - 1] != 0xFF) corrupt("no terminator", size_ - 1);
    tail_ = getLe(p_ + 4, 4);
    declared_ = static_cast<uint32_t>(getLe(p_ + 8, 2));
    pos_ = kHeader;
  }

  bool next(Element& e) {
    size_t start = pos_;
    if (start >= size_) corrupt("entry past the end", start);
    if (p_[start] == 0xFF) {
      if (start != size_ - 1) corrupt("terminator before the end", start);
      if (declared_ != 65535 && declared_ != seen_) corrupt("entry count does not match the header", 8);
      if (tail_ != (seen_ == 0 ? kHeader : lastStart_)) corrupt("zltail does not point at the last entry", 4);
      return false;
    }
    size_t prevLenBytes = p_[start] < 254 ? 1 : 5;
    need(start, prevLenBytes + 1, "truncated entry header");
    uint64_t prevLen = prevLenBytes == 1 ? p_[start] : getLe(p_ + start + 1, 4);
    if (prevLen != prevSize_) corrupt("prevlen does not match the previous entry", start);
    size_t at = start + prevLenBytes;
    uint8_t enc = p_[at];
    size_t head = 1;
    uint64_t textLen = 0;
    bool isText = true;
    switch (enc >> 6) {
      case 0:
        textLen = enc & 0x3f;
        break;
      case 1:
        need(at, 2, "truncated string header");
        head = 2;
        textLen = (uint64_t{enc & 0x3fu} << 8) | p_[at + 1];
        break;
      case 2:
        if (enc != 0x80) corrupt("unknown entry encoding", at);
        need(at, 5, "truncated string header");
        head = 5;
        textLen = getBe(p_ + at + 1, 4);
        break;
      default: {
        isText = false;
        int bytes;
        switch (enc) {
          case 0xC0: bytes = 2; break;
          case 0xD0: bytes = 4; break;
          case 0xE0: bytes = 8; break;
          case 0xF0: bytes = 3; break;
          case 0xFE: bytes = 1; break;
          default:
            if (enc >= 0xF1 && enc <= 0xFD) {
              bytes = 0;
              e.setInt((enc & 0x0f) - 1);
            } else {
              corrupt("unknown entry encoding", at);
            }
        }
        if (bytes > 0) {
          need(at, 1 + static_cast<uint64_t>(bytes), "truncated integer");
          uint64_t u = getLe(p_ + at + 1, bytes);
          int shift = 64 - 8 * bytes;
          e.setInt(shift > 0 ? static_cast<int64_t>(u << shift) >> shift : static_cast<int64_t>(u));
          head = 1 + static_cast<size_t>(bytes);
        }
      }
    }
    need(at, head + textLen, "entry runs past the end");
    if (isText) e.setBytes(p_ + at + head, textLen);
    size_t entrySize = prevLenBytes + head + static_cast<size_t>(textLen);
    lastStart_ = start;
    prevSize_ = entrySize;
    pos_ = start + entrySize;
    ++seen_;
    return true;
  }

 private:
  size_t pos_;
  uint64_t tail_;
  uint32_t declared_;
  uint32_t seen_ = 0;
  size_t prevSize_ = 0;
  size_t lastStart_ = 0;
};

// A zipmap (RDB type 9, hashes before Redis 2.6): [count byte] then per pair
// [len]field[len][free]value[free bytes], lengths as one byte < 254 or 254 + uint32; 0xFF ends it.
class ZipmapReader : public BlobReader {
 public:
  ZipmapReader(std::string_view blob, size_t fileOffset) : BlobReader(blob, fileOffset, "zipmap") {
    if (size_ < 2) corrupt("shorter than its header", 0);
    if (p_[size_ - 1] != 0xFF) corrupt("no terminator", size_ - 1);
    pos_ = 1;
  }

  bool next(Element& field, Element& value) {
    if (pos_ >= size_) corrupt("entry past the end", pos_);
    if (p_[pos_] == 0xFF) {
      if (pos_ != size_ - 1) corrupt("terminator before the end", pos_);
      return false;
    }
    uint64_t flen = readLength();
    need(pos_, flen, "field runs past the end");
    field.setBytes(p_ + pos_, flen);
    pos_ += flen;
    if (p_[pos_] == 0xFF) corrupt("field without a value", pos_);
    uint64_t vlen = readLength();
    need(pos_, 1, "truncated free byte");
    uint64_t freeBytes = p_[pos_++];
    need(pos_, vlen + freeBytes, "value runs past the end");
    value.setBytes(p_ + pos_, vlen);
    pos_ += vlen + freeBytes;
    return true;
  }

 private:
  uint64_t readLength() {
    need(pos_, 1, "truncated length");
    uint8_t b = p_[pos_];
    if (b < 254) {
      ++pos_;
      return b;
    }
    if (b == 255) corrupt("unexpected terminator", pos_);
    need(pos_, 5, "truncated length");
    uint64_t len = getLe(p_ + pos_ + 1, 4);
    pos_ += 5;
    return len;
  }

  size_t pos_;
};

// An intset (RDB type 11): [width uint32: 2, 4 or 8][count uint32] then `count` integers,
// little-endian, strictly ascending. fn(int64_t) per member.
template <typename Fn>
void decodeIntset(std::string_view blob, size_t fileOffset, Fn&& fn) {
  auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  auto bad = [&](const char* why) { fail(std::string("corrupt intset: ") + why, fileOffset); };
  if (blob.size() < 8) bad("shorter than its header");
  uint64_t width = getLe(p, 4);
  uint64_t count = getLe(p + 4, 4);
  if (width != 2 && width != 4 && width != 8) bad("invalid integer width");
  if (count == 0) bad("empty");
  if (blob.size() != 8 + count * width) bad("size does not match its count");
  int w = static_cast<int>(width);
  int shift = 64 - 8 * w;
  int64_t prev = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t u = getLe(p + 8 + i * width, w);
    int64_t v = shift > 0 ? static_cast<int64_t>(u << shift) >> shift : static_cast<int64_t>(u);
    if (i > 0 && v <= prev) bad("integers not in ascending order");
    prev = v;
    fn(v);
  }
}

// Builds the values through the types' own insert functions, so encodings follow our limits.
class Loader {
 public:
  Loader(Engine& engine, const char* data, size_t size, long long nowMs, RdbLoadResult& result)
      : engine_(engine), in_(data, size), nowMs_(nowMs), result_(result), limits_(engine.limits()) {}

  void run();

 private:
  // A loaded value: a string (text) or an object (value); both empty for an empty collection.
  struct Loaded {
    bool isString = false;
    std::string_view text;
    std::unique_ptr<Value> value;
  };

  void loadValue(uint8_t type, size_t typeOffset, Loaded& out);
  std::unique_ptr<Value> loadList(uint8_t type);
  std::unique_ptr<Value> loadSet(uint8_t type);
  std::unique_ptr<Value> loadZSet(uint8_t type);
  std::unique_ptr<Value> loadHash(uint8_t type);
  std::unique_ptr<Value> loadStream(uint8_t type);

  void addHashField(HashValue& hash, std::string_view field, std::string_view value, size_t at) {
    if (!hash.set(field, value, limits_)) fail("duplicate hash field", at);
  }
  void addSetMember(SetValue& set, std::string_view member, size_t at) {
    if (!set.add(member, limits_.setMaxIntsetEntries)) fail("duplicate set member", at);
  }
  // Into a listpack-first sorted set (converted by prepareInsert as it grows).
  void addZSetMember(ZSet& z, std::string_view member, double score, size_t at) {
    double existing;
    if (std::isnan(score)) fail("NaN score in sorted set", at);
    if (z.score(member, existing)) fail("duplicate sorted set member", at);
    z.prepareInsert(member.size(), limits_);
    z.insert(member, score);
  }
  static double parseScore(std::string_view text, size_t at) {
    double d;
    if (!num::parseDouble(text, d)) fail("invalid sorted set score", at);
    return d;
  }

  Engine& engine_;
  Input in_;
  long long nowMs_;
  RdbLoadResult& result_;
  const EncodingLimits& limits_;
  std::string keyStorage_, valueStorage_, fieldStorage_;
};

std::unique_ptr<Value> Loader::loadList(uint8_t type) {
  std::unique_ptr<ListValue> list = ListValue::create(limits_);
  auto pushListpack = [&](std::string_view blob, size_t at) {
    ListpackReader lp(blob, at);
    Element e;
    while (lp.next(e)) list->pushBack(e.text);
  };
  auto pushZiplist = [&](std::string_view blob, size_t at) {
    ZiplistReader zl(blob, at);
    Element e;
    while (zl.next(e)) list->pushBack(e.text);
  };
  switch (type) {
    case kTypeList: {
      uint64_t n = in_.length("list length");
      for (uint64_t i = 0; i < n; ++i) list->pushBack(in_.string(valueStorage_, "list element"));
      break;
    }
    case kTypeListZiplist: {
      size_t at = in_.pos();
      pushZiplist(in_.string(valueStorage_, "list ziplist"), at);
      break;
    }
    case kTypeListQuicklist: {
      uint64_t nodes = in_.length("quicklist node count");
      for (uint64_t i = 0; i < nodes; ++i) {
        size_t at = in_.pos();
        pushZiplist(in_.string(valueStorage_, "quicklist node"), at);
      }
      break;
    }
    case kTypeListQuicklist2: {
      uint64_t nodes = in_.length("quicklist node count");
      for (uint64_t i = 0; i < nodes; ++i) {
        size_t at = in_.pos();
        uint64_t container = in_.length("quicklist node container");
        if (container == kQuicklistNodePlain) {
          list->pushBack(in_.string(valueStorage_, "quicklist plain node"));
        } else if (container == kQuicklistNodePacked) {
          size_t blobAt = in_.pos();
          pushListpack(in_.string(valueStorage_, "quicklist node"), blobAt);
        } else {
          fail("unknown quicklist node container " + std::to_string(container), at);
        }
      }
      break;
    }
  }
  if (list->empty()) return nullptr;
  return list;
}

std::unique_ptr<Value> Loader::loadSet(uint8_t type) {
  auto set = std::make_unique<SetValue>();
  if (type == kTypeSet) {
    uint64_t n = in_.length("set length");
    for (uint64_t i = 0; i < n; ++i) {
      size_t at = in_.pos();
      addSetMember(*set, in_.string(valueStorage_, "set member"), at);
    }
  } else {  // kTypeSetIntset
    size_t at = in_.pos();
    std::string_view blob = in_.string(valueStorage_, "intset");
    decodeIntset(blob, at, [&](int64_t v) {
      char text[num::kInt64MaxChars];
      addSetMember(*set, std::string_view(text, num::formatInt64(v, text)), at);
    });
  }
  if (set->empty()) return nullptr;
  return set;
}

std::unique_ptr<Value> Loader::loadZSet(uint8_t type) {
  if (type == kTypeZset || type == kTypeZset2) {
    // As Redis does: build the skip list (the elements are not stored in order), then convert to
    // the listpack when the result fits the limits.
    auto z = std::make_unique<ZSet>(true);
    uint64_t n = in_.length("sorted set length");
    size_t maxLength = 0;
    for (uint64_t i = 0; i < n; ++i) {
      size_t at = in_.pos();
      std::string_view member = in_.string(valueStorage_, "sorted set member");
      double score;
      if (type == kTypeZset2) {
        uint64_t bits = in_.le(8, "sorted set score");
        std::memcpy(&score, &bits, 8);
      } else {
        // rdbLoadDoubleValue: a length byte (253 NaN, 254 +inf, 255 -inf) then the text.
        size_t scoreAt = in_.pos();
        uint8_t len = in_.byte("sorted set score");
        if (len == 253) score = NAN;
        else if (len == 254) score = INFINITY;
        else if (len == 255) score = -INFINITY;
        else {
          const unsigned char* p = in_.take(len, "sorted set score");
          score = parseScore(std::string_view(reinterpret_cast<const char*>(p), len), scoreAt);
        }
      }
      double existing;
      if (std::isnan(score)) fail("NaN score in sorted set", at);
      if (z->score(member, existing)) fail("duplicate sorted set member", at);
      z->insert(member, score);
      if (member.size() > maxLength) maxLength = member.size();
    }
    if (z->size() == 0) return nullptr;
    z->convertToListpackIfFits(maxLength, limits_);
    return z;
  }
  // kTypeZsetZiplist / kTypeZsetListpack: member, score pairs in order.
  auto z = std::make_unique<ZSet>();
  size_t at = in_.pos();
  std::string_view blob = in_.string(valueStorage_, "sorted set blob");
  Element member, score;
  auto pairs = [&](auto& reader) {
    while (reader.next(member)) {
      if (!reader.next(score)) fail("sorted set blob with an odd number of elements", at);
      addZSetMember(*z, member.text, parseScore(score.text, at), at);
    }
  };
  if (type == kTypeZsetListpack) {
    ListpackReader lp(blob, at);
    pairs(lp);
  } else {
    ZiplistReader zl(blob, at);
    pairs(zl);
  }
  if (z->size() == 0) return nullptr;
  return z;
}

std::unique_ptr<Value> Loader::loadHash(uint8_t type) {
  auto hash = std::make_unique<HashValue>();
  if (type == kTypeHash) {
    uint64_t n = in_.length("hash length");
    for (uint64_t i = 0; i < n; ++i) {
      size_t at = in_.pos();
      std::string_view field = in_.string(fieldStorage_, "hash field");
      std::string_view value = in_.string(valueStorage_, "hash value");
      addHashField(*hash, field, value, at);
    }
  } else {
    size_t at = in_.pos();
    std::string_view blob = in_.string(valueStorage_, "hash blob");
    Element field, value;
    if (type == kTypeHashZipmap) {
      ZipmapReader zm(blob, at);
      while (zm.next(field, value)) addHashField(*hash, field.text, value.text, at);
    } else {
      auto pairs = [&](auto& reader) {
        while (reader.next(field)) {
          if (!reader.next(value)) fail("hash blob with an odd number of elements", at);
          addHashField(*hash, field.text, value.text, at);
        }
      };
      if (type == kTypeHashListpack) {
        ListpackReader lp(blob, at);
        pairs(lp);
      } else {
        ZiplistReader zl(blob, at);
        pairs(zl);
      }
    }
  }
  if (hash->empty()) return nullptr;
  return hash;
}

// RDB_TYPE_STREAM_LISTPACKS (Redis 5-6.2) and _2 (7.0): the nodes as the file has them (deleted
// entries included), then the counters and groups.
std::unique_ptr<Value> Loader::loadStream(uint8_t type) {
  auto s = std::make_unique<Stream>();
  auto readId = [](const unsigned char* p) {
    StreamID id;
    for (int b = 0; b < 8; ++b) {
      id.ms = (id.ms << 8) | p[b];
      id.seq = (id.seq << 8) | p[8 + b];
    }
    return id;
  };
  uint64_t nodes = in_.length("stream node count");
  std::vector<std::string> masterFields, fieldValues;
  for (uint64_t i = 0; i < nodes; ++i) {
    size_t at = in_.pos();
    std::string_view nodeKey = in_.string(fieldStorage_, "stream node key");
    if (nodeKey.size() != 16) fail("stream node key is not 16 bytes", at);
    StreamID master = readId(reinterpret_cast<const unsigned char*>(nodeKey.data()));
    at = in_.pos();
    std::string_view blob = in_.string(valueStorage_, "stream listpack");
    ListpackReader lp(blob, at);
    Element e;
    auto text = [&]() {
      if (!lp.next(e)) fail("truncated stream listpack", at);
      return std::string(e.text);
    };
    auto integer = [&]() {
      int64_t v;
      if (!lp.next(e) || !num::parseInt64(e.text, v)) fail("invalid integer in a stream listpack", at);
      return v;
    };
    integer();  // live count
    integer();  // deleted count
    int64_t masterCount = integer();
    if (masterCount < 0) fail("negative field count in a stream listpack", at);
    masterFields.clear();
    for (int64_t f = 0; f < masterCount; ++f) masterFields.push_back(text());
    integer();  // the master entry's terminator
    if (s->nodeCount() && master <= s->lastId()) fail("stream nodes out of order", at);
    s->loadNode(master, masterFields);
    StreamID previous;
    bool first = true;
    while (lp.next(e)) {
      int64_t flags;
      if (!num::parseInt64(e.text, flags)) fail("invalid entry flags in a stream listpack", at);
      StreamID id{master.ms + static_cast<uint64_t>(integer()), master.seq + static_cast<uint64_t>(integer())};
      fieldValues.clear();
      if (flags & streamenc::kFlagSameFields) {
        for (const std::string& f : masterFields) {
          fieldValues.push_back(f);
          fieldValues.push_back(text());
        }
      } else {
        int64_t count = integer();
        if (count < 0) fail("negative field count in a stream listpack", at);
        for (int64_t f = 0; f < 2 * count; ++f) fieldValues.push_back(text());
      }
      integer();  // lp-count
      if (!first && id <= previous) fail("stream entries out of order", at);
      if (first && id < master) fail("stream entry before its node's master ID", at);
      first = false;
      previous = id;
      s->loadEntry(id, fieldValues, (flags & streamenc::kFlagDeleted) != 0);
    }
    if (first) fail("empty listpack inside a stream", at);
    s->setLastId(previous);
  }
  uint64_t length = in_.length("stream length");
  if (length != s->length()) fail("stream length does not match its entries", in_.pos());
  StreamID last{in_.length("stream last ID"), in_.length("stream last ID")};
  s->setLastId(last);
  s->refreshFirstId();
  if (type == kTypeStreamListpacks2) {
    in_.length("stream first ID");
    in_.length("stream first ID");
    StreamID maxDeleted{in_.length("stream max deleted ID"), in_.length("stream max deleted ID")};
    s->setMaxDeletedId(maxDeleted);
    s->setEntriesAdded(in_.length("stream entries added"));
  } else {
    s->setEntriesAdded(s->length());
  }
  uint64_t groups = in_.length("stream group count");
  for (uint64_t i = 0; i < groups; ++i) {
    size_t at = in_.pos();
    std::string name(in_.string(fieldStorage_, "stream group name"));
    StreamID groupLast{in_.length("group last ID"), in_.length("group last ID")};
    long long entriesRead = type == kTypeStreamListpacks2 ? static_cast<long long>(in_.length("group entries read"))
                                                          : s->estimateDistanceFromFirstEverEntry(groupLast);
    if (s->findGroup(name)) fail("duplicate stream group", at);
    StreamGroup* g = s->createGroup(name, groupLast, entriesRead);
    uint64_t pending = in_.length("group PEL size");
    for (uint64_t k = 0; k < pending; ++k) {
      StreamID id = readId(in_.take(16, "a PEL entry ID"));
      auto nack = std::make_unique<StreamNack>();
      nack->deliveryTime = static_cast<long long>(in_.le(8, "a PEL delivery time"));
      nack->deliveryCount = in_.length("a PEL delivery count");
      if (!g->pending.emplace(id, std::move(nack)).second) fail("duplicate PEL entry", at);
    }
    uint64_t consumers = in_.length("group consumer count");
    for (uint64_t k = 0; k < consumers; ++k) {
      std::string cname(in_.string(fieldStorage_, "consumer name"));
      long long seen = static_cast<long long>(in_.le(8, "consumer seen time"));
      if (g->findConsumer(cname)) fail("duplicate consumer", at);
      StreamConsumer* consumer = g->createConsumer(cname, seen);
      uint64_t owned = in_.length("consumer PEL size");
      for (uint64_t m = 0; m < owned; ++m) {
        StreamID id = readId(in_.take(16, "a consumer PEL entry ID"));
        auto it = g->pending.find(id);
        if (it == g->pending.end() || it->second->consumer) fail("consumer PEL entry not in its group's PEL", at);
        it->second->consumer = consumer;
        consumer->pending.emplace(id, it->second.get());
      }
    }
    for (const auto& [id, nack] : g->pending)
      if (!nack->consumer) fail("group PEL entry without a consumer", at);
  }
  return s;
}

void Loader::loadValue(uint8_t type, size_t typeOffset, Loaded& out) {
  switch (type) {
    case kTypeString:
      out.isString = true;
      out.text = in_.string(valueStorage_, "string value");
      return;
    case kTypeList:
    case kTypeListZiplist:
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      out.value = loadList(type);
      return;
    case kTypeSet:
    case kTypeSetIntset:
      out.value = loadSet(type);
      return;
    case kTypeZset:
    case kTypeZset2:
    case kTypeZsetZiplist:
    case kTypeZsetListpack:
      out.value = loadZSet(type);
      return;
    case kTypeHash:
    case kTypeHashZipmap:
    case kTypeHashZiplist:
    case kTypeHashListpack:
      out.value = loadHash(type);
      return;
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2:
      out.value = loadStream(type);
      return;
    case kTypeStreamListpacks3:
      fail("streams with consumer active times (RDB type 21, Redis 7.2) are not supported", typeOffset);
    case kTypeModulePreGa:
    case kTypeModule2:
      fail("module values (RDB type " + std::to_string(type) + ") are not supported", typeOffset);
    case kTypeSetListpack:
      fail("listpack-encoded sets (RDB type 20, Redis 7.2) are not supported", typeOffset);
    default:
      fail("unknown value type " + std::to_string(type), typeOffset);
  }
}

void Loader::run() {
  // Header: "REDIS" and a 4-digit version.
  const unsigned char* magic = in_.take(9, "the header");
  if (std::memcmp(magic, "REDIS", 5) != 0) fail("wrong signature (not an RDB file)", 0);
  int version = 0;
  for (int i = 5; i < 9; ++i) {
    if (magic[i] < '0' || magic[i] > '9') fail("malformed version number", 5);
    version = version * 10 + (magic[i] - '0');
  }
  if (version < 1 || version > kRdbVersion) fail("unsupported RDB version " + std::to_string(version), 5);

  int dbIndex = 0;
  long long expireAt = -1;
  for (;;) {
    size_t typeOffset = in_.pos();
    uint8_t type = in_.byte("a type or opcode");
    switch (type) {
      case kOpExpireTime:
        expireAt = static_cast<long long>(static_cast<int32_t>(in_.le(4, "an expire time"))) * 1000;
        continue;
      case kOpExpireTimeMs:
        expireAt = static_cast<long long>(in_.le(8, "an expire time"));
        continue;
      case kOpFreq:
        in_.byte("an LFU counter");  // parsed; our LFU/LRU fields start fresh
        continue;
      case kOpIdle:
        in_.length("an idle time");
        continue;
      case kOpSelectDb: {
        uint64_t db = in_.length("a database number");
        if (db >= static_cast<uint64_t>(engine_.databaseCount()))
          fail("database " + std::to_string(db) + " out of range (databases " + std::to_string(engine_.databaseCount()) + ")",
               typeOffset);
        dbIndex = static_cast<int>(db);
        continue;
      }
      case kOpResizeDb:
        in_.length("a database size");
        in_.length("an expires size");
        continue;
      case kOpAux:
        in_.string(fieldStorage_, "an aux field name");
        in_.string(valueStorage_, "an aux field value");
        continue;
      case kOpModuleAux:
        fail("module data present (modules are not supported)", typeOffset);
      case kOpFunction2: {
        // A function library's code (FUNCTION LOAD's argument), loaded as Redis does at once.
        std::string_view code = in_.string(valueStorage_, "a function library");
        std::string error = scripting::loadFunctionLibrary(code);
        if (!error.empty()) fail("function library not loaded: " + error, typeOffset);
        continue;
      }
      case kOpFunctionPreGa:
        fail("Pre-release function format not supported", typeOffset);
      case kOpEof:
        break;
      default: {
        size_t keyOffset = in_.pos();
        std::string_view key = in_.string(keyStorage_, "a key");
        Loaded loaded;
        loadValue(type, typeOffset, loaded);
        long long when = expireAt;
        expireAt = -1;
        if (!loaded.isString && !loaded.value) continue;  // an empty collection: skipped, as Redis does
        if (when != -1 && when < nowMs_) {
          ++result_.expiredSkipped;
          continue;
        }
        Db& db = engine_.db(dbIndex);
        if (db.exists(key)) fail("duplicate key in database " + std::to_string(dbIndex), keyOffset);
        KeyRef ref = loaded.isString ? db.setString(key, loaded.text, Ttl::Clear, StrHint::Auto)
                                     : db.setObject(key, std::move(loaded.value), Ttl::Clear);
        if (when != -1) db.setExpire(ref, when);
        ++result_.keys;
        continue;
      }
    }
    break;  // EOF
  }
  size_t end = in_.pos();
  if (version >= 5) {
    uint64_t expected = in_.le(8, "the checksum");
    if (expected != 0) {
      uint64_t actual = crc64(0, in_.data(), end);
      if (actual != expected) fail("checksum mismatch", end);
    }
  }
  result_.end = in_.pos();
}

}  // namespace

namespace {

// The RDB image as a key stream: the header at construction; a SELECTDB whenever the database
// changes (a live snapshot interleaves databases; Redis's loader takes SELECTDB anywhere) and
// RESIZEDB the first time, with the sizes the databases had at the start.
class RdbKeyStream final : public KeyStreamEncoder {
 public:
  // A fragment encoder (key_stream.h): keys only.
  RdbKeyStream(long long nowMs, RdbSink sink) : sink_(std::move(sink)), w_(sink_), nowMs_(nowMs), fragment_(true) {}

  RdbKeyStream(Engine& engine, long long nowMs, RdbSink sink, bool aofBase)
      : sink_(std::move(sink)), w_(sink_), nowMs_(nowMs) {
    char magic[10];
    std::snprintf(magic, sizeof magic, "REDIS%04d", kRdbVersion);
    w_.raw(magic, 9);
    char number[num::kInt64MaxChars];
    w_.aux("redis-ver", kRedisVersion);
    w_.aux("redis-bits", sizeof(void*) == 8 ? "64" : "32");
    w_.aux("ctime", std::string_view(number, num::formatInt64(nowMs / 1000, number)));
    w_.aux("used-mem", std::string_view(number, num::formatInt64(static_cast<int64_t>(engine.usedMemory()), number)));
    w_.aux("aof-base", aofBase ? "1" : "0");
    // Function libraries come before the data, as in Redis 7.0 (rdbSaveFunctions).
    for (const std::string& code : scripting::functionLibraryCodes()) {
      w_.byte(kOpFunction2);
      w_.string(code);
    }
    for (int i = 0; i < engine.databaseCount(); ++i) sizes_.push_back({engine.db(i).size(), engine.db(i).expiresCount(), false});
  }

  bool key(int db, const KeyRef& ref) override {
    long long expireAt = ref.expireAt();
    if (expireAt != -1 && expireAt < nowMs_) return w_.ok();  // already expired: not saved
    select(db);
    return writeKey(w_, ref) && w_.ok();
  }

  bool appendEncoded(int db, std::string_view bytes) override {
    if (bytes.empty() || fragment_) return w_.ok() && !fragment_;
    select(db);
    w_.raw(bytes.data(), bytes.size());
    return w_.ok();
  }

  bool finish() override {
    if (fragment_)
      w_.drain();
    else
      w_.finish();
    return w_.ok();
  }

 private:
  void select(int db) {
    if (db == selected_ || fragment_) return;
    selected_ = db;
    w_.byte(kOpSelectDb);
    w_.length(static_cast<uint64_t>(db));
    if (DbSizes& s = sizes_[static_cast<size_t>(db)]; !s.announced) {
      s.announced = true;
      w_.byte(kOpResizeDb);
      w_.length(s.keys);
      w_.length(s.expires);
    }
  }

  struct DbSizes {
    size_t keys, expires;
    bool announced;
  };
  RdbSink sink_;
  RdbWriter w_;
  long long nowMs_;
  bool fragment_ = false;
  int selected_ = -1;
  std::vector<DbSizes> sizes_;
};

}  // namespace

std::unique_ptr<KeyStreamEncoder> makeRdbKeyStream(Engine& engine, long long nowMs, RdbSink sink, bool aofBase) {
  return std::make_unique<RdbKeyStream>(engine, nowMs, std::move(sink), aofBase);
}

std::unique_ptr<KeyStreamEncoder> makeRdbKeyFragments(long long nowMs, RdbSink sink) {
  return std::make_unique<RdbKeyStream>(nowMs, std::move(sink));
}

bool rdbWrite(Engine& engine, long long nowMs, const RdbSink& sink) {
  RdbKeyStream stream(engine, nowMs, sink, false);
  return encodeAllKeys(engine, stream);
}

RdbLoadResult rdbLoad(Engine& engine, const char* data, size_t size, long long nowMs) {
  RdbLoadResult result;
  try {
    Loader(engine, data, size, nowMs, result).run();
    result.ok = true;
  } catch (const RdbError& e) {
    result.error = "Bad RDB file: " + e.what + " at offset " + std::to_string(e.offset);
  } catch (const std::bad_alloc&) {
    result.error = "Bad RDB file: out of memory while loading";
  }
  return result;
}

}  // namespace rp
