#include "engine/engine.h"

#include <cstdlib>

#include "util/numbers.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace rp {

namespace {
constexpr uint32_t kLfuInitialCounter = 5;
// Redis's active expiry: 20 keys per round, another round while more than 10% of them expired.
constexpr size_t kKeysPerRound = 20;
constexpr int64_t kRehashMicrosPerCron = 1000;

bool parseNonNegative(std::string_view text, long long& out) {
  if (text.empty() || text.size() > 18) return false;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}
}  // namespace

Engine::Engine(int databases) {
  dbs_.reserve(static_cast<size_t>(databases));
  for (int i = 0; i < databases; ++i) dbs_.push_back(std::make_unique<Db>(*this, i));
  nowMs_ = wallClockMs();
}

Engine::~Engine() {
  // Databases free their memory before the background thread is joined (it may still be
  // finishing earlier async flushes; its destructor waits for them).
  dbs_.clear();
}

long long Engine::wallClockMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int64_t Engine::monotonicMicros() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

uint32_t Engine::freshLruField() const {
  if (lfuSelected()) return (lfuMinutes() << 8) | kLfuInitialCounter;
  return lruClock();
}

uint32_t Engine::lfuCounter(uint32_t field) const {
  uint32_t last = (field >> 8) & 0xFFFFu;
  uint32_t counter = field & 0xFFu;
  uint32_t now = lfuMinutes();
  uint32_t elapsed = now >= last ? now - last : 65535 - last + now;
  uint32_t periods = lfuDecayTime_ > 0 ? elapsed / static_cast<uint32_t>(lfuDecayTime_) : 0;
  return periods > counter ? 0 : counter - periods;
}

uint32_t Engine::accessedLruField(uint32_t old) const {
  if (!lfuSelected()) return lruClock();
  uint32_t counter = lfuCounter(old);
  if (counter < 255) {
    // Logarithmic increment: the higher the counter, the less likely it grows.
    double r = static_cast<double>(randomU64() >> 11) * (1.0 / 9007199254740992.0);
    double base = counter > kLfuInitialCounter ? counter - kLfuInitialCounter : 0;
    double p = 1.0 / (base * lfuLogFactor_ + 1);
    if (r < p) ++counter;
  }
  return (lfuMinutes() << 8) | counter;
}

bool Engine::sharedIntegers() const {
  if (maxmemory_ == 0) return true;
  switch (policy_) {
    case EvictionPolicy::AllKeysLru:
    case EvictionPolicy::VolatileLru:
    case EvictionPolicy::AllKeysLfu:
    case EvictionPolicy::VolatileLfu:
      return false;
    default:
      return true;
  }
}

