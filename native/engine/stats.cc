#include "engine/stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fstream>
#include <string>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace rp {

namespace {
bool useTsc = false;
double nanosPerTick = 1.0;
// Ticks are counted from here, so that the product stays well inside a double's exact range.
uint64_t baseTicks = 0;

uint64_t monotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// An invariant TSC ticks at a constant rate in every power state and on every core.
bool invariantTsc() {
#if defined(__x86_64__)
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) == 0) {
      return line.find(" constant_tsc") != std::string::npos && line.find(" nonstop_tsc") != std::string::npos;
    }
  }
#endif
  return false;
}
}  // namespace

void CommandClock::calibrate() {
#if defined(__x86_64__)
  if (!invariantTsc()) return;
  const uint64_t ns0 = monotonicNanos();
  const uint64_t tsc0 = __rdtsc();
  uint64_t ns1 = ns0;
  while (ns1 - ns0 < 10'000'000) ns1 = monotonicNanos();  // 10 ms
  const uint64_t tsc1 = __rdtsc();
  if (tsc1 <= tsc0) return;
  nanosPerTick = static_cast<double>(ns1 - ns0) / static_cast<double>(tsc1 - tsc0);
  baseTicks = tsc0;
  useTsc = true;
#endif
}

uint64_t CommandClock::nowNanos() {
#if defined(__x86_64__)
  if (useTsc) return static_cast<uint64_t>(static_cast<double>(__rdtsc() - baseTicks) * nanosPerTick);
#endif
  return monotonicNanos();
}

int LatencyHistogram::indexOf(uint64_t ns) {
  if (ns < static_cast<uint64_t>(kSub)) return static_cast<int>(ns);
  int exponent = 63 - __builtin_clzll(ns);
  if (exponent > kMaxExponent) return kBuckets - 1;
  int sub = static_cast<int>((ns >> (exponent - kSubBits)) & (kSub - 1));
  return (exponent - kSubBits + 1) * kSub + sub;
}

uint64_t LatencyHistogram::upperBound(int index) {
  if (index < kSub) return static_cast<uint64_t>(index);
  int exponent = index / kSub + kSubBits - 1;
  uint64_t sub = static_cast<uint64_t>(index % kSub);
  uint64_t lower = (static_cast<uint64_t>(kSub) + sub) << (exponent - kSubBits);
  return lower + (uint64_t{1} << (exponent - kSubBits)) - 1;
}

double LatencyHistogram::valueAtPercentile(double percentile) const {
  if (total_ == 0) return 0;
  double wanted = std::ceil(std::clamp(percentile, 0.0, 100.0) / 100.0 * static_cast<double>(total_));
  uint64_t target = std::max<uint64_t>(1, static_cast<uint64_t>(wanted));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= target) return static_cast<double>(upperBound(i));
  }
  return static_cast<double>(upperBound(kBuckets - 1));
}

uint64_t LatencyHistogram::countAtMost(double boundNs) const {
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    if (static_cast<double>(upperBound(i)) > boundNs) break;
    seen += counts_[i];
  }
  return seen;
}

void CommandStats::recordError(std::string_view line) {
  ++totalErrors_;
  // Redis's afterErrorReply: the code is the first word of "-CODE ...", searched within 32 bytes;
  // without a space there it falls back to ERR.
  std::string_view code = "ERR";
  if (!line.empty() && line[0] == '-') {
    size_t space = line.substr(0, 32).find(' ');
    if (space != std::string_view::npos) code = line.substr(1, space - 1);
  }
  auto it = errors_.find(code);
  if (it != errors_.end()) ++it->second;
  else errors_.emplace(std::string(code), 1);
}

bool CommandStats::setConfig(std::string_view name, std::string_view value) {
  long long parsed = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc() || end != value.data() + value.size()) return false;
  if (name == "slowlog-log-slower-than") slowlogMicros_ = parsed;
  else if (name == "latency-monitor-threshold") latencyMillis_ = parsed;
  else return false;
  updateCapture();
  return true;
}

void CommandStats::updateCapture() {
  uint64_t capture = UINT64_MAX;
  if (slowlogMicros_ >= 0) capture = static_cast<uint64_t>(slowlogMicros_) * 1000;
  if (latencyMillis_ > 0) capture = std::min(capture, static_cast<uint64_t>(latencyMillis_) * 1000000);
  captureNanos_ = capture;
}

void CommandStats::capture(int id, int db, int64_t startUnixMicros, uint64_t ns, std::span<const std::string_view> args) {
  if (pending_.size() >= kMaxPendingSlow) pending_.erase(pending_.begin());
  SlowCommand entry;
  entry.commandId = id;
  entry.db = db;
  entry.startUnixMicros = startUnixMicros;
  entry.durationMicros = static_cast<int64_t>(ns / 1000);
  size_t kept = std::min(args.size(), kSlowArgc);
  // Redis keeps 31 arguments and adds "... (N more arguments)" as the 32nd.
  if (args.size() > kSlowArgc) kept = kSlowArgc - 1;
  entry.args.reserve(kept + 1);
  for (size_t i = 0; i < kept; ++i) {
    std::string_view a = args[i];
    if (a.size() > kSlowString) {
      std::string cut(a.substr(0, kSlowString));
      cut += "... (" + std::to_string(a.size() - kSlowString) + " more bytes)";
      entry.args.push_back(std::move(cut));
    } else {
      entry.args.emplace_back(a);
    }
  }
  if (args.size() > kSlowArgc)
    entry.args.push_back("... (" + std::to_string(args.size() - kept) + " more arguments)");
  pending_.push_back(std::move(entry));
  if (signal_) signal_[0] = static_cast<int32_t>(pending_.size());
}

std::vector<SlowCommand> CommandStats::takeSlowCommands() {
  std::vector<SlowCommand> out;
  out.swap(pending_);
  if (signal_) signal_[0] = 0;
  return out;
}

void CommandStats::reset() {
  for (CommandCounters& c : counters_) {
    c.calls = c.nanos = c.rejected = c.failed = 0;
    c.histogram.reset();
  }
  errors_.clear();
  totalErrors_ = 0;
}

}  // namespace rp
