#include "persistence/live_snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/stats.h"  // CommandClock
#include "persistence/aof.h"
#include "persistence/rdb.h"

namespace rp {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;
// When the disk falls this far behind, slices pause (captures still add to the queue: they are
// bounded by the data set, and a write must not wait for the disk).
constexpr size_t kMaxQueuedBytes = size_t{64} << 20;

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
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queued_ -= chunk.size();
    }
    if (!ok) {
      error = "Write error saving " + tempPath_ + ": " + (codec_->error().empty() ? std::strerror(out_.error() ? out_.error() : EIO) : codec_->error());
      break;
    }
  }
  if (ok) ok = finishFile(error);
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

LiveSnapshot::LiveSnapshot(Engine& engine, std::unique_ptr<ImageFileWriter> writer) : engine_(engine), writer_(std::move(writer)) {}

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
    return true;
  };
  if (snapshot || engine.aof().rdbPreamble())
    job->encoder_ = makeRdbKeyStream(engine, nowMs, sink, !snapshot);
  else
    job->encoder_ = makeAofKeyStream(nowMs, sink);
  for (int i = 0; i < engine.databaseCount(); ++i) engine.db(i).beginSnapshot(*job);
  job->marked_ = true;
  return job;
}

LiveSnapshot::~LiveSnapshot() { stopEncoding(); }

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

void LiveSnapshot::capture(Db& db, int dbAtStart, const KeyRef& ref) {
  if (!inSlice_) copiedBytes_ += db.memoryUsageOf(ref);
  if (encoderOk_) encoderOk_ = encoder_->key(dbAtStart, ref);
  if (pending_.size() >= kChunkBytes) handOver();
}

LiveSnapshot::Phase LiveSnapshot::step(uint64_t budgetNs) {
  if (phase_ != Phase::Encoding) return phase();
  std::string writeError;
  if (writer_->result(writeError) > 0) {
    fail(writeError);
    return phase_;
  }
  if (writer_->queuedBytes() >= kMaxQueuedBytes) return phase_;
  const uint64_t deadline = CommandClock::nowNanos() + budgetNs;
  bool complete = true;
  inSlice_ = true;
  for (int i = 0; i < engine_.databaseCount() && complete; ++i) complete = engine_.db(i).snapshotStep(deadline);
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
