// The sorted set value: the listpack and skip-list encodings (see zset.h).
#include "types/zset.h"

#include <malloc.h>

#include <cmath>
#include <cstdlib>
#include <new>
#include <random>

#include "engine/engine.h"
#include "util/varint.h"

namespace rp {
namespace {

// ---- listpack entry coding ---------------------------------------------------------------------



enum ScoreTag : unsigned char { kInt8 = 0, kInt16 = 1, kInt32 = 2, kDouble = 3 };

size_t scorePayload(unsigned char tag) {
  switch (tag) {
    case kInt8: return 1;
    case kInt16: return 2;
    case kInt32: return 4;
    default: return 8;
  }
}

unsigned char scoreTagFor(double s) {
  // -0.0 becomes 0 here, as in Redis's listpack (it stores the integer text "0"); the skip list
  // keeps the sign.
  if (s >= -128 && s <= 127 && s == std::floor(s)) return kInt8;
  if (s >= -32768 && s <= 32767 && s == std::floor(s)) return kInt16;
  if (s >= -2147483648.0 && s <= 2147483647.0 && s == std::floor(s)) return kInt32;
  return kDouble;
}

void writeScore(char* p, unsigned char tag, double s) {
  p[0] = static_cast<char>(tag);
  switch (tag) {
    case kInt8: {
      auto v = static_cast<int8_t>(s);
      std::memcpy(p + 1, &v, 1);
      break;
    }
    case kInt16: {
      auto v = static_cast<int16_t>(s);
      std::memcpy(p + 1, &v, 2);
      break;
    }
    case kInt32: {
      auto v = static_cast<int32_t>(s);
      std::memcpy(p + 1, &v, 4);
      break;
    }
    default: std::memcpy(p + 1, &s, 8);
  }
}

double readScore(const char* p) {
  switch (static_cast<unsigned char>(p[0])) {
    case kInt8: {
      int8_t v;
      std::memcpy(&v, p + 1, 1);
      return v;
    }
    case kInt16: {
      int16_t v;
      std::memcpy(&v, p + 1, 2);
      return v;
    }
    case kInt32: {
      int32_t v;
      std::memcpy(&v, p + 1, 4);
      return v;
    }
    default: {
      double v;
      std::memcpy(&v, p + 1, 8);
      return v;
    }
  }
}

// True when (s1, m1) sorts before (s2, m2).
inline bool before(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && compareMembers(m1, m2) < 0);
}

// Lex interval tests (Redis's zslLexValueGteMin / LteMax).
bool lexGteMin(std::string_view m, const LexRange& r) {
  if (r.minNegInf) return true;
  if (r.minPosInf) return false;
  int c = compareMembers(m, r.min);
  return r.minExclusive ? c > 0 : c >= 0;
}
bool lexLteMax(std::string_view m, const LexRange& r) {
  if (r.maxPosInf) return true;
  if (r.maxNegInf) return false;
  int c = compareMembers(m, r.max);
  return r.maxExclusive ? c < 0 : c <= 0;
}

}  // namespace

// ---- ZListpack ---------------------------------------------------------------------------------

void ZListpack::copyFrom(const ZListpack& other) {
  clear();
  if (other.used_) {
    data_ = static_cast<char*>(std::malloc(other.used_));
    if (!data_) throw std::bad_alloc();
    std::memcpy(data_, other.data_, other.used_);
    used_ = capacity_ = other.used_;
    count_ = other.count_;
  }
}

void ZListpack::swap(ZListpack& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(used_, other.used_);
  std::swap(capacity_, other.capacity_);
  std::swap(count_, other.count_);
}

ZListpack::~ZListpack() { std::free(data_); }

size_t ZListpack::allocated() const { return data_ ? malloc_usable_size(data_) : 0; }

void ZListpack::clear() {
  std::free(data_);
  data_ = nullptr;
  used_ = capacity_ = count_ = 0;
}

void ZListpack::reserveFor(size_t extra) {
  if (used_ + extra <= capacity_) return;
  size_t want = used_ + extra;
  // Grow geometrically only beyond a small size: small sets stay tight.
  size_t cap = want < 256 ? want : std::max<size_t>(want, capacity_ + capacity_ / 4);
  char* p = static_cast<char*>(std::realloc(data_, cap));
  if (!p) throw std::bad_alloc();
  data_ = p;
  capacity_ = static_cast<uint32_t>(cap);
}

