// The stream value: nodes of delta-encoded entries (layout in stream.h).
#include "types/stream.h"

#include <algorithm>
#include <cstring>
#include <malloc.h>

#include "util/numbers.h"
#include "util/varint.h"

namespace rp {

bool StreamID::increment() {
  if (seq == UINT64_MAX) {
    if (ms == UINT64_MAX) {
      ms = seq = 0;
      return false;
    }
    ++ms;
    seq = 0;
  } else {
    ++seq;
  }
  return true;
}

bool StreamID::decrement() {
  if (seq == 0) {
    if (ms == 0) {
      ms = seq = UINT64_MAX;
      return false;
    }
    --ms;
    seq = UINT64_MAX;
  } else {
    --seq;
  }
  return true;
}

size_t formatStreamID(char* buf, StreamID id) {
  size_t n = static_cast<size_t>(std::snprintf(buf, 42, "%llu-%llu", static_cast<unsigned long long>(id.ms),
                                               static_cast<unsigned long long>(id.seq)));
  return n;
}

std::string streamIDText(StreamID id) {
  char buf[48];
  return std::string(buf, formatStreamID(buf, id));
}

// ---- Redis listpack sizes (where Redis would start a new node) ---------------------------------
namespace {

size_t lpBacklenSize(size_t encoded) {
  if (encoded <= 127) return 1;
  if (encoded < 16383) return 2;
  if (encoded < 2097151) return 3;
  if (encoded < 268435455) return 4;
  return 5;
}

size_t lpIntSize(int64_t v) {
  size_t enc;
  if (v >= 0 && v <= 127) enc = 1;
  else if (v >= -4096 && v <= 4095) enc = 2;
  else if (v >= -32768 && v <= 32767) enc = 3;
  else if (v >= -8388608 && v <= 8388607) enc = 4;
  else if (v >= -2147483648LL && v <= 2147483647LL) enc = 5;
  else enc = 9;
  return enc + lpBacklenSize(enc);
}

// A string that is a canonical int64 is stored as an integer (lpStringToInt64).
size_t lpStringSize(std::string_view s) {
  int64_t v;
  if (!s.empty() && s.size() < 21 && num::parseInt64(s, v)) return lpIntSize(v);
  size_t enc = s.size() < 64 ? 1 + s.size() : (s.size() < 4096 ? 2 + s.size() : 5 + s.size());
  return enc + lpBacklenSize(enc);
}

constexpr size_t kLpHeaderAndEnd = 7;

void appendVarint(std::string& out, uint64_t v) {
  char buf[10];
  out.append(buf, varint::write(buf, static_cast<size_t>(v)));
}

void appendString(std::string& out, std::string_view s) {
  appendVarint(out, s.size());
  out.append(s.data(), s.size());
}

// Bytes of one entry in Redis's listpack.
size_t redisEntrySize(StreamID id, StreamID master, const std::string_view* fv, size_t pairs, bool same) {
  size_t bytes = lpIntSize(same ? streamenc::kFlagSameFields : 0) + lpIntSize(static_cast<int64_t>(id.ms - master.ms)) +
                 lpIntSize(static_cast<int64_t>(id.seq - master.seq));
  if (!same) bytes += lpIntSize(static_cast<int64_t>(pairs));
  for (size_t i = 0; i < pairs; ++i) {
    if (!same) bytes += lpStringSize(fv[2 * i]);
    bytes += lpStringSize(fv[2 * i + 1]);
  }
  int64_t lpCount = static_cast<int64_t>(pairs) + 3 + (same ? 0 : static_cast<int64_t>(pairs) + 1);
  return bytes + lpIntSize(lpCount);
}

}  // namespace

size_t Stream::redisBytes(const Node& n) { return n.redisBase + lpIntSize(n.live) + lpIntSize(n.deleted); }

void Stream::accountNode(const Node& n, bool add) {
  size_t bytes = sizeof(Node) + n.data.capacity();
  if (add) nodeBytes_ += bytes;
  else nodeBytes_ -= bytes;
}

size_t Stream::decode(const Node& n, size_t offset, StreamEntry& out, uint8_t& flags) {
  const char* base = n.data.data();
  const char* p = base + offset;
  flags = static_cast<uint8_t>(*p++);
  uint64_t msDelta, seq;
  p += streamenc::readVarint(p, msDelta);
  p += streamenc::readVarint(p, seq);
  out.id.ms = n.master.ms + msDelta;
  out.id.seq = msDelta == 0 ? n.master.seq + seq : seq;
  std::string_view s;
  if (flags & streamenc::kFlagSameFields) {
    out.count_ = n.masterFields;
    uint64_t ignored;
    out.master_ = base + streamenc::readVarint(base, ignored);
    out.pairs_ = p;
    for (size_t i = 0; i < out.count_; ++i) p = streamenc::readString(p, s);
  } else {
    uint64_t count;
    p += streamenc::readVarint(p, count);
    out.count_ = static_cast<size_t>(count);
    out.master_ = nullptr;
    out.pairs_ = p;
    for (size_t i = 0; i < 2 * out.count_; ++i) p = streamenc::readString(p, s);
  }
  return static_cast<size_t>(p - base);
}

size_t Stream::nodeFor(StreamID id) const {
  // The last node whose master ID is <= id.
  auto it = std::upper_bound(nodes_.begin(), nodes_.end(), id, [](StreamID v, const Node& n) { return v < n.master; });
  return it == nodes_.begin() ? 0 : static_cast<size_t>(it - nodes_.begin()) - 1;
}

void Stream::startNode(StreamID id, const std::string_view* fv, size_t pairs) {
  if (!nodes_.empty()) {
    // The finished node keeps no slack (Redis's lpShrinkToFit).
    Node& last = nodes_.back();
    accountNode(last, false);
    last.data.shrink_to_fit();
    accountNode(last, true);
  }
  Node& n = nodes_.emplace_back();
  n.master = id;
  n.last = id;
  n.masterFields = static_cast<uint32_t>(pairs);
  appendVarint(n.data, pairs);
  size_t base = kLpHeaderAndEnd + lpIntSize(static_cast<int64_t>(pairs)) + lpIntSize(0);
  for (size_t i = 0; i < pairs; ++i) {
    appendString(n.data, fv[2 * i]);
    base += lpStringSize(fv[2 * i]);
  }
  n.entriesStart = static_cast<uint32_t>(n.data.size());
  n.redisBase = static_cast<uint32_t>(base);
  accountNode(n, true);
}

void Stream::append(StreamID id, const std::string_view* fv, size_t pairs) {
  bool newNode = nodes_.empty();
  if (!newNode) {
    const Node& last = nodes_.back();
    size_t fieldBytes = 0;
    for (size_t i = 0; i < 2 * pairs; ++i) fieldBytes += fv[i].size();
    if (redisBytes(last) + fieldBytes >= kNodeMaxBytes) newNode = true;
    else if (static_cast<size_t>(last.live) + last.deleted >= kNodeMaxEntries) newNode = true;
  }
  if (newNode) startNode(id, fv, pairs);
  appendToLastNode(id, fv, pairs, false);
  entriesAdded_++;
  lastId_ = id;
}

void Stream::appendToLastNode(StreamID id, const std::string_view* fv, size_t pairs, bool deleted) {
  Node& n = nodes_.back();
  accountNode(n, false);
  bool same = pairs == n.masterFields;
  if (same) {
    size_t i = 0;
    forEachMasterField(n, [&](std::string_view field) {
      if (i < pairs && fv[2 * i] == field) ++i;
      else i = pairs + 1;
    });
    same = i == pairs;
  }
  uint8_t flags = (same ? streamenc::kFlagSameFields : 0) | (deleted ? streamenc::kFlagDeleted : 0);
  n.data.push_back(static_cast<char>(flags));
  uint64_t msDelta = id.ms - n.master.ms;
  appendVarint(n.data, msDelta);
  appendVarint(n.data, msDelta == 0 ? id.seq - n.master.seq : id.seq);
  if (!same) appendVarint(n.data, pairs);
  for (size_t i = 0; i < pairs; ++i) {
    if (!same) appendString(n.data, fv[2 * i]);
    appendString(n.data, fv[2 * i + 1]);
  }
  n.redisBase += static_cast<uint32_t>(redisEntrySize(id, n.master, fv, pairs, same));
  n.last = id;
  if (deleted) {
    n.deleted++;
  } else {
    n.live++;
    length_++;
    if (length_ == 1) firstId_ = id;
  }
  accountNode(n, true);
}

void Stream::loadNode(StreamID master, const std::vector<std::string>& masterFields) {
  std::vector<std::string_view> names;
  for (const std::string& f : masterFields) {
    names.emplace_back(f);
    names.emplace_back();
  }
  startNode(master, names.data(), masterFields.size());
}

void Stream::loadEntry(StreamID id, const std::vector<std::string>& fieldValues, bool deleted) {
  std::vector<std::string_view> views(fieldValues.begin(), fieldValues.end());
  appendToLastNode(id, views.data(), views.size() / 2, deleted);
}

void Stream::refreshFirstId() {
  StreamEntry e;
  firstId_ = firstEntry(e) ? e.id : StreamID{};
}

void Stream::markDeleted(size_t ni, size_t offset) {
  Node& n = nodes_[ni];
  n.data[offset] = static_cast<char>(n.data[offset] | streamenc::kFlagDeleted);
  n.live--;
  n.deleted++;
  length_--;
  if (n.live == 0) {
    accountNode(n, false);
    nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(ni));
  }
}

