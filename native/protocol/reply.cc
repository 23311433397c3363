#include "protocol/reply.h"

#include <cmath>
#include <cstdio>

namespace rp {

void ByteBuffer::grow(size_t need) {
  size_t next = capacity_ ? capacity_ : 4096;
  while (next < need) next *= 2;
  void* fresh = std::realloc(data_.get(), next);
  if (!fresh) throw std::bad_alloc();
  (void)data_.release();
  data_.reset(static_cast<char*>(fresh));
  capacity_ = next;
}

void ByteBuffer::insert(size_t pos, const void* bytes, size_t n) {
  reserve(n);
  char* base = data_.get();
  std::memmove(base + pos + n, base + pos, size_ - pos);
  std::memcpy(base + pos, bytes, n);
  size_ += n;
}

void ByteBuffer::shrinkIfLarge(size_t keep) {
  if (size_ != 0 || capacity_ <= keep) return;
  data_.reset();
  capacity_ = 0;
}

size_t formatInt64(char* buf, long long v) {
  char tmp[24];
  size_t n = 0;
  // Work in unsigned so that LLONG_MIN negates without overflow.
  unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  size_t len = 0;
  if (v < 0) buf[len++] = '-';
  while (n) buf[len++] = tmp[--n];
  return len;
}

size_t formatDouble(char* buf, double d) {
  if (std::isinf(d)) {
    if (d > 0) {
      std::memcpy(buf, "inf", 3);
      return 3;
    }
    std::memcpy(buf, "-inf", 4);
    return 4;
  }
  if (std::isnan(d)) {
    std::memcpy(buf, "nan", 3);
    return 3;
  }
  int n = std::snprintf(buf, 32, "%.17g", d);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

void ReplyWriter::lineWithoutNewlines(char type, std::string_view text) {
  char* p = out_.reserve(text.size() + 3);
  p[0] = type;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    p[1 + i] = (c == '\r' || c == '\n') ? ' ' : c;
  }
  p[1 + text.size()] = '\r';
  p[2 + text.size()] = '\n';
  out_.commit(text.size() + 3);
}

void ReplyWriter::simple(std::string_view text) { lineWithoutNewlines('+', text); }
void ReplyWriter::error(std::string_view msg) { lineWithoutNewlines('-', msg); }

void ReplyWriter::integer(long long n) {
  char* p = out_.reserve(24);
  p[0] = ':';
  size_t len = formatInt64(p + 1, n);
  p[len + 1] = '\r';
  p[len + 2] = '\n';
  out_.commit(len + 3);
}

void ReplyWriter::header(char type, size_t n) {
  char* p = out_.reserve(24);
  p[0] = type;
  size_t len = formatInt64(p + 1, static_cast<long long>(n));
  p[len + 1] = '\r';
  p[len + 2] = '\n';
  out_.commit(len + 3);
}

void ReplyWriter::insertHeader(size_t position, char type, size_t n) {
  char tmp[24];
  tmp[0] = type;
  size_t len = formatInt64(tmp + 1, static_cast<long long>(n));
  tmp[len + 1] = '\r';
  tmp[len + 2] = '\n';
  out_.insert(position, tmp, len + 3);
}

void ReplyWriter::bulk(std::string_view bytes) {
  char* p = out_.reserve(bytes.size() + 26);
  p[0] = '$';
  size_t len = 1 + formatInt64(p + 1, static_cast<long long>(bytes.size()));
  p[len++] = '\r';
  p[len++] = '\n';
  if (!bytes.empty()) std::memcpy(p + len, bytes.data(), bytes.size());
  len += bytes.size();
  p[len++] = '\r';
  p[len++] = '\n';
  out_.commit(len);
}

void ReplyWriter::bulkInteger(long long n) {
  char digits[24];
  size_t len = formatInt64(digits, n);
  bulk(std::string_view(digits, len));
}

void ReplyWriter::doubleValue(double d) {
  char text[40];
  size_t len = formatDouble(text, d);
  if (resp_ == 3) {
    char* p = out_.reserve(len + 3);
    p[0] = ',';
    std::memcpy(p + 1, text, len);
    p[len + 1] = '\r';
    p[len + 2] = '\n';
    out_.commit(len + 3);
  } else {
    bulk(std::string_view(text, len));
  }
}

void ReplyWriter::boolean(bool b) {
  if (resp_ == 3)
    out_.append(b ? "#t\r\n" : "#f\r\n", 4);
  else
    out_.append(b ? ":1\r\n" : ":0\r\n", 4);
}

void ReplyWriter::verbatim(std::string_view text, std::string_view fmt) {
  if (resp_ != 3) {
    bulk(text);
    return;
  }
  header('=', text.size() + 4);
  out_.append(fmt.data(), fmt.size() < 3 ? fmt.size() : 3);
  out_.push(':');
  out_.append(text.data(), text.size());
  out_.append("\r\n", 2);
}

}  // namespace rp
