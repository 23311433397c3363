// Durable file writing for snapshots and AOF files: an owned descriptor (RAII), buffered writes
// that report errno, fsync, and the atomic replace Redis uses (write a temp file, fsync it, rename
// it over the target, fsync the directory) so that a crash leaves either the old file or the new.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace rp {

class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  OwnedFd(OwnedFd&& o) noexcept : fd_(o.release()) {}
  OwnedFd& operator=(OwnedFd&& o) noexcept;
  ~OwnedFd();
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  bool valid() const { return fd_ >= 0; }
  // Closes now; returns the close error (0 when fine).
  int close();

 private:
  int fd_ = -1;
};

// Writes all of data to fd (retrying short writes and EINTR). Returns 0 or the errno.
int writeAll(int fd, const char* data, size_t size);

// Buffers small writes and hands them to the descriptor in large chunks.
class BufferedFileWriter {
 public:
  explicit BufferedFileWriter(int fd, size_t bufferSize = 1 << 20) : fd_(fd) { buffer_.reserve(bufferSize); }
  bool write(const char* data, size_t size);
  bool flush();
  int error() const { return error_; }
  size_t written() const { return written_; }

 private:
  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
  size_t written_ = 0;
};

// Creates `path` atomically: produce(writer) fills a temp file beside it, which is fsynced and
// renamed over `path`, then the directory is fsynced. Returns "" or an error text naming the step.
std::string writeFileAtomically(const std::string& path, const std::function<bool(BufferedFileWriter&)>& produce);

// fsync of the directory holding `path` (after a rename or a create). Returns 0 or the errno.
int fsyncDirectoryOf(const std::string& path);

// The whole file, or an error text in `error`.
bool readWholeFile(const std::string& path, std::string& out, std::string& error);

}  // namespace rp
