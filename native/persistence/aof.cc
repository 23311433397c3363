#include "persistence/aof.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "scripting/persistence.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/stream.h"
#include "types/zset.h"
#include "commands/context.h"
#include "util/numbers.h"

namespace rp {

namespace {

void appendDecimal(std::string& out, long long n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

void appendBulk(std::string& out, std::string_view s) {
  out.push_back('$');
  appendDecimal(out, static_cast<long long>(s.size()));
  out.append("\r\n", 2);
  out.append(s);
  out.append("\r\n", 2);
}

int datasync(int fd) {
  int rc;
  do {
    rc = ::fdatasync(fd);
  } while (rc != 0 && errno == EINTR);
  return rc == 0 ? 0 : errno;
}

}  // namespace

void appendRespCommand(std::string& out, std::span<const std::string_view> argv) {
  out.push_back('*');
  appendDecimal(out, static_cast<long long>(argv.size()));
  out.append("\r\n", 2);
  for (std::string_view a : argv) appendBulk(out, a);
}

// ---- BackgroundFsync ------------------------------------------------------------------------------

BackgroundFsync::BackgroundFsync() : thread_([this] { run(); }) {}

BackgroundFsync::~BackgroundFsync() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BackgroundFsync::request(int fd) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pendingFd_ = fd;
  }
  wake_.notify_one();
}

bool BackgroundFsync::busy() {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_ || pendingFd_ >= 0 || switchFd_ >= 0 || !retired_.empty();
}

void BackgroundFsync::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return !running_ && pendingFd_ < 0 && switchFd_ < 0 && retired_.empty(); });
}

void BackgroundFsync::syncAndClose(OwnedFd fd) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    retired_.push_back(std::move(fd));
  }
  wake_.notify_one();
}

void BackgroundFsync::syncForSwitch(int fd, std::vector<std::string> tail) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    switchFd_ = fd;
    switchTail_ = std::move(tail);
    switchResult_ = -1;
  }
  wake_.notify_one();
}

int BackgroundFsync::switchSynced() {
  std::lock_guard<std::mutex> lock(mutex_);
  return switchResult_;
}

int BackgroundFsync::takeError() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(error_, 0);
}

void BackgroundFsync::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || pendingFd_ >= 0 || switchFd_ >= 0 || !retired_.empty(); });
    if (pendingFd_ < 0 && switchFd_ < 0 && retired_.empty() && stop_) return;
    if (switchFd_ >= 0) {
      int fd = std::exchange(switchFd_, -1);
      std::vector<std::string> tail = std::move(switchTail_);
      switchTail_.clear();
      running_ = true;
      lock.unlock();
      int err = 0;
      for (const std::string& block : tail)
        if (err == 0) err = writeAll(fd, block.data(), block.size());
      if (err == 0) err = datasync(fd);
      tail = {};  // freed here, off the event loop
      lock.lock();
      running_ = false;
      switchResult_ = err;
    } else if (pendingFd_ >= 0) {
      int fd = std::exchange(pendingFd_, -1);
      running_ = true;
      lock.unlock();
      int err = datasync(fd);
      lock.lock();
      running_ = false;
      if (err) error_ = err;
    } else {
      OwnedFd retired = std::move(retired_.front());
      retired_.erase(retired_.begin());
      running_ = true;
      lock.unlock();
      (void)::fsync(retired.get());
      retired = OwnedFd();  // closed here, off the event loop
      lock.lock();
      running_ = false;
    }
    idle_.notify_all();
  }
}

// ---- AofLog ---------------------------------------------------------------------------------------

std::string AofLog::open(const std::string& path) {
  OwnedFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return "Can't open the append-only file " + path + ": " + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return "Can't stat the append-only file " + path + ": " + std::strerror(errno);
  if (file_.valid()) close();
  file_ = std::move(fd);
  path_ = path;
  fileSize_ = static_cast<uint64_t>(st.st_size);
  baseSize_ = fileSize_;
  selectedDb_ = -1;
  lastWriteError_ = 0;
  return "";
}

