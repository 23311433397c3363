#include "persistence/live_snapshot.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/stats.h"  // CommandClock
#include "persistence/aof.h"
#include "persistence/rdb.h"
#include "scripting/run_stack.h"  // a generic stackful coroutine, not only for scripts

namespace rp {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;
constexpr size_t kAutoSyncBytes = size_t{4} << 20;
// Values holding more memory than this are encoded over several slices (a 1M-field hash took
// ~1 s to encode in one piece here; 512 KB is well under a millisecond).
constexpr size_t kLargeValueBytes = size_t{512} << 10;

}  // namespace

// ---- ImageFileWriter --------------------------------------------------------------------------------

ImageFileWriter::ImageFileWriter(OwnedFd fd, std::string tempPath, std::string finalPath)
    : fd_(std::move(fd)), out_(fd_.get()), tempPath_(std::move(tempPath)), finalPath_(std::move(finalPath)) {}

std::unique_ptr<ImageFileWriter> ImageFileWriter::open(Codec codec, std::string tempPath, std::string finalPath, std::string& error) {
  OwnedFd fd(::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    error = "Failed opening " + tempPath + " for saving: " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<ImageFileWriter> writer(new ImageFileWriter(std::move(fd), std::move(tempPath), std::move(finalPath)));
  ImageFileWriter* self = writer.get();
  writer->codec_ = makeCompressor(codec, [self](const char* data, size_t size) { return self->out_.write(data, size); }, error);
  if (!writer->codec_) {
    ::unlink(writer->tempPath_.c_str());
    writer->result_ = 1;  // nothing to keep
    return nullptr;
  }
  writer->thread_ = std::thread([self] { self->run(); });
  return writer;
}

ImageFileWriter::~ImageFileWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (result_ != 0) ::unlink(tempPath_.c_str());
}

void ImageFileWriter::push(std::string chunk) {
  if (chunk.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queued_ += chunk.size();
    queue_.push_back(std::move(chunk));
  }
  wake_.notify_one();
}

size_t ImageFileWriter::queuedBytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_;
}

void ImageFileWriter::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  wake_.notify_one();
}

int ImageFileWriter::result(std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (result_ > 0) error = error_;
  return result_;
}

void ImageFileWriter::run() {
  // Named so that tools (and bench/persistence.ts) can find it; a lower priority so that, where it
  // shares a core with the event loop, requests go first (as Redis's fork()ed child is niced).
  pthread_setname_np(pthread_self(), "rp-image-writer");
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
  std::string error;
  bool ok = true;
  for (;;) {
    std::string chunk;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || closed_ || !queue_.empty(); });
      if (stop_) return;
      if (queue_.empty()) break;  // closed, and everything written
      chunk = std::move(queue_.front());
      queue_.pop_front();
    }
    ok = codec_->write(chunk.data(), chunk.size());
    if (ok && out_.written() - syncedBytes_ >= kAutoSyncBytes) {
      // As Redis's rdb-save-incremental-fsync: data reaches the disk in 4 MB steps rather than in
      // one final fsync of the whole file, which on ext4 also stalls the AOF's writes (measured:
      // 12-25 ms waits for the event loop's write() while a 47 MB image was fsynced at once).
      if (out_.flush() && ::fdatasync(fd_.get()) != 0) {
        error = "Failed to fsync " + tempPath_ + ": " + std::strerror(errno);
        std::lock_guard<std::mutex> lock(mutex_);
        queued_ -= chunk.size();
        break;
      }
      syncedBytes_ = out_.written();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queued_ -= chunk.size();
    }
    if (!ok) {
      error = "Write error saving " + tempPath_ + ": " + (codec_->error().empty() ? std::strerror(out_.error() ? out_.error() : EIO) : codec_->error());
      break;
    }
  }
  if (ok && error.empty()) ok = finishFile(error);
  if (!error.empty()) ok = false;
  std::lock_guard<std::mutex> lock(mutex_);
  result_ = ok ? 0 : 1;
  error_ = std::move(error);
}