std::string_view ZListpack::memberAt(size_t offset) const {
  size_t len;
  size_t n = varint::read(data_ + offset, len);
  return {data_ + offset + n, len};
}

double ZListpack::scoreAt(size_t offset) const {
  size_t len;
  size_t n = varint::read(data_ + offset, len);
  return readScore(data_ + offset + n + len);
}

size_t ZListpack::next(size_t offset) const {
  size_t len;
  size_t n = varint::read(data_ + offset, len);
  const char* tag = data_ + offset + n + len;
  return offset + n + len + 1 + scorePayload(static_cast<unsigned char>(*tag));
}

size_t ZListpack::offsetOfRank(size_t rank) const {
  size_t off = 0;
  for (size_t i = 0; i < rank; ++i) off = next(off);
  return off;
}

size_t ZListpack::find(std::string_view member) const {
  for (size_t off = 0; off < used_; off = next(off)) {
    if (memberAt(off) == member) return off;
  }
  return used_;
}

void ZListpack::insert(std::string_view member, double score) {
  size_t pos = 0;
  while (pos < used_) {
    if (before(score, member, scoreAt(pos), memberAt(pos))) break;
    pos = next(pos);
  }
  unsigned char tag = scoreTagFor(score);
  size_t body = varint::size(member.size()) + member.size() + 1 + scorePayload(tag);
  size_t total = body;
  reserveFor(total);
  std::memmove(data_ + pos + total, data_ + pos, used_ - pos);
  char* p = data_ + pos;
  size_t n = varint::write(p, member.size());
  if (!member.empty()) std::memcpy(p + n, member.data(), member.size());
  writeScore(p + n + member.size(), tag, score);
  used_ += static_cast<uint32_t>(total);
  ++count_;
}

void ZListpack::eraseRun(size_t offset, size_t n) {
  size_t endOff = offset;
  for (size_t i = 0; i < n && endOff < used_; ++i) endOff = next(endOff);
  std::memmove(data_ + offset, data_ + endOff, used_ - endOff);
  used_ -= static_cast<uint32_t>(endOff - offset);
  count_ -= static_cast<uint32_t>(n);
  if (count_ == 0) {
    clear();
  } else if (capacity_ > 64 && used_ < capacity_ / 2) {
    char* p = static_cast<char*>(std::realloc(data_, used_));
    if (p) {
      data_ = p;
      capacity_ = used_;
    }
  }
}

void ZListpack::eraseAt(size_t offset) { eraseRun(offset, 1); }

// ---- ZSkipList ---------------------------------------------------------------------------------

namespace {
ZNode* allocNode(int height, double score, std::string_view member, size_t& allocated) {
  size_t bytes = offsetof(ZNode, levels) + sizeof(ZLevel) * static_cast<size_t>(height) + member.size();
  auto* x = static_cast<ZNode*>(std::malloc(bytes));
  if (!x) throw std::bad_alloc();
  x->chainNext = nullptr;
  x->score = score;
  x->backward = nullptr;
  x->length = static_cast<uint32_t>(member.size());
  x->height = static_cast<uint8_t>(height);
  for (int i = 0; i < height; ++i) x->levels[i] = {nullptr, 0};
  if (!member.empty()) std::memcpy(reinterpret_cast<char*>(x->levels + height), member.data(), member.size());
  allocated += malloc_usable_size(x);
  return x;
}

std::mt19937_64& levelRng() {
  static std::mt19937_64 rng{0x5eed2025};
  return rng;
}
}  // namespace

ZSkipList::ZSkipList() { header_ = allocNode(kMaxLevel, 0, {}, allocated_); }

ZSkipList::~ZSkipList() {
  ZNode* x = header_->levels[0].forward;
  while (x) {
    ZNode* next = x->levels[0].forward;
    std::free(x);
    x = next;
  }
  std::free(header_);
}

void ZSkipList::freeNode(ZNode* x) {
  allocated_ -= malloc_usable_size(x);
  std::free(x);
}

int ZSkipList::randomLevel() {
  // Probability 1/4 per extra level, as Redis.
  int level = 1;
  uint64_t r = levelRng()();
  while ((r & 3) == 0 && level < kMaxLevel) {
    ++level;
    r >>= 2;
    if (r == 0) r = levelRng()();
  }
  return level;
}