std::string AofLog::close() {
  if (!file_.valid()) return "";
  AofFlushResult r = flush(0, true);
  fsync_.drain();
  file_.close();
  buffer_.clear();
  if (r.error) return std::string("Error writing the append-only file: ") + std::strerror(r.error);
  return "";
}

void AofLog::appendSelect(std::string& out, int& selected, int db) {
  if (selected == db) return;
  char num[16];
  auto r = std::to_chars(num, num + sizeof num, db);
  std::string_view argv[2] = {"SELECT", std::string_view(num, static_cast<size_t>(r.ptr - num))};
  appendRespCommand(out, argv);
  selected = db;
}

void AofLog::record(int db, std::span<const std::string_view> argv, long long nowMs) {
  if (timestamps_ && nowMs / 1000 > lastTimestamp_) {
    lastTimestamp_ = nowMs / 1000;
    annotate("#TS:" + std::to_string(lastTimestamp_) + "\r\n");
  }
  if (inTransaction_) {
    std::string encoded;
    appendRespCommand(encoded, argv);
    transaction_.emplace_back(db, std::move(encoded));
    return;
  }
  if (file_.valid()) {
    appendSelect(buffer_, selectedDb_, db);
    appendRespCommand(buffer_, argv);
  }
  if (rewriting_) {
    appendSelect(rewriteBuffer_, rewriteSelectedDb_, db);
    appendRespCommand(rewriteBuffer_, argv);
    sealRewriteBlockIfFull();
  }
}

void AofLog::sealRewriteBlockIfFull() {
  // Blocks, not one growing string: a string of tens of MB that doubles copies all of it, in the
  // event loop (measured: 16-85 ms waits during rewrites under heavy writes).
  constexpr size_t kBlockBytes = size_t{4} << 20;
  if (rewriteBuffer_.size() < kBlockBytes) return;
  rewriteBlocks_.push_back(std::move(rewriteBuffer_));
  rewriteBuffer_ = std::string();
  rewriteBuffer_.reserve(kBlockBytes + (kBlockBytes >> 2));
}

void AofLog::endTransaction() {
  inTransaction_ = false;
  if (transaction_.empty()) return;
  auto emit = [&](std::string& out, int& selected, size_t from) {
    const bool wrap = transaction_.size() - from > 1;
    if (wrap) out.append("*1\r\n$5\r\nMULTI\r\n");
    for (size_t i = from; i < transaction_.size(); ++i) {
      appendSelect(out, selected, transaction_[i].first);
      out.append(transaction_[i].second);
    }
    if (wrap) out.append("*1\r\n$4\r\nEXEC\r\n");
  };
  if (file_.valid()) emit(buffer_, selectedDb_, 0);
  if (rewriting_ && transactionRewriteFrom_ < transaction_.size()) {
    emit(rewriteBuffer_, rewriteSelectedDb_, transactionRewriteFrom_);
    sealRewriteBlockIfFull();
  }
  transaction_.clear();
  transactionRewriteFrom_ = 0;
}

void AofLog::annotate(std::string_view text) {
  if (file_.valid()) buffer_.append(text);
  if (rewriting_) {
    rewriteBuffer_.append(text);
    sealRewriteBlockIfFull();
  }
}

