// Keyspace notifications and client-side-caching invalidations, collected while commands run and
// drained by TypeScript after each batch (it owns pub/sub and the tracking table, DESIGN.md §2).
//
// Zero cost when unused: emit() tests one word of class bits (0 unless notify-keyspace-events
// names K or E with a class), and invalidations are recorded only while some client tracks.
//
// Event records: u8 event length, event name, i32 db, u32 key length, key (host byte order).
// Invalidation records: u32 key length, key; length 0xFFFFFFFF stands for "everything" (a flush).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace rp {

// Redis's NOTIFY_* bits (server.h): TypeScript passes notify-keyspace-events as this mask.
enum NotifyClass : unsigned {
  kNotifyGeneric = 1u << 2,   // g
  kNotifyString = 1u << 3,    // $
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h
  kNotifyZset = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x
  kNotifyEvicted = 1u << 9,   // e
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m
  kNotifyNew = 1u << 14,      // n
};

class KeyspaceEvents {
 public:
  static constexpr uint32_t kFlushAll = 0xFFFFFFFFu;

  void setClasses(unsigned classes) { classes_ = classes; }
  bool wants(unsigned cls) const { return (classes_ & cls) != 0; }

  // Redis's notifyKeyspaceEvent(type, event, key, dbid).
  void emit(unsigned cls, std::string_view event, int db, std::string_view key) {
    if (!(classes_ & cls)) return;
    events_.push_back(static_cast<char>(event.size()));
    events_.append(event);
    appendU32(events_, static_cast<uint32_t>(db));
    appendU32(events_, static_cast<uint32_t>(key.size()));
    events_.append(key);
  }

  // Client tracking: while on, modified keys are recorded for invalidation messages.
  void setTracking(bool on) {
    tracking_ = on;
    if (!on) invalidations_.clear();
  }
  bool tracking() const { return tracking_; }
  void invalidate(std::string_view key) {
    if (!tracking_) return;
    appendU32(invalidations_, static_cast<uint32_t>(key.size()));
    invalidations_.append(key);
  }
  void invalidateAll() {
    if (tracking_) appendU32(invalidations_, kFlushAll);
  }

  bool pending() const { return !events_.empty() || !invalidations_.empty(); }
  std::string takeEvents() { return std::exchange(events_, {}); }
  std::string takeInvalidations() { return std::exchange(invalidations_, {}); }

 private:
  static void appendU32(std::string& out, uint32_t v) {
    char bytes[4];
    std::memcpy(bytes, &v, 4);
    out.append(bytes, 4);
  }

  unsigned classes_ = 0;
  bool tracking_ = false;
  std::string events_;
  std::string invalidations_;
};

}  // namespace rp