bool Stream::remove(StreamID id) {
  if (nodes_.empty()) return false;
  size_t ni = nodeFor(id);
  const Node& n = nodes_[ni];
  if (id < n.master || id > n.last) return false;
  StreamEntry e;
  uint8_t flags;
  for (size_t off = n.entriesStart; off < n.data.size();) {
    size_t next = decode(n, off, e, flags);
    if (e.id == id) {
      if (flags & streamenc::kFlagDeleted) return false;
      markDeleted(ni, off);
      if (id > maxDeletedId_) maxDeletedId_ = id;
      refreshFirstId();
      return true;
    }
    if (e.id > id) return false;
    off = next;
  }
  return false;
}

long long Stream::trim(const StreamTrim& t) {
  if (t.strategy == StreamTrim::Strategy::None) return 0;
  long long deleted = 0;
  while (!nodes_.empty()) {
    if (t.strategy == StreamTrim::Strategy::MaxLen && static_cast<long long>(length_) <= t.maxLen) break;
    Node& n = nodes_.front();
    long long entries = n.live;
    if (t.limit && deleted + entries > t.limit) break;
    bool removeNode = t.strategy == StreamTrim::Strategy::MaxLen
                          ? static_cast<long long>(length_) - entries >= t.maxLen
                          : n.last < t.minId;
    if (removeNode) {
      accountNode(n, false);
      nodes_.pop_front();
      length_ -= static_cast<size_t>(entries);
      deleted += entries;
      continue;
    }
    if (t.approx) break;
    // Mark entries of this node deleted until the condition holds (the node keeps at least one).
    StreamEntry e;
    uint8_t flags;
    for (size_t off = n.entriesStart; off < n.data.size();) {
      size_t next = decode(n, off, e, flags);
      bool stop = t.strategy == StreamTrim::Strategy::MaxLen ? static_cast<long long>(length_) <= t.maxLen
                                                              : e.id >= t.minId;
      if (stop) break;
      if (!(flags & streamenc::kFlagDeleted)) {
        n.data[off] = static_cast<char>(n.data[off] | streamenc::kFlagDeleted);
        n.live--;
        n.deleted++;
        length_--;
        deleted++;
      }
      off = next;
    }
    break;
  }
  refreshFirstId();
  return deleted;
}

