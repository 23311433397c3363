#include "engine/watch.h"

#include <algorithm>

#include "engine/engine.h"

namespace rp {

bool WatchTable::present(int db, std::string_view key) { return engine_.db(db).peekExpire(key) != -2; }

bool WatchTable::logicallyExpired(int db, std::string_view key) {
  long long when = engine_.db(db).peekExpire(key);
  return when >= 0 && when < engine_.nowMs();
}

void WatchTable::watch(uint64_t client, int db, std::string_view key) {
  ClientWatches& watches = clients_[client];
  if (watches.dirty) return;  // no point: EXEC fails anyway
  for (const std::unique_ptr<Watcher>& w : watches.keys)
    if (w->db == db && w->key == key) return;
  if (byDb_.size() <= static_cast<size_t>(db)) byDb_.resize(static_cast<size_t>(db) + 1);
  Watcher* w = watches.keys.emplace_back(std::make_unique<Watcher>(Watcher{client, db, std::string(key), logicallyExpired(db, key)})).get();
  byDb_[static_cast<size_t>(db)][w->key].push_back(w);
  ++watchedKeys_;
}

void WatchTable::dropKeys(ClientWatches& watches) {
  for (const std::unique_ptr<Watcher>& owned : watches.keys) {
    Watcher* w = owned.get();
    KeyWatchers& map = byDb_[static_cast<size_t>(w->db)];
    auto it = map.find(w->key);
    if (it != map.end()) {
      std::vector<Watcher*>& list = it->second;
      list.erase(std::find(list.begin(), list.end(), w));
      if (list.empty()) map.erase(it);
    }
    --watchedKeys_;
  }
  watches.keys.clear();  // frees the watchers
}

bool WatchTable::unwatch(uint64_t client) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return false;
  ClientWatches& watches = it->second;
  bool violated = watches.dirty;
  if (!violated) {
    // A watched key that expired since (and was not yet deleted) is a change too.
    for (const std::unique_ptr<Watcher>& w : watches.keys) {
      if (!w->expired && logicallyExpired(w->db, w->key)) {
        violated = true;
        break;
      }
    }
  }
  dropKeys(watches);
  clients_.erase(it);
  return violated;
}

void WatchTable::markDirtyAndDrop(uint64_t client) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return;
  it->second.dirty = true;
  dropKeys(it->second);  // nothing more to learn from its keys
}

void WatchTable::modified(int db, std::string_view key, bool always) {
  if (deferring_) {
    pending_.push_back(Pending{db, std::string(key), always});
    return;
  }
  touch(db, key);
}

void WatchTable::applyPending(bool changedData) {
  std::vector<Pending> pending = std::move(pending_);
  pending_.clear();
  for (const Pending& p : pending)
    if (changedData || p.always) touch(p.db, p.key);
}

// Redis's touchWatchedKey, including its treatment of keys that were expired when watched.
void WatchTable::touch(int db, std::string_view key) {
  // Redis's signalModifiedKey: touchWatchedKey + trackingInvalidateKey.
  if (tracking_) engine_.events().invalidate(key);
  if (!watching() || static_cast<size_t>(db) >= byDb_.size()) return;
  KeyWatchers& map = byDb_[static_cast<size_t>(db)];
  if (map.empty()) return;
  auto it = map.find(std::string(key));
  if (it == map.end()) return;
  std::vector<uint64_t> dirty;
  for (Watcher* w : it->second) {
    if (w->expired) {
      if (!present(db, key)) {
        w->expired = false;  // the expired key is gone: logically no change
        continue;
      }
      break;  // as Redis does: the watchers after this one are not marked either
    }
    dirty.push_back(w->client);
  }
  for (uint64_t client : dirty) markDirtyAndDrop(client);
}

// Redis's touchAllWatchedKeysInDb.
void WatchTable::touchAllInDb(int emptied, int replacedWith) {
  // FLUSHDB/FLUSHALL invalidate every tracked key (Redis's trackingInvalidateKeysOnFlush); SWAPDB
  // does not, as in Redis 7.0.
  if (tracking_ && replacedWith < 0) engine_.events().invalidateAll();
  if (!watching() || static_cast<size_t>(emptied) >= byDb_.size()) return;
  KeyWatchers& map = byDb_[static_cast<size_t>(emptied)];
  std::vector<uint64_t> dirty;
  for (auto& [key, watchers] : map) {
    bool inEmptied = present(emptied, key);
    bool inReplacement = replacedWith >= 0 && present(replacedWith, key);
    if (!inEmptied && !inReplacement) continue;
    for (Watcher* w : watchers) {
      if (w->expired) {
        if (!inReplacement) {
          w->expired = false;
          continue;
        }
        if (logicallyExpired(replacedWith, key)) continue;
      } else if (!inEmptied && logicallyExpired(replacedWith, key)) {
        w->expired = true;
        continue;
      }
      dirty.push_back(w->client);
    }
  }
  for (uint64_t client : dirty) markDirtyAndDrop(client);
}

}  // namespace rp
