#include "engine/glob.h"

#include <cctype>

namespace rp {

namespace {

constexpr int kMaxNesting = 1000;

inline int fold(int c, bool nocase) {
  return nocase ? std::tolower(static_cast<unsigned char>(c)) : c;
}

// p/pl: pattern; s/sl: text. skipLonger is set when a '*' failed against every suffix: earlier
// '*'s then cannot succeed by consuming more of the text.
bool match(const signed char* p, size_t pl, const signed char* s, size_t sl, bool nocase, bool& skipLonger,
           int nesting) {
  if (nesting > kMaxNesting) return false;
  while (pl && sl) {
    switch (p[0]) {
      case '*': {
        while (pl > 1 && p[1] == '*') {
          ++p;
          --pl;
        }
        if (pl == 1) return true;
        while (sl) {
          if (match(p + 1, pl - 1, s, sl, nocase, skipLonger, nesting + 1)) return true;
          if (skipLonger) return false;
          ++s;
          --sl;
        }
        skipLonger = true;
        return false;
      }
      case '?':
        ++s;
        --sl;
        break;
      case '[': {
        ++p;
        --pl;
        bool negate = pl > 0 && p[0] == '^';
        if (negate) {
          ++p;
          --pl;
        }
        bool matched = false;
        for (;;) {
          if (pl == 0) {
            // Unterminated class: it ends with the pattern.
            --p;
            ++pl;
            break;
          }
          if (p[0] == '\\' && pl >= 2) {
            ++p;
            --pl;
            if (fold(p[0], nocase) == fold(s[0], nocase)) matched = true;
          } else if (p[0] == ']') {
            break;
          } else if (pl >= 3 && p[1] == '-') {
            int lo = p[0], hi = p[2], c = s[0];
            if (lo > hi) std::swap(lo, hi);
            if (nocase) {
              lo = std::tolower(static_cast<unsigned char>(lo));
              hi = std::tolower(static_cast<unsigned char>(hi));
              c = std::tolower(static_cast<unsigned char>(c));
            }
            p += 2;
            pl -= 2;
            if (c >= lo && c <= hi) matched = true;
          } else if (fold(p[0], nocase) == fold(s[0], nocase)) {
            matched = true;
          }
          ++p;
          --pl;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        ++s;
        --sl;
        break;
      }
      case '\\':
        if (pl >= 2) {
          ++p;
          --pl;
        }
        [[fallthrough]];
      default:
        if (fold(p[0], nocase) != fold(s[0], nocase)) return false;
        ++s;
        --sl;
        break;
    }
    ++p;
    --pl;
    if (sl == 0) {
      while (pl && p[0] == '*') {
        ++p;
        --pl;
      }
      break;
    }
  }
  return pl == 0 && sl == 0;
}

}  // namespace

bool globMatch(std::string_view pattern, std::string_view text, bool nocase) {
  bool skipLonger = false;
  return match(reinterpret_cast<const signed char*>(pattern.data()), pattern.size(),
               reinterpret_cast<const signed char*>(text.data()), text.size(), nocase, skipLonger, 0);
}

}  // namespace rp
