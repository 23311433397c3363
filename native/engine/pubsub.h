// The fan-out table of PUBLISH and SPUBLISH, which run inside the batch like any data command.
//
// Why here and not in TypeScript: a PUBLISH run in JavaScript cost ~2 us of dispatch, encoding and
// queueing plus a stream write per subscriber and tick, 0.25-0.78x Redis's CPU per delivered
// message. Here a message is encoded once per protocol and copied to each receiver.
//
// Keyspace notifications are published here too, the moment a command emits them (events.h).
//
// TypeScript stays the owner of the subscriptions (ts/server/pubsub.ts: confirmations, PUBSUB) and
// mirrors every subscribe and unsubscribe into this table, with the client's socket and protocol.
// A message for another client is appended to that client's pending bytes; at the end of the batch
// (or of the cron call) flush() sends them straight to its socket with non-blocking send() --
// before the publisher's own replies leave, as Redis writes the subscribers first -- when
// TypeScript has said that nothing waits for that socket on its side (`direct`). What cannot leave
// that way (TypeScript has output queued, the socket is full, the AOF holds replies) is handed back
// to TypeScript (takeHandoffs), which queues it after what it holds and enforces the pubsub output
// buffer limit. The batch's own client receives its messages in its reply stream, where the command
// emits them: before the PUBLISH reply (a RESP3 client subscribed to the channel it publishes on),
// before SET's reply for its notification, as in Redis.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/reply.h"

namespace rp {

// Kinds of subscription, numbered as ts/server/pubsub.ts's SubscriptionKind.
enum class SubscriptionKind : int { Channel = 0, Pattern = 1, Shard = 2 };

class PubSubTable {
 public:
  PubSubTable();
  ~PubSubTable();
  PubSubTable(const PubSubTable&) = delete;
  PubSubTable& operator=(const PubSubTable&) = delete;

  // A client starts (on a name it does not listen on yet) or stops listening on one name. The
  // client's record is created with its first subscription (socket unknown, RESP2, not direct
  // until configureClient) and removed with its last, together with whatever it had pending.
  void subscribe(int64_t clientId, SubscriptionKind kind, std::string_view name);
  void unsubscribe(int64_t clientId, SubscriptionKind kind, std::string_view name);
  // The client's socket (-1: unknown, never written here), protocol, and whether its messages may
  // be sent straight to the socket. No effect on a client without subscriptions.
  void configureClient(int64_t clientId, int fd, int resp, bool direct);

  // The client whose batch runs (its socket, -1 for none) and its reply stream, which receives its
  // own messages in order with its replies. Set around each batch.
  void setCurrentClient(int fd, ByteBuffer* replies) {
    currentFd_ = fd;
    currentReplies_ = replies;
  }

  // Anyone listening at all (keyspace notifications are not even named otherwise).
  bool hasSubscribers() const { return !subscribers_.empty(); }

  // PUBLISH: to the channel's subscribers, then to those of every matching pattern. SPUBLISH: to
  // the shard channel's subscribers. Return the number of receivers.
  long long publish(std::string_view channel, std::string_view message);
  long long spublish(std::string_view channel, std::string_view message);

  bool hasPending() const { return !dirty_.empty(); }
  // Sends every receiver's pending bytes that may go straight to its socket (all of them only when
  // `socketsWritable`: false while the AOF holds replies) and hands the rest back. Returns the bytes
  // sent.
  size_t flush(bool socketsWritable);

  struct Handoff {
    int64_t clientId;
    std::string bytes;
  };
  size_t handoffCount() const { return handoffs_.size(); }
  // Messages TypeScript must queue itself, in the order they were handed back; clears them.
  std::vector<Handoff> takeHandoffs();

 private:
  struct Subscriber {
    int64_t clientId = 0;
    int fd = -1;
    int resp = 2;
    bool direct = false;
    bool dirty = false;  // listed in dirty_
    size_t subscriptions = 0;
    ByteBuffer pending;
  };
  using SubscriberList = std::vector<Subscriber*>;
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ChannelMap = std::unordered_map<std::string, SubscriberList, NameHash, std::equal_to<>>;
  struct Pattern {
    std::string pattern;
    SubscriberList subscribers;
  };

  // A message of one kind encoded for RESP2 (array) and RESP3 (push), each on first use.
  class Encoded;

  Subscriber* find(int64_t clientId);
  void deliver(Subscriber& s, Encoded& message);
  void release(Subscriber* s);  // after its last subscription
  SubscriberList* listFor(SubscriptionKind kind, std::string_view name, bool create);
  void dropName(SubscriptionKind kind, std::string_view name);

  std::unordered_map<int64_t, std::unique_ptr<Subscriber>> subscribers_;
  ChannelMap channels_;
  ChannelMap shardChannels_;
  std::vector<Pattern> patterns_;  // in subscription order (as TypeScript's Map)
  std::vector<Subscriber*> dirty_;  // receivers with pending bytes, in order of first message
  std::vector<Handoff> handoffs_;
  std::unique_ptr<Encoded> scratch_;
  int currentFd_ = -1;
  ByteBuffer* currentReplies_ = nullptr;
};

}  // namespace rp
