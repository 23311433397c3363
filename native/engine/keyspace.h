// The keyspace: databases of entries, with lazy expiry, the expiry index and per-entry LRU/LFU.
//
// A command handler reaches a key through a Db (CommandContext::db) and gets a KeyRef: a short-lived
// handle to one entry. Entries live in a compact pool (see pool.h / entry.h) and MOVE when they
// change size, so a KeyRef — and every string_view obtained from it — is valid only until the next
// call that changes the same Db (set/overwrite/remove/expire, or another lookup: lookups may delete
// an expired key or run a rehash step). Methods that take `KeyRef&` keep that ref valid (updating it
// when the entry moves); copy out what you need before any other mutation (e.g. GETSET: reply with
// the old value first, then overwrite).
//
// String values have Redis's OBJECT ENCODING: int (a canonical 64-bit integer, stored as int64),
// embstr (<= 44 bytes) or raw; StrHint says how a new value gets its encoding. Other types (hash,
// list, set, zset, ...) are C++ objects derived from Value, owned by their entry (setObject).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "engine/dict.h"
#include "engine/pool.h"
#include "engine/snapshot_marks.h"

namespace rp {

class Engine;
class Db;

enum class ObjType : uint8_t { String = 0, List = 1, Set = 2, ZSet = 3, Hash = 4, Stream = 5 };
// "string", "list", "set", "zset", "hash", "stream" (TYPE and SCAN TYPE names).
const char* typeName(ObjType type);

enum class StrEncoding : uint8_t { Int = 0, Embstr = 1, Raw = 2 };
// "int", "embstr", "raw"
const char* encodingName(StrEncoding encoding);

// How a string written by setString/overwriteString gets its OBJECT ENCODING (Redis rules).
enum class StrHint : uint8_t {
  Auto,   // SET, MSET, GETSET, SETEX...: canonical int64 text -> int; else <= 44 bytes -> embstr; else raw
  NoInt,  // a computed string such as INCRBYFLOAT's result: <= 44 bytes -> embstr; else raw
  Raw,    // results of APPEND / SETRANGE: raw
};

// What happens to an existing key's expiry when its value is replaced.
enum class Ttl : uint8_t { Clear, Keep };

// Scratch space for rendering an int-encoded value as text.
struct IntText {
  char bytes[24];
};

// Base of values that are not strings (hash/list/set/zset/...). The entry owns it.
class Value {
 public:
  virtual ~Value() = default;
  virtual ObjType type() const = 0;
  // OBJECT ENCODING answer, e.g. "listpack", "hashtable", "quicklist", "intset", "skiplist".
  virtual const char* encodingName() const = 0;
  // Bytes held (for used_memory); called when the value is attached/detached and by memoryChanged.
  virtual size_t memoryUsage() const = 0;
  // Deep copy for COPY.
  virtual std::unique_ptr<Value> clone() const = 0;
};

// Flags for Db::lookup. Read lookups count keyspace hits/misses; every lookup expires lazily.
enum LookupFlags : unsigned {
  kLookupRead = 0,
  kLookupWrite = 1u << 0,    // no hit/miss stats (Redis's lookupKeyWrite)
  kLookupNoTouch = 1u << 1,  // do not update the LRU/LFU field (TYPE, EXISTS, TTL, OBJECT)
  kLookupNoStats = 1u << 2,  // no hit/miss stats
  kLookupNoNotify = 1u << 3,  // no keymiss event (OBJECT)
};

class KeyRef {
 public:
  KeyRef() = default;
  explicit operator bool() const { return ref_ != 0; }

  std::string_view key() const;
  ObjType type() const;
  bool isString() const { return type() == ObjType::String; }

  // --- string values (type() == String) ---
  StrEncoding stringEncoding() const;
  bool isIntEncoded() const { return stringEncoding() == StrEncoding::Int; }
  // The bytes of the value; int-encoded values are rendered into scratch.
  std::string_view stringView(IntText& scratch) const;
  size_t stringLength() const;
  // The int64 of an int-encoded value (call only when isIntEncoded()).
  long long intValue() const;
  // The value as int64: int-encoded, or bytes that parse with Redis's strict rules. False if not.
  bool stringToInt(long long& out) const;

  // --- other types ---
  Value* object() const;  // nullptr for strings

