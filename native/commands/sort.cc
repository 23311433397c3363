// SORT and SORT_RO over lists, sets and sorted sets (Redis 7.0.15 semantics).
//
// What clients can see, and is therefore kept exactly:
//  - Options are parsed before the key is looked up (a bad LIMIT on a string key is a LIMIT
//    error), then a key of another type is WRONGTYPE. SORT_RO refuses STORE as a syntax error.
//  - BY with a pattern that has no '*' (e.g. "nosort") skips sorting: lists come out in list order
//    (reversed by DESC), sorted sets in score order (reversed by DESC), both with LIMIT applied
//    directly to the range; sets in their own order. With STORE, a set is sorted ALPHA anyway so
//    the stored list is deterministic (Redis does that for replication).
//  - Numeric sorting parses each weight with strtod over its C string (leading spaces, "0x10",
//    "inf" accepted; trailing garbage, NaN or ERANGE refused with "ERR One or more scores can't be
//    converted into double"); a missing weight key counts as 0; equal scores are ordered by the
//    element bytes. ALPHA compares bytes (strcmp-like, up to a NUL, as strcoll does in the C locale)
//    or, with STORE, by memcmp then length; ALPHA BY compares the weights, a missing weight first.
//  - Patterns: "#" is the element itself; otherwise the first '*' is replaced by the element, and
//    "->field" after it reads a hash field. A pattern without '*' (GET) yields nil. A string key
//    (or a hash for ->field) is required, anything else is nil.
//  - Redis converts a listpack sorted set to a skiplist when it is SORTed (OBJECT ENCODING shows
//    it); so does this.
//  - STORE writes a list (or deletes the destination when the result is empty) and replies its
//    length; GET of a missing key stores "".
// Complexity: O(N + M log M) like Redis; BY nosort with LIMIT on a list or sorted set reads only the
// range.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/context.h"
#include "commands/registry.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"

