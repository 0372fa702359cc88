#include "controller/fleet/planner.h"

#include <algorithm>
#include <map>

namespace narrowscan::fleet {

RangeSet SliceOf(const RangeSet& set, uint32_t slice, uint32_t slices) {
  if (slices <= 1) return set;
  const uint64_t n = set.Size();
  // Index bounds computed in 128 bits would be exact; n <= 2^32 and slices < 2^32
  // keep n * slice below 2^64.
  const uint64_t begin = n * slice / slices;
  const uint64_t end = n * (slice + 1) / slices;
  std::vector<Ipv4Range> out;
  uint64_t index = 0;  // index of the first address of the current range
  for (const Ipv4Range& r : set.ranges()) {
    const uint64_t r_begin = index, r_end = index + r.size();
    index = r_end;
    const uint64_t lo = std::max(begin, r_begin), hi = std::min(end, r_end);
    if (lo < hi)
      out.push_back({static_cast<Ipv4>(r.first + (lo - r_begin)),
                     static_cast<Ipv4>(r.first + (hi - r_begin) - 1)});
    if (r_end >= end) break;
  }
  return RangeSet(std::move(out));
}

template <class T>
double JaccardDistance(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.empty() && b.empty()) return 0.0;
  size_t common = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++common, ++i, ++j;
    }
  }
  const size_t united = a.size() + b.size() - common;
  return 1.0 - static_cast<double>(common) / static_cast<double>(united);
}
template double JaccardDistance(const std::vector<uint16_t>&, const std::vector<uint16_t>&);
template double JaccardDistance(const std::vector<std::string>&, const std::vector<std::string>&);

bool Deviates(const Observation& previous, const Observation& current,
              const std::vector<uint16_t>& scanned_now, double max_distance) {
  if (!previous.open_ports.empty() && current.open_ports.empty()) return true;
  std::vector<uint16_t> comparable;
  std::set_intersection(previous.open_ports.begin(), previous.open_ports.end(), scanned_now.begin(),
                        scanned_now.end(), std::back_inserter(comparable));
  if (JaccardDistance(comparable, current.open_ports) > max_distance) return true;
  return JaccardDistance(previous.devices, current.devices) > max_distance;
}

ProbePlan MakeProbePlan(const PlannerConfig& config, const RangeSet& scope,
                        std::span<const KnownHost> hosts, uint64_t round, bool first_round) {
  ProbePlan plan;
  plan.profiles.push_back(config.standard_ports);
  plan.hosts_by_profile.emplace_back();
  const uint64_t standard = config.standard_ports.size();
  std::map<std::vector<uint16_t>, size_t> profile_index{{config.standard_ports, 0}};

  std::vector<Ipv4Range> known;
  for (const KnownHost& h : hosts) {
    if (!scope.Contains(h.ip)) continue;
    known.push_back({h.ip, h.ip});
    plan.responsive_equivalent += standard;
    const bool narrowed = !h.estimated_ports.empty() && !h.deviated;
    const std::vector<uint16_t>& ports = narrowed ? h.estimated_ports : config.standard_ports;
    auto [it, added] = profile_index.try_emplace(ports, plan.profiles.size());
    if (added) {
      plan.profiles.push_back(ports);
      plan.hosts_by_profile.emplace_back();
    }
    plan.hosts_by_profile[it->second].push_back(h.ip);
    (narrowed ? plan.planned_narrowed : plan.planned_standard) += ports.size();
  }
  for (auto& list : plan.hosts_by_profile) std::sort(list.begin(), list.end());

  const RangeSet silent = scope.Subtract(RangeSet(std::move(known)));
  const uint32_t k = std::max<uint32_t>(1, config.discovery_slices);
  plan.sweep = first_round ? silent : SliceOf(silent, static_cast<uint32_t>(round % k), k);
  plan.planned_discovery = plan.sweep.Size() * standard;
  plan.standard_equivalent = scope.Size() * standard;
  return plan;
}

}  // namespace narrowscan::fleet
