// RangeSet: a set of IPv4 addresses stored as sorted, disjoint, non-adjacent ranges.
//
// Invariant: ranges_ is sorted by `first`, and for consecutive ranges a, b:
// a.last + 1 < b.first (so the representation is canonical and two equal sets
// compare equal). Membership is a binary search: O(log n) in the number of ranges.
// Set algebra is a linear merge: O(n + m).
#ifndef NARROWSCAN_COMMON_RANGE_SET_H_
#define NARROWSCAN_COMMON_RANGE_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/ipv4.h"

namespace narrowscan {

class RangeSet {
 public:
  RangeSet() = default;
  explicit RangeSet(std::vector<Ipv4Range> ranges);  // any order, may overlap

  // O(log n) to find the place plus O(n) to move the tail; build large sets from a
  // vector with the constructor (O(n log n) in all).
  void Add(Ipv4Range range);
  void Add(Ipv4 address) { Add(Ipv4Range{address, address}); }

  bool Contains(Ipv4 address) const;
  // True when every address of `range` is in the set.
  bool ContainsRange(Ipv4Range range) const;
  // Number of addresses (up to 2^32, hence 64 bits).
  uint64_t Size() const;
  bool Empty() const { return ranges_.empty(); }

  RangeSet Union(const RangeSet& other) const;
  RangeSet Intersection(const RangeSet& other) const;
  RangeSet Subtract(const RangeSet& other) const;

  // The i-th address in ascending order. REQUIRES: i < Size(). O(log n) after the
  // first call (prefix sums are cached lazily; not thread-safe until then, so call
  // Size() or At(0) once before sharing across threads).
  Ipv4 At(uint64_t index) const;

  const std::vector<Ipv4Range>& ranges() const { return ranges_; }
  friend bool operator==(const RangeSet& a, const RangeSet& b) { return a.ranges_ == b.ranges_; }

 private:
  void Normalize();
  std::vector<Ipv4Range> ranges_;
  mutable std::vector<uint64_t> prefix_;  // prefix_[i] = addresses before ranges_[i]
};

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_RANGE_SET_H_