AofFlushResult AofLog::flush(long long nowMs, bool forceFsync) {
  AofFlushResult result;
  if (!file_.valid()) return result;
  if (int err = fsync_.takeError()) lastWriteError_ = err;
  if (!buffer_.empty()) {
    size_t done = 0;
    int err = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(file_.get(), buffer_.data() + done, buffer_.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        err = errno;
        break;
      }
      done += static_cast<size_t>(n);
    }
    if (err) {
      // Keep the file made of whole records: cut off a partial one (Redis does the same); if that
      // fails the bytes are on disk, so they leave the buffer.
      if (done > 0) {
        if (::ftruncate(file_.get(), static_cast<off_t>(fileSize_)) != 0) {
          fileSize_ += done;
          buffer_.erase(0, done);
        }
      }
      lastWriteError_ = err;
      result.error = err;
      return result;
    }
    fileSize_ += done;
    result.written = done;
    buffer_.clear();
    if (buffer_.capacity() > (size_t{4} << 20)) buffer_.shrink_to_fit();
  }
  if (policy_ == FsyncPolicy::Always || forceFsync) {
    if (result.written > 0 || forceFsync) {
      if (forceFsync) fsync_.drain();
      if (int err = datasync(file_.get())) {
        lastWriteError_ = err;
        result.error = err;
        return result;
      }
      result.fsynced = true;
    }
  } else if (result.written > 0) {
    unsynced_ = true;
  }
  if (policy_ == FsyncPolicy::EverySec && unsynced_ && nowMs - lastFsyncMs_ >= 1000 && !fsync_.busy()) {
    fsync_.request(file_.get());
    lastFsyncMs_ = nowMs;
    unsynced_ = false;
  }
  lastWriteError_ = 0;
  return result;
}

void AofLog::abortRewrite() {
  // The background thread may still be syncing the new file: its descriptor is closed after.
  if (switchFd_.valid() && fsync_.switchSynced() < 0) fsync_.drain();
  switchFd_ = OwnedFd();
  rewriting_ = false;
  rewriteBuffer_.clear();
  rewriteBuffer_.shrink_to_fit();
  rewriteBlocks_.clear();
}

std::string AofLog::finishRewrite(const std::string& tempPath, const std::string& targetPath, long long nowMs) {
  // Everything recorded since the image was taken goes to the new file; the old one is completed first so
  // that it stays valid if anything below fails.
  if (file_.valid()) flush(nowMs);
  auto fail = [&](const std::string& what, int err) {
    abortRewrite();
    ::unlink(tempPath.c_str());
    return what + ": " + std::strerror(err);
  };
  if (!switchFd_.valid()) {
    // First call: the background thread appends the records of the rewrite and fsyncs the file;
    // meanwhile the event loop goes on and new records go to both files. Measured before: a 5 MB
    // tail written and synced on the event loop held every request for ~100 ms.
    switchFd_ = OwnedFd(::open(tempPath.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    if (!switchFd_.valid()) return fail("Unable to open the temporary AOF with the rewritten base", errno);
    rewriteBlocks_.push_back(std::move(rewriteBuffer_));
    rewriteBuffer_ = std::string();
    fsync_.syncForSwitch(switchFd_.get(), std::move(rewriteBlocks_));
    rewriteBlocks_.clear();
    return "";
  }
  if (fsync_.switchSynced() < 0) return "";  // the job still runs
  if (int err = fsync_.switchSynced()) return fail("Error writing or fsyncing the new AOF", err);
  rewriteBlocks_.push_back(std::move(rewriteBuffer_));
  rewriteBuffer_ = std::string();
  for (const std::string& block : rewriteBlocks_)
    if (int err = writeAll(switchFd_.get(), block.data(), block.size())) return fail("Error writing the rewrite buffer to the new AOF", err);
  rewriteBlocks_.clear();
  // The switch is atomic: the new file is fsynced, then renamed over the old one, then the directory
  // is fsynced, so that a power loss leaves either file whole. Under `always` the few records
  // appended just now are synced first too, as every acknowledged write must be on disk; under
  // everysec/no they are unsynced in the old file as well, which the policy allows.
  const bool syncNow = policy_ == FsyncPolicy::Always;
  if (syncNow) {
    if (int err = datasync(switchFd_.get())) return fail("Error fsyncing the new AOF", err);
  }
  struct stat st {};
  if (::fstat(switchFd_.get(), &st) != 0) return fail("Can't stat the new AOF", errno);
  if (::rename(tempPath.c_str(), targetPath.c_str()) != 0) return fail("Error renaming the new AOF into place", errno);
  if (syncNow) {
    fsyncDirectoryOf(targetPath);
    fsync_.drain();
  } else {
    size_t slash = targetPath.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : targetPath.substr(0, slash);
    fsync_.syncAndClose(std::move(file_));
    fsync_.syncAndClose(OwnedFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)));
    unsynced_ = true;
    lastFsyncMs_ = 0;
  }
  file_ = std::move(switchFd_);
  path_ = targetPath;
  fileSize_ = static_cast<uint64_t>(st.st_size);
  baseSize_ = fileSize_;
  selectedDb_ = rewriteSelectedDb_;
  buffer_.clear();
  abortRewrite();
  return "";
}

