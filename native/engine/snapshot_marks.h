// What a database keeps while a live snapshot runs (persistence/live_snapshot.h): which of the
// entries that existed when the snapshot began have been handed to it already.
//
// The snapshot is an image of one moment taken without fork(): the event loop encodes the keyspace
// in short slices, and an entry that is about to change (or leave) before its slice reaches it is
// handed over first — copy-on-write per key instead of per page. One bit per pool granule says
// "handed over"; entries are named by their pool reference, so the bit of an entry's first granule
// is its mark. Entries created after the start must never be handed over (their commands reach
// the AOF's tail): a reference at or past `limit` was handed out after the start, and a block
// reused from the free list is marked when it is written (Db::writeEntry). Freed blocks still
// carry the bit of what they held, so the mark is valid for whatever the pool puts there next.
#pragma once

#include <cstdint>
#include <vector>

namespace rp {

class Db;
class KeyRef;

// Receives each entry of the snapshot exactly once.
class SnapshotObserver {
 public:
  // `dbAtStart`: the database the entry belonged to when the snapshot began (SWAPDB moves the
  // contents, and their marks, to another Db object).
  virtual void capture(Db& db, int dbAtStart, const KeyRef& ref) = 0;

 protected:
  ~SnapshotObserver() = default;
};

struct SnapshotMarks {
  SnapshotObserver* observer = nullptr;
  int dbAtStart = 0;
  uint32_t limit = 0;              // references >= limit were handed out after the start
  std::vector<uint64_t> captured;  // one bit per granule below limit
  uint64_t cursor = 0;             // the SCAN cursor of the slices
  bool scanned = false;            // every entry has been handed over

  bool pending(uint32_t ref) const { return ref < limit && !((captured[ref >> 6] >> (ref & 63)) & 1u); }
  void mark(uint32_t ref) {
    if (ref < limit) captured[ref >> 6] |= uint64_t{1} << (ref & 63);
  }
};

}  // namespace rp
