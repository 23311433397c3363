// The append-only file, in Redis's format: every write command as a RESP array, a SELECT whenever
// the database changes, relative expiries already turned into absolute ones by the commands (see
// CommandContext::propagateAs), and a DEL for every key that expires. Replaying the file through
// the command handlers rebuilds the data set exactly.
//
// Records are appended to an in-memory buffer while a batch runs; the server writes the buffer to
// the file once per event-loop tick (flush), before the replies of that tick leave when the policy
// is `always` (group commit: one fsync for every write of the tick). With `everysec` a background
// thread fsyncs once a second, so the event loop never waits on the disk; with `no` the OS decides.
//
// Rewrite (BGREWRITEAOF): a live snapshot (live_snapshot.h) writes the data set as it was at the
// start into a temp file, as commands or as an RDB preamble; meanwhile the server keeps appending
// to the old file and also keeps every new record in a rewrite buffer. When the base is written,
// that buffer is appended to the temp file, which is fsynced, renamed over the AOF, and the
// directory fsynced: the switch is atomic (finishRewrite, in two phases).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "persistence/files.h"
#include "persistence/key_stream.h"

namespace rp {

class Engine;

enum class FsyncPolicy : uint8_t { Always, EverySec, No };

// Appends RESP arrays to a string: the AOF record encoder.
void appendRespCommand(std::string& out, std::span<const std::string_view> argv);

// fsync on a background thread (everysec): the event loop only posts requests.
class BackgroundFsync {
 public:
  BackgroundFsync();
  ~BackgroundFsync();
  BackgroundFsync(const BackgroundFsync&) = delete;
  BackgroundFsync& operator=(const BackgroundFsync&) = delete;
  void request(int fd);
  bool busy();
  // Blocks until no fsync is queued or running (before the descriptor is closed).
  void drain();
  // errno of the last background fsync (0 when it worked); reading clears it.
  int takeError();
  // Hands over a descriptor to fsync and then close on the thread, after what is queued before it:
  // the AOF a rewrite replaced (the thread may still be syncing it) and the new file's directory.
  void syncAndClose(OwnedFd fd);
  // A rewrite's new file: `tail` (what was recorded while the base was written) appended and the file
  // fsynced on the thread before it may replace the AOF. The descriptor stays ours and open until
  // switchSynced() says the job is over.
  void syncForSwitch(int fd, std::vector<std::string> tail);
  // -1 while the sync asked by syncForSwitch runs, then its errno (0 when it worked).
  int switchSynced();

 private:
  void run();
  std::mutex mutex_;
  std::vector<OwnedFd> retired_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  int pendingFd_ = -1;
  int switchFd_ = -1;
  std::vector<std::string> switchTail_;
  int switchResult_ = 0;
  bool running_ = false;
  bool stop_ = false;
  int error_ = 0;
  std::thread thread_;
};

struct AofFlushResult {
  int error = 0;         // errno of a failed write or fsync (0 when fine)
  size_t written = 0;    // bytes handed to the file
  bool fsynced = false;  // fsynced in this call (always)
};

class AofLog {
 public:
  // Records are produced only while the AOF is open or a rewrite runs.
  bool active() const { return file_.valid() || rewriting_; }

  // Opens (creating) the file for appending. Returns "" or the error text.
  std::string open(const std::string& path);
  // Flushes and fsyncs what is pending, then closes. Returns "" or the error text.
  std::string close();
  const std::string& path() const { return path_; }
  void setPolicy(FsyncPolicy p) { policy_ = p; }
  // aof-timestamp-enabled: a "#TS:<unix seconds>" line before the first record of each second.
  void setTimestamps(bool on) { timestamps_ = on; }
  FsyncPolicy policy() const { return policy_; }
  // aof-use-rdb-preamble: a rewrite writes the new file's base as an RDB image.
  void setRdbPreamble(bool on) { rdbPreamble_ = on; }
  bool rdbPreamble() const { return rdbPreamble_; }

  // One command executed against database `db` at unix ms `nowMs`.
  void record(int db, std::span<const std::string_view> argv, long long nowMs = 0);
  // Text added verbatim (e.g. "#TS:<unix seconds>\r\n" annotations).
  void annotate(std::string_view text);
  size_t pendingBytes() const { return buffer_.size(); }
  // EXEC: the records of the commands in between are held, then written at the end, wrapped in
  // MULTI ... EXEC when there are several (Redis 7.0 does not wrap a single write).
  bool inTransaction() const { return inTransaction_; }
  void beginTransaction() {
    inTransaction_ = true;
    transaction_.clear();
    transactionRewriteFrom_ = 0;
  }
  void endTransaction();
  // A rewrite or a reopen starts a new file: the next record selects its database again.
  void forgetSelectedDb() { selectedDb_ = -1; }

