#include "util/numbers.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace rp::num {

bool parseInt64(std::string_view text, int64_t& out) {
  const size_t n = text.size();
  if (n == 0 || n > kInt64MaxChars) return false;
  if (n == 1 && text[0] == '0') {
    out = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) i = 1;
  // A number starts with 1-9: this refuses "", "-", leading zeros and "-0" in one test.
  if (i == n || text[i] < '1' || text[i] > '9') return false;
  uint64_t magnitude = 0;
  for (; i < n; ++i) {
    const unsigned digit = static_cast<unsigned char>(text[i]) - '0';
    if (digit > 9) return false;
    if (magnitude > (UINT64_MAX - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (magnitude > kMaxPositive + 1) return false;
    // -(2^63) is representable only by going through the unsigned negation.
    out = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > kMaxPositive) return false;
    out = static_cast<int64_t>(magnitude);
  }
  return true;
}

namespace {
// "00010203...99": two digits per table read halves the divisions.
constexpr char kDigitPairs[] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t digitCount(uint64_t v) {
  size_t count = 1;
  while (v >= 10) {
    v /= 10;
    ++count;
  }
  return count;
}
}  // namespace

size_t formatInt64(int64_t v, char* buf) {
  size_t length = 0;
  uint64_t magnitude = static_cast<uint64_t>(v);
  if (v < 0) {
    buf[length++] = '-';
    magnitude = 0 - magnitude;
  }
  const size_t digits = digitCount(magnitude);
  char* end = buf + length + digits;
  char* p = end;
  while (magnitude >= 100) {
    const unsigned pair = static_cast<unsigned>(magnitude % 100) * 2;
    magnitude /= 100;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  }
  if (magnitude >= 10) {
    const unsigned pair = static_cast<unsigned>(magnitude) * 2;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  } else {
    *--p = static_cast<char>('0' + magnitude);
  }
  return length + digits;
}

bool parseLongDouble(std::string_view text, long double& out) {
  if (text.empty() || text.size() >= kLongDoubleMaxChars) return false;
  if (std::isspace(static_cast<unsigned char>(text[0]))) return false;
  // strtold needs a terminator; the length cap keeps the copy on the stack.
  char terminated[kLongDoubleMaxChars];
  std::memcpy(terminated, text.data(), text.size());
  terminated[text.size()] = '\0';
  char* end = nullptr;
  errno = 0;
  const long double value = std::strtold(terminated, &end);
  // Comparing with the length (not just *end == 0) also refuses texts with an embedded NUL.
  if (static_cast<size_t>(end - terminated) != text.size()) return false;
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return false;
  if (std::isnan(value)) return false;
  out = value;
  return true;
}

size_t formatLongDouble(long double value, char* buf) {
  if (std::isinf(value)) {
    const char* text = value > 0 ? "inf" : "-inf";
    const size_t length = std::strlen(text);
    std::memcpy(buf, text, length);
    return length;
  }
  if (std::isnan(value)) {
    std::memcpy(buf, "nan", 3);
    return 3;
  }
  const int printed = std::snprintf(buf, kLongDoubleFormatBuffer, "%.17Lf", value);
  if (printed <= 0 || static_cast<size_t>(printed) >= kLongDoubleFormatBuffer) return 0;
  size_t length = static_cast<size_t>(printed);
  // "%.17Lf" always prints a '.', so trimming zeros never eats integer digits.
  if (std::memchr(buf, '.', length) != nullptr) {
    while (buf[length - 1] == '0') --length;
    if (buf[length - 1] == '.') --length;
  }
  if (length == 2 && buf[0] == '-' && buf[1] == '0') {
    buf[0] = '0';
    length = 1;
  }
  return length;
}

bool parseDouble(std::string_view text, double& out) {
  if (text.empty()) return false;
  if (std::isspace(static_cast<unsigned char>(text[0]))) return false;
  // Scores are short; a longer text (still legal, e.g. many leading zeros) goes to the heap.
  constexpr size_t kStackChars = 128;
  char stackCopy[kStackChars];
  std::string heapCopy;
  const char* terminated;
  if (text.size() < kStackChars) {
    std::memcpy(stackCopy, text.data(), text.size());
    stackCopy[text.size()] = '\0';
    terminated = stackCopy;
  } else {
    heapCopy.assign(text);
    terminated = heapCopy.c_str();
  }
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(terminated, &end);
  if (static_cast<size_t>(end - terminated) != text.size()) return false;
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return false;
  if (std::isnan(value)) return false;
  out = value;
  return true;
}

size_t formatDouble(double value, char* buf) {
  if (std::isinf(value)) {
    if (value > 0) {
      std::memcpy(buf, "inf", 3);
      return 3;
    }
    std::memcpy(buf, "-inf", 4);
    return 4;
  }
  const int printed = std::snprintf(buf, kDoubleFormatBuffer, "%.17g", value);
  return printed > 0 ? static_cast<size_t>(printed) : 0;
}

}  // namespace rp::num