// ---- the rewrite's base -----------------------------------------------------------------------------

namespace {

constexpr size_t kItemsPerCommand = 64;  // Redis's AOF_REWRITE_ITEMS_PER_CMD

// Emits `command key item...` in runs of at most kItemsPerCommand items (each item may be several
// arguments, e.g. field + value).
// A stream as Redis 7.0's rewriteStreamObject writes it: XADD per entry (an empty stream is made
// by XADD ... MAXLEN 0 with ID 0-1), XSETID with the counters, then per group XGROUP CREATE with
// its read counter, XCLAIM ... FORCE JUSTID per pending entry (keeping delivery time and count)
// and XGROUP CREATECONSUMER for consumers with nothing pending.
// `spill` runs after each command: the stream's sink takes the output in 64 KB pieces, and a large
// value's encoding may pause there.
using Spill = std::function<void()>;

void writeStreamCommands(std::string& out, std::string_view key, const Stream& s, const Spill& spill) {
  std::vector<std::string_view> argv;
  std::string idText;
  if (s.length()) {
    s.range(StreamID{}, StreamID::max(), false, [&](const StreamEntry& e) {
      idText = streamIDText(e.id);
      argv.assign({"XADD", key, idText});
      e.forEachField([&](std::string_view f, std::string_view v) {
        argv.push_back(f);
        argv.push_back(v);
      });
      appendRespCommand(out, argv);
      spill();
      return true;
    });
  } else {
    std::string_view empty[] = {"XADD", key, "MAXLEN", "0", "0-1", "x", "y"};
    appendRespCommand(out, empty);
  }
  std::string last = streamIDText(s.lastId()), added = std::to_string(s.entriesAdded()),
              maxDeleted = streamIDText(s.maxDeletedId());
  std::string_view setid[] = {"XSETID", key, last, "ENTRIESADDED", added, "MAXDELETEDID", maxDeleted};
  appendRespCommand(out, setid);
  for (const auto& [name, group] : s.groups()) {
    std::string groupLast = streamIDText(group->lastId), read = std::to_string(group->entriesRead);
    std::string_view create[] = {"XGROUP", "CREATE", key, name, groupLast, "ENTRIESREAD", read};
    appendRespCommand(out, create);
    for (const auto& [cname, consumer] : group->consumers) {
      if (consumer->pending.empty()) {
        std::string_view make[] = {"XGROUP", "CREATECONSUMER", key, name, cname};
        appendRespCommand(out, make);
        continue;
      }
      for (const auto& [id, nack] : consumer->pending) {
        std::string pid = streamIDText(id), time = std::to_string(nack->deliveryTime),
                    count = std::to_string(nack->deliveryCount);
        std::string_view claim[] = {"XCLAIM", key, name, cname, "0", pid, "TIME", time, "RETRYCOUNT", count, "JUSTID", "FORCE"};
        appendRespCommand(out, claim);
        spill();
      }
    }
  }
}

class BatchedCommand {
 public:
  BatchedCommand(std::string& out, std::string_view command, std::string_view key, size_t argsPerItem, const Spill& spill)
      : out_(out), command_(command), key_(key), argsPerItem_(argsPerItem), spill_(spill) {}
  void add(std::initializer_list<std::string_view> item) {
    for (std::string_view a : item) items_.emplace_back(a);
    if (items_.size() / argsPerItem_ == kItemsPerCommand) emit();
  }
  void finish() {
    if (!items_.empty()) emit();
  }