bool ImageFileWriter::finishFile(std::string& error) {
  if (!codec_->finish() || !out_.flush()) {
    error = "Write error saving " + tempPath_ + ": " + (codec_->error().empty() ? std::strerror(out_.error() ? out_.error() : EIO) : codec_->error());
    return false;
  }
  if (::fsync(fd_.get()) != 0) {
    error = "Failed to fsync " + tempPath_ + ": " + std::strerror(errno);
    return false;
  }
  if (int err = fd_.close()) {
    error = "Failed to close " + tempPath_ + ": " + std::strerror(err);
    return false;
  }
  if (finalPath_.empty()) return true;
  if (::rename(tempPath_.c_str(), finalPath_.c_str()) != 0) {
    error = "Failed to rename " + tempPath_ + " to " + finalPath_ + ": " + std::strerror(errno);
    return false;
  }
  if (int err = fsyncDirectoryOf(finalPath_)) {
    // The new file is in place; only its directory entry's durability is in doubt.
    error = "Failed to fsync the directory of " + finalPath_ + ": " + std::strerror(err);
    tempPath_.clear();  // renamed: nothing to remove
    return false;
  }
  return true;
}

// ---- LiveSnapshot -----------------------------------------------------------------------------------

LiveSnapshot::LiveSnapshot(Engine& engine, std::unique_ptr<ImageFileWriter> writer)
    : engine_(engine), writer_(std::move(writer)), largeStack_(std::make_unique<scripting::RunStack>()) {}

std::unique_ptr<LiveSnapshot> LiveSnapshot::start(Engine& engine, Kind kind, const std::string& path) {
  const long long nowMs = Engine::wallClockMs();
  std::string error;
  const bool snapshot = kind == Kind::Snapshot;
  std::unique_ptr<ImageFileWriter> writer =
      ImageFileWriter::open(engine.codec(), snapshot ? path + ".tmp-" + std::to_string(::getpid()) : path, snapshot ? path : "", error);
  std::unique_ptr<LiveSnapshot> job(new LiveSnapshot(engine, std::move(writer)));
  if (!job->writer_) {
    // Reported when the job is polled, as Redis's child reports it: BGSAVE itself was accepted.
    job->fail(error);
    return job;
  }
  LiveSnapshot* self = job.get();
  auto sink = [self](const char* data, size_t size) {
    self->pending_.append(data, size);
    if (self->pending_.size() >= kChunkBytes) self->handOver();
    // A large value encoded by a slice stops here when the slice's time is up (the encoder calls
    // its sink every 64 KB).
    if (self->mayPause_ && CommandClock::nowNanos() >= self->deadlineNs_) self->largeStack_->suspend();
    return true;
  };
  auto besideSink = [self](const char* data, size_t size) {
    self->beside_.append(data, size);
    return true;
  };
  if (snapshot || engine.aof().rdbPreamble()) {
    job->encoder_ = makeRdbKeyStream(engine, nowMs, sink, !snapshot);
    job->fragments_ = makeRdbKeyFragments(nowMs, besideSink);
  } else {
    job->encoder_ = makeAofKeyStream(nowMs, sink);
    job->fragments_ = makeAofKeyFragments(nowMs, besideSink);
  }
  for (int i = 0; i < engine.databaseCount(); ++i) engine.db(i).beginSnapshot(*job);
  job->marked_ = true;
  return job;
}

LiveSnapshot::~LiveSnapshot() {
  // A large value paused half-way has frames (and their buffers) on its stack: it runs to its end,
  // so that nothing it holds is abandoned with the stack.
  if (currentDb_) runLarge(false);
  stopEncoding();
}

void LiveSnapshot::stopEncoding() {
  if (!marked_) return;
  marked_ = false;
  for (int i = 0; i < engine_.databaseCount(); ++i) engine_.db(i).endSnapshot();
}

void LiveSnapshot::fail(std::string error) {
  stopEncoding();
  error_ = std::move(error);
  phase_ = Phase::Failed;
}

void LiveSnapshot::handOver() {
  if (pending_.empty()) return;
  writer_->push(std::move(pending_));
  pending_ = std::string();
}

bool LiveSnapshot::capture(Db& db, int dbAtStart, uint32_t ref) {
  if (currentDb_ == &db && current_.ref == ref) {
    // The large value being encoded is about to change or leave: it is finished first.
    copiedBytes_ += db.memoryUsageOf(db.refAt(ref));
    finishLarge();
    return true;
  }
  KeyRef key = db.refAt(ref);
  if (inSlice_ && !key.isString() && key.object()->memoryUsage() > kLargeValueBytes) {
    deferred_.push_back({db.snapshotMarks(), dbAtStart, ref});
    return false;
  }
  if (!inSlice_) copiedBytes_ += db.memoryUsageOf(key);
  if (currentDb_) {
    // The stream is in the middle of a large value: this key is encoded beside it, and joins the
    // stream after it.
    const size_t from = beside_.size();
    if (encoderOk_) encoderOk_ = fragments_->key(dbAtStart, key) && fragments_->finish();
    besideKeys_.push_back({dbAtStart, from, beside_.size() - from});
    return true;
  }
  if (encoderOk_) encoderOk_ = encoder_->key(dbAtStart, key);
  if (pending_.size() >= kChunkBytes) handOver();
  return true;
}