ZNode* ZSkipList::insert(double score, std::string_view member) {
  ZNode* x = allocNode(randomLevel(), score, member, allocated_);
  link(x);
  return x;
}

void ZSkipList::link(ZNode* x) {
  const double score = x->score;
  const std::string_view member = x->member();
  ZNode* update[kMaxLevel];
  size_t rank[kMaxLevel];
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (p->levels[i].forward && before(p->levels[i].forward->score, p->levels[i].forward->member(), score, member)) {
      rank[i] += p->levels[i].span;
      p = p->levels[i].forward;
    }
    update[i] = p;
  }
  const int level = x->height;
  if (level > level_) {
    for (int i = level_; i < level; ++i) {
      rank[i] = 0;
      update[i] = header_;
      update[i]->levels[i].span = length_;
    }
    level_ = level;
  }
  for (int i = 0; i < level; ++i) {
    x->levels[i].forward = update[i]->levels[i].forward;
    update[i]->levels[i].forward = x;
    x->levels[i].span = update[i]->levels[i].span - (rank[0] - rank[i]);
    update[i]->levels[i].span = (rank[0] - rank[i]) + 1;
  }
  for (int i = level; i < level_; ++i) update[i]->levels[i].span++;
  x->backward = update[0] == header_ ? nullptr : update[0];
  if (x->levels[0].forward) {
    x->levels[0].forward->backward = x;
  } else {
    tail_ = x;
  }
  ++length_;
}

void ZSkipList::updateScore(ZNode* x, double newScore) {
  ZNode* update[kMaxLevel];
  ZNode* p = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (p->levels[i].forward && p->levels[i].forward != x &&
           before(p->levels[i].forward->score, p->levels[i].forward->member(), x->score, x->member())) {
      p = p->levels[i].forward;
    }
    update[i] = p;
  }
  unlink(x, update);
  x->score = newScore;
  x->backward = nullptr;
  for (int i = 0; i < x->height; ++i) x->levels[i] = {nullptr, 0};
  link(x);
}

void ZSkipList::unlink(ZNode* x, ZNode** update) {
  for (int i = 0; i < level_; ++i) {
    if (update[i]->levels[i].forward == x) {
      update[i]->levels[i].span += x->levels[i].span - 1;
      update[i]->levels[i].forward = x->levels[i].forward;
    } else {
      update[i]->levels[i].span -= 1;
    }
  }
  if (x->levels[0].forward) {
    x->levels[0].forward->backward = x->backward;
  } else {
    tail_ = x->backward;
  }
  while (level_ > 1 && header_->levels[level_ - 1].forward == nullptr) --level_;
  --length_;
}

void ZSkipList::erase(double score, std::string_view member) {
  ZNode* update[kMaxLevel];
  ZNode* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels[i].forward && before(x->levels[i].forward->score, x->levels[i].forward->member(), score, member)) {
      x = x->levels[i].forward;
    }
    update[i] = x;
  }
  x = x->levels[0].forward;
  if (x && x->score == score && x->member() == member) {
    unlink(x, update);
    freeNode(x);
  }
}

void ZSkipList::collectUpdateForRank(size_t rank, ZNode** update, size_t* ranks) const {
  // update[i]: the last node at level i whose 1-based rank is <= `rank` (0-based target).
  ZNode* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels[i].forward && traversed + x->levels[i].span <= rank) {
      traversed += x->levels[i].span;
      x = x->levels[i].forward;
    }
    update[i] = x;
    ranks[i] = traversed;
  }
}

ZNode* ZSkipList::nodeAt(size_t rank) const {
  // 1-based target rank + 1.
  size_t target = rank + 1;
  ZNode* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels[i].forward && traversed + x->levels[i].span <= target) {
      traversed += x->levels[i].span;
      x = x->levels[i].forward;
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

size_t ZSkipList::rankOf(double score, std::string_view member) const {
  ZNode* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels[i].forward) {
      ZNode* f = x->levels[i].forward;
      if (f->score < score || (f->score == score && compareMembers(f->member(), member) <= 0)) {
        rank += x->levels[i].span;
        x = f;
      } else {
        break;
      }
    }
    if (x != header_ && x->score == score && x->member() == member) return rank - 1;
  }
  return rank - 1;
}

