// The engine: the databases, the per-command clock, counters, engine-owned configuration and the
// background thread that frees detached memory. One instance per process (addon.cc owns it).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/background.h"
#include "engine/keyspace.h"
#include "engine/events.h"
#include "engine/pubsub.h"
#include "engine/watch.h"
#include "persistence/aof.h"
#include "persistence/compress.h"

namespace rp {

enum class EvictionPolicy : uint8_t {
  NoEviction,
  AllKeysLru,
  VolatileLru,
  AllKeysLfu,
  VolatileLfu,
  AllKeysRandom,
  VolatileRandom,
  VolatileTtl,
};

// Thresholds of the compact collection encodings, by Redis's config names (Redis 7.0 defaults).
struct EncodingLimits {
  long long hashMaxListpackEntries = 512;
  long long hashMaxListpackValue = 64;
  long long listMaxListpackSize = -2;
  long long listCompressDepth = 0;
  long long setMaxIntsetEntries = 512;
  long long zsetMaxListpackEntries = 128;
  long long zsetMaxListpackValue = 64;
};

// A key that received elements while clients may be blocked on it (BLPOP, BZPOPMIN, ...).
struct ReadyKey {
  int db;
  std::string key;
  // SWAPDB: every key of the database may now hold data for its waiters (key is then empty).
  bool wholeDb = false;
};

class Engine {
 public:
  explicit Engine(int databases);
  ~Engine();

  int databaseCount() const { return static_cast<int>(dbs_.size()); }
  Db& db(int index) { return *dbs_[static_cast<size_t>(index)]; }

  // The command clock: one reading per command (Redis caches it the same way).
  long long nowMs() const { return nowMs_; }
  void setNowMs(long long ms) { nowMs_ = ms; }
  static long long wallClockMs();
  static int64_t monotonicMicros();

  // Redis's 24-bit LRU clock in seconds, and the LFU minutes clock (16 bits).
  uint32_t lruClock() const { return static_cast<uint32_t>(nowMs_ / 1000) & 0xFFFFFFu; }
  uint32_t lfuMinutes() const { return static_cast<uint32_t>(nowMs_ / 60000) & 0xFFFFu; }
  // The initial LRU/LFU field for a new entry and the updated one after an access.
  uint32_t freshLruField() const;
  uint32_t accessedLruField(uint32_t old) const;
  // LFU counter after decay (OBJECT FREQ).
  uint32_t lfuCounter(uint32_t field) const;

  // CLIENT NO-TOUCH of the client whose batch runs (reads then leave the LRU field alone).
  // Replaying an AOF: nothing expires, and an expiry already in the past is set rather than
  // applied, as Redis does while loading (keyIsExpired, checkAlreadyExpired): a later record may
  // extend it (PEXPIRE k 5 followed within 5 ms by EXPIRE k 86400 leaves the key alive, and so
  // must the replay). Keys still expired after the load go the usual way.
  bool loading() const { return loading_; }
  void setLoading(bool loading) { loading_ = loading; }
  bool touchAllowed() const { return touchAllowed_; }
  void setTouchAllowed(bool allowed) { touchAllowed_ = allowed; }

  long long dirty() const { return dirty_; }
  void addDirty(long long n = 1) { dirty_ += n; }

  EngineStats& stats() { return stats_; }

  // ---- configuration (setConfig) ----
  bool activeExpireEnabled() const { return activeExpire_; }
  void setActiveExpireEnabled(bool on) { activeExpire_ = on; }
  EvictionPolicy policy() const { return policy_; }
  bool lfuSelected() const {
    return policy_ == EvictionPolicy::AllKeysLfu || policy_ == EvictionPolicy::VolatileLfu;
  }
  // Redis shares the integers 0..9999 (OBJECT REFCOUNT 2147483647) unless maxmemory is set with an
  // LRU/LFU policy.
  bool sharedIntegers() const;
  // proto-max-bulk-len: the largest string a command may build (APPEND, SETRANGE), default 512 MB.
  long long protoMaxBulkLen() const { return protoMaxBulkLen_; }
  // Returns false when the name is not an engine parameter or the value is invalid.
  bool setConfig(std::string_view name, std::string_view value);

  const EncodingLimits& limits() const { return limits_; }

  // ---- blocking commands (the waiting itself lives in TypeScript) ----
  // A blocking command that finds nothing to serve calls requestBlock() instead of replying; the
  // batch stops there and TypeScript parks the client. Commands that add elements to a list or
  // sorted set call signalKeyReady(); while TypeScript has blocked clients it sets
  // signalReadyKeys, and then the key is recorded and the batch stops after that command so that
  // waiters are served before the pusher's next command, as in Redis.
  void setSignalReadyKeys(bool on) { signalReadyKeys_ = on; }
  void requestBlock(long long timeoutMs) {
    blockRequested_ = true;
    blockTimeoutMs_ = timeoutMs;
  }
  long long blockTimeoutMs() const { return blockTimeoutMs_; }
  bool takeBlockRequest() { return std::exchange(blockRequested_, false); }
  // The command line TypeScript must retry instead of the one sent, for a command whose meaning
  // depends on the moment it blocked (XREAD's `$` becomes the stream's last ID then; Redis keeps
  // that ID in the client's blocking state). Set together with requestBlock.
  void setBlockedArgs(std::vector<std::string> args) { blockedArgs_ = std::move(args); }
  std::vector<std::string> takeBlockedArgs() { return std::exchange(blockedArgs_, {}); }
  void signalKeyReady(int db, std::string_view key) {
    if (!signalReadyKeys_) return;
    readyKeys_.push_back(ReadyKey{db, std::string(key)});
  }
  // After SWAPDB: waiters on any key of `db` may be served now (Redis's scanDatabaseForReadyKeys).
  void signalDbReady(int db) {
    if (!signalReadyKeys_) return;
    readyKeys_.push_back(ReadyKey{db, std::string(), true});
  }
  bool hasReadyKeys() const { return !readyKeys_.empty(); }
  std::vector<ReadyKey> takeReadyKeys() { return std::exchange(readyKeys_, {}); }

