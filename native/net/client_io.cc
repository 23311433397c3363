#include "net/client_io.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

namespace rp::net {

double wallClockMillis() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<double>(tv.tv_sec) * 1000.0 + static_cast<double>(tv.tv_usec / 1000);
}

namespace {
ClientIo* activeIo = nullptr;
}  // namespace

void ClientIo::init(uv_loop_t* loop, ReadHandler handler) {
  loop_ = loop;
  handler_ = handler;
  activeIo = this;
}

bool ClientIo::attach(int64_t id, int fd, int slot) {
  if (loop_ == nullptr || buffer_ == nullptr || fd < 0 || connections_.count(id) != 0) return false;
  int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return false;
  // The duplicate shares the open file description, so it is non-blocking like Node's descriptor.
  auto conn = std::make_unique<Connection>();
  conn->id = id;
  conn->fd = dup;
  conn->slot = slot;
  if (uv_poll_init(loop_, &conn->poll, dup) != 0) {
    ::close(dup);
    return false;
  }
  conn->poll.data = conn.get();
  conn->reading = uv_poll_start(&conn->poll, UV_READABLE, onPoll) == 0;
  connections_.emplace(id, std::move(conn));
  return true;
}

void ClientIo::detach(int64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  // libuv owns the handle until its close callback: the connection is freed there.
  Connection* conn = it->second.release();
  connections_.erase(it);
  uv_poll_stop(&conn->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&conn->poll), [](uv_handle_t* handle) {
    std::unique_ptr<Connection> owned(static_cast<Connection*>(handle->data));
    ::close(owned->fd);
  });
}

void ClientIo::setReading(int64_t id, bool on) {
  Connection* conn = find(id);
  if (conn == nullptr || conn->reading == on) return;
  conn->reading = on ? uv_poll_start(&conn->poll, UV_READABLE, onPoll) == 0 : (uv_poll_stop(&conn->poll), false);
}

void ClientIo::onPoll(uv_poll_t* handle, int status, int events) {
  Connection& conn = *static_cast<Connection*>(handle->data);
  ClientIo& io = *activeIo;
  if (status < 0) {
    io.handler_(conn, -1);
    return;
  }
  io.readFrom(conn);
}

void ClientIo::readFrom(Connection& conn) {
  for (;;) {
    ssize_t n = ::read(conn.fd, buffer_, bufferSize_);
    if (n > 0) {
      count(kCounterInputBytes, static_cast<double>(n));
      if (double* slot = slotOf(conn)) slot[kSlotLastInteraction] = wallClockMillis();
      handler_(conn, static_cast<long>(n));
      return;
    }
    if (n == 0) {
      handler_(conn, 0);
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    handler_(conn, -1);
    return;
  }
}

}  // namespace rp::net