size_t ZSkipList::countBelowScore(double min, bool exclusive) const {
  ZNode* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels[i].forward &&
           (exclusive ? x->levels[i].forward->score <= min : x->levels[i].forward->score < min)) {
      rank += x->levels[i].span;
      x = x->levels[i].forward;
    }
  }
  return rank;
}

size_t ZSkipList::countUpToScore(double max, bool exclusive) const {
  ZNode* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels[i].forward &&
           (exclusive ? x->levels[i].forward->score < max : x->levels[i].forward->score <= max)) {
      rank += x->levels[i].span;
      x = x->levels[i].forward;
    }
  }
  return rank;
}

size_t ZSkipList::countBelowLex(const LexRange& r) const {
  ZNode* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels[i].forward && !lexGteMin(x->levels[i].forward->member(), r)) {
      rank += x->levels[i].span;
      x = x->levels[i].forward;
    }
  }
  return rank;
}

size_t ZSkipList::countUpToLex(const LexRange& r) const {
  ZNode* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels[i].forward && lexLteMax(x->levels[i].forward->member(), r)) {
      rank += x->levels[i].span;
      x = x->levels[i].forward;
    }
  }
  return rank;
}

// ---- ZSet --------------------------------------------------------------------------------------

ZSet::ZSet(bool skiplist) {
  if (skiplist) {
    large_ = std::make_unique<Large>();
  }
}

ZSet::~ZSet() = default;

size_t ZSet::memoryUsage() const {
  size_t bytes = malloc_usable_size(const_cast<ZSet*>(this));  // allocated by make_unique (malloc)
  if (!large_) return bytes + lp_.allocated();
  return bytes + malloc_usable_size(large_.get()) + large_->list.allocated() + large_->index.memoryUsage();
}

std::unique_ptr<Value> ZSet::clone() const {
  auto copy = std::make_unique<ZSet>(large_ != nullptr);
  if (!large_) {
    copy->lp_.copyFrom(lp_);
  } else {
    copy->large_->index.reserve(size());
    forEach([&](std::string_view m, double s) { copy->insert(m, s); });
  }
  return copy;
}

bool ZSet::score(std::string_view member, double& out) const {
  if (!large_) {
    size_t off = lp_.find(member);
    if (off == lp_.end()) return false;
    out = lp_.scoreAt(off);
    return true;
  }
  ZNode* x = large_->index.findNoStep(member);
  if (!x) return false;
  out = x->score;
  return true;
}

bool ZSet::rank(std::string_view member, size_t& out) const {
  if (!large_) {
    size_t r = 0;
    for (size_t off = 0; off < lp_.end(); off = lp_.next(off), ++r) {
      if (lp_.memberAt(off) == member) {
        out = r;
        return true;
      }
    }
    return false;
  }
  ZNode* x = large_->index.findNoStep(member);
  if (!x) return false;
  out = large_->list.rankOf(x->score, member);
  return true;
}

void ZSet::scoreRangeRanks(const ScoreRange& r, size_t& first, size_t& last) const {
  if (large_) {
    first = large_->list.countBelowScore(r.min, r.minExclusive);
    last = large_->list.countUpToScore(r.max, r.maxExclusive);
  } else {
    first = last = 0;
    for (size_t off = 0; off < lp_.end(); off = lp_.next(off)) {
      double s = lp_.scoreAt(off);
      if (r.minExclusive ? s <= r.min : s < r.min) ++first;
      if (r.maxExclusive ? s < r.max : s <= r.max) ++last; else break;
    }
  }
  if (last < first) last = first;
}

void ZSet::lexRangeRanks(const LexRange& r, size_t& first, size_t& last, bool reverse) const {
  first = last = 0;
  size_t n = size();
  if (n == 0) return;
  std::string_view head, tail;
  double ignored;
  at(0, head, ignored);
  at(n - 1, tail, ignored);
  // Redis's zzlIsInLexRange / zslIsInLexRange precheck.
  if (!lexGteMin(tail, r) || !lexLteMax(head, r)) return;
  if (large_) {
    first = large_->list.countBelowLex(r);
    last = large_->list.countUpToLex(r);
    if (last < first) last = first;
    return;
  }
  std::vector<std::string_view> members;
  members.reserve(n);
  for (size_t off = 0; off < lp_.end(); off = lp_.next(off)) members.push_back(lp_.memberAt(off));
  if (!reverse) {
    size_t f = 0;
    while (f < n && !lexGteMin(members[f], r)) ++f;
    if (f == n || !lexLteMax(members[f], r)) return;
    size_t l = f + 1;
    while (l < n && lexLteMax(members[l], r)) ++l;
    first = f;
    last = l;
  } else {
    size_t t = n;
    while (t > 0 && !lexLteMax(members[t - 1], r)) --t;
    if (t == 0 || !lexGteMin(members[t - 1], r)) return;
    size_t f = t - 1;
    while (f > 0 && lexGteMin(members[f - 1], r)) --f;
    first = f;
    last = t;
  }
}

