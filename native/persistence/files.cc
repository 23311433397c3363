#include "persistence/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rp {

OwnedFd& OwnedFd::operator=(OwnedFd&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.release();
  }
  return *this;
}

OwnedFd::~OwnedFd() { close(); }

int OwnedFd::close() {
  if (fd_ < 0) return 0;
  int rc = ::close(fd_);
  fd_ = -1;
  return rc == 0 ? 0 : errno;
}

int writeAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return 0;
}

bool BufferedFileWriter::write(const char* data, size_t size) {
  if (error_) return false;
  if (buffer_.size() + size > buffer_.capacity()) {
    if (!flush()) return false;
    if (size >= buffer_.capacity()) {
      error_ = writeAll(fd_, data, size);
      if (error_) return false;
      written_ += size;
      return true;
    }
  }
  buffer_.insert(buffer_.end(), data, data + size);
  return true;
}

bool BufferedFileWriter::flush() {
  if (error_) return false;
  if (buffer_.empty()) return true;
  error_ = writeAll(fd_, buffer_.data(), buffer_.size());
  if (error_) return false;
  written_ += buffer_.size();
  buffer_.clear();
  return true;
}

int fsyncDirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  OwnedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return errno;
  if (::fsync(fd.get()) != 0) return errno;
  return 0;
}

std::string writeFileAtomically(const std::string& path, const std::function<bool(BufferedFileWriter&)>& produce) {
  std::string temp = path + ".tmp-" + std::to_string(::getpid());
  OwnedFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return "Failed opening " + temp + " for saving: " + std::strerror(errno);
  BufferedFileWriter writer(fd.get());
  auto fail = [&](const char* step, int err) {
    fd.close();
    ::unlink(temp.c_str());
    return std::string(step) + " " + temp + ": " + std::strerror(err ? err : EIO);
  };
  if (!produce(writer) || !writer.flush()) return fail("Write error saving", writer.error());
  if (::fsync(fd.get()) != 0) return fail("Failed to fsync", errno);
  if (int err = fd.close()) return fail("Failed to close", err);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return "Failed to rename " + temp + " to " + path + ": " + std::strerror(err);
  }
  if (int err = fsyncDirectoryOf(path)) return "Failed to fsync the directory of " + path + ": " + std::strerror(err);
  return "";
}

bool readWholeFile(const std::string& path, std::string& out, std::string& error) {
  OwnedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    error = "Failed opening " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    error = "Failed to stat " + path + ": " + std::strerror(errno);
    return false;
  }
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "Failed reading " + path + ": " + std::strerror(errno);
      return false;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return true;
}

}  // namespace rp
