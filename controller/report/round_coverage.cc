#include "controller/report/round_coverage.h"

#include <algorithm>

namespace narrowscan {

namespace {

enum class Since { kStayed, kMoved, kAppeared };

Since Compare(const TruthRecord& now, const GroundTruth& previous) {
  if (now.host_id.empty()) return previous.Find(now.ip) ? Since::kStayed : Since::kAppeared;
  const TruthRecord* before = previous.FindHostId(now.host_id);
  if (!before) return Since::kAppeared;
  return before->ip == now.ip ? Since::kStayed : Since::kMoved;
}

}  // namespace

std::optional<double> CoverageCount::ratio() const {
  if (truth == 0) return std::nullopt;
  return static_cast<double>(found) / static_cast<double>(truth);
}

RoundCoverage MeasureRoundCoverage(const RoundCoverageInput& in) {
  RoundCoverage c;
  if (!in.truth) return c;
  c.has_previous = in.previous != nullptr;
  for (const auto& [ip, rec] : in.truth->hosts()) {
    const Since since = c.has_previous ? Compare(rec, *in.previous) : Since::kStayed;
    auto found = in.found_open.find(ip);
    CoverageCount& by_estimate = in.estimated.count(ip) ? c.estimated : c.not_estimated;
    CoverageCount& by_kind = rec.noise ? c.noise : c.iot;
    CoverageCount* by_change = since == Since::kMoved      ? &c.moved
                               : since == Since::kAppeared ? &c.appeared
                                                           : nullptr;
    for (uint16_t port : rec.open_ports) {
      const size_t hit = found != in.found_open.end() && found->second.count(port) ? 1 : 0;
      if (!std::binary_search(in.standard_ports.begin(), in.standard_ports.end(), port)) {
        ++c.outside_standard_set;
        c.outside_standard_set_found += hit;
        continue;
      }
      for (CoverageCount* count : {&c.all, &by_estimate, &by_kind, by_change}) {
        if (!count) continue;
        ++count->truth;
        count->found += hit;
      }
    }
  }
  return c;
}

}  // namespace narrowscan