bool Stream::lookup(StreamID id, StreamEntry& out) const {
  bool found = false;
  range(id, id, false, [&](const StreamEntry& e) {
    out = e;
    found = true;
    return false;
  });
  return found;
}

bool Stream::firstEntry(StreamEntry& out) const {
  bool found = false;
  range(StreamID{}, StreamID::max(), false, [&](const StreamEntry& e) {
    out = e;
    found = true;
    return false;
  });
  return found;
}

bool Stream::lastEntry(StreamEntry& out) const {
  bool found = false;
  range(StreamID{}, StreamID::max(), true, [&](const StreamEntry& e) {
    out = e;
    found = true;
    return false;
  });
  return found;
}

StreamID Stream::lastValidId() const {
  StreamEntry e;
  return lastEntry(e) ? e.id : StreamID{};
}

long long Stream::estimateDistanceFromFirstEverEntry(StreamID id) const {
  if (entriesAdded_ == 0) return 0;
  if (length_ == 0 && id <= lastId_) return static_cast<long long>(entriesAdded_);
  if (id == lastId_) return static_cast<long long>(entriesAdded_);
  if (id > lastId_) return kEntriesReadInvalid;
  if (maxDeletedId_.isZero() || maxDeletedId_ < firstId_) {
    if (id < firstId_) return static_cast<long long>(entriesAdded_ - length_);
    if (id == firstId_) return static_cast<long long>(entriesAdded_ - length_ + 1);
  }
  return kEntriesReadInvalid;
}