 private:
  void emit() {
    argv_.clear();
    argv_.push_back(command_);
    argv_.push_back(key_);
    for (const std::string& s : items_) argv_.push_back(s);
    appendRespCommand(out_, argv_);
    items_.clear();
    spill_();
  }
  std::string& out_;
  std::string_view command_, key_;
  size_t argsPerItem_;
  const Spill& spill_;
  std::vector<std::string> items_;
  std::vector<std::string_view> argv_;
};

void writeValue(std::string& out, const KeyRef& ref, const Spill& spill) {
  std::string_view key = ref.key();
  switch (ref.type()) {
    case ObjType::String: {
      IntText scratch;
      std::string_view argv[3] = {"SET", key, ref.stringView(scratch)};
      appendRespCommand(out, argv);
      break;
    }
    case ObjType::List: {
      BatchedCommand cmd(out, "RPUSH", key, 1, spill);
      static_cast<const ListValue&>(*ref.object()).forEach([&](std::string_view e) { cmd.add({e}); });
      cmd.finish();
      break;
    }
    case ObjType::Set: {
      BatchedCommand cmd(out, "SADD", key, 1, spill);
      static_cast<const SetValue&>(*ref.object()).forEach([&](std::string_view m) { cmd.add({m}); });
      cmd.finish();
      break;
    }
    case ObjType::Hash: {
      BatchedCommand cmd(out, "HSET", key, 2, spill);
      static_cast<const HashValue&>(*ref.object()).forEach([&](std::string_view f, std::string_view v) { cmd.add({f, v}); });
      cmd.finish();
      break;
    }
    case ObjType::ZSet: {
      BatchedCommand cmd(out, "ZADD", key, 2, spill);
      char scoreText[num::kDoubleFormatBuffer];
      static_cast<const ZSet&>(*ref.object()).forEach([&](std::string_view m, double score) {
        cmd.add({std::string_view(scoreText, num::formatDouble(score, scoreText)), m});
      });
      cmd.finish();
      break;
    }
    case ObjType::Stream:
      writeStreamCommands(out, key, static_cast<const Stream&>(*ref.object()), spill);
      break;
  }
  long long at = ref.expireAt();
  if (at >= 0) {
    char num[24];
    auto r = std::to_chars(num, num + sizeof num, at);
    std::string_view argv[3] = {"PEXPIREAT", key, std::string_view(num, static_cast<size_t>(r.ptr - num))};
    appendRespCommand(out, argv);
  }
}

}  // namespace

namespace {

// The AOF base as a key stream: FUNCTION LOAD for each library first (Redis 7.0's
// rewriteFunctions), a SELECT whenever the database changes, the commands of each key; handed to
// the sink in chunks of about 1 MB.
class AofKeyStream final : public KeyStreamEncoder {
 public:
  AofKeyStream(long long nowMs, std::function<bool(const char*, size_t)> sink, bool fragment = false)
      : sink_(std::move(sink)), nowMs_(nowMs), fragment_(fragment) {
    if (fragment) return;
    for (const std::string& code : scripting::functionLibraryCodes()) {
      std::string_view load[3] = {"FUNCTION", "LOAD", code};
      appendRespCommand(chunk_, load);
    }
  }

  bool key(int db, const KeyRef& ref) override {
    long long at = ref.expireAt();
    if (at >= 0 && at < nowMs_) return ok_;
    select(db);
    writeValue(chunk_, ref, spill_);
    if (chunk_.size() >= kSendBytes) send();
    return ok_;
  }

  bool appendEncoded(int db, std::string_view bytes) override {
    if (fragment_) return false;
    if (bytes.empty()) return ok_;
    select(db);
    chunk_.append(bytes);
    if (chunk_.size() >= kSendBytes) send();
    return ok_;
  }

