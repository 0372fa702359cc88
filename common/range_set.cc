#include "common/range_set.h"

#include <algorithm>
#include <cassert>

namespace narrowscan {

RangeSet::RangeSet(std::vector<Ipv4Range> ranges) : ranges_(std::move(ranges)) { Normalize(); }

// Sorts and merges overlapping or adjacent ranges, restoring the class invariant.
void RangeSet::Normalize() {
  prefix_.clear();
  if (ranges_.empty()) return;
  std::sort(ranges_.begin(), ranges_.end(),
            [](const Ipv4Range& a, const Ipv4Range& b) { return a.first < b.first; });
  size_t out = 0;
  for (size_t i = 1; i < ranges_.size(); ++i) {
    Ipv4Range& cur = ranges_[out];
    const Ipv4Range& next = ranges_[i];
    // 64-bit so that last == 0xffffffff does not wrap.
    if (uint64_t{next.first} <= uint64_t{cur.last} + 1) {
      cur.last = std::max(cur.last, next.last);
    } else {
      ranges_[++out] = next;
    }
  }
  ranges_.resize(out + 1);
}

void RangeSet::Add(Ipv4Range range) {
  assert(range.first <= range.last);
  prefix_.clear();
  // [lo, hi) are the ranges that overlap or touch `range` (64-bit: no wrap at the top).
  auto lo = std::partition_point(ranges_.begin(), ranges_.end(), [&](const Ipv4Range& r) {
    return uint64_t{r.last} + 1 < range.first;
  });
  auto hi = std::partition_point(lo, ranges_.end(), [&](const Ipv4Range& r) {
    return uint64_t{r.first} <= uint64_t{range.last} + 1;
  });
  if (lo == hi) {
    ranges_.insert(lo, range);
    return;
  }
  lo->first = std::min(lo->first, range.first);
  lo->last = std::max((hi - 1)->last, range.last);
  ranges_.erase(lo + 1, hi);
}

bool RangeSet::Contains(Ipv4 address) const { return ContainsRange(Ipv4Range{address, address}); }

bool RangeSet::ContainsRange(Ipv4Range range) const {
  // The last range whose first <= range.first is the only candidate (ranges are disjoint).
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), range.first,
                             [](Ipv4 a, const Ipv4Range& r) { return a < r.first; });
  if (it == ranges_.begin()) return false;
  --it;
  return it->first <= range.first && range.last <= it->last;
}

uint64_t RangeSet::Size() const {
  if (ranges_.empty()) return 0;
  if (prefix_.size() != ranges_.size()) {
    prefix_.resize(ranges_.size());
    uint64_t total = 0;
    for (size_t i = 0; i < ranges_.size(); ++i) {
      prefix_[i] = total;
      total += ranges_[i].size();
    }
  }
  return prefix_.back() + ranges_.back().size();
}

Ipv4 RangeSet::At(uint64_t index) const {
  assert(index < Size());
  (void)Size();  // builds prefix_
  auto it = std::upper_bound(prefix_.begin(), prefix_.end(), index);
  size_t i = static_cast<size_t>(it - prefix_.begin()) - 1;
  return static_cast<Ipv4>(ranges_[i].first + (index - prefix_[i]));
}

RangeSet RangeSet::Union(const RangeSet& other) const {
  std::vector<Ipv4Range> all;
  all.reserve(ranges_.size() + other.ranges_.size());
  std::merge(ranges_.begin(), ranges_.end(), other.ranges_.begin(), other.ranges_.end(),
             std::back_inserter(all),
             [](const Ipv4Range& a, const Ipv4Range& b) { return a.first < b.first; });
  return RangeSet(std::move(all));
}

RangeSet RangeSet::Intersection(const RangeSet& other) const {
  RangeSet out;
  size_t i = 0, j = 0;
  while (i < ranges_.size() && j < other.ranges_.size()) {
    const Ipv4Range& a = ranges_[i];
    const Ipv4Range& b = other.ranges_[j];
    Ipv4 lo = std::max(a.first, b.first);
    Ipv4 hi = std::min(a.last, b.last);
    // Both inputs are canonical, so pieces come out sorted and non-adjacent.
    if (lo <= hi) out.ranges_.push_back({lo, hi});
    if (a.last < b.last) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

RangeSet RangeSet::Subtract(const RangeSet& other) const {
  RangeSet out;
  size_t j = 0;
  for (const Ipv4Range& a : ranges_) {
    uint64_t lo = a.first;  // 64-bit: the remaining piece may start past 0xffffffff
    const uint64_t hi = a.last;
    while (j < other.ranges_.size() && other.ranges_[j].last < lo) ++j;
    size_t k = j;
    while (lo <= hi && k < other.ranges_.size() && other.ranges_[k].first <= hi) {
      const Ipv4Range& b = other.ranges_[k];
      if (b.first > lo) out.ranges_.push_back({static_cast<Ipv4>(lo), b.first - 1});
      lo = uint64_t{b.last} + 1;
      if (b.last <= hi) {
        ++k;
      } else {
        break;
      }
    }
    if (lo <= hi) out.ranges_.push_back({static_cast<Ipv4>(lo), static_cast<Ipv4>(hi)});
    j = k;
  }
  return out;
}

}  // namespace narrowscan