  // ---- whole-keyspace operations ----
  void swapDbs(int a, int b);
  void flushAll(bool async);
  size_t usedMemory() const;
  size_t rehashRemaining() const;
  // Active expiry within budgetMicros plus rehash steps; returns keys expired.
  long long cron(int64_t budgetMicros);

  BackgroundFreer& freer() { return freer_; }

  // WATCH bookkeeping (MULTI/EXEC); the keyspace reports changes to it while anyone watches.
  WatchTable& watches() { return watches_; }
  // Keyspace notifications (published at once) and tracking invalidations (drained by TypeScript).
  KeyspaceEvents& events() { return events_; }
  // PUBLISH / SPUBLISH fan-out (subscriptions mirrored from TypeScript, see pubsub.h).
  PubSubTable& pubsub() { return pubsub_; }
  void notify(unsigned cls, std::string_view event, int db, std::string_view key) { events_.emit(cls, event, db, key); }
  // `send` hands the recorded invalidations to their clients (TypeScript). Before a message is
  // published, the keys the running command changed so far are recorded first: Redis invalidates
  // at signalModifiedKey, before the command's notification, where WATCH bookkeeping here waits
  // for the end of the command.
  void setInvalidationSender(std::function<void()> send) {
    events_.setInvalidationSender([this, send = std::move(send)] {
      watches_.applyDeferred();
      if (events_.pending()) send();
    });
  }

  // ---- persistence ----
  AofLog& aof() { return aof_; }
  // How snapshots and the AOF rewrite's base are compressed ([storage] aof_compression).
  Codec codec() const { return codec_; }
  // What the running command's record should be instead of its own argv (commands with random or
  // time-dependent effects: relative expiries become PEXPIREAT/PXAT, SPOP becomes SREM, ...).
  // Several commands may replace one; an empty override with `overridden` set logs nothing.
  void beginCommand() {
    if (overridden_) {
      override_.clear();
      overridden_ = false;
    }
  }
  bool overridden() const { return overridden_; }
  void propagateAs(std::initializer_list<std::string_view> argv) {
    overridden_ = true;
    if (!aof_.active()) return;
    override_.emplace_back(argv.begin(), argv.end());
  }
  // head... followed by every string of tail (SPOP's SREM key member...).
  void propagateAs(std::initializer_list<std::string_view> head, const std::vector<std::string>& tail) {
    overridden_ = true;
    if (!aof_.active()) return;
    std::vector<std::string>& cmd = override_.emplace_back(head.begin(), head.end());
    cmd.insert(cmd.end(), tail.begin(), tail.end());
  }
  void propagateNothing() { overridden_ = true; }
  // Logs the override of the command just run against database `db`.
  void recordOverride(int db) {
    std::vector<std::string_view> argv;
    for (const std::vector<std::string>& cmd : override_) {
      argv.assign(cmd.begin(), cmd.end());
      aof_.record(db, argv, nowMs_);
    }
  }
  // A key removed because it expired (lazily or by the active cycle): logged as DEL, as Redis does.
  void propagateExpired(int db, std::string_view key) {
    if (!aof_.active()) return;
    std::string_view argv[2] = {"DEL", key};
    aof_.record(db, argv, nowMs_);
  }

 private:
  AofLog aof_;
  Codec codec_ = Codec::None;
  std::vector<std::vector<std::string>> override_;
  bool overridden_ = false;
  std::vector<std::unique_ptr<Db>> dbs_;
  PubSubTable pubsub_;
  KeyspaceEvents events_{pubsub_};
  WatchTable watches_{*this};
  BackgroundFreer freer_;
  EngineStats stats_;
  long long nowMs_ = 0;
  long long dirty_ = 0;
  bool touchAllowed_ = true;
  bool loading_ = false;
  bool activeExpire_ = true;
  EvictionPolicy policy_ = EvictionPolicy::NoEviction;
  EncodingLimits limits_;
  bool signalReadyKeys_ = false;
  bool blockRequested_ = false;
  long long blockTimeoutMs_ = -1;
  std::vector<std::string> blockedArgs_;
  std::vector<ReadyKey> readyKeys_;
  long long maxmemory_ = 0;
  int lfuLogFactor_ = 10;
  int lfuDecayTime_ = 1;
  long long protoMaxBulkLen_ = 512LL * 1024 * 1024;
  size_t expireDbCursor_ = 0;
  size_t rehashDbCursor_ = 0;
};

}  // namespace rp
