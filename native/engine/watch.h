// WATCH: which clients watch which keys, and whether a watched key changed since (Redis's
// multi.c, 7.0 semantics). Zero cost while nobody watches: the keyspace asks watching() (one
// load) before reporting a change.
//
// A client's watch is violated ("dirty", Redis's CLIENT_DIRTY_CAS) when a key it watches is
// modified by any client, deleted by expiry, or emptied/replaced by FLUSHDB/FLUSHALL/SWAPDB; or
// when, at EXEC, a watched key has logically expired. A key that was already expired when it was
// watched is special, as in Redis: its deletion is no logical change.
//
// Changes made by a command are collected while it runs and reported only if the command changed
// the dataset (its `dirty` delta), which matches where Redis calls signalModifiedKey; deletions
// by expiry and whole-database operations are reported at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rp {

class Engine;

class WatchTable {
 public:
  explicit WatchTable(Engine& engine) : engine_(engine) {}

  // True while any key is watched or a client tracks keys (the changes then also become
  // invalidations): only then do keyspace changes need reporting.
  bool watching() const { return watchedKeys_ != 0 || tracking_; }
  void setTracking(bool on) { tracking_ = on; }

  // WATCH key in database db for client (a repeated key is ignored; a dirty client watches nothing).
  void watch(uint64_t client, int db, std::string_view key);
  // Forgets every watch of the client. Returns true when its watch was violated (EXEC must fail).
  bool unwatch(uint64_t client);
  // A watched key of the client was modified (Redis's CLIENT_DIRTY_CAS, CLIENT LIST flag d).
  bool dirty(uint64_t client) const {
    auto it = clients_.find(client);
    return it != clients_.end() && it->second.dirty;
  }

  // A command is about to run / has run: changes reported in between are kept, then applied only
  // when `changedData` (the command incremented dirty).
  void beginCommand() { deferring_ = true; }
  void endCommand(bool changedData) {
    deferring_ = false;
    if (!pending_.empty()) applyPending(changedData);
  }
  // Applies the changes kept so far as real ones (a notification is about to say so); later ones
  // keep waiting for endCommand.
  void applyDeferred() {
    if (!pending_.empty()) applyPending(true);
  }

  // The key in db was (or may have been) modified. Deferred while a command runs.
  void modified(int db, std::string_view key, bool always = false);
  // The key was just deleted because it expired: applied at once.
  void expired(int db, std::string_view key) { touch(db, key); }
  // Before db `emptied` is flushed (replacedWith -1) or gets the contents of `replacedWith` (SWAPDB).
  void touchAllInDb(int emptied, int replacedWith);

 private:
  struct Watcher {
    uint64_t client;
    int db;
    std::string key;
    bool expired;  // the key was already logically expired when watched
  };
  struct ClientWatches {
    bool dirty = false;
    // Owns the client's watchers; the per-key lists below point at them.
    std::vector<std::unique_ptr<Watcher>> keys;
  };
  using KeyWatchers = std::unordered_map<std::string, std::vector<Watcher*>>;

  void touch(int db, std::string_view key);
  void applyPending(bool changedData);
  void markDirtyAndDrop(uint64_t client);
  void dropKeys(ClientWatches& watches);
  bool present(int db, std::string_view key);
  bool logicallyExpired(int db, std::string_view key);

  Engine& engine_;
  bool tracking_ = false;
  std::unordered_map<uint64_t, ClientWatches> clients_;
  std::vector<KeyWatchers> byDb_;  // indexed by db, grown on demand
  size_t watchedKeys_ = 0;
  bool deferring_ = false;
  struct Pending {
    int db;
    std::string key;
    bool always;  // reported even when the command's dirty delta is 0 (LTRIM, as Redis)
  };
  std::vector<Pending> pending_;
};

}  // namespace rp
