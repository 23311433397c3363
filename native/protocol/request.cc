#include "protocol/request.h"

namespace rp {
namespace {

// Larger counts and lengths are left to TypeScript (they cannot be complete in one read anyway).
constexpr int64_t kMaxCount = 1 << 20;

// Reads a canonical decimal ("0" or no leading zero) ending in CRLF at data[pos]; -1 if not.
inline int64_t readNumber(const char* data, size_t length, size_t& pos) {
  size_t p = pos;
  int64_t value = 0;
  size_t digits = 0;
  while (p < length && data[p] >= '0' && data[p] <= '9') {
    value = value * 10 + (data[p] - '0');
    ++p;
    if (++digits > 7) return -1;
  }
  if (digits == 0 || (digits > 1 && data[pos] == '0')) return -1;
  if (p + 1 >= length || data[p] != '\r' || data[p + 1] != '\n') return -1;
  pos = p + 2;
  return value;
}

// Frames one plain inline command (redis-benchmark's PING_INLINE, telnet users): a line of
// printable words separated by spaces. Quotes, escapes, tabs, control bytes or an empty line are
// left to TypeScript's sdssplitargs. Returns the position after the line, or 0.
size_t frameInline(const char* data, size_t length, size_t pos, std::vector<int32_t>& frames) {
  size_t lf = pos;
  while (lf < length && data[lf] != '\n') ++lf;
  if (lf >= length) return 0;
  size_t end = lf > pos && data[lf - 1] == '\r' ? lf - 1 : lf;
  const size_t framesBefore = frames.size();
  frames.push_back(0);
  int32_t argc = 0;
  for (size_t p = pos; p < end;) {
    if (data[p] == ' ') {
      ++p;
      continue;
    }
    size_t word = p;
    while (p < end && data[p] != ' ') {
      const unsigned char c = static_cast<unsigned char>(data[p]);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '\'') {
        frames.resize(framesBefore);
        return 0;
      }
      ++p;
    }
    frames.push_back(static_cast<int32_t>(word));
    frames.push_back(static_cast<int32_t>(p - word));
    ++argc;
  }
  if (argc == 0) {
    frames.resize(framesBefore);
    return 0;
  }
  frames[framesBefore] = argc;
  return lf + 1;
}

}  // namespace

size_t frameCommands(const char* data, size_t length, std::vector<int32_t>& frames, std::vector<uint32_t>& starts) {
  size_t pos = 0;
  while (pos < length) {
    if (data[pos] != '*') {
      const size_t next = frameInline(data, length, pos, frames);
      if (next == 0) break;
      starts.push_back(static_cast<uint32_t>(pos));
      pos = next;
      continue;
    }
    const size_t commandStart = pos;
    const size_t framesBefore = frames.size();
    size_t p = pos + 1;
    int64_t argc = readNumber(data, length, p);
    if (argc <= 0 || argc > kMaxCount) break;
    frames.push_back(static_cast<int32_t>(argc));
    bool complete = true;
    for (int64_t a = 0; a < argc; ++a) {
      if (p >= length || data[p] != '$') {
        complete = false;
        break;
      }
      ++p;
      int64_t len = readNumber(data, length, p);
      if (len < 0 || static_cast<size_t>(len) + 2 > length - p || data[p + len] != '\r' || data[p + len + 1] != '\n') {
        complete = false;
        break;
      }
      frames.push_back(static_cast<int32_t>(p));
      frames.push_back(static_cast<int32_t>(len));
      p += static_cast<size_t>(len) + 2;
    }
    if (!complete) {
      frames.resize(framesBefore);
      break;
    }
    starts.push_back(static_cast<uint32_t>(commandStart));
    pos = p;
  }
  return pos;
}

}  // namespace rp