void LiveSnapshot::settle() {
  if (!currentDb_) return;
  copiedBytes_ += currentDb_->memoryUsageOf(currentDb_->refAt(current_.ref));
  finishLarge();
}

void LiveSnapshot::encodeLargeTask(void* self) {
  auto* job = static_cast<LiveSnapshot*>(self);
  KeyRef key = job->currentDb_->refAt(job->current_.ref);
  if (job->encoderOk_) job->encoderOk_ = job->encoder_->key(job->current_.dbAtStart, key);
}

bool LiveSnapshot::runLarge(bool mayPause) {
  mayPause_ = mayPause;
  bool done = largeStack_->resume();
  mayPause_ = false;
  return done;
}

void LiveSnapshot::finishLarge() {
  Db* db = currentDb_;
  uint32_t ref = current_.ref;
  runLarge(false);
  completeLarge();
  db->snapshotMark(ref);
}

void LiveSnapshot::completeLarge() {
  currentDb_ = nullptr;
  current_ = {};
  for (const BesideKey& k : besideKeys_)
    if (encoderOk_) encoderOk_ = encoder_->appendEncoded(k.dbAtStart, std::string_view(beside_).substr(k.offset, k.size));
  besideKeys_.clear();
  beside_.clear();
  if (pending_.size() >= kChunkBytes) handOver();
}

Db* LiveSnapshot::dbHolding(const SnapshotMarks* marks) {
  for (int i = 0; i < engine_.databaseCount(); ++i)
    if (engine_.db(i).snapshotMarks() == marks) return &engine_.db(i);
  return nullptr;
}

bool LiveSnapshot::encodeDeferred() {
  if (currentDb_) {
    Db* db = currentDb_;
    uint32_t ref = current_.ref;
    if (!runLarge(true)) return false;
    completeLarge();
    db->snapshotMark(ref);
  }
  while (deferredNext_ < deferred_.size()) {
    if (CommandClock::nowNanos() >= deadlineNs_) return false;
    LargeValue large = deferred_[deferredNext_++];
    Db* db = dbHolding(large.marks);
    // Handed over meanwhile (it was about to change), or its database was emptied.
    if (!db || !large.marks->pending(large.ref)) continue;
    current_ = large;
    currentDb_ = db;
    mayPause_ = true;
    bool done = largeStack_->start(&LiveSnapshot::encodeLargeTask, this);
    mayPause_ = false;
    if (!done) return false;
    completeLarge();
    db->snapshotMark(large.ref);
  }
  deferred_.clear();
  deferredNext_ = 0;
  return true;
}

bool LiveSnapshot::advance() {
  for (;;) {
    if (!encodeDeferred()) return false;
    bool scanned = true;
    for (int i = 0; i < engine_.databaseCount() && scanned; ++i) scanned = engine_.db(i).snapshotStep(deadlineNs_);
    if (deferred_.empty()) return scanned;
    if (CommandClock::nowNanos() >= deadlineNs_) return false;
  }
}

LiveSnapshot::Phase LiveSnapshot::step(uint64_t budgetNs) {
  if (phase_ != Phase::Encoding) return phase();
  std::string writeError;
  if (writer_->result(writeError) > 0) {
    fail(writeError);
    return phase_;
  }
  if (writer_->queuedBytes() >= kMaxQueuedBytes) return phase_;
  deadlineNs_ = CommandClock::nowNanos() + budgetNs;
  inSlice_ = true;
  const bool complete = advance();
  inSlice_ = false;
  if (complete) {
    stopEncoding();
    if (encoderOk_) encoderOk_ = encoder_->finish();
  }
  handOver();
  if (!encoderOk_) {
    fail("a value could not be encoded");
    return phase_;
  }
  if (!complete) return phase_;
  writer_->close();
  phase_ = Phase::Writing;
  return phase();
}

LiveSnapshot::Phase LiveSnapshot::phase() {
  if (phase_ == Phase::Writing) {
    std::string writeError;
    int r = writer_->result(writeError);
    if (r == 0) {
      phase_ = Phase::Done;
    } else if (r > 0) {
      error_ = std::move(writeError);
      phase_ = Phase::Failed;
    }
  }
  return phase_;
}

}  // namespace rp
