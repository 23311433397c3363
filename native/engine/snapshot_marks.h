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
#include <cstdlib>
#include <memory>

namespace rp {

class Db;
class KeyRef;

// Receives each entry of the snapshot exactly once.
class SnapshotObserver {
 public:
  // The entry at pool reference `ref` of `db`; `dbAtStart` is the database it belonged to when the
  // snapshot began (SWAPDB moves contents, and their marks, to another Db object). True when it was
  // handed over (the database marks it); false when the observer defers it (a large value met by a
  // slice, encoded over several slices): it stays pending and comes back here if it is about to
  // change first.
  virtual bool capture(Db& db, int dbAtStart, uint32_t ref) = 0;
  // The contents of a marked database are about to move to another Db object (SWAPDB): finish
  // whatever still reads an entry through its Db.
  virtual void settle() = 0;

 protected:
  ~SnapshotObserver() = default;
};

struct SnapshotMarks {
  SnapshotObserver* observer = nullptr;
  int dbAtStart = 0;
  uint32_t limit = 0;              // references >= limit were handed out after the start
  // One bit per granule below limit. calloc'd: a large bitmap comes as untouched zero pages from
  // the kernel, faulted in by the slices as they mark, instead of all at the start (measured:
  // zero-filling ~600 KB for 1M keys held the event loop ~2 ms here).
  struct FreeDeleter {
    void operator()(uint64_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint64_t[], FreeDeleter> captured;
  uint64_t cursor = 0;             // the SCAN cursor of the slices
  bool scanned = false;            // every entry has been handed over

  bool pending(uint32_t ref) const { return ref < limit && !((captured[ref >> 6] >> (ref & 63)) & 1u); }
  void mark(uint32_t ref) {
    if (ref < limit) captured[ref >> 6] |= uint64_t{1} << (ref & 63);
  }
};

}  // namespace rp