bool Engine::setConfig(std::string_view name, std::string_view value) {
  std::string v(value);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "compression") {
    Codec codec;
    if (!parseCodec(v, codec)) return false;
    codec_ = codec;
    return true;
  }
  if (name == "notify-keyspace-events") {
    // Redis's NOTIFY_* flags as decimal text (TypeScript parses the letters).
    events_.setFlags(static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10)));
    return true;
  }
  if (name == "tracking") {
    const bool on = v == "yes";
    events_.setTracking(on);
    watches_.setTracking(on);
    return true;
  }
  if (name == "aof-timestamp-enabled") {
    aof_.setTimestamps(v == "yes");
    return true;
  }
  if (name == "aof-use-rdb-preamble") {
    aof_.setRdbPreamble(v == "yes");
    return true;
  }
  if (name == "appendfsync") {
    if (v == "always") aof_.setPolicy(FsyncPolicy::Always);
    else if (v == "everysec") aof_.setPolicy(FsyncPolicy::EverySec);
    else if (v == "no") aof_.setPolicy(FsyncPolicy::No);
    else return false;
    return true;
  }
  if (name == "active-expire-enabled") {
    if (v == "yes" || v == "1") activeExpire_ = true;
    else if (v == "no" || v == "0") activeExpire_ = false;
    else return false;
    return true;
  }
  if (name == "maxmemory-policy") {
    static const std::pair<const char*, EvictionPolicy> kPolicies[] = {
        {"noeviction", EvictionPolicy::NoEviction},     {"allkeys-lru", EvictionPolicy::AllKeysLru},
        {"volatile-lru", EvictionPolicy::VolatileLru},  {"allkeys-lfu", EvictionPolicy::AllKeysLfu},
        {"volatile-lfu", EvictionPolicy::VolatileLfu},  {"allkeys-random", EvictionPolicy::AllKeysRandom},
        {"volatile-random", EvictionPolicy::VolatileRandom}, {"volatile-ttl", EvictionPolicy::VolatileTtl},
    };
    for (const auto& [text, policy] : kPolicies) {
      if (v == text) {
        policy_ = policy;
        return true;
      }
    }
    return false;
  }
  long long number = 0;
  // Collection encoding thresholds (and the pre-7.0 "ziplist" names Redis still accepts).
  const std::pair<std::string_view, long long EncodingLimits::*> kLimits[] = {
      {"hash-max-listpack-entries", &EncodingLimits::hashMaxListpackEntries},
      {"hash-max-ziplist-entries", &EncodingLimits::hashMaxListpackEntries},
      {"hash-max-listpack-value", &EncodingLimits::hashMaxListpackValue},
      {"hash-max-ziplist-value", &EncodingLimits::hashMaxListpackValue},
      {"list-max-listpack-size", &EncodingLimits::listMaxListpackSize},
      {"list-max-ziplist-size", &EncodingLimits::listMaxListpackSize},
      {"list-compress-depth", &EncodingLimits::listCompressDepth},
      {"set-max-intset-entries", &EncodingLimits::setMaxIntsetEntries},
      {"zset-max-listpack-entries", &EncodingLimits::zsetMaxListpackEntries},
      {"zset-max-ziplist-entries", &EncodingLimits::zsetMaxListpackEntries},
      {"zset-max-listpack-value", &EncodingLimits::zsetMaxListpackValue},
      {"zset-max-ziplist-value", &EncodingLimits::zsetMaxListpackValue},
  };
  for (const auto& [limitName, field] : kLimits) {
    if (name != limitName) continue;
    int64_t parsed = 0;
    if (!num::parseInt64(v, parsed)) return false;
    limits_.*field = parsed;
    return true;
  }
  if (name == "maxmemory") {
    if (!parseNonNegative(v, number)) return false;
    maxmemory_ = number;
    return true;
  }
  if (name == "proto-max-bulk-len") {
    if (!parseNonNegative(v, number) || number < 1024 * 1024) return false;
    protoMaxBulkLen_ = number;
    return true;
  }
  if (name == "lfu-log-factor") {
    if (!parseNonNegative(v, number)) return false;
    lfuLogFactor_ = static_cast<int>(number);
    return true;
  }
  if (name == "lfu-decay-time") {
    if (!parseNonNegative(v, number)) return false;
    lfuDecayTime_ = static_cast<int>(number);
    return true;
  }
  return false;
}

void Engine::swapDbs(int a, int b) {
  if (a == b) return;
  watches_.touchAllInDb(a, b);
  watches_.touchAllInDb(b, a);
  db(a).swapContents(db(b));
}

void Engine::flushAll(bool async) {
  for (auto& d : dbs_) d->clear(async);
}

size_t Engine::usedMemory() const {
  size_t total = sizeof(Engine) + dbs_.size() * sizeof(Db);
  for (const auto& d : dbs_) total += d->memoryUsage();
  return total;
}

size_t Engine::rehashRemaining() const {
  size_t total = 0;
  for (const auto& d : dbs_) total += d->rehashRemaining();
  return total;
}

long long Engine::cron(int64_t budgetMicros) {
  int64_t start = monotonicMicros();
  int64_t deadline = start + std::max<int64_t>(budgetMicros, 0);
  long long expired = 0;
  size_t count = dbs_.size();
  if (activeExpire_ && count) {
    long long now = wallClockMs();
    bool outOfTime = false;
    for (size_t n = 0; n < count && !outOfTime; ++n) {
      size_t index = (expireDbCursor_ + n) % count;
      Db& d = *dbs_[index];
      while (d.expiresCount() > 0) {
        auto [sampled, gone] = d.activeExpireRound(kKeysPerRound, now);
        expired += static_cast<long long>(gone);
        if (monotonicMicros() >= deadline) {
          // Resume with this database next time: it may still hold many expired keys.
          expireDbCursor_ = index;
          outOfTime = true;
          break;
        }
        if (gone * 10 <= sampled) break;
      }
      if (!outOfTime) expireDbCursor_ = (index + 1) % count;
    }
    stats_.expiredKeys += static_cast<uint64_t>(expired);
  }
  // Incremental rehashing and shrinking, at most ~1 ms (and at most the budget) per call.
  int64_t rehashDeadline = monotonicMicros() + std::min<int64_t>(kRehashMicrosPerCron, std::max<int64_t>(budgetMicros, 1));
  for (size_t n = 0; n < count; ++n) {
    Db& d = *dbs_[(rehashDbCursor_ + n) % count];
    d.resizeIfNeeded();
    int64_t left = rehashDeadline - monotonicMicros();
    if (left > 0 && d.isRehashing()) d.rehashFor(left);
  }
  rehashDbCursor_ = count ? (rehashDbCursor_ + 1) % count : 0;
  return expired;
}

}  // namespace rp
