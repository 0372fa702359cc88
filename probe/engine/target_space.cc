#include "probe/engine/target_space.h"

#include <algorithm>
#include <utility>

namespace narrowscan {

void TargetSpace::AddSegment(RangeSet addresses, std::vector<uint16_t> ports) {
  const uint64_t n = addresses.Size() * ports.size();
  if (n == 0) return;
  addresses.At(0);  // builds the prefix cache now, while the space is still private
  segments_.push_back(Segment{std::move(addresses), std::move(ports), total_});
  total_ += n;
}

Target TargetSpace::At(uint64_t index) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), index,
                             [](uint64_t i, const Segment& s) { return i < s.first_index; });
  const Segment& s = *(it - 1);
  const uint64_t local = index - s.first_index;
  const uint64_t nports = s.ports.size();
  return Target{s.addresses.At(local / nports), s.ports[local % nports]};
}

RangeSet TargetSpace::Addresses() const {
  RangeSet all;
  for (const Segment& s : segments_) all = all.Union(s.addresses);
  return all;
}

}  // namespace narrowscan