void ZSet::at(size_t rank, std::string_view& member, double& score) const {
  if (!large_) {
    size_t off = lp_.offsetOfRank(rank);
    member = lp_.memberAt(off);
    score = lp_.scoreAt(off);
  } else {
    ZNode* x = large_->list.nodeAt(rank);
    member = x->member();
    score = x->score;
  }
}

void ZSet::randomElement(std::string_view& member, double& score) const {
  if (large_) {
    ZNode* x = large_->index.randomNode();
    member = x->member();
    score = x->score;
    return;
  }
  at(static_cast<size_t>(randomU64() % size()), member, score);
}

void ZSet::convertToSkipList() {
  if (large_) return;
  auto large = std::make_unique<Large>();
  large->index.reserve(lp_.size());
  for (size_t off = 0; off < lp_.end(); off = lp_.next(off)) {
    std::string_view m = lp_.memberAt(off);
    large->index.insert(large->list.insert(lp_.scoreAt(off), m));
  }
  lp_.clear();
  large_ = std::move(large);
}

void ZSet::convertToListpackIfFits(size_t maxMemberLength, const EncodingLimits& limits) {
  if (!large_) return;
  if (static_cast<long long>(size()) > limits.zsetMaxListpackEntries ||
      static_cast<long long>(maxMemberLength) > limits.zsetMaxListpackValue)
    return;
  ZListpack lp;
  for (ZNode* x = large_->list.first(); x; x = x->levels[0].forward) lp.insert(x->member(), x->score);
  large_.reset();
  lp_.swap(lp);
}

void ZSet::prepareInsert(size_t memberLength, const EncodingLimits& limits) {
  if (large_) return;
  if (static_cast<long long>(lp_.size() + 1) > limits.zsetMaxListpackEntries ||
      static_cast<long long>(memberLength) > limits.zsetMaxListpackValue ||
      lp_.bytes() + memberLength + 32 > UINT32_MAX)
    convertToSkipList();
}

void ZSet::insert(std::string_view member, double score) {
  if (!large_) {
    lp_.insert(member, score);
    return;
  }
  large_->index.insert(large_->list.insert(score, member));
}

void ZSet::updateScore(std::string_view member, double newScore) {
  if (!large_) {
    std::string copy(member);
    lp_.eraseAt(lp_.find(copy));
    lp_.insert(copy, newScore);
    return;
  }
  ZNode* old = large_->index.find(member);
  if (!old) return;
  ZNode* prev = old->backward;
  ZNode* next = old->levels[0].forward;
  std::string_view m = old->member();
  if ((!prev || before(prev->score, prev->member(), newScore, m)) &&
      (!next || before(newScore, m, next->score, next->member()))) {
    old->score = newScore;  // still in order: no relinking
    return;
  }
  large_->list.updateScore(old, newScore);
}

bool ZSet::erase(std::string_view member) {
  if (!large_) {
    size_t off = lp_.find(member);
    if (off == lp_.end()) return false;
    lp_.eraseAt(off);
    return true;
  }
  ZNode* x = large_->index.find(member);
  if (!x) return false;
  std::string copy(x->member());
  double s = x->score;
  large_->index.detach(copy);
  large_->list.erase(s, copy);
  return true;
}

void ZSet::eraseRanks(size_t start, size_t end) {
  if (start > end || end >= size()) return;
  size_t n = end - start + 1;
  if (!large_) {
    lp_.eraseRun(lp_.offsetOfRank(start), n);
    return;
  }
  large_->list.eraseRanks(start, n, [&](ZNode* x) { large_->index.detach(x->member()); });
}

}  // namespace rp