  // Writes the pending records to the file; fsyncs them (always), or posts a background fsync at
  // most once a second (everysec). On a write error the bytes not on disk stay pending, a partial
  // record is cut off the file, and the error is reported (retried by the next flush).
  AofFlushResult flush(long long nowMs, bool forceFsync = false);
  // Size of the file as written by us.
  uint64_t fileSize() const { return fileSize_; }
  uint64_t baseSize() const { return baseSize_; }
  int lastWriteError() const { return lastWriteError_; }
  // A background fsync (everysec, a rewrite's switch) is queued or running: INFO aof_pending_bio_fsync.
  bool backgroundFsyncBusy() { return fsync_.busy(); }

  // ---- rewrite ----
  bool rewriting() const { return rewriting_; }
  // Called when the rewrite's image is taken: from now on records are also kept for the new file.
  void beginRewrite() {
    // A rewrite started inside EXEC (BGREWRITEAOF queued in MULTI): the base already holds the
    // effects of the records held so far, so only the later ones go to the rewrite buffer.
    transactionRewriteFrom_ = transaction_.size();
    rewriting_ = true;
    rewriteBuffer_.clear();
    rewriteBlocks_.clear();
    rewriteSelectedDb_ = -1;
  }
  void abortRewrite();
  // The base was written into `tempPath`: appends what was recorded since, fsyncs, renames it
  // over the AOF path (or `targetPath` when the AOF was off) and switches to it. Returns "" or
  // the error text (the old file then stays in use).
  // Appending the records of the rewrite (they can be tens of MB) and fsyncing the new file run on
  // the background thread: the first call posts that job and returns with switchPending() true
  // while records keep going to both files; a later call (the cron's) appends what came meanwhile
  // (fsynced at once under `always`) and renames once the job is over.
  std::string finishRewrite(const std::string& tempPath, const std::string& targetPath, long long nowMs);
  bool switchPending() const { return switchFd_.valid(); }

 private:
  void appendSelect(std::string& out, int& selected, int db);
  void sealRewriteBlockIfFull();
  OwnedFd file_;
  std::string path_;
  std::string buffer_;
  std::string rewriteBuffer_;                 // the records of the running rewrite: the last block
  std::vector<std::string> rewriteBlocks_;    // and the full ones before it
  int selectedDb_ = -1;
  int rewriteSelectedDb_ = -1;
  bool rewriting_ = false;
  OwnedFd switchFd_;  // the new file while its fsync runs on the background thread
  FsyncPolicy policy_ = FsyncPolicy::EverySec;
  uint64_t fileSize_ = 0;
  uint64_t baseSize_ = 0;
  long long lastFsyncMs_ = 0;
  bool unsynced_ = false;
  bool timestamps_ = false;
  bool rdbPreamble_ = false;
  bool inTransaction_ = false;
  std::vector<std::pair<int, std::string>> transaction_;  // [db, encoded command]
  size_t transactionRewriteFrom_ = 0;
  long long lastTimestamp_ = 0;  // written since the last fsync (everysec)
  int lastWriteError_ = 0;
  BackgroundFsync fsync_;
};

// The data set as commands (the rewrite's base), key by key (live_snapshot.h): per database a
// SELECT, per key the commands that rebuild it (SET / RPUSH / SADD / HSET / ZADD, at most 64
// elements per command as Redis does) and a PEXPIREAT for keys with a TTL. Keys already expired at
// nowMs are skipped.
std::unique_ptr<KeyStreamEncoder> makeAofKeyStream(long long nowMs, std::function<bool(const char*, size_t)> sink);
// Its fragment encoder (key_stream.h).
std::unique_ptr<KeyStreamEncoder> makeAofKeyFragments(long long nowMs, std::function<bool(const char*, size_t)> sink);

// Reading an AOF: one RESP command at a time from an in-memory image.
struct AofCommand {
  std::span<const std::string_view> argv;
};
class AofReader {
 public:
  enum class Status { Command, End, Truncated, Corrupt, Annotation };
  // Reads from `start` on (the end of an RDB preamble); offsets count from `data`.
  AofReader(const char* data, size_t size, size_t start = 0) : data_(data), size_(size), offset_(start), itemStart_(start) {}
  // Reads the next command (its args stay valid until the next call) or annotation line.
  Status next();
  std::span<const std::string_view> argv() const { return {args_.data(), args_.size()}; }
  std::string_view annotation() const { return annotation_; }
  // Where the last complete item ended / where the current one started.
  size_t offset() const { return offset_; }
  size_t itemStart() const { return itemStart_; }
  const std::string& error() const { return error_; }

 private:
  bool readLine(size_t& pos, std::string_view& line);
  const char* data_;
  size_t size_;
  size_t offset_ = 0;
  size_t itemStart_ = 0;
  std::vector<std::string_view> args_;
  std::string_view annotation_;
  std::string error_;
};

}  // namespace rp