namespace rp {
namespace {

struct SortItem {
  explicit SortItem(std::string e) : element(std::move(e)) {}
  std::string element;
  double score = 0;
  std::optional<std::string> weight;  // ALPHA BY: the weight text, absent when the key is missing
};

// The part of a C string Redis's strchr/strstr see: up to the first NUL.
std::string_view cPart(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// Redis's lookupKeyByPattern: the value the pattern names for `element`, or nothing.
std::optional<std::string> lookupByPattern(CommandContext& c, std::string_view pattern, std::string_view element,
                                           bool write) {
  std::string_view cpat = cPart(pattern);
  if (cpat.size() == 1 && cpat[0] == '#') return std::string(element);
  size_t star = cpat.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t arrow = cpat.find("->", star + 1);
  std::string_view field;
  size_t fieldLen = 0;
  if (arrow != std::string_view::npos && arrow + 2 < cpat.size()) {
    fieldLen = pattern.size() - arrow - 2;
    field = pattern.substr(arrow + 2, fieldLen);
  }
  size_t postfixLen = pattern.size() - (star + 1) - (fieldLen ? fieldLen + 2 : 0);
  std::string key;
  key.reserve(star + element.size() + postfixLen);
  key.append(pattern.substr(0, star));
  key.append(element);
  key.append(pattern.substr(star + 1, postfixLen));
  KeyRef ref = write ? c.db.lookupWrite(key) : c.db.lookupRead(key);
  if (!ref) return std::nullopt;
  if (fieldLen) {
    HashValue* hash = hashOf(ref);
    if (!hash) return std::nullopt;
    std::string_view value;
    if (!hash->find(field, value)) return std::nullopt;
    return std::string(value);
  }
  if (!ref.isString()) return std::nullopt;
  IntText scratch;
  return std::string(ref.stringView(scratch));
}

// strtod over the C string, as Redis's SORT parses weights. False when Redis would refuse it.
bool parseWeight(const std::string& text, double& out) {
  errno = 0;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(out);
}

int compareBinary(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int cmp = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (cmp != 0) return cmp;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// strcoll in the C locale: strcmp over the C strings.
int compareCollate(std::string_view a, std::string_view b) { return compareBinary(cPart(a), cPart(b)); }

void sortGeneric(CommandContext& c, bool readonly) {
  bool desc = false, alpha = false, dontsort = false, syntaxError = false;
  long long limitStart = 0, limitCount = -1;
  std::optional<std::string_view> sortBy, storeKey;
  std::vector<std::string_view> gets;
  for (int j = 2; j < c.argc(); ++j) {
    int left = c.argc() - j - 1;
    std::string_view a = c.arg(j);
    if (equalsIgnoreCase(a, "asc")) {
      desc = false;
    } else if (equalsIgnoreCase(a, "desc")) {
      desc = true;
    } else if (equalsIgnoreCase(a, "alpha")) {
      alpha = true;
    } else if (equalsIgnoreCase(a, "limit") && left >= 2) {
      if (!c.argLongLong(j + 1, limitStart) || !c.argLongLong(j + 2, limitCount)) return;
      j += 2;
    } else if (equalsIgnoreCase(a, "store") && left >= 1 && !readonly) {
      storeKey = c.arg(j + 1);
      ++j;
    } else if (equalsIgnoreCase(a, "by") && left >= 1) {
      sortBy = c.arg(j + 1);
      if (cPart(*sortBy).find('*') == std::string_view::npos) dontsort = true;
      ++j;
    } else if (equalsIgnoreCase(a, "get") && left >= 1) {
      gets.push_back(c.arg(j + 1));
      ++j;
    } else {
      syntaxError = true;
      break;
    }
  }
  if (syntaxError) {
    c.syntaxError();
    return;
  }
  const bool store = storeKey.has_value();

  KeyRef ref = c.db.lookup(c.arg(1), store ? kLookupWrite : kLookupRead);
  ObjType type = ref ? ref.type() : ObjType::List;
  if (ref && type != ObjType::List && type != ObjType::Set && type != ObjType::ZSet) {
    c.wrongType();
    return;
  }
  Value* value = ref ? ref.object() : nullptr;

  if (dontsort && type == ObjType::Set && store) {
    // A stored result must not depend on the set's internal order.
    dontsort = false;
    alpha = true;
    sortBy.reset();
  }
  if (value && type == ObjType::ZSet) {
    auto* z = static_cast<ZSet*>(value);
    if (z->encoding() == ZSet::Encoding::Listpack) {
      size_t oldBytes = z->memoryUsage();
      z->convertToSkipList();
      c.db.objectResized(ref, oldBytes);
    }
  }

  long long vectorLen = 0;
  if (value) {
    if (type == ObjType::List) vectorLen = static_cast<long long>(static_cast<ListValue*>(value)->length());
    if (type == ObjType::Set) vectorLen = static_cast<long long>(static_cast<SetValue*>(value)->size());
    if (type == ObjType::ZSet) vectorLen = static_cast<long long>(static_cast<ZSet*>(value)->size());
  }
  long long start = limitStart < 0 ? 0 : limitStart;
  long long end = limitCount < 0 ? vectorLen - 1 : start + limitCount - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;

  // Load the elements (only the LIMIT range when nothing is sorted and the type is ordered).
  std::vector<SortItem> items;
  if (value && type == ObjType::List && dontsort) {
    auto* list = static_cast<ListValue*>(value);
    if (end >= start) {
      items.reserve(static_cast<size_t>(end - start + 1));
      ListValue::Cursor it = list->at(desc ? -start - 1 : start);
      for (long long n = end - start + 1; n > 0 && it.valid(); --n) {
        items.push_back(SortItem(std::string(it.value())));
        desc ? it.prev() : it.next();
      }
    }
    end -= start;
    start = 0;
  } else if (value && type == ObjType::ZSet && dontsort) {
    auto* z = static_cast<ZSet*>(value);
    if (end >= start) {
      items.reserve(static_cast<size_t>(end - start + 1));
      size_t size = z->size();
      size_t first = desc ? size - 1 - static_cast<size_t>(end) : static_cast<size_t>(start);
      size_t last = desc ? size - 1 - static_cast<size_t>(start) : static_cast<size_t>(end);
      z->forRange(first, last, desc, [&items](std::string_view m, double) { items.push_back(SortItem(std::string(m))); });
    }
    end -= start;
    start = 0;
  } else if (value) {
    items.reserve(static_cast<size_t>(vectorLen));
    auto add = [&items](std::string_view m) { items.push_back(SortItem(std::string(m))); };
    if (type == ObjType::List) static_cast<ListValue*>(value)->forEach(add);
    if (type == ObjType::Set) static_cast<SetValue*>(value)->forEach(add);
    if (type == ObjType::ZSet) static_cast<ZSet*>(value)->forEach([&add](std::string_view m, double) { add(m); });
  }
  // `ref` and `value` may die from here on (pattern lookups); only `items` is used.

  bool conversionError = false;
  if (!dontsort) {
    for (SortItem& item : items) {
      std::optional<std::string> byText;
      if (sortBy) {
        byText = lookupByPattern(c, *sortBy, item.element, store);
        if (!byText) continue;
      }
      if (alpha) {
        if (sortBy) item.weight = std::move(byText);
      } else {
        const std::string& text = sortBy ? *byText : item.element;
        if (!parseWeight(text, item.score)) conversionError = true;
      }
    }
    if (!conversionError) {
      const bool byPattern = sortBy.has_value();
      auto less = [&](const SortItem& a, const SortItem& b) {
        int cmp;
        if (!alpha) {
          if (a.score > b.score)
            cmp = 1;
          else if (a.score < b.score)
            cmp = -1;
          else
            cmp = compareBinary(a.element, b.element);
        } else if (byPattern) {
          if (!a.weight || !b.weight)
            cmp = (a.weight.has_value() == b.weight.has_value()) ? 0 : (!a.weight ? -1 : 1);
          else
            cmp = store ? compareBinary(*a.weight, *b.weight) : compareCollate(*a.weight, *b.weight);
        } else {
          cmp = store ? compareBinary(a.element, b.element) : compareCollate(a.element, b.element);
        }
        return desc ? cmp > 0 : cmp < 0;
      };
      std::stable_sort(items.begin(), items.end(), less);
    }
  }

  if (conversionError) {
    c.reply.error("ERR One or more scores can't be converted into double");
    return;
  }
  long long count = end >= start ? end - start + 1 : 0;
  long long outputLen = gets.empty() ? count : static_cast<long long>(gets.size()) * count;
  if (!store) {
    c.reply.arrayHeader(static_cast<size_t>(outputLen));
    for (long long j = start; j <= end; ++j) {
      const std::string& element = items[static_cast<size_t>(j)].element;
      if (gets.empty()) c.reply.bulk(element);
      for (std::string_view pattern : gets) {
        std::optional<std::string> v = lookupByPattern(c, pattern, element, false);
        if (v)
          c.reply.bulk(*v);
        else
          c.reply.nullBulk();
      }
    }
    return;
  }
  auto list = ListValue::create(c.engine.limits());
  for (long long j = start; j <= end; ++j) {
    const std::string& element = items[static_cast<size_t>(j)].element;
    if (gets.empty()) list->pushBack(element);
    for (std::string_view pattern : gets) {
      std::optional<std::string> v = lookupByPattern(c, pattern, element, true);
      list->pushBack(v ? std::string_view(*v) : std::string_view());
    }
  }
  if (outputLen > 0) {
    c.db.setObject(*storeKey, std::move(list), Ttl::Clear);
    c.signalKeyReady(*storeKey);
    c.addDirty(outputLen);
    c.notify(kNotifyList, "sortstore", *storeKey);
  } else if (c.db.remove(*storeKey)) {
    c.addDirty();
    c.notify(kNotifyGeneric, "del", *storeKey);
  }
  c.reply.integer(outputLen);
}

void sortCommand(CommandContext& c) { sortGeneric(c, false); }
void sortRoCommand(CommandContext& c) { sortGeneric(c, true); }

}  // namespace

static const CommandFamily kSortCommands{{
    {"sort", sortCommand},
    {"sort_ro", sortRoCommand},
}};

}  // namespace rp
