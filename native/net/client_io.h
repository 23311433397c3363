// Reading client sockets from C++ (DESIGN.md §1.4: "a native I/O loop is the known way past" the
// cost of Node's stream machinery per read).
//
// Each connection's descriptor is dup()ed and watched with a uv_poll_t on Node's own event loop:
// the duplicate gets its own epoll registration, so Node's handle for the same socket keeps
// writing (queued replies, 'drain') and closing it, while reads never go through Node's streams.
// Every read lands in one shared buffer (JavaScript's, so the slow path hands it over without a
// copy) and goes to the read handler, which runs what it can in the engine and calls JavaScript
// only for the rest. Connection state that decides between the two paths lives in a Float64Array
// that JavaScript writes (ClientSlot), so changing it costs no call.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace rp::net {

// Fields of one client's row in the shared client table (stride kSlotStride doubles).
enum ClientSlot : int {
  kSlotFast = 0,             // in: 1 when the client may run in the native read path
  kSlotDb = 1,               // in: selected database
  kSlotResp = 2,             // in: 2 or 3
  kSlotFlags = 3,            // in: abi client flags (no-touch)
  kSlotLastInteraction = 4,  // both: ms of the last read (CLIENT LIST idle=, timeout)
  kSlotLastCommand = 5,      // both: command id of the last command run; -1 TypeScript's, -3 NULL
  kSlotStride = 8,
};

// Server-wide counters the native path adds to (JavaScript's stats read them as offsets).
enum IoCounter : int {
  kCounterCommands = 0,
  kCounterInputBytes = 1,
  kCounterOutputBytes = 2,
  kCounterDirty = 3,
  kCounterCount = 4,
};

struct Connection {
  int64_t id = 0;
  int fd = -1;  // the duplicate, owned
  int slot = 0;
  bool reading = false;
  uv_poll_t poll{};
};

class ClientIo {
 public:
  // Called with `length` (> 0) bytes read into buffer(), 0 at end of stream, or -1 after an error.
  using ReadHandler = void (*)(Connection& conn, long length);

  // One per process: the poll callback reaches it through a static.
  void init(uv_loop_t* loop, ReadHandler handler);
  void setBuffer(char* data, size_t size) {
    buffer_ = data;
    bufferSize_ = size;
  }
  void setTable(double* table, size_t slots) {
    table_ = table;
    tableSlots_ = slots;
  }
  void setCounters(double* counters) { counters_ = counters; }

  // Starts reading a duplicate of `fd` for client `id`; false when the descriptor cannot be used.
  bool attach(int64_t id, int fd, int slot);
  // Stops reading and closes the duplicate (the handle is freed once libuv has closed it).
  void detach(int64_t id);
  // Pauses or resumes reading (output back-pressure).
  void setReading(int64_t id, bool on);
  Connection* find(int64_t id) {
    auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : it->second.get();
  }

  char* buffer() const { return buffer_; }
  double* slotOf(const Connection& conn) const {
    return conn.slot >= 0 && static_cast<size_t>(conn.slot) < tableSlots_ ? table_ + conn.slot * kSlotStride : nullptr;
  }
  void count(IoCounter counter, double amount) {
    if (counters_) counters_[counter] += amount;
  }

 private:
  static void onPoll(uv_poll_t* handle, int status, int events);
  void readFrom(Connection& conn);

  uv_loop_t* loop_ = nullptr;
  ReadHandler handler_ = nullptr;
  char* buffer_ = nullptr;
  size_t bufferSize_ = 0;
  double* table_ = nullptr;
  size_t tableSlots_ = 0;
  double* counters_ = nullptr;
  std::unordered_map<int64_t, std::unique_ptr<Connection>> connections_;
};

// The milliseconds since the epoch (the clock of CLIENT LIST idle=).
double wallClockMillis();

}  // namespace rp::net
