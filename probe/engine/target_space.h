// TargetSpace: the (ip, port) pairs of a scan as a sequence of segments, each a set of
// addresses that all get the same port list (the standalone scan is one segment; a
// plan is the standard set for its region plus one segment per port profile).
//
// Pair index i in [0, Size()) maps to a pair in O(log segments + log ranges) with no
// per-pair storage, so a TargetPermutation over [0, Size()) walks the space in random
// order. Within a segment, index = address_index * ports + port_index.
// Segments may overlap (the owner is responsible for disjointness when that matters).
#ifndef NARROWSCAN_PROBE_ENGINE_TARGET_SPACE_H_
#define NARROWSCAN_PROBE_ENGINE_TARGET_SPACE_H_

#include <cstdint>
#include <vector>

#include "common/ipv4.h"
#include "common/range_set.h"

namespace narrowscan {

struct Target {
  Ipv4 ip = 0;
  uint16_t port = 0;
  friend bool operator==(const Target&, const Target&) = default;
};

class TargetSpace {
 public:
  // Segments with no address or no port are ignored. `ports` need not be sorted.
  void AddSegment(RangeSet addresses, std::vector<uint16_t> ports);

  uint64_t Size() const { return total_; }
  bool Empty() const { return total_ == 0; }
  // REQUIRES: index < Size().
  Target At(uint64_t index) const;
  // Every address of every segment (the scope this space can ever touch).
  RangeSet Addresses() const;

 private:
  struct Segment {
    RangeSet addresses;
    std::vector<uint16_t> ports;
    uint64_t first_index;  // index of this segment's first pair
  };
  std::vector<Segment> segments_;
  uint64_t total_ = 0;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_TARGET_SPACE_H_
