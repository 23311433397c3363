#include "engine/pubsub.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "engine/glob.h"
#include "util/socket_send.h"

namespace rp {

namespace {

constexpr std::string_view kMessageWord = "message";
constexpr std::string_view kPatternMessageWord = "pmessage";
constexpr std::string_view kShardMessageWord = "smessage";

// A receiver's pending bytes above this are given back to the allocator after a flush.
constexpr size_t kPendingKeep = size_t{1} << 20;

}  // namespace

class PubSubTable::Encoded {
 public:
  // parts: the message word, (the pattern,) the channel, the payload; views valid while in use.
  void reset(std::initializer_list<std::string_view> parts) {
    count_ = 0;
    for (std::string_view p : parts) parts_[count_++] = p;
    built_[0] = built_[1] = false;
  }
  std::string_view forProtocol(int resp) {
    const int i = resp == 3 ? 1 : 0;
    ReplyWriter& out = bytes_[i];
    if (!built_[i]) {
      out.clear();
      out.pushHeader(count_);
      for (size_t k = 0; k < count_; ++k) out.bulk(parts_[k]);
      built_[i] = true;
    }
    return std::string_view(out.data(), out.size());
  }

 private:
  std::string_view parts_[4];
  size_t count_ = 0;
  bool built_[2] = {false, false};
  ReplyWriter bytes_[2] = {ReplyWriter(2), ReplyWriter(3)};
};

PubSubTable::PubSubTable() : scratch_(std::make_unique<Encoded>()) {}
PubSubTable::~PubSubTable() = default;

PubSubTable::Subscriber* PubSubTable::find(int64_t clientId) {
  auto it = subscribers_.find(clientId);
  return it == subscribers_.end() ? nullptr : it->second.get();
}

PubSubTable::SubscriberList* PubSubTable::listFor(SubscriptionKind kind, std::string_view name, bool create) {
  if (kind == SubscriptionKind::Pattern) {
    for (Pattern& p : patterns_)
      if (p.pattern == name) return &p.subscribers;
    if (!create) return nullptr;
    patterns_.push_back(Pattern{std::string(name), {}});
    return &patterns_.back().subscribers;
  }
  ChannelMap& map = kind == SubscriptionKind::Shard ? shardChannels_ : channels_;
  auto it = map.find(name);
  if (it != map.end()) return &it->second;
  if (!create) return nullptr;
  return &map.emplace(std::string(name), SubscriberList{}).first->second;
}

void PubSubTable::dropName(SubscriptionKind kind, std::string_view name) {
  if (kind == SubscriptionKind::Pattern) {
    auto it = std::find_if(patterns_.begin(), patterns_.end(), [&](const Pattern& p) { return p.pattern == name; });
    if (it != patterns_.end()) patterns_.erase(it);
    return;
  }
  ChannelMap& map = kind == SubscriptionKind::Shard ? shardChannels_ : channels_;
  auto it = map.find(name);
  if (it != map.end()) map.erase(it);
}

void PubSubTable::subscribe(int64_t clientId, SubscriptionKind kind, std::string_view name) {
  Subscriber* s = find(clientId);
  if (s == nullptr) {
    auto owned = std::make_unique<Subscriber>();
    owned->clientId = clientId;
    s = owned.get();
    subscribers_.emplace(clientId, std::move(owned));
  }
  // TypeScript mirrors a subscription only when it is new: no duplicate check (O(1), as Redis).
  listFor(kind, name, true)->push_back(s);
  ++s->subscriptions;
}

void PubSubTable::unsubscribe(int64_t clientId, SubscriptionKind kind, std::string_view name) {
  Subscriber* s = find(clientId);
  if (s == nullptr) return;
  SubscriberList* list = listFor(kind, name, false);
  if (list == nullptr) return;
  auto it = std::find(list->begin(), list->end(), s);
  if (it == list->end()) return;
  list->erase(it);
  if (list->empty()) dropName(kind, name);
  if (--s->subscriptions == 0) release(s);
}

void PubSubTable::release(Subscriber* s) {
  if (s->dirty) dirty_.erase(std::find(dirty_.begin(), dirty_.end(), s));
  subscribers_.erase(s->clientId);
}

void PubSubTable::configureClient(int64_t clientId, int fd, int resp, bool direct) {
  Subscriber* s = find(clientId);
  if (s == nullptr) return;
  s->fd = fd;
  s->resp = resp == 3 ? 3 : 2;
  s->direct = direct && fd >= 0;
}

void PubSubTable::deliver(Subscriber& s, Encoded& message) {
  std::string_view bytes = message.forProtocol(s.resp);
  if (s.fd >= 0 && s.fd == currentFd_ && currentReplies_ != nullptr) {
    currentReplies_->append(bytes.data(), bytes.size());
    return;
  }
  if (!s.dirty) {
    s.dirty = true;
    dirty_.push_back(&s);
  }
  s.pending.append(bytes.data(), bytes.size());
}

long long PubSubTable::publish(std::string_view channel, std::string_view message) {
  long long receivers = 0;
  Encoded& encoded = *scratch_;
  auto it = channels_.find(channel);
  if (it != channels_.end()) {
    encoded.reset({kMessageWord, channel, message});
    for (Subscriber* s : it->second) deliver(*s, encoded);
    receivers += static_cast<long long>(it->second.size());
  }
  for (Pattern& p : patterns_) {
    if (!globMatch(p.pattern, channel)) continue;
    encoded.reset({kPatternMessageWord, p.pattern, channel, message});
    for (Subscriber* s : p.subscribers) deliver(*s, encoded);
    receivers += static_cast<long long>(p.subscribers.size());
  }
  return receivers;
}

long long PubSubTable::spublish(std::string_view channel, std::string_view message) {
  auto it = shardChannels_.find(channel);
  if (it == shardChannels_.end()) return 0;
  Encoded& encoded = *scratch_;
  encoded.reset({kShardMessageWord, channel, message});
  for (Subscriber* s : it->second) deliver(*s, encoded);
  return static_cast<long long>(it->second.size());
}

size_t PubSubTable::flush(bool socketsWritable) {
  size_t sentTotal = 0;
  for (Subscriber* s : dirty_) {
    s->dirty = false;
    ByteBuffer& pending = s->pending;
    size_t sent = 0;
    if (socketsWritable && s->direct) sent = sendNonBlocking(s->fd, pending.data(), pending.size());
    sentTotal += sent;
    if (sent < pending.size()) {
      // TypeScript queues the rest; later messages follow it there until it says the socket is free.
      handoffs_.push_back(Handoff{s->clientId, std::string(pending.data() + sent, pending.size() - sent)});
      s->direct = false;
    }
    pending.clear();
    pending.shrinkIfLarge(kPendingKeep);
  }
  dirty_.clear();
  return sentTotal;
}

std::vector<PubSubTable::Handoff> PubSubTable::takeHandoffs() { return std::exchange(handoffs_, {}); }

}  // namespace rp
