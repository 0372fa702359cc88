#include "controller/fleet/report_scope.h"

#include <fmt/format.h>

#include <algorithm>

namespace narrowscan::fleet {

void ReportScope::AddPlan(const wire::Plan& plan) {
  PlanPairs pairs;
  pairs.scope = plan.scope;
  pairs.default_profile = plan.default_profile;
  size_t listed = 0;
  for (const wire::PlanProfile& p : plan.profiles) listed += p.hosts.size();
  pairs.listed.reserve(listed);
  for (uint32_t i = 0; i < plan.profiles.size(); ++i) {
    pairs.profile_ports.push_back(plan.profiles[i].ports);
    for (Ipv4 ip : plan.profiles[i].hosts) pairs.listed.emplace_back(ip, i);
  }
  // Hosts are unique across profiles (ValidatePlan), so sorting by host alone is exact.
  std::sort(pairs.listed.begin(), pairs.listed.end());
  plans_.push_back(std::move(pairs));
}

bool ReportScope::Gives(const PlanPairs& plan, Ipv4 ip, uint16_t port) {
  auto has_port = [&](uint32_t profile) {
    const std::vector<uint16_t>& ports = plan.profile_ports[profile];
    return std::binary_search(ports.begin(), ports.end(), port);
  };
  auto host = std::lower_bound(plan.listed.begin(), plan.listed.end(), ip,
                               [](const std::pair<Ipv4, uint32_t>& h, Ipv4 a) { return h.first < a; });
  if (host != plan.listed.end() && host->first == ip) return has_port(host->second);
  // The first range that ends at or after ip holds it if it starts at or before it.
  auto range = std::lower_bound(plan.scope.begin(), plan.scope.end(), ip,
                                [](const Ipv4Range& r, Ipv4 a) { return r.last < a; });
  if (range == plan.scope.end() || range->first > ip) return false;
  return plan.default_profile < plan.profile_ports.size() && has_port(plan.default_profile);
}

bool ReportScope::Allows(Ipv4 ip, uint16_t port) const {
  return std::any_of(plans_.begin(), plans_.end(),
                     [&](const PlanPairs& p) { return Gives(p, ip, port); });
}

Status ReportScope::Check(const wire::ReportBatch& batch, bool round_ended,
                          uint64_t results_so_far, uint64_t planned_pairs) const {
  if (round_ended)
    return Error{fmt::format("round {} has ended (seq {})", batch.round_id, batch.seq)};
  for (const wire::PortResult& r : batch.results)
    if (!Allows(r.ip, r.port))
      return Error{fmt::format("result for {}:{}, a pair its plan for round {} does not give it",
                               FormatIpv4(r.ip), r.port, batch.round_id)};
  if (results_so_far + batch.results.size() > MaxResults(planned_pairs))
    return Error{fmt::format("{} results in round {} (seq {}) where its plan has {} pairs",
                             results_so_far + batch.results.size(), batch.round_id, batch.seq,
                             planned_pairs)};
  return Status::Ok();
}

}  // namespace narrowscan::fleet
