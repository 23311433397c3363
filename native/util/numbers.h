// Number parsing and formatting with Redis 7.0's exact rules. Which strings count as numbers is
// visible to clients (INCR on "01" fails, "-0" is not an integer, INCRBYFLOAT accepts "0x10" and
// "+1" but not " 1"), and so is how results are printed (INCRBYFLOAT 1.1 + 2.2 answers "3.3"), so
// these functions are written to match redis-server byte for byte rather than to be "reasonable".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rp::num {

// ---- 64-bit integers ---------------------------------------------------------------------------

// Longest decimal int64 text: "-9223372036854775808" (20 bytes).
constexpr size_t kInt64MaxChars = 20;

// Strict decimal integer, the only form Redis accepts for integer arguments and integer values:
// an optional '-', then digits with no leading zero (except "0" itself), nothing else (no '+', no
// spaces, no "-0"), within [INT64_MIN, INT64_MAX]. Returns false and leaves `out` alone otherwise.
bool parseInt64(std::string_view text, int64_t& out);

// Writes v in decimal into buf (room for kInt64MaxChars bytes); returns the length. No terminator.
size_t formatInt64(int64_t v, char* buf);

// True when Redis would store `text` as an int-encoded string (OBJECT ENCODING "int"): it is at
// most 20 bytes and parseInt64 accepts it. `value` receives the integer when true.
inline bool isIntEncodable(std::string_view text, int64_t& value) {
  return text.size() <= kInt64MaxChars && parseInt64(text, value);
}

// sum = a + b; returns true (and leaves sum unspecified) when the addition overflows int64.
inline bool addOverflows(int64_t a, int64_t b, int64_t& sum) { return __builtin_add_overflow(a, b, &sum); }

// ---- long double (INCRBYFLOAT, HINCRBYFLOAT) ---------------------------------------------------

// Redis refuses float texts of this many bytes or more.
constexpr size_t kLongDoubleMaxChars = 5 * 1024;

// Float text as INCRBYFLOAT accepts it: whatever the C library's strtold parses over the WHOLE
// text (so "+1", ".5", "5.", "1e3", "0x10", "0x1p3", "inf", "infinity" are accepted), except an
// empty text, a text of kLongDoubleMaxChars bytes or more, a leading whitespace character, NaN, and
// a result that overflows to infinity or underflows to zero (subnormal results are accepted).
// The caller reports failure as "ERR value is not a valid float".
bool parseLongDouble(std::string_view text, long double& out);

// Buffer size that always fits formatLongDouble's output (the largest finite long double printed
// with 17 decimals is about 4950 bytes).
constexpr size_t kLongDoubleFormatBuffer = kLongDoubleMaxChars;

// INCRBYFLOAT's reply/stored form: fixed notation with 17 decimals, then trailing zeros and a
// trailing '.' removed, and "-0" printed as "0" (10.5, 5.0e3 -> "5000", 3.0 -> "3", 1e-18 -> "0").
// Infinities print as "inf"/"-inf", NaN as "nan" (INCRBYFLOAT refuses those before formatting).
// buf must hold kLongDoubleFormatBuffer bytes. Returns the length (no terminator is guaranteed).
size_t formatLongDouble(long double value, char* buf);

// ---- double (sorted-set scores) ----------------------------------------------------------------

// Room for any formatDouble output ("-2.2250738585072014e-308" is 24 bytes).
constexpr size_t kDoubleFormatBuffer = 32;

// Score text as Redis's getDoubleFromObject accepts it: strtod over the whole text, refusing an
// empty text, leading whitespace, NaN and overflow/underflow-to-zero ("inf", "-inf", "+inf" are
// accepted). The caller reports failure as "ERR value is not a valid float".
bool parseDouble(std::string_view text, double& out);

// Redis 7.0's reply form of a double: "%.17g", with "inf" / "-inf" / "nan" spelled out.
// buf must hold kDoubleFormatBuffer bytes. Returns the length (no terminator is guaranteed).
size_t formatDouble(double value, char* buf);

}  // namespace rp::num