  bool finish() override {
    send();
    return ok_;
  }

 private:
  // 64 KB: a fragment's sink is where a large value's encoding may pause between slices.
  static constexpr size_t kSendBytes = size_t{64} << 10;

  void select(int db) {
    if (db == selected_ || fragment_) return;
    selected_ = db;
    char num[16];
    auto r = std::to_chars(num, num + sizeof num, db);
    std::string_view select[2] = {"SELECT", std::string_view(num, static_cast<size_t>(r.ptr - num))};
    appendRespCommand(chunk_, select);
  }
  void send() {
    if (ok_ && !chunk_.empty()) ok_ = sink_(chunk_.data(), chunk_.size());
    chunk_.clear();
  }
  std::function<bool(const char*, size_t)> sink_;
  const Spill spill_ = [this] {
    if (chunk_.size() >= kSendBytes) send();
  };
  long long nowMs_;
  bool fragment_;
  std::string chunk_;
  int selected_ = -1;
  bool ok_ = true;
};

}  // namespace

std::unique_ptr<KeyStreamEncoder> makeAofKeyStream(long long nowMs, std::function<bool(const char*, size_t)> sink) {
  return std::make_unique<AofKeyStream>(nowMs, std::move(sink));
}

std::unique_ptr<KeyStreamEncoder> makeAofKeyFragments(long long nowMs, std::function<bool(const char*, size_t)> sink) {
  return std::make_unique<AofKeyStream>(nowMs, std::move(sink), true);
}

// ---- AofReader ------------------------------------------------------------------------------------

bool AofReader::readLine(size_t& pos, std::string_view& line) {
  const void* nl = pos < size_ ? std::memchr(data_ + pos, '\n', size_ - pos) : nullptr;
  if (!nl) return false;
  size_t end = static_cast<size_t>(static_cast<const char*>(nl) - data_);
  size_t lineEnd = end > pos && data_[end - 1] == '\r' ? end - 1 : end;
  line = std::string_view(data_ + pos, lineEnd - pos);
  pos = end + 1;
  return true;
}

AofReader::Status AofReader::next() {
  size_t pos = offset_;
  itemStart_ = pos;
  args_.clear();
  if (pos >= size_) return Status::End;
  std::string_view line;
  if (data_[pos] == '#') {
    if (!readLine(pos, line)) return Status::Truncated;
    annotation_ = line;
    offset_ = pos;
    return Status::Annotation;
  }
  if (data_[pos] != '*') {
    error_ = "expected '*'";
    return Status::Corrupt;
  }
  if (!readLine(pos, line)) return Status::Truncated;
  long long argc = 0;
  // No small upper bound (Redis has none): the arguments are read one by one, so a corrupt count
  // only runs into the end of the data.
  if (!parseLongLong(line.substr(1), argc) || argc < 1 || argc > INT32_MAX) {
    error_ = "bad argument count";
    return Status::Corrupt;
  }
  for (long long i = 0; i < argc; ++i) {
    if (pos >= size_) return Status::Truncated;
    if (data_[pos] != '$') {
      error_ = "expected '$'";
      return Status::Corrupt;
    }
    if (!readLine(pos, line)) return Status::Truncated;
    long long len = 0;
    if (!parseLongLong(line.substr(1), len) || len < 0) {
      error_ = "bad bulk length";
      return Status::Corrupt;
    }
    if (static_cast<unsigned long long>(len) + 2 > size_ - pos) return Status::Truncated;
    args_.emplace_back(data_ + pos, static_cast<size_t>(len));
    pos += static_cast<size_t>(len);
    if (data_[pos] != '\r' || data_[pos + 1] != '\n') {
      error_ = "bulk not terminated by CRLF";
      return Status::Corrupt;
    }
    pos += 2;
  }
  offset_ = pos;
  return Status::Command;
}

}  // namespace rp
