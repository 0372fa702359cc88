#include "controller/fleet/planner.h"

#include <algorithm>
#include <map>
#include <unordered_map>

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
  // Strict on ports: one closed or one new port means the host is not what its plan
  // assumed, and only the standard set shows what else changed.
  for (uint16_t p : comparable)
    if (!std::binary_search(current.open_ports.begin(), current.open_ports.end(), p)) return true;
  for (uint16_t p : current.open_ports) {
    if (std::binary_search(previous.open_ports.begin(), previous.open_ports.end(), p)) continue;
    const bool looked_before =
        previous.scanned.empty() ||
        std::binary_search(previous.scanned.begin(), previous.scanned.end(), p);
    if (looked_before) return true;
  }
  if (!previous.banner_key.empty() && !current.banner_key.empty() &&
      previous.banner_key != current.banner_key)
    return true;
  return JaccardDistance(previous.devices, current.devices) > max_distance;
}

namespace {

// A 32-bit mixer (murmur3's finaliser): neighbouring addresses land on unrelated
// refresh turns, so a /24 is not refreshed all at once.
uint32_t Mix(uint32_t x) {
  x ^= x >> 16;
  x *= 0x85ebca6bu;
  x ^= x >> 13;
  x *= 0xc2b2ae35u;
  x ^= x >> 16;
  return x;
}

std::vector<uint16_t> UnionWithin(const std::vector<uint16_t>& standard,
                                  std::initializer_list<const std::vector<uint16_t>*> sets) {
  std::vector<uint16_t> out;
  for (const std::vector<uint16_t>* s : sets) out.insert(out.end(), s->begin(), s->end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::vector<uint16_t> within;
  std::set_intersection(out.begin(), out.end(), standard.begin(), standard.end(),
                        std::back_inserter(within));
  return within;
}

}  // namespace

bool IsRefreshTurn(Ipv4 ip, uint64_t round, uint32_t refresh_slices) {
  if (refresh_slices == 0) return false;
  return (Mix(ip) + round) % refresh_slices == 0;
}

bool RefreshDue(const KnownHost& host, uint64_t round, uint32_t refresh_slices) {
  if (refresh_slices == 0) return false;
  if (!host.fully_observed) return IsRefreshTurn(host.ip, round, refresh_slices);
  const int64_t age = static_cast<int64_t>(round) - host.full_round;
  // A full scan one round ago leaves nothing for a refresh to find.
  if (age >= static_cast<int64_t>(refresh_slices)) return true;
  return age >= 2 && IsRefreshTurn(host.ip, round, refresh_slices);
}

HostPlan PlanHost(const PlannerConfig& config, const KnownHost& host, uint64_t round) {
  const std::vector<uint16_t>& standard = config.standard_ports;
  if (host.silent_streak > 0) {
    // Silence says nothing about its ports: look again where it answered, cheaply.
    if (host.silent_streak > config.silent_rechecks) return {HostPlanKind::kRecheck, {}};
    std::vector<uint16_t> own = UnionWithin(standard, {&host.open_ports});
    if (own.empty()) return {HostPlanKind::kStandard, standard};
    return {HostPlanKind::kRecheck, std::move(own)};
  }
  if (host.deviated) return {HostPlanKind::kStandard, standard};
  if (RefreshDue(host, round, config.refresh_slices)) return {HostPlanKind::kRefresh, standard};
  const bool estimated = !host.estimated_ports.empty();
  // A profile narrows only a host whose own ports were once seen in full; an estimate
  // (the paper's rule) narrows on its own.
  if (!estimated && !(host.has_profile && host.fully_observed))
    return {HostPlanKind::kStandard, standard};
  // The paper's rule keeps the entries' own ports, inside the standard set or not; what
  // the profile learned and the host's own ports stay within the standard set.
  const std::vector<uint16_t> learned = UnionWithin(
      standard, {host.has_profile ? &host.learned_ports : &host.open_ports, &host.open_ports});
  if (!estimated && (learned.empty() || learned.size() >= standard.size()))
    return {HostPlanKind::kStandard, standard};
  std::vector<uint16_t> ports;
  std::set_union(host.estimated_ports.begin(), host.estimated_ports.end(), learned.begin(),
                 learned.end(), std::back_inserter(ports));
  return {HostPlanKind::kNarrowed, std::move(ports)};
}

ProbePlan MakeProbePlan(const PlannerConfig& config, const RangeSet& scope,
                        std::span<const KnownHost> hosts, uint64_t round, bool first_round,
                        const DiscoveryHints& hints) {
  ProbePlan plan;
  plan.profiles.push_back(config.standard_ports);
  plan.hosts_by_profile.emplace_back();
  const uint64_t standard = config.standard_ports.size();
  std::map<std::vector<uint16_t>, size_t> profile_index{{config.standard_ports, 0}};
  auto list = [&](const std::vector<uint16_t>& ports, Ipv4 ip) {
    auto [it, added] = profile_index.try_emplace(ports, plan.profiles.size());
    if (added) {
      plan.profiles.push_back(ports);
      plan.hosts_by_profile.emplace_back();
    }
    plan.hosts_by_profile[it->second].push_back(ip);
  };

  // Watch evidence per /24: hosts that appeared or vanished lately. While churn is not
  // yet measurable (fewer than two rounds after the probe's first), every populated
  // /24 is watched on the bootstrap ports.
  const bool measured = hints.completed_rounds >= 2;
  const auto r = static_cast<int64_t>(round);
  std::unordered_map<uint32_t, uint32_t> evidence;  // /24 → events (0: populated only)
  std::vector<Ipv4> listed;  // ascending: hosts come sorted by ip
  for (const KnownHost& h : hosts) {
    if (!scope.Contains(h.ip)) continue;
    plan.responsive_equivalent += standard;
    const bool appeared = h.first_round > hints.probe_first_round &&
                          r - h.first_round <= static_cast<int64_t>(config.watch_rounds);
    const bool vanished = h.silent_streak > 0 &&
                          r - h.last_round <= static_cast<int64_t>(config.watch_rounds +
                                                                    config.silent_rechecks + 1);
    if (appeared || vanished)
      ++evidence[h.ip >> 8];
    else if (!measured)
      evidence.try_emplace(h.ip >> 8, 0);

    HostPlan hp = PlanHost(config, h, round);
    if (hp.ports.empty()) continue;  // back to the silent space
    listed.push_back(h.ip);
    list(hp.ports, h.ip);
    const uint64_t n = hp.ports.size();
    switch (hp.kind) {
      case HostPlanKind::kNarrowed:
      case HostPlanKind::kRecheck:
        plan.planned_narrowed += n;
        if (h.profile >= 0 && hp.kind == HostPlanKind::kNarrowed) {
          ProfileSaving& s = plan.savings[h.profile];
          ++s.hosts;
          s.saved += standard - n;
        }
        break;
      case HostPlanKind::kRefresh:
        plan.planned_refresh += n;
        plan.planned_standard += n;
        break;
      default:
        plan.planned_standard += n;
    }
  }
  std::vector<Ipv4Range> listed_ranges;
  listed_ranges.reserve(listed.size());
  for (Ipv4 ip : listed) listed_ranges.push_back({ip, ip});
  const RangeSet silent = scope.Subtract(RangeSet(std::move(listed_ranges)));
  const uint32_t k = std::max<uint32_t>(1, config.discovery_slices);
  plan.sweep = first_round ? silent : SliceOf(silent, static_cast<uint32_t>(round % k), k);
  plan.planned_discovery = plan.sweep.Size() * standard;
  plan.standard_equivalent = scope.Size() * standard;

  if (!first_round && !hints.liveness_ports.empty() && !evidence.empty()) {
    // Most evidence first, so the address bound keeps the /24s most likely to answer.
    std::vector<std::pair<uint32_t, uint32_t>> blocks(evidence.begin(), evidence.end());
    std::sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    const std::vector<uint16_t>& all = hints.liveness_ports;
    std::vector<uint16_t> full(all), boot(all.begin(),
                                          all.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                            all.size(), hints.bootstrap_ports)));
    std::sort(full.begin(), full.end());
    std::sort(boot.begin(), boot.end());
    plan.liveness_port_sets = {full};
    if (boot != full) plan.liveness_port_sets.push_back(boot);
    const RangeSet unswept = silent.Subtract(plan.sweep);
    uint64_t budget = config.max_liveness_addresses;
    for (const auto& [block, events] : blocks) {
      if (budget == 0) break;
      const Ipv4 first = block << 8;
      const RangeSet in_block = unswept.Intersection(RangeSet({{first, first | 0xffu}}));
      if (in_block.Size() == 0) continue;
      ++plan.watched_blocks;
      const std::vector<uint16_t>& ports = events > 0 ? full : boot;
      for (const Ipv4Range& range : in_block.ranges())
        for (uint64_t a = range.first; a <= range.last && budget > 0; ++a, --budget) {
          list(ports, static_cast<Ipv4>(a));
          plan.planned_liveness += ports.size();
        }
    }
    plan.planned_discovery += plan.planned_liveness;
  }
  for (auto& l : plan.hosts_by_profile) std::sort(l.begin(), l.end());
  return plan;
}

}  // namespace narrowscan::fleet
