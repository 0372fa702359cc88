// PlanScope: what a probe does with a verified plan (design §6) — pure logic.
//
// CheckPlan() refuses a plan bound to another probe id or whose version is not higher
// than the last accepted one (equal = the plan already held; the caller resumes it).
// ClipPlan() turns the plan into targets (scope addresses with the default profile's
// ports, listed hosts with their profile's ports instead), keeps only those inside the
// probe's local scope and outside every exclusion list, whatever the plan says, and
// counts the addresses it dropped.
#ifndef NARROWSCAN_PROBE_AGENT_PLAN_SCOPE_H_
#define NARROWSCAN_PROBE_AGENT_PLAN_SCOPE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/range_set.h"
#include "common/result.h"
#include "common/wire/messages.h"
#include "probe/engine/target_space.h"

namespace narrowscan {

enum class PlanVerdict { kNew, kCurrent, kRefused };
struct PlanCheck {
  PlanVerdict verdict;
  std::string reason;  // kRefused: why
};
PlanCheck CheckPlan(const wire::Plan& plan, const std::string& probe_id,
                    uint64_t last_accepted_version);

struct ClippedPlan {
  TargetSpace space;
  uint64_t dropped_addresses = 0;  // planned addresses outside scope or excluded
};
// `allowed` = local scope − (local exclusions ∪ the controller's exclusions).
// REQUIRES: the plan passed wire::ValidatePlan (every decoded, assembled plan has).
ClippedPlan ClipPlan(const wire::Plan& plan, const RangeSet& allowed);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_AGENT_PLAN_SCOPE_H_
