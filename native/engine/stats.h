// Per-command statistics kept by the engine, the counterpart of Redis's call() bookkeeping: for
// every native command id the calls, the time spent, the calls refused before running (arity,
// MISCONF: rejected_calls) and the calls that answered an error (failed_calls); a latency histogram
// per command (INFO latencystats, the metrics endpoint); error replies by code (INFO errorstats);
// and the argument lists of commands slower than a threshold (SLOWLOG, LATENCY), drained by
// TypeScript, which knows the client.
//
// Cost on the hot path: one monotonic clock read per command plus a few increments. The clock read
// ending one command starts the next, so a batch of n commands reads the clock n + 1 times.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rp {

// The clock of the per-command statistics, in nanoseconds. On x86-64 with an invariant TSC it is
// the TSC scaled by a factor calibrated once against CLOCK_MONOTONIC (~10 ns a read, as Redis 7's
// monotonic clock), else CLOCK_MONOTONIC itself (~60 ns a read under kvm-clock on this machine).
class CommandClock {
 public:
  static void calibrate();
  static uint64_t nowNanos();
};

// Log-linear histogram of durations in nanoseconds: 32 sub-buckets per power of two, so a value is
// known within ~3% (Redis uses an HDR histogram with 2 significant digits for the same purpose).
class LatencyHistogram {
 public:
  static constexpr int kSubBits = 5;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kMaxExponent = 44;  // ~4.9 hours in ns; longer durations land in the top bucket
  static constexpr int kBuckets = (kMaxExponent - kSubBits + 2) * kSub;

  void record(uint64_t ns) {
    ++counts_[indexOf(ns)];
    ++total_;
  }
  uint64_t total() const { return total_; }
  // The smallest bucket upper bound (ns) under which at least `percentile`% of the values lie.
  double valueAtPercentile(double percentile) const;
  // How many values are at most `boundNs` (counting whole buckets whose upper bound fits).
  uint64_t countAtMost(double boundNs) const;

  static int indexOf(uint64_t ns);
  // The largest value that maps to bucket `index`.
  static uint64_t upperBound(int index);

 private:
  uint64_t counts_[kBuckets] = {};
  uint64_t total_ = 0;
};

struct CommandCounters {
  uint64_t calls = 0;
  uint64_t nanos = 0;
  uint64_t rejected = 0;
  uint64_t failed = 0;
  std::unique_ptr<LatencyHistogram> histogram;  // created on the first call
};

// A command slower than the capture threshold: its arguments as SLOWLOG shows them (at most 32,
// strings cut at 128 bytes, Redis's SLOWLOG_ENTRY_MAX_ARGC / _MAX_STRING).
struct SlowCommand {
  int commandId = 0;
  int db = 0;
  int64_t startUnixMicros = 0;
  int64_t durationMicros = 0;
  std::vector<std::string> args;
};

class CommandStats {
 public:
  static constexpr size_t kSlowArgc = 32;
  static constexpr size_t kSlowString = 128;
  // Captured entries kept when TypeScript does not drain them (bounded memory).
  static constexpr size_t kMaxPendingSlow = 1024;

  void resize(size_t commands) { counters_.resize(commands); }
  size_t size() const { return counters_.size(); }
  const CommandCounters& at(size_t id) const { return counters_[id]; }

  void recordCall(int id, uint64_t ns, bool failed) {
    CommandCounters& c = counters_[static_cast<size_t>(id)];
    ++c.calls;
    c.nanos += ns;
    if (failed) ++c.failed;
    if (!c.histogram) c.histogram = std::make_unique<LatencyHistogram>();
    c.histogram->record(ns);
  }
  void recordRejected(int id) { ++counters_[static_cast<size_t>(id)].rejected; }
  // An error reply line ("-CODE text..." without CRLF is fine): counted by its code as Redis does.
  void recordError(std::string_view line);

  // SLOWLOG / LATENCY thresholds, by their Redis names (slowlog-log-slower-than in µs, -1 = off;
  // latency-monitor-threshold in ms, 0 = off). Returns false for other names.
  bool setConfig(std::string_view name, std::string_view value);
  // Whether a command of this duration must be captured.
  bool shouldCapture(uint64_t ns) const { return ns >= captureNanos_; }
  void capture(int id, int db, int64_t startUnixMicros, uint64_t ns, std::span<const std::string_view> args);
  std::vector<SlowCommand> takeSlowCommands();
  // Slots shared with TypeScript (an Int32Array it handed over): [0] how many captured entries
  // wait, [1] the id of the last command run (CLIENT LIST cmd=), [2] commands scripts ran since
  // TypeScript last added them to total_commands_processed. Null until set.
  void setSignal(int32_t* slots) { signal_ = slots; }
  void noteScriptCommand() {
    if (signal_) ++signal_[2];
  }
  void noteLastCommand(int id) {
    if (signal_) signal_[1] = id;
  }
  int lastCommand() const { return signal_ ? signal_[1] : -1; }
  bool slowCommandsWaiting() const { return signal_ && signal_[0] != 0; }

  uint64_t totalErrors() const { return totalErrors_; }
  const std::map<std::string, uint64_t, std::less<>>& errors() const { return errors_; }
  void reset();

 private:
  void updateCapture();

  std::vector<CommandCounters> counters_;
  std::map<std::string, uint64_t, std::less<>> errors_;
  uint64_t totalErrors_ = 0;
  long long slowlogMicros_ = 10000;
  long long latencyMillis_ = 0;
  uint64_t captureNanos_ = 10000 * 1000ULL;
  std::vector<SlowCommand> pending_;
  int32_t* signal_ = nullptr;
};

}  // namespace rp
