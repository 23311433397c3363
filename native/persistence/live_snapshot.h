// BGSAVE and BGREWRITEAOF without fork(): an image of the keyspace as it was at one moment, encoded
// by the event loop in slices of about a millisecond while the server keeps serving, and written to
// disk by a background thread.
//
// Why not fork(), as Redis does: measured on this machine with 1M keys under redis-benchmark load,
// the fork() itself held the event loop 3.5-4.4 ms and the copy-on-write page faults after it
// (every first write to a 4 KB page copies the page, in the event loop) made the slowest requests
// of a rewrite 27-33 ms. Here the only waits a rewrite adds are one slice and the capture of a key
// that is about to change.
//
// How the image stays point-in-time: at the start every database marks its entries (engine/
// snapshot_marks.h). A slice walks the hash table with the SCAN cursor (which visits every entry
// present for the whole walk, through rehashing) and encodes the entries not yet handed over. An
// entry about to change or leave first is handed over by the database itself (copy-on-write per
// key, Db::captureIfPending), so the image gets its old value; entries created after the start
// are never in it — for a rewrite, their commands are in the rewrite buffer (AofLog::beginRewrite),
// exactly as with a fork()ed child.
//
// Large values (over kLargeValueBytes of memory) are not encoded inside one slice: the slice that
// meets one defers it, and it is encoded into the stream on a stack of its own that pauses when the
// slice's time is up and resumes in the next slice. Keys captured meanwhile (about to change) are
// encoded beside the stream (a fragment encoder) and join it after the large value. A write to a
// large value while it is pending or half-encoded finishes its encoding first: that write waits for
// it (a fork()ed child's parent would copy pages instead).
//
// The encoded bytes go to the writer thread in chunks of about 1 MB; it compresses them (the
// configured codec), writes and fsyncs, and for a snapshot renames the temp file over the target
// and fsyncs the directory. The event loop only touches live data; the thread only frozen bytes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "engine/snapshot_marks.h"
#include "persistence/compress.h"
#include "persistence/files.h"
#include "persistence/key_stream.h"

namespace rp {

namespace scripting {
class RunStack;
}

// Writes chunks of an image to a file on its own thread.
class ImageFileWriter {
 public:
  // Creates `tempPath` and starts the thread; with a `finalPath` the finished file is renamed
  // over it. nullptr with `error` when the file or the codec is not available.
  static std::unique_ptr<ImageFileWriter> open(Codec codec, std::string tempPath, std::string finalPath, std::string& error);
  ~ImageFileWriter();  // an unfinished file is removed
  ImageFileWriter(const ImageFileWriter&) = delete;
  ImageFileWriter& operator=(const ImageFileWriter&) = delete;

  void push(std::string chunk);
  size_t queuedBytes();
  // No more chunks: end the codec's frame, flush, fsync, rename (snapshot) and fsync the directory.
  void close();
  // -1 while writing, 0 when the file is complete, 1 on failure (then `error` says why).
  int result(std::string& error);

 private:
  ImageFileWriter(OwnedFd fd, std::string tempPath, std::string finalPath);
  void run();
  bool finishFile(std::string& error);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool closed_ = false;
  bool stop_ = false;
  int result_ = -1;
  std::string error_;

  OwnedFd fd_;
  BufferedFileWriter out_;
  std::unique_ptr<Compressor> codec_;
  std::string tempPath_, finalPath_;
  size_t syncedBytes_ = 0;  // written and fdatasynced so far
  std::thread thread_;
};

class LiveSnapshot final : public SnapshotObserver {
 public:
  // When the disk falls this far behind, slices pause (captures still add to the queue: they are
  // bounded by the data set, and a write must not wait for the disk).
  static constexpr size_t kMaxQueuedBytes = size_t{64} << 20;

  enum class Kind { Snapshot, Rewrite };
  enum class Phase { Encoding = 0, Writing = 1, Done = 2, Failed = 3 };

  // Snapshot: an RDB image to `path` (written beside it, renamed when complete). Rewrite: the AOF
  // base (commands, or an RDB preamble with aof-use-rdb-preamble) into `path`, which the caller
  // appends the rewrite buffer to. When the file cannot be created the job has failed already
  // (phase() says so, error() says why).
  static std::unique_ptr<LiveSnapshot> start(Engine& engine, Kind kind, const std::string& path);
  ~LiveSnapshot();  // stops: a half-encoded large value finished, databases unmarked, an unfinished file removed
  LiveSnapshot(const LiveSnapshot&) = delete;
  LiveSnapshot& operator=(const LiveSnapshot&) = delete;

  // Encodes entries for about `budgetNs` (nothing while the writer is far behind).
  Phase step(uint64_t budgetNs);
  Phase phase();
  // Encoding waits for the writer (the disk is far behind): the next slice can wait too.
  bool throttled() { return phase_ == Phase::Encoding && writer_->queuedBytes() >= kMaxQueuedBytes; }
  const std::string& error() const { return error_; }
  // Memory of the values handed over because they were about to change: what a fork()ed child's
  // pages would have cost in copies (INFO rdb_last_cow_size / aof_last_cow_size).
  uint64_t copiedBytes() const { return copiedBytes_; }

  bool capture(Db& db, int dbAtStart, uint32_t ref) override;
  void settle() override;

 private:
  // An entry whose large value is encoded apart.
  struct LargeValue {
    const SnapshotMarks* marks;  // of the contents it belongs to (they move with SWAPDB)
    int dbAtStart;
    uint32_t ref;
  };

  LiveSnapshot(Engine& engine, std::unique_ptr<ImageFileWriter> writer);
  void handOver();
  void stopEncoding();
  void fail(std::string error);
  // The slice's work until the deadline; true when every entry has been handed over.
  bool advance();
  // Deferred large values, the one in progress first; false when the slice's time ran out.
  bool encodeDeferred();
  // Runs (or resumes) the large value in progress on its stack; true once it is encoded.
  bool runLarge(bool mayPause);
  // Runs it to its end at once (it is about to change) and marks it.
  void finishLarge();
  // After the large value: the keys encoded beside it join the stream.
  void completeLarge();
  static void encodeLargeTask(void* self);
  Db* dbHolding(const SnapshotMarks* marks);

  Engine& engine_;
  std::unique_ptr<ImageFileWriter> writer_;
  std::unique_ptr<KeyStreamEncoder> encoder_;
  std::string pending_;  // encoded bytes not yet handed to the writer
  // Large values: the deferred ones, the one in progress, and the keys encoded beside it.
  struct BesideKey {
    int dbAtStart;
    size_t offset, size;  // in beside_
  };
  std::unique_ptr<KeyStreamEncoder> fragments_;
  std::string beside_;
  std::vector<BesideKey> besideKeys_;
  std::vector<LargeValue> deferred_;
  size_t deferredNext_ = 0;
  LargeValue current_{};
  Db* currentDb_ = nullptr;  // non-null while a large value is in progress
  std::unique_ptr<scripting::RunStack> largeStack_;  // where large values are encoded (its own stack)
  uint64_t deadlineNs_ = 0;
  bool mayPause_ = false;  // the fragment's sink may pause (only inside a slice)
  Phase phase_ = Phase::Encoding;
  bool encoderOk_ = true;
  bool marked_ = false;   // the databases hand entries to us
  bool inSlice_ = false;  // captures now come from a slice, not from a change
  uint64_t copiedBytes_ = 0;
  std::string error_;
};

}  // namespace rp
