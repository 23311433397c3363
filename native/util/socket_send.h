// Writing to a client's socket from C++ (execute()'s replies, pub/sub messages), next to Node's own
// stream writes: TypeScript hands over a socket only while nothing waits in its stream, so bytes
// keep their order.
#pragma once

#include <cstddef>

namespace rp {

// Writes as much of data as the socket takes now; never blocks, never raises SIGPIPE. Returns the
// bytes sent. On EAGAIN the rest goes back to JavaScript, which queues it on the socket's stream;
// on a hard error (peer gone) too, so that the stream reports the error and the client is closed.
size_t sendNonBlocking(int fd, const char* data, size_t size);

}  // namespace rp
