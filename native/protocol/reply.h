// RESP2/RESP3 reply writer for data-command replies. One writer per engine; execute() hands all the
// bytes of a batch to JavaScript at once. The encodings follow Redis 7.0, including its RESP2
// fallbacks (null -> $-1 / *-1, map -> flat array of 2n, set -> array, double -> bulk string,
// boolean -> integer, verbatim -> bulk string).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>

namespace rp {

// A growable byte buffer that never zero-fills and keeps its capacity across batches.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  void clear() { size_ = 0; }

  // Makes room for n more bytes and returns where they go; commit(n) makes them part of the buffer.
  char* reserve(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    return data_.get() + size_;
  }
  void commit(size_t n) { size_ += n; }
  void append(const void* bytes, size_t n) {
    char* p = reserve(n);
    if (n) std::memcpy(p, bytes, n);
    size_ += n;
  }
  void push(char c) { *reserve(1) = c; ++size_; }
  // Inserts n bytes at position pos, shifting the tail (used for deferred lengths).
  void insert(size_t pos, const void* bytes, size_t n);
  // Releases memory above `keep` bytes of capacity when the buffer is empty (after a huge reply).
  void shrinkIfLarge(size_t keep);

 private:
  struct FreeDeleter {
    void operator()(char* p) const { std::free(p); }
  };
  void grow(size_t need);
  std::unique_ptr<char, FreeDeleter> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Formats v in decimal into buf (at least 21 bytes); returns the length. No terminator.
size_t formatInt64(char* buf, long long v);
// Redis 7.0's addReplyDouble text: "%.17g", "inf" / "-inf", "nan". Returns the length (buf >= 32).
size_t formatDouble(char* buf, double d);

class ReplyWriter {
 public:
  explicit ReplyWriter(int resp = 2) : resp_(resp) {}

  int resp() const { return resp_; }
  void setResp(int resp) { resp_ = resp; }

  // +text  (CR and LF are replaced by spaces, as Redis does)
  void simple(std::string_view text);
  void ok() { out_.append("+OK\r\n", 5); }
  // -msg  (msg starts with its code: "ERR ...", "WRONGTYPE ..."; CR/LF replaced by spaces)
  void error(std::string_view msg);
  // :n
  void integer(long long n);
  // $len\r\nbytes\r\n (binary safe)
  void bulk(std::string_view bytes);
  // A bulk string holding the decimal text of n (GET of an int-encoded value).
  void bulkInteger(long long n);
  // Null bulk string: $-1 (RESP2), _ (RESP3)
  void nullBulk() { resp_ == 3 ? out_.append("_\r\n", 3) : out_.append("$-1\r\n", 5); }
  // Null array: *-1 (RESP2), _ (RESP3)
  void nullArray() { resp_ == 3 ? out_.append("_\r\n", 3) : out_.append("*-1\r\n", 5); }
  // Aggregate headers; the caller then writes n (map: 2n) elements.
  void arrayHeader(size_t n) { header('*', n); }
  void mapHeader(size_t n) { resp_ == 3 ? header('%', n) : header('*', n * 2); }
  void setHeader(size_t n) { header(resp_ == 3 ? '~' : '*', n); }
  void pushHeader(size_t n) { header(resp_ == 3 ? '>' : '*', n); }
  // RESP3 ",<d>", RESP2 bulk string, both with Redis 7.0's formatting (formatDouble).
  void doubleValue(double d);
  // RESP3 #t/#f, RESP2 :1/:0
  void boolean(bool b);
  // RESP3 "=len\r\nfmt:text", RESP2 bulk string. fmt is 3 characters ("txt", "mkd").
  void verbatim(std::string_view text, std::string_view fmt = "txt");
  // Bytes copied as they are (already valid RESP).
  void raw(std::string_view bytes) { out_.append(bytes.data(), bytes.size()); }

  // For replies whose element count is known only at the end (KEYS, SCAN): remember the position,
  // write the elements, then endDeferredArray inserts "*n\r\n" (or the map/set header) there.
  size_t beginDeferred() const { return out_.size(); }
  void endDeferredArray(size_t position, size_t n) { insertHeader(position, '*', n); }
  void endDeferredMap(size_t position, size_t n) {
    resp_ == 3 ? insertHeader(position, '%', n) : insertHeader(position, '*', n * 2);
  }
  void endDeferredSet(size_t position, size_t n) { insertHeader(position, resp_ == 3 ? '~' : '*', n); }

  ByteBuffer& buffer() { return out_; }
  const char* data() const { return out_.data(); }
  size_t size() const { return out_.size(); }
  void clear() { out_.clear(); }

 private:
  void header(char type, size_t n);
  void insertHeader(size_t position, char type, size_t n);
  void lineWithoutNewlines(char type, std::string_view text);

  ByteBuffer out_;
  int resp_;
};

}  // namespace rp
