#include "util/socket_send.h"

#include <sys/socket.h>

#include <cerrno>

namespace rp {

size_t sendNonBlocking(int fd, const char* data, size_t size) {
  size_t sent = 0;
  while (sent < size) {
    ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  return sent;
}

}  // namespace rp
