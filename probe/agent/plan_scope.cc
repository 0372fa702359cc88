#include "probe/agent/plan_scope.h"

#include <fmt/format.h>

namespace narrowscan {

PlanCheck CheckPlan(const fleetwire::Plan& plan, const std::string& probe_id,
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

ClippedPlan ClipPlan(const fleetwire::Plan& plan, const RangeSet& allowed) {
  ClippedPlan out;
  const RangeSet sweep(plan.sweep);
  const RangeSet kept = sweep.Intersection(allowed);
  out.dropped_addresses += sweep.Size() - kept.Size();
  out.space.AddSegment(kept, plan.standard_ports);
  for (const fleetwire::PlanProfile& p : plan.profiles) {
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