bool Stream::rangeHasTombstones(StreamID start, StreamID end) const {
  if (length_ == 0 || maxDeletedId_.isZero()) return false;
  if (firstId_ > maxDeletedId_) return false;
  return start <= maxDeletedId_ && maxDeletedId_ <= end;
}

// ---- consumer groups ---------------------------------------------------------------------------

StreamConsumer* StreamGroup::findConsumer(std::string_view name) const {
  auto it = consumers.find(name);
  return it == consumers.end() ? nullptr : it->second.get();
}

StreamConsumer* StreamGroup::createConsumer(std::string_view name, long long nowMs) {
  auto consumer = std::make_unique<StreamConsumer>();
  consumer->name.assign(name);
  consumer->seenTime = nowMs;
  StreamConsumer* raw = consumer.get();
  consumers.emplace(std::string(name), std::move(consumer));
  return raw;
}

size_t StreamGroup::deleteConsumer(std::string_view name) {
  auto it = consumers.find(name);
  if (it == consumers.end()) return 0;
  size_t count = it->second->pending.size();
  for (const auto& [id, nack] : it->second->pending) pending.erase(id);
  consumers.erase(it);
  return count;
}

StreamGroup* Stream::findGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

StreamGroup* Stream::createGroup(std::string_view name, StreamID lastId, long long entriesRead) {
  auto group = std::make_unique<StreamGroup>();
  group->lastId = lastId;
  group->entriesRead = entriesRead;
  StreamGroup* raw = group.get();
  groups_.emplace(std::string(name), std::move(group));
  return raw;
}

bool Stream::destroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

// ---- Value -------------------------------------------------------------------------------------

size_t Stream::memoryUsage() const {
  // Sorted-map nodes cost about 48 bytes of tree links plus their payload.
  constexpr size_t kMapNode = 48;
  size_t bytes = sizeof(Stream) + nodeBytes_;
  for (const auto& [name, group] : groups_) {
    bytes += kMapNode + name.capacity() + sizeof(StreamGroup);
    bytes += group->pending.size() * (2 * kMapNode + 2 * sizeof(StreamID) + sizeof(StreamNack) + sizeof(void*));
    for (const auto& [cname, consumer] : group->consumers)
      bytes += kMapNode + 2 * cname.capacity() + sizeof(StreamConsumer);
  }
  return bytes;
}

std::unique_ptr<Value> Stream::clone() const {
  auto copy = std::make_unique<Stream>();
  copy->nodes_ = nodes_;
  copy->length_ = length_;
  copy->lastId_ = lastId_;
  copy->firstId_ = firstId_;
  copy->maxDeletedId_ = maxDeletedId_;
  copy->entriesAdded_ = entriesAdded_;
  copy->nodeBytes_ = 0;
  for (const Node& n : copy->nodes_) copy->accountNode(n, true);
  for (const auto& [name, group] : groups_) {
    StreamGroup* g = copy->createGroup(name, group->lastId, group->entriesRead);
    for (const auto& [cname, consumer] : group->consumers) g->createConsumer(cname, consumer->seenTime);
    for (const auto& [id, nack] : group->pending) {
      auto n = std::make_unique<StreamNack>(*nack);
      n->consumer = g->findConsumer(nack->consumer->name);
      n->consumer->pending.emplace(id, n.get());
      g->pending.emplace(id, std::move(n));
    }
  }
  return copy;
}

}  // namespace rp
