// Keyspace notifications and client-side-caching invalidations.
//
// A notification is published the moment the command emits it (Redis's notifyKeyspaceEvent), through
// the native fan-out of engine/pubsub.h: a subscriber gets it in command order with PUBLISH messages
// (also inside scripts and EXEC), and the running client, when it listens, in its reply stream where
// Redis writes it (before SET's reply, after LPUSH's). Invalidations are recorded and taken by
// TypeScript, which owns the tracking table (DESIGN.md §2): after the command, and before any
// message published after them (Redis sends them at signalModifiedKey, before the notification).
//
// Zero cost when unused: emit() tests one word of class bits (0 unless notify-keyspace-events
// names K or E with a class), and invalidations are recorded only while some client tracks.
//
// Invalidation records: u32 key length, key (host byte order); length 0xFFFFFFFF stands for
// "everything" (a flush).
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/pubsub.h"

namespace rp {

// Redis's NOTIFY_* bits (server.h): TypeScript passes notify-keyspace-events as this mask.
enum NotifyClass : unsigned {
  kNotifyKeyspace = 1u << 0,  // K: __keyspace@<db>__:<key> receives the event name
  kNotifyKeyevent = 1u << 1,  // E: __keyevent@<db>__:<event> receives the key
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

  explicit KeyspaceEvents(PubSubTable& pubsub) : pubsub_(pubsub) {}

  // notify-keyspace-events as Redis's flags: nothing is published unless K or E is on.
  void setFlags(unsigned flags) {
    const unsigned channels = flags & (kNotifyKeyspace | kNotifyKeyevent);
    channels_ = channels;
    classes_ = channels != 0 ? flags & ~channels : 0;
  }
  bool wants(unsigned cls) const { return (classes_ & cls) != 0; }

  // Redis's notifyKeyspaceEvent(type, event, key, dbid): the keyspace channel, then the keyevent one.
  void emit(unsigned cls, std::string_view event, int db, std::string_view key) {
    if (!(classes_ & cls) || !pubsub_.hasSubscribers()) return;
    sendInvalidationsFirst();
    if (channels_ & kNotifyKeyspace) pubsub_.publish(channelName("__keyspace@", db, key), event);
    if (channels_ & kNotifyKeyevent) pubsub_.publish(channelName("__keyevent@", db, event), key);
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

  bool pending() const { return !invalidations_.empty(); }
  // Before a message is published (a notification, PUBLISH) while some client tracks: the
  // invalidations of the changes made so far go first, through `sender` (Engine::
  // setInvalidationSender: TypeScript takes them, see takeInvalidations).
  void setInvalidationSender(std::function<void()> sender) { sender_ = std::move(sender); }
  void sendInvalidationsFirst() {
    if (tracking_ && sender_) sender_();
  }
  std::string takeInvalidations() { return std::exchange(invalidations_, {}); }

 private:
  static void appendU32(std::string& out, uint32_t v) {
    char bytes[4];
    std::memcpy(bytes, &v, 4);
    out.append(bytes, 4);
  }

  // "<prefix><db>__:<suffix>" in a reused buffer (valid until the next call).
  std::string_view channelName(std::string_view prefix, int db, std::string_view suffix) {
    channel_.assign(prefix);
    channel_.append(std::to_string(db));
    channel_.append("__:");
    channel_.append(suffix);
    return channel_;
  }

  PubSubTable& pubsub_;
  unsigned classes_ = 0;
  unsigned channels_ = 0;
  bool tracking_ = false;
  std::string channel_;
  std::string invalidations_;
  std::function<void()> sender_;
};

}  // namespace rp
