#include "probe/agent/plan_scope.h"

#include <fmt/format.h>

namespace narrowscan {

PlanCheck CheckPlan(const wire::Plan& plan, const std::string& probe_id,
                    uint64_t last_accepted_version) {
  if (plan.probe_id != probe_id)
    return {PlanVerdict::kRefused, fmt::format("plan v{} is bound to probe '{}', not '{}'",
                                               plan.version, plan.probe_id, probe_id)};
  if (plan.version < last_accepted_version)
    return {PlanVerdict::kRefused, fmt::format("plan v{} is older than the accepted v{}",
                                               plan.version, last_accepted_version)};
  if (plan.version == last_accepted_version) return {PlanVerdict::kCurrent, ""};
  return {PlanVerdict::kNew, ""};
}

ClippedPlan ClipPlan(const wire::Plan& plan, const RangeSet& allowed) {
  ClippedPlan out;
  // A listed host uses its profile's ports instead of the default ones, so it leaves
  // the default segment: no pair is scanned twice.
  std::vector<Ipv4Range> listed;
  for (const wire::PlanProfile& p : plan.profiles)
    for (Ipv4 ip : p.hosts) listed.push_back({ip, ip});
  const RangeSet scope = RangeSet(plan.scope).Subtract(RangeSet(std::move(listed)));
  const RangeSet kept = scope.Intersection(allowed);
  out.dropped_addresses += scope.Size() - kept.Size();
  if (!kept.Empty()) out.space.AddSegment(kept, plan.profiles.at(plan.default_profile).ports);
  for (const wire::PlanProfile& p : plan.profiles) {
    std::vector<Ipv4Range> hosts;
    hosts.reserve(p.hosts.size());
    for (Ipv4 ip : p.hosts) {
      if (allowed.Contains(ip)) {
        hosts.push_back({ip, ip});
      } else {
        ++out.dropped_addresses;
      }
    }
    out.space.AddSegment(RangeSet(std::move(hosts)), p.ports);
  }
  return out;
}

}  // namespace narrowscan
