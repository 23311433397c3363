// Inline parts of keyspace.h (hot accessors and the iteration templates). Included by keyspace.h.
#pragma once

#include "engine/entry.h"

namespace rp {

inline char* KeyRef::entry() const { return db_->pool_.at(ref_); }

inline std::string_view KeyRef::key() const { return entry::key(entry()); }

inline ObjType KeyRef::type() const {
  return static_cast<ObjType>((entry::meta(entry()) & entry::kTypeMask) >> entry::kTypeShift);
}

inline StrEncoding KeyRef::stringEncoding() const {
  return static_cast<StrEncoding>((entry::meta(entry()) & entry::kEncMask) >> entry::kEncShift);
}

inline long long KeyRef::expireAt() const { return entry::expireAt(entry()); }

inline uint32_t KeyRef::lruField() const { return entry::meta(entry()) & entry::kLruMask; }

inline long long KeyRef::intValue() const {
  const char* e = entry();
  return entry::load<long long>(e + entry::valueOffset(e, entry::meta(e)));
}

template <typename Fn>
uint64_t Db::scanStep(uint64_t cursor, Fn&& fn) {
  return keys_.scan(pool_, cursor, [&](uint32_t ref) {
    KeyRef k;
    k.db_ = this;
    k.ref_ = ref;
    fn(static_cast<const KeyRef&>(k));
  });
}

template <typename Fn>
void Db::forEach(Fn&& fn) {
  keys_.forEach(pool_, [&](uint32_t ref) {
    KeyRef k;
    k.db_ = this;
    k.ref_ = ref;
    fn(static_cast<const KeyRef&>(k));
  });
}

}  // namespace rp