  // Absolute expiry in unix ms, or -1 when the key has none.
  long long expireAt() const;

  // LRU clock (seconds, 24 bits) or LFU field of the entry.
  uint32_t lruField() const;

 private:
  friend class Db;
  char* entry() const;
  Db* db_ = nullptr;
  uint32_t* link_ = nullptr;  // the slot (bucket or predecessor's next) pointing at the entry
  uint32_t ref_ = 0;
  uint8_t table_ = 0;  // which of the two hash tables holds it (during rehashing)
};

struct EngineStats {
  uint64_t keyspaceHits = 0;
  uint64_t keyspaceMisses = 0;
  uint64_t expiredKeys = 0;
  uint64_t evictedKeys = 0;
};

class Db {
 public:
  Db(Engine& engine, int index);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Engine& engine() const { return *engine_; }
  int index() const { return index_; }

  // Cache hints for a coming lookup of a key with this hashKey(): stage 0 the bucket, stage 1 the
  // first entry of its chain. A batch issues them for all its keys before running, so the cache
  // misses of its lookups overlap instead of queueing one after another.
  void prefetch(uint64_t hash, int stage) const { keys_.prefetch(pool_, hash, stage); }

  // Finds a live key. An expired key is deleted here (counted in expired_keys) and not found.
  KeyRef lookup(std::string_view key, unsigned flags);
  KeyRef lookupRead(std::string_view key) { return lookup(key, kLookupRead); }
  KeyRef lookupWrite(std::string_view key) { return lookup(key, kLookupWrite); }
  // True when the key exists and is not expired; no stats, no touch, no deletion.
  bool exists(std::string_view key);
  // The key's expiry as stored, without expiring it or touching stats: -2 when the key is not
  // in the table at all, -1 when it has no expiry, else unix ms (possibly in the past).
  long long peekExpire(std::string_view key);

  // Creates or replaces a string value. With Ttl::Clear an existing expiry is removed.
  KeyRef setString(std::string_view key, std::string_view value, Ttl ttl, StrHint hint = StrHint::Auto);
  void overwriteString(KeyRef& ref, std::string_view value, Ttl ttl, StrHint hint = StrHint::Auto);
  // Creates or replaces an int-encoded string (INCR family results).
  KeyRef setInteger(std::string_view key, long long value, Ttl ttl);
  void overwriteInteger(KeyRef& ref, long long value, Ttl ttl = Ttl::Keep);
  // Makes the string value raw-encoded and at least minLength bytes long (growth is zero-filled)
  // and returns its bytes for in-place writing (APPEND, SETRANGE). Growth is amortized.
  std::span<char> stringForWrite(KeyRef& ref, size_t minLength);

  // Creates or replaces a non-string value.
  KeyRef setObject(std::string_view key, std::unique_ptr<Value> value, Ttl ttl);
  // Tell the accounting that ref.object() changed size (call after mutating a Value in place).
  // `modifiesKey` false: a change Redis does not report to WATCH/tracking (stream consumer-group
  // bookkeeping such as XREADGROUP, XACK, XCLAIM, XGROUP SETID, XSETID).
  void objectResized(KeyRef& ref, size_t oldBytes, bool modifiesKey = true);

  bool remove(std::string_view key);  // true if a key was deleted (no expiry check)
  void remove(KeyRef& ref);           // ref becomes empty

  // Expiry, absolute unix ms. setExpire with a time in the past does not delete the key: callers
  // decide (EXPIRE deletes at once, SET EX with a past time is an error).
  void setExpire(KeyRef& ref, long long whenMs);
  bool removeExpire(KeyRef& ref);  // false when the key had none

  // Marks the entry as accessed now (TOUCH; honours LFU when selected).
  void touch(KeyRef& ref);

  size_t size() const { return keys_.size(); }
  size_t expiresCount() const { return expiring_.size(); }

  // ---- engine-internal (keys.cc, server.cc, engine.cc) ----
  // Visits the buckets of one SCAN step; fn(const KeyRef&) per key (do not mutate inside).
  template <typename Fn>
  uint64_t scanStep(uint64_t cursor, Fn&& fn);
  // Every key, expired or not (do not mutate inside).
  template <typename Fn>
  void forEach(Fn&& fn);
  // A random key; may be expired (callers check). Empty when the database is empty.
  KeyRef randomKey();
  // Moves the entry of ref (value, expiry, LRU) to `target` as `newKey`; ref becomes empty.
  // The key must not exist in target (callers remove it first). RENAME and MOVE.
  void transfer(KeyRef& ref, Db& target, std::string_view newKey);
  // Deep-copies the entry of ref (value, expiry) to `target` as `newKey`, which must not exist.
  void copyTo(const KeyRef& ref, Db& target, std::string_view newKey);
  // Removes every key. Pools with many keys or heap values are freed on the background thread
  // when async.
  void clear(bool async);
  void swapContents(Db& other);
  // Active expiry: examines up to `samples` keys with a TTL; returns {sampled, expired}.
  std::pair<size_t, size_t> activeExpireRound(size_t samples, long long nowMs);
  // Incremental rehash work for about `micros`; true while rehashing continues.
  bool rehashFor(int64_t micros);
  void resizeIfNeeded() { keys_.resizeIfNeeded(pool_); }
  size_t memoryUsage() const;
  // MEMORY USAGE of one key: its entry (with its share of the bucket array), a key or string kept
  // on the heap, and the value's structures.
  size_t memoryUsageOf(const KeyRef& ref) const;
  size_t rehashRemaining() const { return keys_.rehashRemaining(); }
  long long averageTtl(long long nowMs) const;
  bool isRehashing() const { return keys_.rehashing(); }
  size_t bucketCount() const { return keys_.bucketCount(); }

  // ---- live snapshots (persistence/live_snapshot.h) ----
  // From now on every entry present now is handed to `observer` exactly once: before it changes or
  // leaves, or when snapshotStep reaches it. Entries created later are not.
  void beginSnapshot(SnapshotObserver& observer);
  // Hands over the entries of the next buckets until CommandClock::nowNanos() passes deadlineNs;
  // true when every entry has been handed over.
  bool snapshotStep(uint64_t deadlineNs);
  void endSnapshot() { marks_.reset(); }
  // For the observer: a handle to the entry at `ref`; marking a deferred entry once it is handed
  // over; the marks (they move with the contents on SWAPDB, so they identify them).
  KeyRef refAt(uint32_t ref);
  void snapshotMark(uint32_t ref) {
    if (marks_) marks_->mark(ref);
  }
  const SnapshotMarks* snapshotMarks() const { return marks_.get(); }

  // The parts of an entry to build (internal).
  struct Parts;

 private:
  friend class KeyRef;
  uint32_t writeEntry(const Parts& parts);
  uint32_t allocateEntry(size_t bytes);
  void replaceBlock(KeyRef& ref, uint32_t fresh, bool oldHadExpire, bool newHasExpire);
  void releaseValue(char* e, uint32_t m);
  void freeEntry(uint32_t ref, bool freeHeapParts);
  KeyRef insertNew(std::string_view key, uint64_t hash, const Parts& parts);
  void rebuildValue(KeyRef& ref, Parts& parts);
  void expireIndexAdd(uint32_t ref);
  void expireIndexRemove(uint32_t ref);
  void deleteExpired(uint32_t ref);
  void removeExpired(HashTable::Position pos);
  void walkHeapParts(bool free);
  // Reports a change of key to WATCH (only while some client watches).
  void modified(std::string_view key);
  void modifiedRef(const KeyRef& ref);
  // Every path that changes or frees an entry calls this first (a lookup counts: the caller may
  // change the value in place after it).
  void captureIfPending(uint32_t ref) {
    if (marks_ && marks_->pending(ref)) capture(ref);
  }
  void capture(uint32_t ref);

  Engine* engine_;
  int index_;
  EntryPool pool_;
  HashTable keys_;
  std::vector<uint32_t> expiring_;  // refs of entries with an expiry; each entry stores its slot
  size_t expireCursor_ = 0;
  size_t heapBytes_ = 0;   // heap blocks owned by entries (big strings and keys, objects)
  size_t heapOwners_ = 0;  // entries owning heap blocks (decides whether a flush must walk)
  std::unique_ptr<SnapshotMarks> marks_;  // while a live snapshot runs
};

}  // namespace rp

#include "engine/keyspace_inl.h"
